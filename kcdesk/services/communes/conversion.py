"""District-era communes onto the units since 1 July 2025 (chuyển đổi xã, phường cũ sang mới).

The conversion table comes from the maintained package ``vietnamadminunits`` (MIT,
pinned in pyproject.toml): its ``data/converter_2025.json`` names, for every new
province, the old provinces it took in (``DICT_PROVINCE``), the old communes that went
*whole* into one new unit (``DICT_PROVINCE_WARD_NO_DIVIDED``: certain) and those that
were split among several (``DICT_PROVINCE_WARD_DIVIDED``: never certain — the package
guesses from a map, we list them for the user). Only that data file is read: the
package's own converter geocodes over the network and is never imported.

Its keys are folded names without spaces (``tinhhaiduong_huyenbinhgiang_xatanhong``),
kept with diacritics where two folded names would collide. A new unit's key is turned
into the official code of ``vietnam-provinces`` by its folded name within the new
province; a key two units share stays a list of candidates.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kcdesk.services.communes.official import (
    OfficialCommune,
    OfficialProvince,
    communes,
    find_province,
    provinces_by_code,
)
from kcdesk.text import fold, nfc

_DATA = ("vietnamadminunits", "data", "converter_2025.json")
_OLD_WARD_TYPES = ("xa", "phuong", "thitran")
_DISTRICT_TYPES = ("huyen", "quan", "thixa", "thanhpho")


@dataclass(frozen=True)
class Conversion:
    """What one district-era commune became: the unit when certain, else candidates."""

    old_name: str
    commune: OfficialCommune | None  # certain
    candidates: tuple[OfficialCommune, ...]  # to choose from when not certain
    known: bool  # the old commune was found in the conversion table

    @property
    def certain(self) -> bool:
        return self.commune is not None


def _data_path() -> Path:
    # Located without importing the package (its __init__ pulls in the geocoder).
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", "")).joinpath(*_DATA)
    spec = importlib.util.find_spec(_DATA[0])
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*_DATA[1:])


@cache
def _table() -> dict[str, Any]:
    with _data_path().open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def key(text: str) -> str:
    """The package's key of a name: folded, only letters and digits."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _accented_key(text: str) -> str:
    # The package's key where the folded one would be shared by two units.
    return re.sub(r"[\s'’.\-]", "", nfc(text).lower())


def province_key(province: OfficialProvince | str) -> str:
    if isinstance(province, OfficialProvince):
        kind = "tinh" if province.kind == "tỉnh" else "thanhpho"
        return kind + key(province.bare_name)
    return key(province)


def old_provinces(new: OfficialProvince) -> list[str]:
    """Keys of the provinces ``new`` took in, itself included ("tinhhaiduong", …)."""
    return list(_table()["DICT_PROVINCE"].get(province_key(new), []))


def new_province_of(old_name: str) -> OfficialProvince | None:
    """The province an old province (by name, "Hải Dương") is part of since 2025."""
    wanted = key(old_name)
    for new_key, olds in _table()["DICT_PROVINCE"].items():
        if any(o in (wanted, "tinh" + wanted, "thanhpho" + wanted) for o in olds):
            for province in provinces_by_code().values():
                if province_key(province) == new_key:
                    return province
    return None


@cache
def _official_by_key(province_code: str) -> dict[str, tuple[OfficialCommune, ...]]:
    out: dict[str, list[OfficialCommune]] = {}
    province = provinces_by_code()[province_code]
    for unit in communes(province):
        for k in {key(unit.name), _accented_key(unit.name)}:
            out.setdefault(k, []).append(unit)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _old_index(province_code: str) -> dict[str, list[tuple[str, str, tuple[str, ...], bool]]]:
    """ward key → [(old province key, district key, new ward keys, whole)]."""
    province = provinces_by_code()[province_code]
    pkey = province_key(province)
    index: dict[str, list[tuple[str, str, tuple[str, ...], bool]]] = {}

    def add(old: str, new: tuple[str, ...], whole: bool) -> None:
        parts = old.split("_")
        if len(parts) != 3 or not parts[2]:
            return
        index.setdefault(parts[2], []).append((parts[0], parts[1], new, whole))

    for new_key, olds in _table()["DICT_PROVINCE_WARD_NO_DIVIDED"].get(pkey, {}).items():
        for old in olds:
            add(old, (new_key,), True)
    for old, news in _table()["DICT_PROVINCE_WARD_DIVIDED"].get(pkey, {}).items():
        add(old, tuple(n["newWardKey"] for n in news), False)
    return index


def _ward_keys(part: str) -> list[str]:
    folded = key(part)
    if folded.startswith(_OLD_WARD_TYPES):
        return [folded, _accented_key(part)]
    return [t + folded for t in _OLD_WARD_TYPES] + [
        t + _accented_key(part) for t in ("xã", "phường", "thịtrấn")
    ]


def _district_key(parts: list[str]) -> str | None:
    for part in parts[1:]:
        k = key(part)
        if k.startswith(_DISTRICT_TYPES):
            return k
    return None


def convert(
    text: str | None, new_province: OfficialProvince, *, old_province: str | None = None
) -> Conversion:
    """Where the district-era commune ``text`` (of ``old_province`` if given) is now.

    Certain only when every old commune of that name (in the district, if the text
    names one) went whole into the same one unit; a split commune, a name two old
    districts share with different outcomes, or a new key two units share gives the
    candidates instead. A name not in the table gives ``known=False``.
    """
    name = nfc(text)
    parts = [p.strip() for p in re.split(r"[,;]", name) if p.strip()]
    if not parts:
        return Conversion(name, None, (), False)
    allowed = set(old_provinces(new_province))
    if old_province:
        wanted = key(old_province)
        allowed &= {wanted, "tinh" + wanted, "thanhpho" + wanted}
    district = _district_key(parts)
    index = _old_index(new_province.code)
    hits = [
        hit
        for ward in _ward_keys(parts[0])
        for hit in index.get(ward, [])
        if hit[0] in allowed and (district is None or hit[1] == district)
    ]
    if not hits:
        return Conversion(name, None, (), False)
    official = _official_by_key(new_province.code)
    units: dict[str, OfficialCommune] = {}
    for _prov, _district, news, _whole in hits:
        for new_key in news:
            for unit in official.get(new_key, ()):
                units[unit.code] = unit
    candidates = tuple(sorted(units.values(), key=lambda c: (fold(c.bare_name), c.code)))
    whole = all(h[3] for h in hits)
    if whole and len(candidates) == 1:
        return Conversion(name, candidates[0], (), True)
    return Conversion(name, None, candidates, True)


def convert_in(text: str | None, province_name: str, old_province: str | None = None) -> Conversion:
    """:func:`convert` for a province given by name ("Hải Phòng"); unknown → not known."""
    province = find_province(province_name)
    if province is None:
        return Conversion(nfc(text), None, (), False)
    return convert(text, province, old_province=old_province)

"""Old commune names onto the new province's two-level units (đơn vị hành chính cấp xã).

The official list of the 3,321 communes, wards and special zones since 1 July 2025
comes from the maintained package ``vietnam-provinces``; the conversion of the old
province's district-era communes from ``vietnamadminunits`` (services.communes.conversion).
An old commune that went whole into one new unit is mapped to it; one that was split,
or a name that several old communes shared with different outcomes, is listed with
its candidates for the user to choose ("cần người dùng chọn"). A name not in the
conversion table is mapped only when it is exactly the name of a unit of the new
province (already written the new way). Nothing is guessed; the record keeps its
district-era text and gets the new unit's code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kcdesk.services.communes.conversion import convert_in
from kcdesk.text import fold

_PROVINCE_PREFIX = re.compile(r"^(tinh|thanh pho|tp\.?)\s+")


@dataclass(frozen=True)
class CommuneMapping:
    """One commune name of the other Centre and the unit it is in now, if certain."""

    old_name: str
    new_name: str | None
    new_code: str | None  # the official code, zero-padded ("10525")
    uses: int
    # When not certain: the units it may be in now, (code, name), for the user to choose.
    candidates: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "old": self.old_name,
            "new": self.new_name,
            "new_code": self.new_code,
            "uses": self.uses,
            "candidates": [{"code": c, "name": n} for c, n in self.candidates],
        }


def _exact_key(name: str) -> str:
    text = unicodedata.normalize("NFC", name or "")
    return " ".join(text.split()).casefold()


def _bare_province(name: str) -> str:
    return _PROVINCE_PREFIX.sub("", fold(name)).strip()


@lru_cache(maxsize=8)
def units_of(province: str) -> dict[str, tuple[str, str]]:
    """The communes of ``province`` (by exact key): name and official code; {} if unknown."""
    # Imported here: the package loads ~1 MB of tables, needed only when merging.
    from vietnam_provinces import Province, Ward

    wanted = _bare_province(province)
    if not wanted:
        return {}
    for candidate in Province.iter_all():
        if _bare_province(candidate.name) == wanted:
            return {
                _exact_key(w.name): (w.name, f"{int(w.code):05d}")
                for w in Ward.iter_by_province(candidate.code)
            }
    return {}


def map_communes(
    province: str, names: Iterable[str], old_province: str | None = None
) -> list[CommuneMapping]:
    """Every distinct non-empty name of ``names``, mapped when certain, by name order.

    ``old_province`` ("Hải Dương") limits the conversion to that old province's communes.
    """
    counts: dict[str, int] = {}
    for name in names:
        text = " ".join((name or "").split())
        if text:
            counts[text] = counts.get(text, 0) + 1
    units = units_of(province)
    out = []
    for name in sorted(counts, key=fold):
        converted = convert_in(name, province, old_province)
        if converted.known:
            unit = converted.commune
            out.append(
                CommuneMapping(
                    old_name=name,
                    new_name=unit.name if unit else None,
                    new_code=unit.code if unit else None,
                    uses=counts[name],
                    candidates=tuple((c.code, c.name) for c in converted.candidates),
                )
            )
            continue
        hit = units.get(_exact_key(name))
        out.append(
            CommuneMapping(
                old_name=name,
                new_name=hit[0] if hit else None,
                new_code=hit[1] if hit else None,
                uses=counts[name],
            )
        )
    return out

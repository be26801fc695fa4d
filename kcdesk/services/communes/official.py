"""The official list of provinces and communes (danh mục đơn vị hành chính từ 01/7/2025).

Codes are the statistics office's codes as text, zero-padded like the published list
("01", "01273"): that is how they are printed and exchanged, and text codes keep
their leading zeros in any database engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, Ward

from kcdesk.text import fold, fold_words, nfc

# The unit type words at the front of an official name, longest first.
_TYPE_WORDS = ("thành phố", "đặc khu", "phường", "tỉnh", "xã")


@dataclass(frozen=True)
class OfficialProvince:
    """Tỉnh / thành phố trực thuộc trung ương."""

    code: str
    name: str  # "Cao Bằng", "Thành phố Hà Nội"
    kind: str  # "tỉnh" or "thành phố trung ương"

    @property
    def bare_name(self) -> str:
        """The name without "Thành phố" ("Hà Nội")."""
        return strip_type(self.name)

    @property
    def address_name(self) -> str:
        """How the province ends an address: "tỉnh Cao Bằng", "thành phố Hà Nội"."""
        if self.kind == "tỉnh":
            return f"tỉnh {self.name}"
        return f"thành phố {self.bare_name}"


@dataclass(frozen=True)
class OfficialCommune:
    """Xã, phường or đặc khu with its official code and name."""

    code: str
    name: str  # "Xã Trùng Khánh"
    kind: str  # "xã", "phường" or "đặc khu"
    province_code: str

    @property
    def bare_name(self) -> str:
        return strip_type(self.name)

    @property
    def address_name(self) -> str:
        """In the middle of an address the type word is lower case: "xã Trùng Khánh"."""
        return f"{self.kind} {self.bare_name}"

    @property
    def province(self) -> OfficialProvince:
        return provinces_by_code()[self.province_code]


def strip_type(name: str) -> str:
    """ "Xã Trùng Khánh" → "Trùng Khánh" (the unit type word dropped)."""
    text = nfc(name)
    lowered = text.lower()
    for word in _TYPE_WORDS:
        if lowered.startswith(word + " "):
            return text[len(word) + 1 :].strip()
    return text


@cache
def provinces_by_code() -> dict[str, OfficialProvince]:
    return {
        f"{int(p.code):02d}": OfficialProvince(f"{int(p.code):02d}", p.name, p.division_type.value)
        for p in Province.iter_all()
    }


@cache
def communes_by_code() -> dict[str, OfficialCommune]:
    return {
        f"{int(w.code):05d}": OfficialCommune(
            f"{int(w.code):05d}", w.name, w.division_type.value, f"{int(w.province_code):02d}"
        )
        for w in Ward.iter_all()
    }


@cache
def _communes_of(province_code: str) -> tuple[OfficialCommune, ...]:
    found = [c for c in communes_by_code().values() if c.province_code == province_code]
    return tuple(sorted(found, key=lambda c: (fold(c.bare_name), c.code)))


def commune(code: str | None) -> OfficialCommune | None:
    """The commune with this official code, or None."""
    if not code:
        return None
    text = nfc(code)
    if text.isdigit():
        text = f"{int(text):05d}"
    return communes_by_code().get(text)


def find_province(name_or_code: str | None) -> OfficialProvince | None:
    """A province by its code ("04", "4") or its name with or without diacritics/"tỉnh"."""
    text = nfc(name_or_code)
    if not text:
        return None
    if text.isdigit():
        return provinces_by_code().get(f"{int(text):02d}")
    wanted = fold(strip_type(text))
    for province in provinces_by_code().values():
        if fold(province.bare_name) == wanted:
            return province
    return None


def communes(
    province: OfficialProvince | None = None, search: str | None = None
) -> list[OfficialCommune]:
    """Communes of one province (or all), whose name holds every folded word of ``search``."""
    if province is not None:
        pool: tuple[OfficialCommune, ...] | list[OfficialCommune] = _communes_of(province.code)
    else:
        pool = sorted(communes_by_code().values(), key=lambda c: (c.province_code, c.code))
    words = fold_words(search)
    if not words:
        return list(pool)
    # Type-ahead: every typed word must start a word of the name ("trung kh" finds
    # "Trùng Khánh" while the second word is half typed), or be the code itself.
    return [
        c
        for c in pool
        if all(w == c.code or any(p.startswith(w) for p in fold_words(c.name)) for w in words)
    ]

"""Addresses as printed: "Thôn Nà Pò, xã Trùng Khánh, tỉnh Cao Bằng" — each part once.

People type the commune and province into the street address too, in any case
("Thôn Nà Pò, Xã Trùng Khánh, Tỉnh Cao Bằng"). The parts already there are dropped
and the official ones appended once, type word in lower case as in running text.
"""

from __future__ import annotations

from kcdesk.services.communes.official import (
    OfficialCommune,
    OfficialProvince,
    commune,
    find_province,
    strip_type,
)
from kcdesk.text import fold, nfc

_TAIL_TYPES = ("xa ", "phuong ", "dac khu ", "thi tran ", "tinh ", "thanh pho ", "huyen ")


def _same(part: str, name: str) -> bool:
    folded = fold(part)
    for prefix in _TAIL_TYPES:
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
            break
    return folded == fold(strip_type(name))


def full_address(
    street: str | None,
    commune: OfficialCommune | None,
    province: OfficialProvince | None,
    commune_text: str = "",
) -> str:
    """Street part, then the commune and the province once each.

    ``commune_text`` is the free text of a commune not yet matched to the list: it
    is printed as typed rather than dropped.
    """
    parts = [p.strip() for p in nfc(street).split(",") if p.strip()]
    tail: list[str] = []
    if commune is not None:
        tail.append(commune.address_name)
        names = [commune.name]
    elif nfc(commune_text):
        tail.append(nfc(commune_text))
        names = [nfc(commune_text)]
    else:
        names = []
    if province is not None:
        tail.append(province.address_name)
        names.append(province.name)
    kept = [p for p in parts if not any(_same(p, name) for name in names)]
    return ", ".join(kept + tail)


def facility_address(
    street: str, commune_code: str | None, commune_text: str, province: str
) -> str:
    """A facility's address for print: street, official commune and province once each."""
    official = commune(commune_code)
    return full_address(
        street,
        official,
        official.province if official else find_province(province),
        commune_text="" if official else commune_text,
    )


def proposal_place(
    location: str | None, commune_code: str | None, commune_text: str | None, province: str = ""
) -> str:
    """Where a proposal is carried out (địa điểm thực hiện), once: "Thôn A, xã B, tỉnh C";
    ``province`` empty leaves the province out (a screen of the Centre's own province)."""
    place = facility_address(location or "", commune_code, commune_text or "", province)
    return place[:1].upper() + place[1:]

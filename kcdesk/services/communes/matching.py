"""Match a free-text commune to the official list — only where that is certain.

"Trùng Khánh", "xã Trùng Khánh", "Xa Trung Khanh" and "Xã Trùng Khánh, tỉnh Cao Bằng"
all name the official Xã Trùng Khánh when it is the only unit of that name in the
province. Anything else — a name two units share, a type that does not agree
("Thị trấn Trùng Khánh" is a district-era unit, not the new xã), a district-era
name that no longer exists — is *not* matched: the user picks it from the list.
"""

from __future__ import annotations

import re

from kcdesk.services.communes.official import (
    OfficialCommune,
    OfficialProvince,
    communes,
)
from kcdesk.text import fold, nfc

# District-era unit types: text that starts with one of them never matches a new unit.
_OLD_TYPES = ("thi tran ", "huyen ", "quan ", "thi xa ")
_NEW_TYPES = {"xa ": "xã", "phuong ": "phường", "dac khu ": "đặc khu"}


def _first_part(text: str) -> str:
    # "Xã Trùng Khánh, huyện Trùng Khánh, tỉnh Cao Bằng" → "Xã Trùng Khánh"
    return re.split(r"[,;(]", text, maxsplit=1)[0].strip()


def match(text: str | None, province: OfficialProvince) -> OfficialCommune | None:
    """The one official commune of ``province`` that ``text`` certainly names, or None."""
    part = _first_part(nfc(text))
    folded = fold(part)
    if not folded or folded.startswith(_OLD_TYPES):
        return None
    wanted_kind, bare = None, folded
    for prefix, kind in _NEW_TYPES.items():
        if folded.startswith(prefix):
            wanted_kind, bare = kind, folded[len(prefix) :].strip()
    found = [
        c
        for c in communes(province)
        if fold(c.bare_name) == bare and (wanted_kind is None or c.kind == wanted_kind)
    ]
    return found[0] if len(found) == 1 else None

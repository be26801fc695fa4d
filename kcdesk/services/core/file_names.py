"""File names built from office codes and titles, safe on Windows (tên tệp an toàn).

Windows (NTFS and FAT sticks alike) refuses ``< > : " / \\ | ? *`` and control
characters, the device names CON, PRN, AUX, NUL, COM1–COM9 and LPT1–LPT9 (with any
extension: ``NUL.pdf`` is the null device too), and silently drops a trailing dot
or space. A proposal code such as ``12/2027/KC-ĐP`` must still give one readable
name. Every printed or exported file name goes through this module.
"""

from __future__ import annotations

import re
import unicodedata

FORBIDDEN = frozenset('<>:"/\\|?*')
RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in "123456789¹²³"}
    | {f"LPT{i}" for i in "123456789¹²³"}
)
MAX_LENGTH = 120  # leaves room for the folder in Windows' 260-character paths


def _stem_is_reserved(name: str) -> bool:
    return name.split(".", 1)[0].rstrip(" ").upper() in RESERVED


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a file name on Windows (Vietnamese), or None."""
    if not name or name in (".", ".."):
        return "tên tệp trống"
    bad = sorted({ch for ch in name if ch in FORBIDDEN or ord(ch) < 32})
    if bad:
        shown = " ".join(ch if ord(ch) >= 32 else "ký tự điều khiển" for ch in bad)
        return f"tên tệp có ký tự Windows không cho phép ({shown})"
    if name.rstrip(". ") != name:
        return "tên tệp không được kết thúc bằng dấu chấm hay khoảng trắng"
    if _stem_is_reserved(name):
        return f"«{name.split('.', 1)[0]}» là tên thiết bị dành riêng của Windows"
    if len(name) > 255:
        return "tên tệp quá dài"
    return None


def safe_file_name(text: str, *, fallback: str = "tep", max_length: int = MAX_LENGTH) -> str:
    """``text`` made into a valid Windows file name (NFC; '/' and friends become '-').

    ``safe_file_name("Đề án 12/2027/KC.pdf")`` → ``"Đề án 12-2027-KC.pdf"``.
    """
    name = unicodedata.normalize("NFC", text)
    name = "".join("-" if ch in FORBIDDEN else ch for ch in name if ord(ch) >= 32)
    name = re.sub(r"\s+", " ", name).strip()
    if len(name) > max_length:
        stem, dot, suffix = name.rpartition(".")
        if dot and 0 < len(suffix) <= 5:
            name = stem[: max_length - len(suffix) - 1].rstrip() + "." + suffix
        else:
            name = name[:max_length]
    name = name.rstrip(". ")
    if not name:
        name = fallback
    if _stem_is_reserved(name):
        name = "_" + name
    return name

"""Text helpers shared by every layer: NFC normalisation and search folding.

Users type without diacritics, so search compares a *folded* form of the text:
NFD, combining marks dropped, đ→d and Đ→D (Unicode does not decompose đ), lower-case
(docs/architecture.md#search). The index and the query must be folded by the same function.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Control characters that break a terminal or a spreadsheet cell and never belong in a
# typed text: C0 except tab and line feed, DEL, C1, and the bidirectional overrides
# that make text display in another order than it is stored.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """``text`` in NFC without control characters (line breaks kept as ``\\n``)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


def nfc(text: str | None) -> str:
    """Return ``text`` in NFC with surrounding whitespace and control characters removed
    ('' for None)."""
    if text is None:
        return ""
    return strip_controls(text).strip()


# The combining marks of the block Vietnamese uses (U+0300–U+036F, the grapheme joiner
# U+034F excepted: it is not a combining mark), removed in one pass.
_MARKS = re.compile(
    "[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]"
)


def fold(text: str | None) -> str:
    """Fold Vietnamese text for matching: no diacritics, đ→d, lower-case, single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    # Vietnamese text is plain ASCII once its marks are gone and đ replaced; other text
    # may hold marks of other blocks, dropped one character at a time.
    stripped = _MARKS.sub("", decomposed).replace("đ", "d").replace("Đ", "D")
    if not stripped.isascii():
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str | None) -> list[str]:
    """The folded words of ``text`` (a query): every one must match, in any order."""
    return [w for w in re.split(r"[^0-9a-z]+", fold(text)) if w]

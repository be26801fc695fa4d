"""Text helpers shared by every layer: NFC normalisation and search folding.

Users type without diacritics, so search compares a *folded* form of the text:
NFD, combining marks dropped, đ→d and Đ→D (Unicode does not decompose đ), lower-case
(docs/architecture.md#search). The index and the query must be folded by the same function.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """Return ``text`` in NFC with surrounding whitespace removed ('' for None)."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str | None) -> str:
    """Fold Vietnamese text for matching: no diacritics, đ→d, lower-case, single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str | None) -> list[str]:
    """The folded words of ``text`` (a query): every one must match, in any order."""
    return [w for w in re.split(r"[^0-9a-z]+", fold(text)) if w]

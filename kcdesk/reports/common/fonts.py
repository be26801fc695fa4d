"""Register the bundled Liberation Serif (Times New Roman metrics) with ReportLab.

Every PDF embeds these TrueType fonts, so Vietnamese text prints without boxes and
copies out correctly, whatever fonts the PC has.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from kcdesk import paths

SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"

_FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}


_TAG_LOCK = threading.Lock()


class _TaggedFont(TTFont):
    """A TrueType font whose subsets carry tags of their own.

    ReportLab tags the first subset of every font "AAAAAA+", so a PDF with the
    regular and the bold face names two fonts with one tag, which PDF checkers
    report (a subset tag identifies one subset). Each face here counts its tags
    from its own offset: "AAAAAA+", "AABAAA+", "AACAAA+"…
    """

    def __init__(self, name: str, filename: str, offset: int) -> None:
        super().__init__(name, filename)
        self._tag_offset = offset

    def addObjects(self, doc: Any) -> None:
        with _TAG_LOCK:
            original = ttfonts.SUBSETN
            offset = self._tag_offset
            ttfonts.SUBSETN = lambda n, *rest: original(n + offset, *rest)
            try:
                super().addObjects(doc)
            finally:
                ttfonts.SUBSETN = original


@cache
def register_fonts() -> str:
    """Register the serif family once per process; returns its base name."""
    folder = paths.resources_dir() / "fonts"
    for index, (name, filename) in enumerate(_FILES.items()):
        pdfmetrics.registerFont(_TaggedFont(name, str(folder / filename), index * 1000))
    # A table cell holding a plain string (even an empty one) sets ReportLab's base
    # font, Helvetica, which is never embedded: every PDF would name it on each page.
    # kcdesk prints nothing but the bundled serif.
    from reportlab.platypus.tables import CellStyle

    CellStyle.fontname = SERIF
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF_ITALIC)
    addMapping(SERIF, 1, 1, SERIF_BOLD_ITALIC)
    return SERIF

"""Test helper: the text of a PDF as a user would copy it out (pypdf)."""

from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader


def pdf_pages(source: Path | bytes) -> list[str]:
    reader = PdfReader(BytesIO(source) if isinstance(source, bytes) else str(source))
    return [unicodedata.normalize("NFC", page.extract_text() or "") for page in reader.pages]


def pdf_text(source: Path | bytes) -> str:
    """All pages joined, whitespace collapsed to single spaces."""
    return " ".join(" ".join(pdf_pages(source)).split())


def embedded_fonts(source: Path | bytes) -> set[str]:
    """BaseFont names of fonts that carry an embedded font file."""
    reader = PdfReader(BytesIO(source) if isinstance(source, bytes) else str(source))
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")]
            for descendant in font.get("/DescendantFonts", []) or []:
                descriptors.append(descendant.get_object().get("/FontDescriptor"))
            for desc in descriptors:
                if desc is None:
                    continue
                desc = desc.get_object()
                if any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font.get("/BaseFont")))
    return names

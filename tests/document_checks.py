"""Test helper: what a leader checks on every printed page before signing.

- every font a page names is embedded (no stray Helvetica), subset tags distinct;
- no page after the first holds only a closing block (totals, "Bằng chữ", signature,
  "Nơi nhận");
- no amount is broken across two lines ("1.136.000.00⏎0").
"""

from __future__ import annotations

import re
import unicodedata
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader


def _reader(source: Path | bytes) -> PdfReader:
    return PdfReader(BytesIO(source) if isinstance(source, bytes) else str(source))


def font_problems(source: Path | bytes) -> list[str]:
    """Fonts named on a page without an embedded font file; subset tags used twice."""
    problems: list[str] = []
    tags: dict[str, str] = {}
    for number, page in enumerate(_reader(source).pages, start=1):
        resources = page.get("/Resources") or {}
        fonts = resources.get_object().get("/Font", {}) if resources else {}
        for ref in fonts.values():
            font = ref.get_object()
            base = str(font.get("/BaseFont"))
            descriptors = [font.get("/FontDescriptor")]
            for descendant in font.get("/DescendantFonts", []) or []:
                descriptors.append(descendant.get_object().get("/FontDescriptor"))
            embedded = any(
                d is not None
                and any(k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                for d in descriptors
            )
            if not embedded:
                problems.append(f"page {number}: font {base} is not embedded")
            if "+" in base:
                tag, _, name = base.lstrip("/").partition("+")
                if tags.setdefault(tag, name) != name:
                    problems.append(f"subset tag {tag} used for {tags[tag]} and {name}")
    return problems


def pages_text(source: Path | bytes) -> list[str]:
    return [
        unicodedata.normalize("NFC", page.extract_text() or "") for page in _reader(source).pages
    ]


_CLOSING_STARTS = (
    "Nơi nhận",
    "Bằng chữ",
    "(Bằng chữ",
    "Tổng cộng",
    "TỔNG CỘNG",
    "Tổng số",
    "Tổng:",
    "(Ký",
    "(ký",
    "Lưu:",
    "- Lưu",
    "- Như trên",
)
_MONEY_ONLY = re.compile(r"^[\d.\s,()%-]*$")


def _closing_line(line: str) -> bool:
    text = line.strip()
    if not text or text.isdigit() or _MONEY_ONLY.match(text):
        return True
    if text.startswith(_CLOSING_STARTS):
        return True
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return True  # captions: "TM. ỦY BAN NHÂN DÂN", "GIÁM ĐỐC", "CHỦ TỊCH"
    words = text.split()
    # A signer's name: a few capitalised words ("Nông Văn Đức").
    if len(words) <= 5 and all(w[:1].isupper() for w in words):
        return True
    # A recipient line: "- Sở Tài chính;"
    return text.startswith("- ") and len(words) <= 10 and text.endswith((";", "."))


def closing_only_pages(source: Path | bytes) -> list[int]:
    """Pages (from 2) whose every line belongs to a closing block."""
    out = []
    for number, text in enumerate(pages_text(source), start=1):
        if number == 1:
            continue
        if all(_closing_line(line) for line in text.splitlines()):
            out.append(number)
    return out


# A line ending inside a dotted amount: "1.136.000.00" (last group short) or "1.136." …
_BROKEN_END = re.compile(r"\d{1,3}(?:\.\d{3})*\.\d{1,2}$")
_DOT_END = re.compile(r"\d{1,3}(?:\.\d{3})*\.$")
_GROUP_START = re.compile(r"^\d{3}(?:\.\d{3})*(?:\D|$)")


def split_amounts(source: Path | bytes) -> list[str]:
    """Places where an amount continues on the next line."""
    out = []
    for number, text in enumerate(pages_text(source), start=1):
        lines = [line.strip() for line in text.splitlines()]
        for this, following in zip(lines, lines[1:], strict=False):
            if (
                _BROKEN_END.search(this)
                and following[:1].isdigit()
                or _DOT_END.search(this)
                and _GROUP_START.match(following)
            ):
                out.append(f"page {number}: {this!r} / {following!r}")
    return out


def metadata(source: Path | bytes) -> dict[str, str]:
    reader = _reader(source)
    info = reader.metadata or {}
    out = {key.lstrip("/"): str(value) for key, value in info.items()}
    root = reader.trailer["/Root"].get_object()
    out["Lang"] = str(root.get("/Lang", ""))
    return out

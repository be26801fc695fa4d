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
from typing import Any

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
    if text.count(".") >= 20 and not text.strip(". …"):
        return False  # lines to write on: a section still to fill in, not a closing block
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


def _mult(m: list[float], n: list[float]) -> list[float]:
    """The product of two PDF matrices [a b c d e f]: ``m`` applied first."""
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _to_unicode(font: Any) -> dict[int, str]:
    """A simple font's codes → text, from its ToUnicode CMap (for the messages)."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    data = stream.get_object().get_data().decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, text in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = int(text, 16)
            for code in range(int(low, 16), int(high, 16) + 1):
                out[code] = chr(first + code - int(low, 16))
    return out


class _Font:
    """Glyph widths (/Widths, thousandths of the size) and text of a simple font."""

    def __init__(self, font: Any) -> None:
        self.first = int(font.get("/FirstChar", 0))
        self.widths = [float(w) for w in font.get("/Widths", [])]
        self.missing = float((font.get("/FontDescriptor") or {}).get("/MissingWidth", 0) or 0)
        self.text = _to_unicode(font)

    def width(self, code: int) -> float:
        index = code - self.first
        return self.widths[index] if 0 <= index < len(self.widths) else self.missing


def _shown(page: Any) -> tuple[list[tuple[float, float, float, str]], list[tuple[float, ...]]]:
    """The text pieces a page shows (x start, x end, baseline y, text) and its vertical
    rules (x, y low, y high), in page coordinates, read from the content stream."""
    from pypdf.generic import ContentStream

    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font", {}) if resources else {}
    known = {name: _Font(ref.get_object()) for name, ref in fonts.items()}
    identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    ctm, saved = identity, []
    tm = tlm = identity
    font: _Font | None = None
    size = leading = char_space = word_space = 0.0
    scale = 1.0
    point: tuple[float, float] | None = None
    texts: list[tuple[float, float, float, str]] = []
    rules: list[tuple[float, ...]] = []

    def show(data: bytes) -> None:
        nonlocal tm
        if font is None:
            return
        advance = 0.0
        for code in data:
            advance += (font.width(code) * size / 1000 + char_space) * scale
            if code == 32:
                advance += word_space * scale
        start = _mult(tm, ctm)
        end = _mult(_mult([1, 0, 0, 1, advance, 0], tm), ctm)
        text = "".join(font.text.get(code, "?") for code in data)
        if text.strip():
            texts.append((start[4], end[4], start[5], text))
        tm = _mult([1, 0, 0, 1, advance, 0], tm)

    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        args = list(operands)
        if op == b"q":
            saved.append(ctm)
        elif op == b"Q" and saved:
            ctm = saved.pop()
        elif op == b"cm":
            ctm = _mult([float(a) for a in args], ctm)
        elif op == b"BT":
            tm = tlm = identity
        elif op == b"Tf":
            font, size = known.get(args[0]), float(args[1])
        elif op == b"TL":
            leading = float(args[0])
        elif op == b"Tc":
            char_space = float(args[0])
        elif op == b"Tw":
            word_space = float(args[0])
        elif op == b"Tz":
            scale = float(args[0]) / 100
        elif op in (b"Td", b"TD"):
            if op == b"TD":
                leading = -float(args[1])
            tm = tlm = _mult([1, 0, 0, 1, float(args[0]), float(args[1])], tlm)
        elif op == b"Tm":
            tm = tlm = [float(a) for a in args]
        elif op in (b"T*", b"'", b'"'):
            tm = tlm = _mult([1, 0, 0, 1, 0, -leading], tlm)
            if op != b"T*":
                show(bytes(args[-1].original_bytes))
        elif op == b"Tj":
            show(bytes(args[0].original_bytes))
        elif op == b"TJ":
            for item in args[0]:
                if isinstance(item, (int, float)) or hasattr(item, "as_numeric"):
                    tm = _mult([1, 0, 0, 1, -float(item) * size / 1000 * scale, 0], tm)
                else:
                    show(bytes(item.original_bytes))
        elif op == b"m":
            point = (float(args[0]), float(args[1]))
        elif op == b"l" and point is not None:
            x0, y0 = point
            x1, y1 = float(args[0]), float(args[1])
            point = (x1, y1)
            if abs(x0 - x1) < 0.01 and abs(y0 - y1) > 1:
                a = _mult([1, 0, 0, 1, x0, y0], ctm)
                b = _mult([1, 0, 0, 1, x1, y1], ctm)
                rules.append((a[4], min(a[5], b[5]), max(a[5], b[5])))
    return texts, rules


def overflowing_cells(source: Path | bytes, tolerance: float = 0.3) -> list[str]:
    """Table text that runs past the rule on its right (a cell's text cut off or
    printed over the next column): each piece of text the page shows is measured with
    its font's widths and compared with the vertical rules drawn across its line."""
    out: list[str] = []
    for number, page in enumerate(_reader(source).pages, start=1):
        texts, rules = _shown(page)
        for x0, x1, y, text in texts:
            across = sorted(x for x, low, high in rules if low - 1 <= y <= high + 1)
            right = [x for x in across if x > x0 + tolerance]
            if not right or not any(x <= x0 + tolerance for x in across):
                continue  # not inside a ruled table
            if x1 > right[0] + tolerance:
                out.append(f"page {number}: {text!r} runs {x1 - right[0]:.1f} pt past its column")
    return out

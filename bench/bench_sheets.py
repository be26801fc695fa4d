"""Benchmark: 500 appraisal sheets in one PDF vs a plain ReportLab floor (not a test).

The floor draws exactly the same strings, in the same fonts, at the same places,
with bare ``drawString`` calls (no measuring, wrapping, boxes or lines) into one
canvas, in the same run. The goal is a ratio ≤ 1.5.

    .venv/bin/python bench/bench_sheets.py [--sheets 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from kcdesk.reports.appraisal import sheet_pdf
from kcdesk.reports.appraisal.sheet_pdf import CriterionLine, SheetData
from kcdesk.reports.common.fonts import register_fonts
from kcdesk.services.appraisal.criteria import load_criteria_sets

TRADES = ("mây tre đan", "chè Shan tuyết", "miến dong", "rèn Phúc Sen", "dệt thổ cẩm", "hương nén")
MEMBERS = (
    ("Nông Văn Hùng", "Phó Giám đốc Sở Công Thương", "Chủ tịch Hội đồng"),
    ("Hoàng Thị Lan", "Chuyên viên Phòng Quản lý công nghiệp", "Thư ký Hội đồng"),
    ("Lục Văn Đức", "Trưởng phòng Quản lý công nghiệp", "Ủy viên"),
    ("Triệu Thị Hoa", "Giám đốc Trung tâm Khuyến công", "Ủy viên"),
    ("Đàm Đức Thắng", "Đại diện Sở Tài chính", "Ủy viên"),
    ("Bế Thị Mai", "Đại diện Sở Khoa học và Công nghệ", "Ủy viên"),
    ("Lương Văn Toản", "Đại diện Liên minh Hợp tác xã tỉnh", "Ủy viên"),
    ("Nguyễn Minh Tuấn", "Phó Trưởng phòng Kế hoạch - Tài chính", "Ủy viên"),
    ("Hà Thị Hằng", "Đại diện Sở Nông nghiệp và Môi trường", "Ủy viên"),
)


def synthetic_sheets(count: int, seed: int = 5) -> list[SheetData]:
    rng = random.Random(seed)
    spec = next(iter(load_criteria_sets().values()))
    proposals = []
    for n in range(1, count // len(MEMBERS) + 2):
        trade = rng.choice(TRADES)
        proposals.append(
            (
                f"ĐA-2027-{n:03d}",
                f"Hỗ trợ ứng dụng máy móc tiên tiến trong sản xuất {trade} tại xã "
                f"{rng.choice(('Hòa An', 'Nguyên Bình', 'Quảng Uyên', 'Trùng Khánh'))}",
                f"Hợp tác xã {trade} {rng.choice(('Hưng Thịnh', 'Phúc Lộc', 'An Khang'))}",
                f"{rng.randrange(100, 300) * 1_000_000:,} đồng".replace(",", "."),
            )
        )
    out: list[SheetData] = []
    for code, title, beneficiary, support in proposals:
        for name, post, role in MEMBERS:
            out.append(
                SheetData(
                    agency_parent="SỞ CÔNG THƯƠNG",
                    agency_name="HỘI ĐỒNG THẨM ĐỊNH",
                    place_date="Cao Bằng, ngày 20 tháng 09 năm 2026",
                    title=spec.sheet_title,
                    note=spec.note,
                    council="Hội đồng thẩm định đề án khuyến công địa phương năm 2027",
                    decision="thành lập theo Quyết định số 245/QĐ-SCT ngày 05/09/2026",
                    member_name=name,
                    member_post=post,
                    member_role=role,
                    proposal_code=code,
                    proposal_title=title,
                    beneficiary=beneficiary,
                    activity="Hỗ trợ ứng dụng máy móc tiên tiến, chuyển giao công nghệ",
                    support=support,
                    criteria=tuple(CriterionLine(c.label, c.max_points) for c in spec.criteria),
                    total_max=spec.total,
                    pass_mark=spec.pass_mark,
                    conclusions=tuple(c.label for c in spec.conclusions),
                )
            )
    return out[:count]


class _Recorder(Canvas):
    """Collects every string the sheet renderer draws (font, size, position, text)."""

    def __init__(self) -> None:
        super().__init__(BytesIO(), pagesize=A4)
        self.ops: list[tuple[str, float, float, float, str]] = []
        self._font: tuple[str, float] = ("", 0.0)

    def setFont(self, psfontname: str, size: float, leading: Any = None) -> None:
        self._font = (psfontname, size)
        super().setFont(psfontname, size, leading)

    def drawString(self, x: float, y: float, text: str, *a: Any, **k: Any) -> None:
        self.ops.append((self._font[0], self._font[1], x, y, text))

    def drawCentredString(self, x: float, y: float, text: str, *a: Any, **k: Any) -> None:
        self.ops.append((self._font[0], self._font[1], x, y, text))

    def drawRightString(self, x: float, y: float, text: str, *a: Any, **k: Any) -> None:
        self.ops.append((self._font[0], self._font[1], x, y, text))

    def showPage(self) -> None:
        self.ops.append(("", 0.0, 0.0, 0.0, "\f"))


def floor(ops_per_sheet: list[list[tuple[str, float, float, float, str]]]) -> bytes:
    buffer = BytesIO()
    c = Canvas(buffer, pagesize=A4)
    for ops in ops_per_sheet:
        for font, size, x, y, text in ops:
            if text == "\f":
                c.showPage()
            else:
                c.setFont(font, size)
                c.drawString(x, y, text)
    c.save()
    return buffer.getvalue()


def ours(sheets: list[SheetData]) -> bytes:
    buffer = BytesIO()
    sheet_pdf.write_sheets(buffer, sheets)
    return buffer.getvalue()


def record(sheets: list[SheetData]) -> list[list[tuple[str, float, float, float, str]]]:
    """Every string each sheet draws, for the floor."""
    recorded = []
    for sheet in sheets:
        rec = _Recorder()
        sheet_pdf.draw_sheet(rec, sheet)
        recorded.append(rec.ops)
    return recorded


def run_samples(
    sheets: list[SheetData], recorded: list[list[tuple[str, float, float, float, str]]], repeat: int
) -> tuple[list[float], list[float], bytes, bytes]:
    """Wall seconds of ``repeat`` back-to-back pairs (kcdesk, floor) and the last PDFs."""
    floor_times, our_times = [], []
    our_pdf = floor_pdf = b""
    for _ in range(repeat):
        # Start each run cold: the measuring caches are part of the cost.
        sheet_pdf.wrap.cache_clear()
        sheet_pdf._width.cache_clear()
        started = time.perf_counter()
        our_pdf = ours(sheets)
        our_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor_pdf = floor(recorded)
        floor_times.append(time.perf_counter() - started)
    return our_times, floor_times, our_pdf, floor_pdf


def measure(count: int = 500, repeat: int = 3) -> dict[str, Any]:
    """The sheet figures as a dict (used by ``bench.run``): medians of ``repeat`` pairs;
    ``sheets_ratio`` is the median of the per-pair ratios."""
    register_fonts()
    sheets = synthetic_sheets(count)
    recorded = record(sheets)
    our_times, floor_times, _ours, _floor = run_samples(sheets, recorded, repeat)
    return {
        "sheets": len(sheets),
        "runs": repeat,
        "sheets_s": statistics.median(our_times),
        "sheets_floor_s": statistics.median(floor_times),
        "sheets_ratio": statistics.median(
            a / b for a, b in zip(our_times, floor_times, strict=True)
        ),
        "sheets_best_ratio": min(our_times) / min(floor_times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    register_fonts()
    sheets = synthetic_sheets(args.sheets)
    recorded = record(sheets)
    our_times, floor_times, our_pdf, floor_pdf = run_samples(sheets, recorded, args.repeat)
    best_ours, best_floor = min(our_times), min(floor_times)
    print(f"sheets: {len(sheets)}  pages: {sum(op[-1] == chr(12) for r in recorded for op in r)}")
    print(f"kcdesk sheets: {best_ours:.3f} s ({len(our_pdf) // 1024} KiB)")
    print(f"plain floor:   {best_floor:.3f} s ({len(floor_pdf) // 1024} KiB)")
    print(f"ratio: {best_ours / best_floor:.2f} (goal ≤ 1.5)")


if __name__ == "__main__":
    main()

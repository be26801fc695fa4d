"""Benchmark: a 2,000-row catalogue as XLSX and PDF vs plain floors (not a test).

Floors, measured in the same run on the same cell texts:
- XLSX: a bare openpyxl workbook with the same values (and the same formula
  strings) appended row by row, no styles, no merges, no print set-up, saved;
  streamed (write-only) like kcdesk's, and for reference in-memory.
- PDF: the same strings, already wrapped into the same lines, drawn with bare
  ``drawString`` calls in the same fonts onto landscape pages (no table, no grid,
  no measuring). Also reported: a plain platypus ``LongTable`` of the same strings
  with only a grid, which is what "a table in ReportLab" costs: the suite's
  ``catalogue_pdf_ratio`` is to that table (issue 24); the ratio to the bare
  drawString floor is ``catalogue_pdf_drawstring_ratio``.
The goal is a ratio ≤ 1.5.

    .venv/bin/python bench/bench_catalogue.py [--rows 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook, load_workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus.tables import LongTable

from kcdesk.models.catalogue import CatalogueState
from kcdesk.reports.catalogue import pdf as catalogue_pdf
from kcdesk.reports.catalogue.pdf import write_catalogue_pdf
from kcdesk.reports.catalogue.xlsx import write_catalogue_xlsx
from kcdesk.reports.common.fonts import SERIF, SERIF_BOLD, register_fonts
from kcdesk.reports.common.org import Agency
from kcdesk.services.catalogue.build import CatalogueView, Entry, group_entries
from kcdesk.services.catalogue.columns import load_catalogue_form
from kcdesk.services.forms.load import load_activities

TRADES = ("mây tre đan", "chè Shan tuyết", "miến dong", "rèn Phúc Sen", "dệt thổ cẩm", "hương nén")
AGENCY = Agency(
    parent="",
    name="ỦY BAN NHÂN DÂN TỈNH CAO BẰNG",
    abbrev="UBND",
    place="Cao Bằng",
    signer_post="CHỦ TỊCH",
    signer_name="Nguyễn Văn A",
)


def synthetic_view(rows: int, seed: int = 1) -> CatalogueView:
    rng = random.Random(seed)
    codes = list(load_activities())
    entries = []
    for n in range(1, rows + 1):
        trade = rng.choice(TRADES)
        total = rng.randrange(100, 3000) * 1_000_000
        support = total * rng.randrange(20, 50) // 100
        entries.append(
            Entry(
                proposal_uuid=f"u{n}",
                proposal_code=f"ĐA-2027-{n:04d}",
                activity=rng.choice(codes),
                title=f"Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất {trade} số {n}",
                implementing_unit="Trung tâm Khuyến công và Tư vấn phát triển công nghiệp",
                beneficiary=f"HTX {trade.title()} {n} (Thôn Nà Mạ, xã Hồng Định, tỉnh Cao Bằng)",
                location="Xã Hồng Định",
                period="Tháng 03-10/2027",
                total_cost=total,
                support=support,
                counterpart=total - support,
                other_funds=0,
            )
        )
    return CatalogueView(
        plan_year=2027,
        funding_source="dia_phuong",
        source_label="Khuyến công địa phương (ngân sách tỉnh)",
        state=CatalogueState.APPROVED,
        decision_no="1234/QĐ-UBND",
        decision_date=None,
        version_number=1,
        version_kind="approved",
        groups=group_entries(entries),
    )


def run_samples(fns: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Wall seconds of ``repeat`` runs of each, interleaved so that load from other
    processes hits kcdesk and its floors alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, bucket in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - started)
    return times


def best_times(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Best of ``repeat`` interleaved runs of each (the least disturbed one)."""
    return [min(bucket) for bucket in run_samples(fns, repeat)]


def _paired(ours: list[float], floor: list[float]) -> dict[str, float]:
    """Medians, and the median of the per-run ratios (each pair ran back to back)."""
    return {
        "s": statistics.median(ours),
        "floor_s": statistics.median(floor),
        "ratio": statistics.median(a / b for a, b in zip(ours, floor, strict=True)),
        "best_ratio": min(ours) / min(floor),
    }


def measure(rows: int = 2000, repeat: int = 5) -> dict[str, Any]:
    """The catalogue figures as a dict (used by ``bench.run``): medians of ``repeat``
    interleaved runs; ``*_ratio`` is the median of the per-run ratios."""
    register_fonts()
    view = synthetic_view(rows)
    form = load_catalogue_form()
    values = xlsx_values(view)
    ours, streamed, in_memory = run_samples(
        [
            lambda: write_catalogue_xlsx(view, form, BytesIO()),
            lambda: xlsx_floor(values, write_only=True),
            lambda: xlsx_floor(values, write_only=False),
        ],
        repeat,
    )
    xlsx = _paired(ours, streamed)
    cells, widths = _cells(view)
    pdf, floor_d, floor_t = run_samples(
        [
            lambda: write_catalogue_pdf(view, form, AGENCY, BytesIO()),
            lambda: pdf_floor_drawstring(cells, widths),
            lambda: pdf_floor_table(cells, widths),
        ],
        repeat,
    )
    pdf_fig = _paired(pdf, floor_d)
    # The goal's floor (issue 24): a plain ReportLab table of the same cells.
    pdf_table = _paired(pdf, floor_t)
    return {
        "rows": rows,
        "runs": repeat,
        "xlsx_s": xlsx["s"],
        "xlsx_floor_s": xlsx["floor_s"],
        "xlsx_ratio": xlsx["ratio"],
        "xlsx_best_ratio": xlsx["best_ratio"],
        "xlsx_in_memory_floor_s": statistics.median(in_memory),
        "xlsx_ratio_to_in_memory": _paired(ours, in_memory)["ratio"],
        "catalogue_pdf_s": pdf_fig["s"],
        "catalogue_pdf_floor_s": pdf_fig["floor_s"],
        "catalogue_pdf_drawstring_ratio": pdf_fig["ratio"],
        "catalogue_pdf_ratio": pdf_table["ratio"],
        "catalogue_pdf_table_floor_s": pdf_table["floor_s"],
    }


def xlsx_values(view: CatalogueView) -> list[list[object]]:
    """The cell values kcdesk writes (formulas as strings), row by row, read back."""
    buffer = BytesIO()
    write_catalogue_xlsx(view, load_catalogue_form(), buffer)
    sheet = load_workbook(BytesIO(buffer.getvalue())).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]  # type: ignore[union-attr]


def xlsx_floor(values: list[list[object]], *, write_only: bool) -> None:
    """The same values appended to a bare workbook (same mode as kcdesk: streamed;
    also the in-memory mode for reference) and saved."""
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("Danh mục") if write_only else wb.active
    for row in values:
        ws.append(row)  # type: ignore[union-attr]
    wb.save(BytesIO())


def _cells(view: CatalogueView) -> tuple[list[list[str]], list[float]]:
    form = load_catalogue_form()
    doc = SimpleDocTemplate(
        BytesIO(), pagesize=landscape(A4), leftMargin=30 * mm, rightMargin=15 * mm
    )
    scale = doc.width / sum(c.pdf_width for c in form.columns)
    widths = [c.pdf_width * scale for c in form.columns]
    rows, _bold = catalogue_pdf.table_rows(view, form, widths)
    return rows, widths


def pdf_floor_drawstring(rows: list[list[str]], widths: list[float]) -> None:
    width, height = landscape(A4)
    canvas = Canvas(BytesIO(), pagesize=landscape(A4))
    y = height - 20 * mm
    for row in rows:
        lines = max(cell.count("\n") + 1 for cell in row)
        if y - lines * catalogue_pdf.LEADING < 20 * mm:
            canvas.showPage()
            y = height - 20 * mm
        x = 30 * mm
        for cell, w in zip(row, widths, strict=True):
            canvas.setFont(SERIF, catalogue_pdf.FONT_SIZE)
            for i, line in enumerate(cell.split("\n")):
                canvas.drawString(x, y - (i + 1) * catalogue_pdf.LEADING, line)
            x += w
        y -= lines * catalogue_pdf.LEADING + 5
    canvas.save()


def pdf_floor_table(rows: list[list[str]], widths: list[float]) -> None:
    doc = SimpleDocTemplate(
        BytesIO(), pagesize=landscape(A4), leftMargin=30 * mm, rightMargin=15 * mm
    )
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("FONTSIZE", (0, 0), (-1, -1), catalogue_pdf.FONT_SIZE),
                ("LEADING", (0, 0), (-1, -1), catalogue_pdf.LEADING),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    doc.build([table])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    register_fonts()
    _ = SERIF_BOLD
    view = synthetic_view(args.rows)
    form = load_catalogue_form()
    print(f"{args.rows} rows in {len(view.groups)} groups, best of {args.repeat} (interleaved)")

    values = xlsx_values(view)
    xlsx, floor_x, floor_mem = best_times(
        [
            lambda: write_catalogue_xlsx(view, form, BytesIO()),
            lambda: xlsx_floor(values, write_only=True),
            lambda: xlsx_floor(values, write_only=False),
        ],
        args.repeat,
    )
    print(f"XLSX  kcdesk {xlsx:.3f} s  streamed floor {floor_x:.3f} s  ratio {xlsx / floor_x:.2f}")
    print(f"      in-memory floor {floor_mem:.3f} s  ratio {xlsx / floor_mem:.2f}")

    rows, widths = _cells(view)
    pdf, floor_d, floor_t = best_times(
        [
            lambda: write_catalogue_pdf(view, form, AGENCY, BytesIO()),
            lambda: pdf_floor_drawstring(rows, widths),
            lambda: pdf_floor_table(rows, widths),
        ],
        args.repeat,
    )
    print(f"PDF   kcdesk {pdf:.3f} s  drawString floor {floor_d:.3f} s  ratio {pdf / floor_d:.2f}")
    print(f"      plain LongTable floor {floor_t:.3f} s  ratio {pdf / floor_t:.2f}")


if __name__ == "__main__":
    main()

"""Every document kcdesk can print, printed on the demo database, checked as a leader would.

Each PDF: every font embedded (no stray Helvetica), distinct subset tags, a title, the
organisation as author and the language in its metadata; no page after the first
that holds only a closing block; no amount broken across lines; no table cell whose
text runs past its column. Each XLSX opens and
has its rows and print set-up (row heights are checked in the spreadsheet tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook

from kcdesk.cli.main import main
from kcdesk.reports.common.xlsx_print import lines_needed
from tests.document_checks import (
    closing_only_pages,
    font_problems,
    metadata,
    overflowing_cells,
    split_amounts,
)

if TYPE_CHECKING:
    from kcdesk.models.db import Database


def _run(db: Path | str, *args: str) -> None:
    code = main(["--db", str(db), *args])
    assert code == 0, f"kcdesk {' '.join(args)} → {code}"


def _first(db: Database, year: int, statuses: tuple[str, ...]) -> list[str]:
    from sqlalchemy import select

    from kcdesk.models import Proposal

    with db.session() as session:
        return list(
            session.scalars(
                select(Proposal.code)
                .where(Proposal.plan_year == year, Proposal.status.in_(statuses))
                .order_by(Proposal.code)
            )
        )


def print_everything(demo_db: Database, tmp_path: Path) -> dict[str, Path]:
    """Print every document kind kcdesk has; returns name → file."""
    db = demo_db.url  # the SQLite file or the test server
    out = tmp_path / "out"
    out.mkdir()
    docs: dict[str, Path] = {}

    def f(name: str) -> str:
        docs[name] = out / name
        return str(out / name)

    accepted = _first(demo_db, 2026, ("accepted", "settled"))
    implementing = _first(demo_db, 2026, ("implementing",))
    for code in [*accepted[:2], *_first(demo_db, 2027, ("submitted", "approved"))[:3]]:
        _run(db, "proposal", "pdf", code, "--out", f(f"proposal-{code}.pdf"))
    _run(db, "proposal", "export", "--xlsx", f("register.xlsx"))
    _run(db, "proposal", "export", "--year", "2027", "--xlsx", f("register-2027.xlsx"))
    # The draft catalogue of the year in preparation, by each issuer, and its letters.
    for issuer in ("centre", "department", "committee"):
        _run(
            db,
            "catalogue",
            "export",
            "--year",
            "2027",
            "--issuer",
            issuer,
            "--pdf",
            f(f"catalogue-2027-{issuer}.pdf"),
            "--letter",
            f(f"letter-2027-{issuer}.pdf"),
        )
    _run(db, "catalogue", "export", "--year", "2027", "--xlsx", f("catalogue-2027.xlsx"))
    # An approved catalogue (last year's).
    _run(db, "catalogue", "submit", "--year", "2026", "--letter-no", "45/TTr-TTKCXTTM")
    _run(
        db,
        "catalogue",
        "approve",
        "--year",
        "2026",
        "--decision-no",
        "1875/QĐ-UBND",
        "--decision-date",
        "28/10/2025",
    )
    _run(
        db,
        "catalogue",
        "export",
        "--year",
        "2026",
        "--pdf",
        f("catalogue-2026-approved.pdf"),
        "--xlsx",
        f("catalogue-2026-approved.xlsx"),
    )
    _run(db, "appraisal", "sheets", "--year", "2027", "--pdf", f("appraisal-sheets.pdf"))
    _run(db, "appraisal", "minutes", "--session", "1", "--pdf", f("appraisal-minutes.pdf"))
    _run(db, "appraisal", "xlsx", "--session", "1", "--out", f("appraisal-summary.xlsx"))
    for code in accepted[:2]:
        _run(db, "acceptance", "pdf", code, "--out", f(f"acceptance-{code}.pdf"))
    _run(
        db,
        "settlement",
        "summary",
        "--year",
        "2026",
        "--pdf",
        f("settlement-2026.pdf"),
        "--xlsx",
        f("settlement-2026.xlsx"),
    )
    _run(
        db,
        "proposal",
        "amend",
        implementing[0],
        "--set",
        "end_month=2026-12",
        "--reason",
        "Thời tiết bất lợi, lùi thời gian hoàn thành",
        "--request-no",
        "12/CV-HTX",
        "--request-date",
        "2026-08-03",
    )
    _run(db, "proposal", "amendments", "--pdf", f("amendments.pdf"))
    # Only the Centre's own province's programme: another's is refused (issue 17 §4).
    for programme in ("CB-2026-2030",):
        _run(
            db,
            "dashboard",
            "--programme",
            programme,
            "--pdf",
            f(f"dashboard-{programme}.pdf"),
            "--xlsx",
            f(f"dashboard-{programme}.xlsx"),
            "--today",
            "2026-12-31",
        )
    _run(
        db,
        "report",
        "periodic",
        "--programme",
        "CB-2026-2030",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--pdf",
        f("periodic-2026.pdf"),
        "--xlsx",
        f("periodic-2026.xlsx"),
    )
    _run(db, "programme", "export-xlsx", "CB-2026-2030", f("programme-CB.xlsx"))
    return docs


@pytest.fixture
def printed(demo_db: Database, tmp_path: Path) -> dict[str, Path]:
    return print_everything(demo_db, tmp_path)


def test_every_pdf_holds_together(printed: dict[str, Path]) -> None:
    problems: list[str] = []
    pdfs = {name: path for name, path in printed.items() if name.endswith(".pdf")}
    assert len(pdfs) >= 20
    for name, path in sorted(pdfs.items()):
        data = path.read_bytes()
        problems += [f"{name}: {p}" for p in font_problems(data)]
        problems += [
            f"{name}: page {n} holds only a closing block" for n in closing_only_pages(data)
        ]
        problems += [f"{name}: amount split at {s}" for s in split_amounts(data)]
        problems += [f"{name}: {s}" for s in overflowing_cells(data)]
        meta = metadata(data)
        if not meta.get("Title"):
            problems.append(f"{name}: no title in the metadata")
        if meta.get("Author", "") in ("", "kcdesk"):
            problems.append(f"{name}: author is {meta.get('Author')!r}, not the organisation")
        if meta.get("Lang") != "vi-VN":
            problems.append(f"{name}: language {meta.get('Lang')!r}")
    assert not problems, "\n".join(problems)


def test_every_xlsx_prints(printed: dict[str, Path]) -> None:
    """Row heights for wrapped text, page numbers at the top from page 2, recalculation
    on open."""
    problems: list[str] = []
    for name, path in sorted(printed.items()):
        if not name.endswith(".xlsx"):
            continue
        workbook = load_workbook(path)
        if not workbook.calculation.fullCalcOnLoad:
            problems.append(f"{name}: no full calculation on load")
        for ws in workbook.worksheets:
            if ws.oddHeader.center.text != "&P" or not ws.HeaderFooter.differentFirst:
                problems.append(f"{name}/{ws.title}: no page number at the top from page 2")
            widths = {letter: d.width for letter, d in ws.column_dimensions.items() if d.width}
            merged = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges}
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    if not isinstance(value, str) or not cell.alignment.wrap_text:
                        continue
                    if (cell.row, cell.column) in merged or value.startswith("="):
                        continue
                    width = widths.get(cell.column_letter, 8.43)
                    lines = lines_needed(value, width, float(cell.font.sz or 11))
                    if lines < 2:
                        continue
                    height = ws.row_dimensions[cell.row].height
                    if height is None or height < lines * float(cell.font.sz or 11):
                        problems.append(
                            f"{name}/{ws.title}!{cell.coordinate}: {lines} lines of text in a "
                            f"row {height} pt high"
                        )
    assert not problems, "\n".join(problems[:40])

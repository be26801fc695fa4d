"""Exports that cannot run code, outputs that are regular files, secrets kept private
(issue 19 §3, §6)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from kcdesk.cli.main import main
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.reports.catalogue.xlsx import write_catalogue_xlsx
from kcdesk.reports.common.xlsx_safe import is_program_formula
from kcdesk.reports.proposals.register_xlsx import write_register_xlsx
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.columns import load_catalogue_form
from kcdesk.services.core.output_path import OutputRefused, check_output
from kcdesk.services.proposals import register_query
from kcdesk.text import nfc
from tests.exchange_support import add_proposal

HOSTILE = [
    '=HYPERLINK("http://ke-xau.example/x","Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "=1+1",
]


def _hostile_titles(db: Database, status: ProposalStatus = ProposalStatus.RECEIVED) -> None:
    with db.session() as s:
        for n, title in enumerate(HOSTILE, start=1):
            p = add_proposal(s, "TTKC", n)
            p.title = title
            p.status = status
            if status is ProposalStatus.APPROVED:
                p.approved_support = p.support


def _strings(path: Path) -> dict[str, tuple[str, bool]]:
    """Every hostile value found in the workbook: its stored type and quote prefix."""
    found: dict[str, tuple[str, bool]] = {}
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in HOSTILE:
                    found[cell.value] = (cell.data_type, bool(cell.quotePrefix))
    return found


def test_register_export_writes_user_formulas_as_text(db: Database, tmp_path: Path) -> None:
    _hostile_titles(db)
    with db.session() as s:
        ids = register_query.matching_ids(s, register_query.RegisterFilter())
        rows = register_query.rows_by_ids(s, ids)
    target = write_register_xlsx(tmp_path / "sổ.xlsx", rows, organisation="TTKC")
    found = _strings(target)
    assert set(found) == set(HOSTILE)
    assert all(kind == "s" for kind, _ in found.values()), found
    assert all(prefix for _, prefix in found.values())
    # The program's own totals stay formulas.
    ws = load_workbook(target).active
    assert ws is not None
    formulas = [c.value for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas and all(str(f).startswith("=SUM(") for f in formulas)


def test_catalogue_export_writes_user_formulas_as_text(db: Database, tmp_path: Path) -> None:
    _hostile_titles(db, ProposalStatus.APPROVED)
    with db.session() as s:
        s.execute(update(Proposal).values(funding_source="dia_phuong"))
    with db.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
    target = tmp_path / "danh mục.xlsx"
    write_catalogue_xlsx(view, load_catalogue_form(), target)
    found = _strings(target)
    assert set(found) == set(HOSTILE)
    assert all(kind == "s" for kind, _ in found.values()), found


def test_program_formula_shapes() -> None:
    assert is_program_formula("=SUM(D7:D20)")
    assert is_program_formula('=IF(COUNT(E5:H5)=0,"",ROUND(AVERAGE(E5:H5),2))')
    for hostile in HOSTILE:
        assert not is_program_formula(hostile)


def test_control_characters_are_stripped_from_typed_text() -> None:
    assert nfc("Tên\x1b[31m đỏ\x00\u202e ngược\r\nDòng 2 ") == "Tên[31m đỏ ngược\nDòng 2"


@pytest.mark.skipif(os.name != "posix", reason="devices and symlinks as on Linux")
def test_outputs_must_be_regular_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "thật.txt"
    real.write_text("giữ nguyên")
    link = tmp_path / "liên kết.pdf"
    link.symlink_to(real)
    for bad in (Path("/dev/null"), tmp_path, link):
        with pytest.raises(OutputRefused):
            check_output(bad)
    assert check_output(tmp_path / "mới.pdf") == tmp_path / "mới.pdf"
    code = main(["--db", str(tmp_path / "a.sqlite"), "backup", "--out", str(link)])
    err = capsys.readouterr().err
    assert code == 2 and "liên kết" in err and err.count("\n") == 1
    assert real.read_text() == "giữ nguyên" and link.is_symlink()
    code = main(["--db", str(tmp_path / "a.sqlite"), "proposal", "pdf", "X", "--out", "/dev/null"])
    err = capsys.readouterr().err
    assert code == 2 and "không phải tệp thông thường" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_key_files_and_backups_are_private(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "khóa.json"
    assert (
        main(["--db", db.url, "office", "add", "XA-A", "--name", "Xã A", "--key-out", str(key)])
        == 0
    )
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert json.loads(key.read_text())["office"]["code"] == "XA-A"
    out = tmp_path / "sao lưu.zip"
    assert main(["--db", db.url, "backup", "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with db.session() as s:
        assert s.scalars(select(Proposal)).all() == []
    capsys.readouterr()

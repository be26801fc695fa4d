"""The Department's tờ trình to the chairman (issue 17 §2): its number and date are stored
on the catalogue version, printed on the letter, on the Department's copy of the
catalogue and in the decision's grounds; dotted blanks until recorded; a malformed
number refused in one line with nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.models.db import Database
from kcdesk.services.catalogue import versions as catalogue
from tests.pdftext import pdf_pages, pdf_text
from tests.test_catalogue_service import add_proposal

WHEN = "ngày 20 tháng 10 năm 2026"


@pytest.fixture
def base(db: Database) -> list[str]:
    with db.session() as s:
        add_proposal(s, 1, support=300_000_000)
        add_proposal(s, 2, activity="dao_tao_nghe", total=200_000_000, support=150_000_000)
    return ["--db", db.url, "catalogue"]


def _letters(base: list[str], out: Path, issuer: str) -> tuple[str, str]:
    letter, copy = out / f"tờ trình {issuer}.pdf", out / f"danh mục {issuer}.pdf"
    args = [*base, "export", "--year", "2027", "--issuer", issuer]
    assert main([*args, "--letter", str(letter), "--pdf", str(copy)]) == 0
    return " ".join(pdf_text(letter).split()), " ".join(pdf_text(copy).split())


def _set(base: list[str], number: str, *extra: str) -> int:
    return main([*base, "department-letter", "--year", "2027", "--number", number, *extra])


def test_number_and_date_printed_once_recorded(
    db: Database, base: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing to attach it to before the catalogue is submitted.
    capsys.readouterr()
    assert _set(base, "12", "--date", "20/10/2026") == 2
    err = capsys.readouterr().err
    assert "chưa trình" in err and err.count("\n") == 1 and "Traceback" not in err

    assert main([*base, "submit", "--year", "2027", "--letter-no", "5/TTr-TTKC"]) == 0
    letter, copy = _letters(base, tmp_path, "department")
    assert "Số: ……/TTr-SCT" in letter and "ngày ... tháng ... năm ..." in letter
    assert "Kèm theo Tờ trình số ……/TTr-SCT ngày …… tháng …… năm ……" in copy

    for bad in ("12/QĐ-SCT", "số mười hai", "12/TTr-", "-3"):
        capsys.readouterr()
        assert _set(base, bad, "--date", "20/10/2026") == 2
        err = capsys.readouterr().err
        assert "không đúng dạng" in err and err.count("\n") == 1, err
    with db.session() as s:
        cat = catalogue.get_catalogue(s, 2027, "dia_phuong")
        assert cat is not None and cat.versions[-1].department_letter_no is None

    assert _set(base, "12", "--date", "20/10/2026") == 0
    letter, copy = _letters(base, tmp_path, "department")
    assert "Số: 12/TTr-SCT" in letter and f"Cao Bằng, {WHEN}" in letter
    assert "……/TTr-SCT" not in letter
    assert f"Kèm theo Tờ trình số 12/TTr-SCT {WHEN} của Sở Công Thương" in copy
    # The Centre's own letter keeps its own number.
    centre, _copy = _letters(base, tmp_path, "centre")
    assert "Số: 5/TTr-TTKC" in centre and "12/TTr-SCT" not in centre
    decision, _copy = _letters(base, tmp_path, "committee")
    assert f"tại Tờ trình số 12/TTr-SCT {WHEN}." in decision

    capsys.readouterr()
    assert main([*base, "show", "--year", "2027", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["department_letter_no"], shown["department_letter_date"]) == (
        "12/TTr-SCT",
        "2026-10-20",
    )

    # The approved version was sent by that letter: the decision still cites it.
    approve = ["--decision-no", "2100/QĐ-UBND", "--decision-date", "28/10/2026"]
    assert main([*base, "approve", "--year", "2027", *approve]) == 0
    decision, appendix = _letters(base, tmp_path, "committee")
    assert f"tại Tờ trình số 12/TTr-SCT {WHEN}." in decision
    assert "Kèm theo Quyết định số 2100/QĐ-UBND" in appendix


def test_full_form_and_a_resubmission_needs_its_own_letter(
    db: Database, base: list[str], tmp_path: Path
) -> None:
    assert main([*base, "submit", "--year", "2027"]) == 0
    assert _set(base, "7/TTr-SCT", "--date", "02/10/2026") == 0
    with db.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
        assert (view.department_letter_no, view.version_number) == ("7/TTr-SCT", 1)
    # Returned for changes and submitted again: the old letter sent the old version.
    assert main([*base, "reopen", "--year", "2027", "--reason", "Sở trả lại"]) == 0
    assert main([*base, "submit", "--year", "2027"]) == 0
    letter, _copy = _letters(base, tmp_path, "department")
    assert "Số: ……/TTr-SCT" in letter and "7/TTr-SCT" not in letter
    first = tmp_path / "phiên bản 1.pdf"
    args = [*base, "export", "--year", "2027", "--version", "1", "--issuer", "department"]
    assert main([*args, "--letter", str(first)]) == 0
    assert "Số: 7/TTr-SCT" in " ".join(pdf_pages(first)[0].split())

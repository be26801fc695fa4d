"""``kcdesk appraisal …`` driven in-process: set up, scores from CSV, sheets, results, record."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from kcdesk.cli.main import main
from kcdesk.models import ProposalStatus
from kcdesk.models.appraisal import ScoreSheet
from kcdesk.models.db import Database
from kcdesk.services.proposals import lookup as proposals
from tests.appraisal_support import PROPOSALS, add_proposal
from tests.pdftext import pdf_pages

CRITERIA = "phu_hop,muc_tieu_hieu_qua,hop_ly_kinh_phi,nang_luc,long_ghep,ho_so"


def run(db_path: Path, *argv: str) -> int:
    return main(["--db", str(db_path), *argv])


@pytest.fixture
def council(db: Database, db_path: Path) -> Path:
    """A council with chair, secretary and one member, and three proposals on the agenda."""
    with db.session() as session:
        for row in PROPOSALS:
            add_proposal(session, *row)
    db.dispose()
    assert (
        run(
            db_path,
            "appraisal",
            "create",
            "--year",
            "2027",
            "--name",
            "Hội đồng thẩm định 2027",
            "--decision-no",
            "245/QĐ-SCT",
            "--decision-date",
            "05/09/2026",
        )
        == 0
    )
    for name, role in (
        ("Nông Văn Hùng", "chair"),
        ("Hoàng Thị Lan", "secretary"),
        ("Lục Văn Đức", "member"),
    ):
        assert (
            run(
                db_path, "appraisal", "member-add", "--session", "1", "--name", name, "--role", role
            )
            == 0
        )
    assert run(db_path, "appraisal", "agenda-add", "--session", "1", "--all-awaiting") == 0
    return db_path


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text(
        f"code,member,{CRITERIA},conclusion,comment\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


def test_scores_results_and_record(
    council: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scores = _csv(
        tmp_path / "điểm.csv",
        [
            "ĐA-2027-001,Nông Văn Hùng,18,22,18,12,8,8,Đề nghị hỗ trợ,",  # 86
            "ĐA-2027-001,Hoàng Thị Lan,16,20,16,10,7,7,ho_tro,",  # 76
            'ĐA-2027-001,3,"15,5",20,15,10,7,6,Đề nghị hỗ trợ có điều chỉnh,Giảm dự toán',  # 73,5
            "ĐA-2027-002,Nông Văn Hùng,10,10,10,5,5,5,Không đề nghị hỗ trợ,",  # 45
        ],
    )
    assert run(council, "appraisal", "scores", "--session", "1", "--csv", str(scores)) == 0
    capsys.readouterr()
    assert run(council, "appraisal", "results", "--year", "2027", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0] == {
        "code": "ĐA-2027-001",
        "members_scored": 3,
        "average": 78.5,  # (86 + 76 + 73,5) / 3
        "pass_mark": 70,
        "passed": True,
        "conclusion": "Đề nghị hỗ trợ",
    }
    assert data[1]["code"] == "ĐA-2027-002" and data[1]["passed"] is False
    assert data[2] == {
        "code": "ĐA-2027-003",
        "members_scored": 0,
        "average": None,
        "pass_mark": 70,
        "passed": None,
        "conclusion": None,
    }
    assert run(council, "appraisal", "record", "--session", "1", "ĐA-2027-001", "ĐA-2027-002") == 0
    from kcdesk.models.db import open_database

    database = open_database(council)
    with database.session() as session:
        assert proposals.get_proposal(session, "ĐA-2027-001").status is ProposalStatus.APPRAISED
        assert (
            proposals.get_proposal(session, "ĐA-2027-003").status
            is ProposalStatus.AWAITING_APPRAISAL
        )
    database.dispose()


def test_bad_csv_cell_saves_nothing(
    council: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scores = _csv(
        tmp_path / "sai.csv",
        [
            "ĐA-2027-001,Nông Văn Hùng,18,22,18,12,8,8,,",
            "ĐA-2027-002,Hoàng Thị Lan,21,20,16,10,7,7,,",  # 21 > 20
        ],
    )
    assert run(council, "appraisal", "scores", "--session", "1", "--csv", str(scores)) == 2
    err = capsys.readouterr().err
    assert "21 lớn hơn điểm tối đa 20" in err
    assert "Traceback" not in err
    from kcdesk.models.db import open_database

    database = open_database(council)
    with database.session() as session:
        assert session.query(ScoreSheet).count() == 0
    database.dispose()


def test_conflict_then_scoring_refused(
    council: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            council,
            "appraisal",
            "conflict",
            "--session",
            "1",
            "--member",
            "Lục Văn Đức",
            "--proposal",
            "ĐA-2027-002",
            "--reason",
            "Là thành viên HTX",
        )
        == 0
    )
    scores = _csv(tmp_path / "c.csv", ["ĐA-2027-002,Lục Văn Đức,1,1,1,1,1,1,,"])
    assert run(council, "appraisal", "scores", "--session", "1", "--csv", str(scores)) == 2
    assert "xung đột lợi ích" in capsys.readouterr().err


def test_sheets_for_the_year_in_one_pdf(
    council: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "phiếu.pdf"
    assert (
        run(council, "appraisal", "sheets", "--year", "2027", "--pdf", str(target), "--blank") == 0
    )
    assert "9 phiếu" in capsys.readouterr().out
    pages = pdf_pages(target)
    assert len(pages) == 9
    assert "Hỗ trợ máy sao chè" not in " ".join(pages)  # blank: no summary
    assert all("PHIẾU ĐÁNH GIÁ" in page for page in pages)


def test_minutes_and_xlsx(council: Path, tmp_path: Path) -> None:
    minutes, xlsx = tmp_path / "bb.pdf", tmp_path / "th.xlsx"
    assert run(council, "appraisal", "minutes", "--session", "1", "--pdf", str(minutes)) == 0
    assert run(council, "appraisal", "xlsx", "--session", "1", "--out", str(xlsx)) == 0
    assert "CHỦ TỊCH HỘI ĐỒNG" in " ".join(pdf_pages(minutes))
    assert openpyxl.load_workbook(xlsx).sheetnames == ["Kết quả", "Điểm chi tiết"]


def test_user_mistakes_are_one_line(
    db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.dispose()
    assert run(db_path, "appraisal", "results", "--year", "2031", "--json") == 2
    assert (
        capsys.readouterr().err.strip()
        == "kcdesk: Năm kế hoạch 2031 chưa có hội đồng thẩm định nào."
    )
    assert (
        run(
            db_path,
            "appraisal",
            "create",
            "--year",
            "2027",
            "--name",
            "X",
            "--criteria",
            "khong_co",
        )
        == 2
    )
    assert "Không có bộ tiêu chí «khong_co»" in capsys.readouterr().err

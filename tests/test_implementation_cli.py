"""The implementation commands end to end: approved → settled through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kcdesk.cli.main import main
from kcdesk.models.db import Database
from kcdesk.services.forms.load import load_activities
from tests.implementation_support import ACTIVITY, make_proposal
from tests.pdftext import pdf_text

CODE = "ĐA-2026-001"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_db(db: Database, db_path: Path) -> str:
    with db.session() as session:
        make_proposal(session, code=CODE, approved=100_000_000)
        make_proposal(session, code="ĐA-2026-002", approved=50_000_000)
    return str(db_path)


def show(capsys: pytest.CaptureFixture[str], db: str, code: str = CODE) -> dict:
    rc, out, err = run(capsys, "--db", db, "proposal", "show", code, "--json")
    assert rc == 0, err
    return json.loads(out)


def test_approved_to_settled_through_the_cli(
    cli_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = cli_db
    assert show(capsys, db)["status"] == "approved"
    # Machinery: no advance before a progress report above 70 % (Điều 13 TT 36/2013).
    rc, out, err = run(
        capsys, "--db", db, "disbursement", "add", CODE, "--kind", "advance",
        "--amount", "70.000.000", "--date", "2026-04-02",
    )  # fmt: skip
    assert rc == 2 and "trên 70 %" in err and "Điều 13" in err
    rc, out, err = run(
        capsys, "--db", db, "progress", "add", CODE, "--percent", "75", "--date", "2026-04-01"
    )
    assert rc == 0, err
    rc, out, err = run(
        capsys,
        "--db",
        db,
        "disbursement",
        "add",
        CODE,
        "--kind",
        "advance",
        "--amount",
        "70.000.000",
        "--date",
        "2026-04-02",
        "--voucher",
        "PC-15",
    )
    assert rc == 0, err
    assert "70.000.000" in out
    data = show(capsys, db)
    assert (data["support"], data["disbursed"]) == (100_000_000, 70_000_000)

    # One đồng over the 70 % advance ceiling: refused, rule and numbers on stderr.
    rc, out, err = run(
        capsys, "--db", db, "disbursement", "add", CODE, "--kind", "advance", "--amount", "1"
    )
    assert rc == 2 and out == ""
    assert "Quy tắc tạm ứng" in err and "70.000.001" in err and "Traceback" not in err
    # Paying the rest before acceptance: refused by the settlement rule.
    rc, _, err = run(
        capsys,
        "--db",
        db,
        "disbursement",
        "add",
        CODE,
        "--kind",
        "settlement",
        "--amount",
        "30000000",
    )
    assert rc == 2 and "chỉ thanh toán sau khi đề án đã nghiệm thu" in err
    assert show(capsys, db)["disbursed"] == 70_000_000

    rc, out, err = run(
        capsys,
        "--db",
        db,
        "progress",
        "add",
        CODE,
        "--percent",
        "60",
        "--date",
        "2026-06-30",
        "--note",
        "Đã lắp đặt máy",
    )
    assert rc == 0, err
    assert show(capsys, db)["status"] == "implementing"

    spec = load_activities()[ACTIVITY]
    outputs = json.dumps({m: 1 for m in spec.outputs})
    rc, _, err = run(
        capsys,
        "--db",
        db,
        "acceptance",
        "record",
        CODE,
        "--date",
        "2026-11-05",
        "--minutes",
        "12/BB-NT",
        "--outputs",
        outputs,
    )
    assert rc == 2 and "còn thiếu" in err
    assert spec.required_evidence[0].label in err
    rc, out, err = run(capsys, "--db", db, "evidence", "set", CODE)
    assert rc == 0 and "đủ tài liệu bắt buộc" in out, err
    rc, out, _ = run(capsys, "--db", db, "evidence", "list", CODE, "--json")
    assert all(item["received"] for item in json.loads(out))
    rc, _, err = run(
        capsys,
        "--db",
        db,
        "acceptance",
        "record",
        CODE,
        "--date",
        "2026-11-05",
        "--minutes",
        "12/BB-NT",
        "--outputs",
        "{not json",
    )
    assert rc == 2 and "--outputs phải là JSON" in err
    rc, out, err = run(
        capsys,
        "--db",
        db,
        "acceptance",
        "record",
        CODE,
        "--date",
        "2026-11-05",
        "--minutes",
        "12/BB-NT",
        "--outputs",
        outputs,
        "--participant",
        "Nguyễn Văn An — Giám đốc Trung tâm",
    )
    assert rc == 0, err
    data = show(capsys, db)
    assert data["status"] == "accepted"
    assert {m: v["achieved"] for m, v in data["outputs"].items()} == json.loads(outputs)

    rc, _, err = run(
        capsys,
        "--db",
        db,
        "disbursement",
        "add",
        CODE,
        "--kind",
        "settlement",
        "--amount",
        "30000001",
    )
    assert rc == 2 and "Quy tắc tổng kinh phí" in err and "vượt 1 đồng" in err
    rc, out, err = run(
        capsys,
        "--db",
        db,
        "disbursement",
        "add",
        CODE,
        "--kind",
        "settlement",
        "--amount",
        "30000000",
        "--date",
        "2026-12-01",
        "--json",
    )
    assert rc == 0, err
    detail = json.loads(out)
    assert (detail["disbursed"], detail["remaining"]) == (100_000_000, 0)
    assert [d["kind"] for d in detail["disbursements"]] == ["advance", "settlement"]

    minutes = tmp_path / "biên bản.pdf"
    rc, out, err = run(capsys, "--db", db, "acceptance", "pdf", CODE, "--out", str(minutes))
    assert rc == 0, err
    text = pdf_text(minutes)
    assert "BIÊN BẢN NGHIỆM THU" in text and "12/BB-NT" in text
    assert "Nguyễn Văn An — Giám đốc Trung tâm" in text

    rc, out, err = run(
        capsys,
        "--db",
        db,
        "settlement",
        "record",
        CODE,
        "--amount",
        "100000000",
        "--date",
        "2027-01-15",
        "--reference",
        "15/QĐ-SCT",
    )
    assert rc == 0, err
    data = show(capsys, db)
    assert (data["status"], data["support"], data["disbursed"]) == (
        "settled",
        100_000_000,
        100_000_000,
    )
    assert data["history"][-1]["to"] == "settled"

    xlsx, pdf = tmp_path / "qt.xlsx", tmp_path / "qt.pdf"
    rc, out, err = run(
        capsys,
        "--db",
        db,
        "settlement",
        "summary",
        "--year",
        "2026",
        "--xlsx",
        str(xlsx),
        "--pdf",
        str(pdf),
        "--json",
    )
    assert rc == 0, err
    summary = json.loads(out[out.index("{") :])
    lines = {line["code"]: line for line in summary["lines"]}
    assert lines[CODE]["settled"] == 100_000_000 and lines[CODE]["reference"] == "15/QĐ-SCT"
    assert lines["ĐA-2026-002"]["settled"] is None
    assert summary["totals"]["approved"] == 150_000_000
    ws = load_workbook(xlsx).active
    assert ws is not None
    codes = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)]
    row = codes.index(CODE) + 1
    assert ws.cell(row=row, column=8).value == 100_000_000
    assert ws.cell(row=row, column=8).number_format == "#,##0"
    assert str(ws.cell(row=ws.max_row, column=4).value).startswith("=SUM(D")
    assert "Một trăm triệu đồng" in pdf_text(pdf)


def test_implementation_list_and_show(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--db", cli_db, "progress", "add", CODE, "--percent", "30", "--date", "2026-05-01")
    rc, out, _ = run(capsys, "--db", cli_db, "implementation", "list", "--json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows[CODE]["progress"] == 30 and rows[CODE]["progress_date"] == "2026-05-01"
    assert rows["ĐA-2026-002"]["progress"] is None
    assert rows[CODE]["settlement_due"] == "2027-01-22"
    rc, out, _ = run(capsys, "--db", cli_db, "implementation", "show", CODE, "--json")
    assert json.loads(out)["progress"][0]["percent"] == 30
    rc, out, err = run(capsys, "--db", cli_db, "implementation", "start", "ĐA-2026-002")
    assert rc == 0, err
    assert out.strip() == "ĐA-2026-002: Đang thực hiện."


def test_cli_user_mistakes_are_one_line(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (["disbursement", "add", CODE, "--kind", "advance", "--amount", "1,5"], "--amount"),
        (
            ["disbursement", "add", "ĐA-9999-999", "--kind", "advance", "--amount", "1"],
            "Không tìm thấy",
        ),
        (
            [
                "disbursement",
                "add",
                CODE,
                "--kind",
                "advance",
                "--amount",
                "5",
                "--date",
                "31/02/2026",
            ],
            "ngày",
        ),
        (["progress", "add", CODE, "--percent", "120"], "từ 0 đến 100"),
        (["settlement", "record", CODE, "--amount", "1", "--reference", "x"], "nghiệm thu"),
    ]
    for argv, expected in cases:
        rc, _, err = run(capsys, "--db", cli_db, *argv)
        assert rc == 2, argv
        assert expected in err, (argv, err)
        assert "Traceback" not in err


def test_evidence_file_and_missing(
    cli_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scan = tmp_path / "hóa đơn.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    rc, _, err = run(capsys, "--db", cli_db, "evidence", "set", CODE, "--file", str(scan))
    assert rc == 2 and "đúng một mã tài liệu" in err
    rc, out, err = run(
        capsys, "--db", cli_db, "evidence", "set", CODE, "hoa_don", "--file", str(scan)
    )
    assert rc == 0, err
    assert "còn thiếu" in out and "hoa_don," not in out
    rc, out, _ = run(capsys, "--db", cli_db, "evidence", "list", CODE, "--json")
    items = {i["code"]: i for i in json.loads(out)}
    assert items["hoa_don"] == {**items["hoa_don"], "received": True, "file": "hóa đơn.pdf"}
    rc, out, _ = run(capsys, "--db", cli_db, "evidence", "set", CODE, "hoa_don", "--missing")
    rc, out, _ = run(capsys, "--db", cli_db, "evidence", "list", CODE, "--json")
    assert not {i["code"]: i for i in json.loads(out)}["hoa_don"]["received"]

"""CLI: dashboard --json, report periodic, programme import / export-xlsx / edit-target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.core import organisation
from kcdesk.services.programmes import store as programmes
from kcdesk.services.security.actor import SYSTEM
from tests.dashboard_support import add_proposal
from tests.pdftext import pdf_text

S = ProposalStatus


@pytest.fixture
def counted(db: Database) -> str:
    """Khánh Hòa's III.1-2 (100 facilities, machinery) with 3 approved and 1 accepted."""
    with db.session() as s:
        add_proposal(
            s,
            year=2026,
            activity="may_moc_thiet_bi",
            programme="KH-2026-2030",  # a proposal belongs to one programme (issue 18)
            status=S.APPROVED,
            outputs={"facilities": (2, None)},
            approved_support=250_000_000,
        )
        add_proposal(
            s,
            year=2027,
            activity="may_moc_thiet_bi",
            programme="KH-2026-2030",  # a proposal belongs to one programme (issue 18)
            status=S.ACCEPTED,
            outputs={"facilities": (1, 1)},
            approved_support=120_000_000,
            disbursed=100_000_000,
        )
        add_proposal(
            s,
            year=2027,
            activity="may_moc_thiet_bi",
            programme="KH-2026-2030",  # a proposal belongs to one programme (issue 18)
            status=S.RECEIVED,
            outputs={"facilities": (5, None)},
        )
        # A Khánh Hòa Centre prints Khánh Hòa's programme (issue 17 §4).
        organisation.apply_trusted(s, SYSTEM, {"org.province": "Khánh Hòa"})
    # The CLI takes the database's URL: the same test runs on the server too.
    return db.url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dashboard_json(counted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(
        capsys, "--db", str(counted), "dashboard", "--programme", "KH-2026-2030", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["programme"] == {
        "code": "KH-2026-2030",
        "name": "Chương trình khuyến công giai đoạn 2026-2030 trên địa bàn tỉnh Khánh Hòa",
        "start_year": 2026,
        "end_year": 2030,
    }
    targets = {t["code"]: t for t in data["targets"]}
    assert len(targets) == 25
    machines = targets["III.1-2"]
    assert {k: machines[k] for k in ("unit", "planned", "approved", "implemented")} == {
        "unit": "lượt cơ sở",
        "planned": 100,
        "approved": 3,
        "implemented": 1,
    }
    assert targets["III.2-2"]["approved"] is None  # "50 sản phẩm/đợt": not counted
    assert data["budget"] == {
        "planned": 36_383_000_000,
        "national": 3_135_000_000,
        "local": 33_248_300_000,
        "other": None,
        "approved_support": 370_000_000,
        "disbursed": 100_000_000,
    }
    assert len(data["warnings"]) == 1 and "300.000" in data["warnings"][0]


def test_dashboard_json_for_one_year(counted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--db", str(counted), "dashboard", "--programme", "KH-2026-2030", "--year", "2026"]
    code, out, _err = run(capsys, *argv, "--json")
    assert code == 0
    machines = next(t for t in json.loads(out)["targets"] if t["code"] == "III.1-2")
    assert (machines["approved"], machines["implemented"]) == (2, 0)


def test_dashboard_errors_are_one_line(counted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "--db", str(counted), "dashboard", "--programme", "XX", "--json")
    assert code == 2 and err.count("\n") == 1 and "XX" in err
    argv = ["--db", str(counted), "dashboard", "--programme", "KH-2026-2030", "--year", "2031"]
    code, _out, err = run(capsys, *argv)
    assert code == 2 and "2031" in err and "Traceback" not in err


def test_dashboard_target_lists_its_proposals(
    counted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--db", str(counted), "dashboard", "--programme", "KH-2026-2030", "--target", "III.1-2"]
    code, out, _err = run(capsys, *argv, "--json")
    assert code == 0
    assert sorted(r["quantity"] for r in json.loads(out)) == [1, 2]


def test_dashboard_exports(
    counted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, xlsx = tmp_path / "tiến độ.pdf", tmp_path / "tiến độ.xlsx"
    argv = ["--db", str(counted), "dashboard", "--programme", "KH-2026-2030"]
    code, out, _err = run(
        capsys, *argv, "--pdf", str(pdf), "--xlsx", str(xlsx), "--today", "30/06/2027"
    )
    assert code == 0 and "III.1-2" in out
    text = pdf_text(pdf)
    assert "BÁO CÁO TIẾN ĐỘ THỰC HIỆN CHƯƠNG TRÌNH KHUYẾN CÔNG" in text
    assert "tính đến ngày 30/06/2027" in text
    assert "370.000.000" in text and "36.383.000.000" in text
    assert "chênh lệch 300.000 đồng" in text
    ws = load_workbook(xlsx)["Chỉ tiêu"]
    row = next(r for r in ws.iter_rows() if r[0].value == "III.1-2")
    assert [c.value for c in row[:6]][3:] == [100, 3, 1]
    assert (
        row[6].value
        == f'=IF(AND(ISNUMBER(D{row[0].row}),ISNUMBER(F{row[0].row}),D{row[0].row}>0),F{row[0].row}/D{row[0].row},"")'
    )


def test_report_periodic_writes_both_files(
    counted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, xlsx = tmp_path / "bc.pdf", tmp_path / "bc.xlsx"
    code, out, _err = run(
        capsys,
        "--db",
        str(counted),
        "report",
        "periodic",
        "--programme",
        "KH-2026-2030",
        "--from",
        "2027-01-01",
        "--to",
        "2027-12-31",
        "--pdf",
        str(pdf),
        "--xlsx",
        str(xlsx),
    )
    assert code == 0, out
    text = pdf_text(pdf)
    assert "Kết quả thực hiện chương trình khuyến công năm 2027" in text
    assert "Máy móc thiết bị" in text and "120.000.000" in text
    ws = load_workbook(xlsx)["Theo nội dung"]
    row = next(r for r in ws.iter_rows() if r[1].value == "Máy móc thiết bị")
    assert [c.value for c in row[2:4]] == [1, 120_000_000]


def test_report_periodic_needs_an_output(counted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--db", str(counted), "report", "periodic", "--programme", "KH-2026-2030"]
    code, _out, err = run(capsys, *argv, "--from", "2027-01-01", "--to", "2027-06-30")
    assert code == 2 and "--pdf" in err


def test_programme_xlsx_round_trip_through_the_cli(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Chương trình.xlsx"
    code, _out, _err = run(
        capsys, "--db", db.url, "programme", "export-xlsx", "CB-2026-2030", str(path)
    )
    assert code == 0
    wb = load_workbook(path)
    ws = wb["Chỉ tiêu"]
    row = next(r for r in ws.iter_rows() if r[0].value == "IV.3.c")
    assert row[4].value == 19
    row[4].value = 21  # the province revises the target
    wb["Chương trình"]["B1"] = "CB-XLSX"  # and imports it as a new programme
    wb.save(path)
    code, out, _err = run(capsys, "--db", db.url, "programme", "import", str(path))
    assert code == 0 and "CB-XLSX" in out
    # 4 + 21 + 2 + 3 + 4 = 34 ≠ 32: the import reports it.
    assert "34" in out
    with db.session() as s:
        imported = programmes.get_programme(s, "CB-XLSX")
        original = programmes.get_programme(s, "CB-2026-2030")
        assert next(t.quantity for t in imported.targets if t.code == "IV.3.c") == 21
        assert len(imported.targets) == len(original.targets)
        assert [t.activities for t in imported.targets] == [t.activities for t in original.targets]


def test_programme_import_toml_and_bad_file(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "tỉnh.toml"
    good.write_text(
        'format = 1\ncode = "TN-2026-2030"\nname = "Chương trình thử"\nprovince = "Thái Nguyên"\n'
        'start_year = 2026\nend_year = 2030\n\n[[target]]\ncode = "1"\nname = "Đào tạo"\n'
        'quantity = 4\nactivities = ["dao_tao_nghe"]\nmeasure = "classes"\n',
        encoding="utf-8",
    )
    code, out, _err = run(capsys, "--db", db.url, "programme", "import", str(good))
    assert code == 0 and "Đã nạp chương trình TN-2026-2030 (1 chỉ tiêu)" in out
    code, out, _err = run(capsys, "--db", db.url, "programme", "import", str(good))
    assert "Đã cập nhật" in out
    bad = tmp_path / "sai.toml"
    bad.write_text(good.read_text("utf-8").replace('"classes"', '"lớp"'), encoding="utf-8")
    code, _out, err = run(capsys, "--db", db.url, "programme", "import", str(bad))
    assert code == 2 and "measure" in err and err.count("\n") == 1


def test_edit_target_is_audited(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--db", db.url, "programme", "edit-target", "KH-2026-2030", "III.3-2"]
    code, _out, _err = run(
        capsys,
        *argv,
        "--quantity",
        "4",
        "--activities",
        "xu_ly_o_nhiem_moi_truong,san_xuat_sach_hon",
    )
    assert code == 0
    with db.session() as s:
        t = next(
            t for t in programmes.get_programme(s, "KH-2026-2030").targets if t.code == "III.3-2"
        )
        assert (t.quantity, t.activities) == (4, ["xu_ly_o_nhiem_moi_truong", "san_xuat_sach_hon"])
        event = s.query(AuditEvent).filter_by(action="update-target").one()
        assert event.entity_label == "KH-2026-2030 / III.3-2"
    code, _out, err = run(capsys, *argv, "--quantity", "bốn")
    assert code == 2 and "--quantity" in err

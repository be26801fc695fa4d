"""Import of old Excel lists: hand-made messy workbooks, preview errors, idempotence."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, Facility, Proposal, ProposalStatus, StatusChange
from kcdesk.models.db import Database
from kcdesk.services.core import audit
from kcdesk.services.core.errors import UserError
from kcdesk.services.imports import old_lists as xlsx_import
from kcdesk.services.security.actor import SYSTEM
from kcdesk.text import fold


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def messy_two_row(path: Path) -> Path:
    """Two-row header with merged cells, numbering row, group rows, text amounts, NFD
    text, subtotal and total rows, and two bad rows (support > total, no title)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DM 2026"
    ws["A1"] = "UBND TỈNH CAO BẰNG"
    ws["A2"] = "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026"
    ws.merge_cells("A2:K2")
    ws["H3"] = "Đơn vị tính: đồng"
    heads = {
        "A": "STT",
        "B": "Tên đề án",
        "C": "Đơn vị thực hiện",
        "D": "Đơn vị thụ hưởng",
        "E": "Địa chỉ",
        "F": "Mã số thuế",
        "G": "Thời gian thực hiện",
        "K": "Ghi chú",
    }
    for col, label in heads.items():
        ws[f"{col}4"] = label
        ws.merge_cells(f"{col}4:{col}5")
    ws["H4"] = "Kinh phí thực hiện"
    ws.merge_cells("H4:J4")
    ws["H5"], ws["I5"], ws["J5"] = "Tổng số", "Trong đó: KP khuyến công hỗ trợ", "Vốn đối ứng"
    ws.append([f"({i})" for i in range(1, 12)])  # row 6: column numbers
    ws.append(
        [
            "I",
            "Hỗ trợ ứng dụng máy móc, thiết bị tiên tiến vào sản xuất",
            None,
            None,
            None,
            None,
            None,
            "=SUM(H8:H9)",
            "=SUM(I8:I9)",
            "=SUM(J8:J9)",
        ]
    )  # row 7
    ws.append(
        [
            1,
            nfd("Hỗ trợ ứng dụng máy sấy chè tại HTX Chè Phja Đén"),
            "Trung tâm Khuyến công",
            nfd("HTX Chè Phja Đén"),
            "Thôn Phja Đén, xã Phan Thanh",
            "4800123456",
            "Tháng 3-10/2026",
            "1.500.000.000",
            "450.000.000 đ",
            1_050_000_000,
            "  ",
        ]
    )  # row 8
    ws.append(
        [
            2,
            "Hỗ trợ máy xay xát gạo",
            "Trung tâm Khuyến công",
            "Hộ kinh doanh Nông Văn A",
            "xã Hưng Đạo",
            None,
            "2026",
            800_000_000,
            900_000_000,
            None,
        ]
    )  # row 9: support > total
    ws["C9"] = None
    ws.merge_cells("C8:C9")  # the implementing unit merged down over two proposals
    ws.append(["II", "Đào tạo nghề, truyền nghề"])  # row 10
    ws.append(
        [
            1,
            None,
            "Trung tâm Khuyến công",
            "Cơ sở dệt B",
            None,
            None,
            None,
            100_000_000,
            50_000_000,
            50_000_000,
        ]
    )  # row 11: no title
    ws.append(
        [
            2,
            "Đào tạo nghề dệt thổ cẩm",
            "Trung tâm Khuyến công",
            "HTX Dệt thổ cẩm Hồng Định",
            "xóm Nà Mạ, xã Hồng Định",
            4800999888.0,
            "Quý II/2026",
            "200.000.000",
            200_000_000,
            "-",
            "Lớp 35 học viên",
        ]
    )  # row 12
    ws.append([None, "Cộng", None, None, None, None, None, 300_000_000])  # row 13
    ws.append([None, "TỔNG CỘNG", None, None, None, None, None, "=H7+H10"])  # row 14
    ws.append([])
    target = path / "Danh mục cũ 2026.xlsx"
    wb.save(target)
    return target


def plain_lowercase(path: Path) -> Path:
    """One-row header without diacritics, a year column, amounts in millions (text and
    numbers), no group rows (the user gives the activity)."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "Danh sach de an khuyen cong"
    ws["A2"] = "DVT: trieu dong"
    ws.append(
        [
            "tt",
            "ten de an",
            "don vi thu huong",
            "TONG KINH PHI",
            "kinh phi khuyen cong ho tro",
            "von doi ung",
            "nguon khac",
            "nam",
        ]
    )
    ws.append(
        [
            1,
            "Mo hinh trinh dien may det",
            "Cong ty TNHH Det A (xa Minh Khai)",
            1000,
            "300",
            650,
            50,
            2025,
        ]
    )
    ws.append(
        [
            2,
            "Mo hinh trinh dien lo say",
            "Cong ty TNHH Det A (xa Minh Khai)",
            "1.234,5",
            "370,5",
            864,
            None,
            "2025",
        ]
    )
    ws.append([3, "Mo hinh thieu nam", "HTX C", 500, 100, 300, 100, None])
    target = path / "old-list.xlsx"
    wb.save(target)
    return target


def test_two_row_header_groups_text_amounts_and_errors(tmp_path: Path) -> None:
    preview = xlsx_import.analyse(messy_two_row(tmp_path))
    assert preview.header_rows == (4, 5)
    mapping = preview.mapping
    assert mapping["title"] == 1 and mapping["total_cost"] == 7
    assert mapping["support"] == 8 and mapping["counterpart"] == 9
    assert mapping["tax_code"] == 5 and mapping["note"] == 10
    assert preview.year_from_title == 2026
    assert preview.group_rows == 2 and preview.total_rows == 2
    assert [r.row for r in preview.rows] == [8, 9, 11, 12]
    errors = {e["row"]: e["message"] for e in preview.errors()}
    assert set(errors) == {9, 11}
    assert "lớn hơn tổng kinh phí" in str(errors[9])
    assert "thiếu tên đề án" in str(errors[11])
    assert preview.rows[1].implementing_unit == "Trung tâm Khuyến công"  # from the merge
    first, last = preview.valid_rows
    assert first.title == unicodedata.normalize("NFC", first.title)
    assert first.title == "Hỗ trợ ứng dụng máy sấy chè tại HTX Chè Phja Đén"
    assert first.activity == "may_moc_thiet_bi" and last.activity == "dao_tao_nghe"
    assert (first.total_cost, first.support, first.counterpart) == (
        1_500_000_000,
        450_000_000,
        1_050_000_000,
    )
    assert first.commune == "Xã Phan Thanh" and first.plan_year == 2026
    assert (first.start_month.month, first.end_month.month) == (3, 10)  # type: ignore[union-attr]
    assert (last.counterpart, last.other_funds) == (0, 0)
    assert last.tax_code == "4800999888"
    assert (last.start_month.month, last.end_month.month) == (4, 6)  # type: ignore[union-attr]


def test_lowercase_header_units_in_millions_and_year_column(tmp_path: Path) -> None:
    preview = xlsx_import.analyse(plain_lowercase(tmp_path), default_activity="mo_hinh_trinh_dien")
    assert preview.multiplier == 1_000_000
    rows = {r.row: r for r in preview.rows}
    assert rows[4].total_cost == 1_000_000_000 and rows[4].support == 300_000_000
    assert rows[4].beneficiary == "Cong ty TNHH Det A" and rows[4].commune == "Xa Minh Khai"
    assert rows[5].total_cost == 1_234_500_000 and rows[5].support == 370_500_000
    assert rows[4].plan_year == 2025 and rows[5].plan_year == 2025
    # No year anywhere for row 6: the user must give one.
    assert any("năm kế hoạch" in e for e in rows[6].errors)
    again = xlsx_import.analyse(
        plain_lowercase(tmp_path), default_activity="mo_hinh_trinh_dien", year=2024
    )
    assert {r.row: r.plan_year for r in again.rows} == {4: 2025, 5: 2025, 6: 2024}
    assert not again.error_rows


def test_missing_activity_is_an_error_without_a_default(tmp_path: Path) -> None:
    preview = xlsx_import.analyse(plain_lowercase(tmp_path), year=2025)
    assert len(preview.error_rows) == 3
    assert all("nội dung hoạt động" in r.errors[0] for r in preview.error_rows)


def test_user_corrects_a_mapping(tmp_path: Path) -> None:
    path = plain_lowercase(tmp_path)
    preview = xlsx_import.analyse(
        path, default_activity="mo_hinh_trinh_dien", year=2025, corrections={"other_funds": None}
    )
    assert "other_funds" not in preview.mapping
    rows = {r.row: r for r in preview.rows}
    # Without the other-funds column, row 4's rest of the total goes to "other".
    assert rows[4].other_funds == 50_000_000 and rows[4].counterpart == 650_000_000
    swapped = xlsx_import.analyse(
        path,
        default_activity="mo_hinh_trinh_dien",
        year=2025,
        corrections={"support": 5, "counterpart": 4},
    )
    assert {r.row: r.support for r in swapped.rows}[4] == 650_000_000


def test_import_creates_proposals_facilities_history_and_is_idempotent(
    db: Database, tmp_path: Path
) -> None:
    path = messy_two_row(tmp_path)
    preview = xlsx_import.analyse(path)
    with db.session() as session:
        result = xlsx_import.apply_import(session, SYSTEM, preview)
    assert result.created == 2 and result.skipped == 0 and result.facilities_created == 2
    with db.session() as session:
        proposals = list(session.scalars(select(Proposal).order_by(Proposal.code)))
        assert [p.code for p in proposals] == ["ĐA-2026-001", "ĐA-2026-002"]
        tea = proposals[0]
        assert tea.status is ProposalStatus.RECEIVED and tea.plan_year == 2026
        assert (tea.total_cost, tea.support, tea.counterpart) == (
            1_500_000_000,
            450_000_000,
            1_050_000_000,
        )
        assert sum(line.amount for line in tea.budget_lines) == tea.total_cost
        assert tea.facilities[0].tax_code == "4800123456"
        assert "may say che" in tea.search_text
        change = session.scalars(select(StatusChange).where(StatusChange.proposal == tea)).one()
        assert change.from_status is None and change.to_status == "received"
        assert "dòng 8" in change.reason
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "proposal"))
        assert list(actions).count("import") == 2
        assert audit.verify_chain(session) is None
    # Same file again: nothing new.
    with db.session() as session:
        again = xlsx_import.apply_import(session, SYSTEM, xlsx_import.analyse(path))
    assert again.created == 0 and again.skipped == 2
    with db.session() as session:
        assert session.scalar(select(func.count(Proposal.id))) == 2
        assert session.scalar(select(func.count(Facility.id))) == 2


def test_reimport_after_editing_title_still_skips(db: Database, tmp_path: Path) -> None:
    path = messy_two_row(tmp_path)
    with db.session() as session:
        xlsx_import.apply_import(session, SYSTEM, xlsx_import.analyse(path))
    with db.session() as session:
        p = session.scalars(select(Proposal).where(Proposal.code == "ĐA-2026-001")).one()
        p.title = "Tên đã sửa"
    with db.session() as session:
        again = xlsx_import.apply_import(session, SYSTEM, xlsx_import.analyse(path))
    assert again.created == 0


def test_facilities_reused_by_tax_code_and_by_name_and_commune(
    db: Database, tmp_path: Path
) -> None:
    path = plain_lowercase(tmp_path)
    preview = xlsx_import.analyse(path, default_activity="mo_hinh_trinh_dien", year=2025)
    with db.session() as session:
        result = xlsx_import.apply_import(
            session, SYSTEM, preview, status=ProposalStatus.APPROVED, funding_source="quoc_gia"
        )
        assert result.created == 3
        # Both "Cong ty TNHH Det A (xa Minh Khai)" rows share one facility.
        assert result.facilities_created == 2
        p = session.scalars(select(Proposal).where(Proposal.title == "Mo hinh thieu nam")).one()
        assert p.status is ProposalStatus.APPROVED and p.approved_support == 100_000_000
        assert p.funding_source == "quoc_gia" and p.other_funds == 100_000_000


def test_unreadable_files_give_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "không phải excel.xlsx"
    bad.write_bytes(b"hello")
    with pytest.raises(UserError, match="không phải bảng tính"):
        xlsx_import.analyse(bad)
    old = tmp_path / "cũ.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UserError, match=r"\.xls"):
        xlsx_import.analyse(old)
    wb = Workbook()
    wb.active.append(["chỉ", "có", "chữ"])
    nohead = tmp_path / "no-header.xlsx"
    wb.save(nohead)
    with pytest.raises(UserError, match="Không tìm thấy dòng tiêu đề"):
        xlsx_import.analyse(nohead)


def test_cli_import_json_dry_run_then_real_then_again(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.dispose()
    path = messy_two_row(tmp_path)
    base = ["--db", str(db_path), "proposal", "import-xlsx", str(path), "--json"]
    assert main([*base, "--dry-run"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["valid"] == 2 and dry["created"] == 0 and dry["skipped"] == 0
    assert sorted(e["row"] for e in dry["errors"]) == [9, 11]
    assert main([*base, "--status", "approved"]) == 0
    real = json.loads(capsys.readouterr().out)
    assert real["created"] == 2 and real["skipped"] == 0
    assert main(base) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["created"] == 0 and again["skipped"] == 2
    assert main(["--db", str(db_path), "proposal", "list", "--json", "--status", "approved"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {fold(r["title"]) for r in listed} == {
        "ho tro ung dung may say che tai htx che phja den",
        "dao tao nghe det tho cam",
    }


def test_cli_bad_status_is_one_line(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.dispose()
    path = messy_two_row(tmp_path)
    code = main(["--db", str(db_path), "proposal", "import-xlsx", str(path), "--status", "xyz"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "xyz" in err


def test_proposal_typed_by_hand_is_not_imported_again(db: Database, tmp_path: Path) -> None:
    from tests.test_catalogue_service import add_proposal

    with db.session() as session:
        typed = add_proposal(session, 1, year=2024, facility="HTX C")
        typed.title = "Mô hình thiếu năm"  # diacritics differ from the file: same folded title
    preview = xlsx_import.analyse(
        plain_lowercase(tmp_path), default_activity="mo_hinh_trinh_dien", year=2024
    )
    with db.session() as session:
        assert xlsx_import.existing_count(session, preview) == 1
        result = xlsx_import.apply_import(session, SYSTEM, preview)
    assert (result.created, result.skipped) == (2, 1)


def test_control_characters_are_stripped_from_every_text_cell(db: Database, tmp_path: Path) -> None:
    """A crafted list: a C1 escape (CSI, ``\\x9b``), DEL, bidirectional overrides and
    NFD text in the cells reach neither the preview nor the database (issue 19, §6)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH MỤC ĐỀ ÁN KHUYẾN CÔNG NĂM 2026"])
    ws.append(["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa chỉ", "Tổng số", "Hỗ trợ", "Ghi chú"])
    ws.append(
        [
            1,
            nfd("Hỗ trợ máy\x9b31m sấy chè\x7f"),
            "HTX\u202e Chè\u2066 Phja Đén",
            "Thôn Nà Rì,\x85 xã Phan Thanh",
            "1.000.000",
            "300.000",
            nfd("Ghi chú\r\ndòng hai\x9f"),
        ]
    )
    path = tmp_path / "danh sách độc.xlsx"
    wb.save(path)
    preview = xlsx_import.analyse(path, default_activity="may_moc_thiet_bi")
    (row,) = preview.rows
    texts = [row.title, row.beneficiary, row.address, row.note, row.commune]
    for value in texts:
        assert value == unicodedata.normalize("NFC", value)
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in value), repr(value)
        assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in value)
    assert row.title == "Hỗ trợ máy31m sấy chè"
    assert row.beneficiary == "HTX Chè Phja Đén"
    assert row.note == "Ghi chú dòng hai"
    with db.session() as session:
        xlsx_import.apply_import(session, SYSTEM, preview)
    with db.session() as session:
        stored = session.scalars(select(Proposal)).one()
        assert stored.title == "Hỗ trợ máy31m sấy chè"
        assert stored.facilities[0].name == "HTX Chè Phja Đén"

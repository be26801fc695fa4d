"""The periodic report has the sections of a report to the Department (issue 17 §4):
I–II computed, III–V typed by the user and kept with the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.models.db import Database
from tests.document_checks import closing_only_pages
from tests.pdftext import pdf_text


def _periodic(db: Path, out: Path, *extra: str) -> int:
    args = ["--programme", "CB-2026-2030", "--from", "2026-01-01", "--to", "2026-06-30"]
    return main(["--db", str(db), "report", "periodic", *args, "--pdf", str(out), *extra])


def test_sections_typed_once_printed_again(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = demo_db.url
    first = tmp_path / "bao-cao-1.pdf"
    typed = [
        "--text",
        "ket_qua=Hoàn thành 12 đề án, vượt kế hoạch về số cơ sở được hỗ trợ.",
        "--text",
        "ton_tai=Giải ngân chậm ở các đề án máy móc thiết bị.",
        "--text",
        "nguyen_nhan=Cơ sở chậm hoàn thiện hồ sơ thanh toán.",
        "--text",
        "phuong_huong=Đôn đốc nghiệm thu trước 30/11.",
        "--text",
        "kien_nghi=Đề nghị Sở Công Thương bố trí thêm kinh phí cho chuyển đổi số.",
    ]
    assert _periodic(db, first, *typed) == 0
    again = tmp_path / "bao-cao-2.pdf"
    assert _periodic(db, again) == 0  # nothing typed this time: the saved text prints
    text = pdf_text(again)
    order = [
        "I. TÌNH HÌNH CHUNG",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. ĐÁNH GIÁ",
        "1. Kết quả đạt được",
        "Hoàn thành 12 đề án",
        "2. Tồn tại, hạn chế",
        "Giải ngân chậm",
        "3. Nguyên nhân",
        "Cơ sở chậm hoàn thiện",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
        "Đôn đốc nghiệm thu trước 30/11.",
        "V. KIẾN NGHỊ, ĐỀ XUẤT",
        "bố trí thêm kinh phí cho chuyển đổi số",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    # The spreadsheet carries the same typed sections, rows tall enough to print them.
    from openpyxl import load_workbook

    xlsx = tmp_path / "bao-cao.xlsx"
    args = ["--programme", "CB-2026-2030", "--from", "2026-01-01", "--to", "2026-06-30"]
    assert main(["--db", str(db), "report", "periodic", *args, "--xlsx", str(xlsx)]) == 0
    sheet = load_workbook(xlsx)["Đánh giá, kiến nghị"]
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Tồn tại, hạn chế"] == "Giải ngân chậm ở các đề án máy móc thiết bị."
    assert cells["Kiến nghị, đề xuất"].startswith("Đề nghị Sở Công Thương")
    assert closing_only_pages(again.read_bytes()) == []
    # Another period has its own (empty) sections.
    other = tmp_path / "bao-cao-nam.pdf"
    args = ["--programme", "CB-2026-2030", "--from", "2026-01-01", "--to", "2026-12-31"]
    assert main(["--db", str(db), "report", "periodic", *args, "--pdf", str(other)]) == 0
    # A section not typed yet prints lines to write on, never a note to the user.
    other_text = pdf_text(other)
    assert "(Chưa nhập nội dung.)" not in other_text
    assert "." * 40 in other_text.split("V. KIẾN NGHỊ, ĐỀ XUẤT")[-1]
    assert "Trung tâm Khuyến công và Xúc tiến thương mại báo cáo" in other_text
    assert "giai đoạn 2026-2030, giai đoạn" not in other_text
    # A section that does not exist: one line, exit 2.
    capsys.readouterr()
    assert _periodic(db, tmp_path / "x.pdf", "--text", "khac=...") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ket_qua" in err


def test_typed_in_the_app_and_printed(qtbot, demo_db: Database, tmp_path: Path) -> None:
    from datetime import date

    from kcdesk.services.dashboard import report_text
    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.dashboard.view import DashboardView

    ctx = AppContext(demo_db, SYSTEM)
    view = DashboardView(ctx)
    qtbot.addWidget(view)
    view.select_programme("CB-2026-2030")
    qtbot.waitUntil(lambda: view.current is not None, timeout=10_000)
    view.periodic_button.click()
    dialog = view.periodic_dialog
    assert dialog is not None
    dialog.texts["ton_tai"].setPlainText("Một số cơ sở chậm đối ứng vốn.")
    dialog.texts["kien_nghi"].setPlainText("Đề nghị tăng kinh phí cho chuyển đổi số.")
    target = tmp_path / "bao-cao.pdf"
    dialog.save_and_print(target)
    qtbot.waitUntil(lambda: dialog.last_pdf is not None, timeout=30_000)
    text = pdf_text(target)
    assert "Một số cơ sở chậm đối ứng vốn." in text
    assert "Đề nghị tăng kinh phí cho chuyển đổi số." in text
    start, end = dialog.period()
    with demo_db.session() as s:
        saved = report_text.get_texts(s, "CB-2026-2030", start, end)
    assert saved["ton_tai"] == "Một số cơ sở chậm đối ứng vốn."
    # Opening the same period again shows what was typed.
    dialog.texts["ton_tai"].setPlainText("")
    dialog.load()
    assert dialog.texts["ton_tai"].toPlainText() == "Một số cơ sở chậm đối ứng vốn."
    assert start == date(start.year, 1, 1)
    ctx.worker.wait()

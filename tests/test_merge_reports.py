"""The periodic report shows the old province's programme beside the new one (issue 25).

After Hải Dương's Centre is merged into Hải Phòng's, the report on Hải Phòng's
programme keeps its own figures and carries Hải Dương's programme (labelled with its
origin) as a separate part: PDF and XLSX, read back through their content.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from kcdesk.formatting import format_money
from kcdesk.models.db import open_database
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.reports.periodic.pdf import save_periodic_report_pdf
from kcdesk.reports.periodic.xlsx import save_periodic_report_xlsx
from kcdesk.services.core import settings
from kcdesk.services.dashboard.periodic import compute_period
from kcdesk.services.merge import run
from tests import merge_support as ms
from tests.pdftext import pdf_pages

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
ORIGIN = "tỉnh Hải Dương (cũ)"
OLD_CODE = f"HD-{ms.PROGRAMME_CODE}"


def test_the_old_programme_is_reported_beside_the_new_one(tmp_path: Path) -> None:
    centres = ms.build(tmp_path)
    db = open_database(centres.target)
    with db.session() as s:
        before = compute_period(s, ms.PROGRAMME_CODE, *YEAR)
    assert before.beside == ()
    run.merge(db, centres.source_backup, ms.ADMIN)
    with db.session() as s:
        report = compute_period(s, ms.PROGRAMME_CODE, *YEAR)
        alone = compute_period(s, OLD_CODE, *YEAR)
        values = settings.get_all(s)
    # The new province's own figures are unchanged; the old one is reported on its own.
    assert report.totals() == before.totals() and report.targets == before.targets
    assert [b.programme_code for b in report.beside] == [OLD_CODE]
    old = report.beside[0]
    assert old.origin == ORIGIN and alone.beside == ()
    assert old.totals() == alone.totals() and old.targets == alone.targets
    assert old.totals().plan_count > 0

    pdf = tmp_path / "bao-cao-nam.pdf"
    save_periodic_report_pdf(
        report,
        agency_from_settings(values, "centre"),
        pdf,
        when=date(2026, 1, 10),
        department="Sở Công Thương thành phố Hải Phòng",
    )
    pages = pdf_pages(pdf)
    text = " ".join(" ".join(page.split()) for page in pages)
    assert "Chương trình của tỉnh cũ đã hợp nhất (báo cáo riêng)" in text
    t = old.totals()
    assert (
        f"— {ORIGIN}, giai đoạn 2023-2025 (mã {OLD_CODE}): trong kế hoạch "
        f"{t.plan_count} đề án, kinh phí hỗ trợ {format_money(t.plan_support)} đồng"
    ) in text
    # Its section comes after the new programme's own tables.
    assert text.index("2. Kết quả theo chỉ tiêu") < text.index("Chương trình của tỉnh cũ")

    xlsx = tmp_path / "bao-cao-nam.xlsx"
    save_periodic_report_xlsx(report, xlsx)
    wb = load_workbook(xlsx)
    assert wb.sheetnames[:4] == [
        "Theo nội dung",
        "Theo chỉ tiêu",
        "Tỉnh cũ 1 - Theo nội dung",
        "Tỉnh cũ 1 - Theo chỉ tiêu",
    ]
    sheet = wb["Tỉnh cũ 1 - Theo nội dung"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any(isinstance(c, str) and c.endswith(f"— {ORIGIN}") for c in cells)
    rows = {
        r[1]: r[2:4]
        for r in sheet.iter_rows(values_only=True)
        if isinstance(r[0], int) and isinstance(r[1], str)
    }
    assert rows == {a.label: (a.plan_count, a.plan_support) for a in old.activities}
    # The new programme's own sheet does not carry the old one's rows.
    own = wb["Theo nội dung"]
    own_rows = {r[1]: r[2] for r in own.iter_rows(values_only=True) if isinstance(r[0], int)}
    assert own_rows == {a.label: a.plan_count for a in report.activities}
    db.dispose()

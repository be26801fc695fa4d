"""The dashboard as a PDF for a meeting (báo cáo tiến độ thực hiện chương trình).

A4 landscape on the ND 30/2020 page: the Centre's header, then the targets with
planned / approved / implemented / % and pace, the budget by source, and the
breakdowns by year, activity and commune, and the programme's consistency
warnings. Figures come from :func:`kcdesk.services.dashboard.board.compute`.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from kcdesk.formatting import format_date, format_money, format_percent
from kcdesk.reports.common import official_pdf as op
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.org import Agency, require_own_programme, signer_name
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.dashboard.board import PACE_LABELS, Dashboard, MoneyRow

# Background of the pace column: the same colours as the dashboard's progress bars.
PACE_COLOURS = {
    "done": colors.HexColor("#c8e6c9"),
    "on_track": colors.HexColor("#dcedc8"),
    "catalogued": colors.HexColor("#fff3c4"),
    "behind": colors.HexColor("#ffcdd2"),
}
COMMUNE_ROWS = 15


def money(amount: int | None) -> str:
    return "" if amount is None else format_money(amount)


def count(value: int | None) -> str:
    return "–" if value is None else format_money(value)


def percent(share: float | None) -> str:
    return "" if share is None else format_percent(share * 100)


def cells(values: Sequence[str], styles: Sequence[str]) -> list[Paragraph]:
    st = op.styles()
    return [op.p(value, st[name]) for value, name in zip(values, styles, strict=True)]


def grid(
    rows: list[list[Paragraph]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    bold_rows: Sequence[int] = (),
    extra: Sequence[tuple[object, ...]] = (),
) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows)
    style = op.grid_style(header_rows, bold_rows=bold_rows)
    for command in extra:
        style.add(*command)
    table.setStyle(style)
    return table


def heading(text: str) -> list[Flowable]:
    return [Spacer(1, 4 * mm), op.p(text, op.styles()["heading"])]


def target_table(dashboard: Dashboard, width: float) -> Table:
    head = [
        "TT",
        "Mã",
        "Chỉ tiêu",
        "ĐVT",
        "Kế hoạch",
        "Đã phê duyệt",
        "Đã thực hiện",
        "Tỷ lệ",
        "Tiến độ",
    ]
    fractions = (0.04, 0.07, 0.37, 0.08, 0.08, 0.09, 0.09, 0.07, 0.11)
    rows = [cells(head, ["cell_head"] * len(head))]
    extra: list[tuple[object, ...]] = []
    for n, t in enumerate(dashboard.targets, start=1):
        rows.append(
            cells(
                [
                    str(n),
                    t.code,
                    t.display_name,
                    t.unit,
                    count(t.planned),
                    count(t.approved),
                    count(t.implemented),
                    percent(t.percent),
                    PACE_LABELS[t.pace],
                ],
                ["cell_centre", "cell", "cell", "cell", *["cell_right"] * 4, "cell"],
            )
        )
        if t.pace in PACE_COLOURS:
            extra.append(("BACKGROUND", (8, n), (8, n), PACE_COLOURS[t.pace]))
    return grid(rows, [width * f for f in fractions], extra=extra)


def money_table(
    title: str, rows_in: list[MoneyRow], width: float, *, planned: bool, limit: int | None = None
) -> Table:
    head = [
        title,
        "Số đề án phê duyệt",
        "Đã nghiệm thu",
        "Kinh phí hỗ trợ phê duyệt",
        "Đã giải ngân",
    ]
    fractions = [0.34, 0.13, 0.11, 0.21, 0.21]
    if planned:
        head.insert(1, "Kinh phí chương trình")
        fractions = [0.26, 0.17, 0.11, 0.1, 0.18, 0.18]
    shown = rows_in if limit is None else rows_in[:limit]
    rows = [cells(head, ["cell_head"] * len(head))]
    for r in shown:
        values = [
            r.label,
            count(r.approved_count),
            count(r.implemented_count),
            money(r.approved_support),
            money(r.disbursed),
        ]
        if planned:
            values.insert(1, money(r.planned))
        rows.append(cells(values, ["cell", *["cell_right"] * (len(values) - 1)]))
    total = [
        "Tổng cộng" if limit is None or len(rows_in) <= limit else f"Tổng cộng ({len(rows_in)} xã)",
        count(sum(r.approved_count for r in rows_in)),
        count(sum(r.implemented_count for r in rows_in)),
        money(sum(r.approved_support for r in rows_in)),
        money(sum(r.disbursed for r in rows_in)),
    ]
    if planned:
        known = [r.planned for r in rows_in if r.planned is not None]
        total.insert(1, money(sum(known)) if known else "")
    rows.append(cells(total, ["cell_bold", *["cell_bold_right"] * (len(total) - 1)]))
    return grid(rows, [width * f for f in fractions], bold_rows=[len(rows) - 1])


def budget_table(dashboard: Dashboard, width: float) -> Table:
    b = dashboard.budget
    head = ["Nguồn kinh phí", "Kinh phí chương trình", "Đã phê duyệt hỗ trợ", "Đã giải ngân"]
    rows = [cells(head, ["cell_head"] * 4)]
    planned_by = {"quoc_gia": b.planned_national, "dia_phuong": b.planned_local}
    for r in b.by_source:
        rows.append(
            cells(
                [
                    r.label,
                    money(planned_by.get(r.key)),
                    money(r.approved_support),
                    money(r.disbursed),
                ],
                ["cell", "cell_right", "cell_right", "cell_right"],
            )
        )
    if b.planned_other is not None:
        rows.append(
            cells(["Nguồn khác", money(b.planned_other), "", ""], ["cell", *["cell_right"] * 3])
        )
    # "Tổng cộng" is the sum of the rows above it; the decision's own total, when it
    # differs (Khánh Hòa: 36.383.300.000 by sources, 36.383.000.000 stated), has its
    # own labelled row instead of silently replacing the sum.
    parts = [b.planned_national, b.planned_local, b.planned_other]
    known = [v for v in parts if v is not None]
    planned_sum = sum(known) if known else b.planned
    rows.append(
        cells(
            ["Tổng cộng", money(planned_sum), money(b.approved_support), money(b.disbursed)],
            ["cell_bold", *["cell_bold_right"] * 3],
        )
    )
    bold = [len(rows) - 1]
    if known and b.planned is not None and b.planned != planned_sum:
        rows.append(
            cells(
                [
                    "Tổng kinh phí ghi trong quyết định phê duyệt chương trình",
                    money(b.planned),
                    "",
                    "",
                ],
                ["cell", *["cell_right"] * 3],
            )
        )
    return grid(rows, [width * f for f in (0.4, 0.2, 0.2, 0.2)], bold_rows=bold)


def write_dashboard_pdf(
    dashboard: Dashboard,
    agency: Agency,
    target: Path | BinaryIO | BytesIO,
    *,
    department: str = "",
) -> None:
    """Write the dashboard of ``dashboard`` (already computed) as a landscape PDF."""
    require_own_programme(agency, dashboard.programme_code, dashboard.province, dashboard.origin)
    doc = op.document(
        target, title_text=f"Tiến độ chương trình {dashboard.programme_code}", landscape_page=True
    )
    width = op.content_width(doc)
    st = op.styles()
    scope = (
        f"năm kế hoạch {dashboard.year}"
        if dashboard.year
        else (f"giai đoạn {dashboard.start_year}-{dashboard.end_year}")
    )
    story: list[Flowable] = [
        *op.header(agency, number=None, when=dashboard.today, width=width),
        *op.title("Báo cáo tiến độ thực hiện chương trình khuyến công", dashboard.programme_name),
        op.p(
            f"Số liệu {scope}, tính đến ngày {format_date(dashboard.today)}. Thời gian đã qua "
            f"của giai đoạn: {percent(dashboard.expected_share)}. «Đã phê duyệt»: đề án trong "
            "danh mục đã được phê duyệt (kể cả đang thực hiện, đã nghiệm thu, quyết toán); "
            "«Đã thực hiện»: đề án đã nghiệm thu hoặc quyết toán."
            + (
                f" Chỉ tiêu so sánh là chỉ tiêu của cả giai đoạn {dashboard.start_year}-"
                f"{dashboard.end_year}: chương trình không chia chỉ tiêu theo năm, nên số "
                f"của năm {dashboard.year} được so với chỉ tiêu cả giai đoạn."
                if dashboard.year
                else ""
            ),
            st["body"],
        ),
        *heading("1. Chỉ tiêu của chương trình"),
        target_table(dashboard, width),
        *heading("2. Kinh phí (đồng)"),
        budget_table(dashboard, width),
        *heading("3. Theo năm kế hoạch (đồng)"),
        money_table("Năm", dashboard.by_year, width, planned=True),
        *heading("4. Theo nội dung hoạt động (đồng)"),
        money_table("Nội dung hoạt động", dashboard.by_activity, width, planned=True),
        *heading(f"5. Theo xã, phường (đồng; {COMMUNE_ROWS} nơi có kinh phí lớn nhất)"),
        money_table("Xã, phường", dashboard.by_commune, width, planned=False, limit=COMMUNE_ROWS),
    ]
    if dashboard.warnings:
        story += heading("6. Cảnh báo số liệu của chương trình")
        story += [op.p(f"- {w.message}", st["body_left"]) for w in dashboard.warnings]
    # A report the Centre sends: signed, with its recipients, kept with the last rows.
    signature = op.signature_block(
        caption="",
        post=agency.signer_post,
        name=signer_name(agency, draft=False),
        recipients=[
            department or f"Sở Công Thương tỉnh {agency.province}".strip(),
            f"Lưu: VT, {agency.abbrev}",
        ],
        width=width,
    )
    keep_with_last(story, [signature])
    op.build_document(doc, story)


def save_dashboard_pdf(dashboard: Dashboard, agency: Agency, path: Path) -> None:
    """Write the PDF atomically (temp file, fsync, rename, verify)."""
    buffer = BytesIO()
    write_dashboard_pdf(dashboard, agency, buffer)
    atomic_write_bytes(path, buffer.getvalue())

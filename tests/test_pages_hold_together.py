"""Pages that hold together (issue 17 §3): the closing block stays with the last rows
or paragraph whatever the length, amounts never break, table text is at least 10 pt."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from kcdesk.models.catalogue import CatalogueState
from kcdesk.reports.catalogue import pdf as catalogue_pdf
from kcdesk.reports.catalogue.submission_letter_pdf import write_submission_letter
from kcdesk.reports.common.fonts import SERIF_BOLD, register_fonts
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.services.catalogue.build import CatalogueView, Entry, group_entries
from kcdesk.services.catalogue.columns import load_catalogue_form
from kcdesk.services.core.organisation import DEMO_ORGANISATION
from kcdesk.services.core.settings import DEFAULTS
from kcdesk.services.forms.load import load_activities
from tests.document_checks import (
    closing_only_pages,
    overflowing_cells,
    pages_text,
    split_amounts,
)

VALUES = {**DEFAULTS, **DEMO_ORGANISATION, "signer.centre_name": "Nông Văn Đức"}


def _view(count: int, groups: int = 3, support: int = 123_456_789) -> CatalogueView:
    codes = list(load_activities())[:groups]
    entries = [
        Entry(
            proposal_uuid=f"u{n}",
            proposal_code=f"ĐA-2027-{n:03d}",
            activity=codes[n % len(codes)],
            title=f"Đề án số {n} hỗ trợ máy móc thiết bị chế biến nông sản cho hợp tác xã",
            implementing_unit="Trung tâm Khuyến công và Xúc tiến thương mại",
            beneficiary=f"Hợp tác xã số {n} (xã Phan Thanh)",
            location="Xã Phan Thanh",
            period="Tháng 03-10/2027",
            total_cost=999_999_999_999 if n == 1 else support * 2,
            support=support,
            counterpart=support,
            other_funds=0,
        )
        for n in range(1, count + 1)
    ]
    return CatalogueView(
        plan_year=2027,
        funding_source="dia_phuong",
        source_label="Khuyến công địa phương (ngân sách tỉnh)",
        state=CatalogueState.DRAFT,
        decision_no=None,
        decision_date=None,
        version_number=None,
        version_kind=None,
        groups=group_entries(entries),
    )


@pytest.mark.parametrize("count", range(1, 31))
def test_catalogue_closing_block_keeps_rows_above_it(count: int) -> None:
    view = _view(count)
    buffer = BytesIO()
    agency = agency_from_settings(VALUES, "centre")
    catalogue_pdf.write_catalogue_pdf(view, load_catalogue_form(), agency, buffer)
    data = buffer.getvalue()
    assert closing_only_pages(data) == []
    assert split_amounts(data) == []
    pages = pages_text(data)
    last = pages[-1]
    assert "Bằng chữ" in last and "TỔNG CỘNG" in last
    # The total row comes with at least one proposal row above it on its page.
    assert "Đề án số" in last
    assert "999.999.999.999" in " ".join(pages)
    for page in pages[1:]:
        assert page.splitlines()[1].startswith("STT") or "STT" in page.splitlines()[0:3][-1]


@pytest.mark.parametrize("groups", range(1, 15))
def test_letter_signature_never_alone(groups: int) -> None:
    view = _view(groups * 2, groups=groups)
    for issuer in ("centre", "department", "committee"):
        buffer = BytesIO()
        agency = agency_from_settings(VALUES, issuer)
        write_submission_letter(view, agency, VALUES, buffer, issuer=issuer)
        assert closing_only_pages(buffer.getvalue()) == [], (groups, issuer)


@pytest.mark.parametrize("issuer", ["centre", "department", "committee"])
def test_catalogue_cells_stay_in_their_columns(issuer: str) -> None:
    """No cell's text runs past its column (the period "Tháng 02-08/2027" was cut at the
    right rule); periods and amounts stay whole on one line, text breaks at spaces."""
    periods = ["Tháng 02-08/2027", "11/2027-02/2028", "Tháng 12/2027", "Năm 2027"]
    base = _view(12, groups=4)
    groups = tuple(
        replace(
            group,
            entries=tuple(
                replace(
                    entry,
                    period=periods[n % len(periods)],
                    location="Phường Nùng Trí Cao, thành phố Cao Bằng",
                    note="Chuyển tiếp https://khuyencong.caobang.gov.vn/de-an/2027/so-12",
                    total_cost=999_999_999_999,
                    other_funds=999_999_999_999,
                )
                for n, entry in enumerate(group.entries)
            ),
        )
        for group in base.groups
    )
    view = replace(base, groups=groups)
    buffer = BytesIO()
    agency = agency_from_settings(VALUES, issuer)
    form = load_catalogue_form()
    catalogue_pdf.write_catalogue_pdf(view, form, agency, buffer, issuer=issuer)  # type: ignore[arg-type]
    data = buffer.getvalue()
    assert overflowing_cells(data) == []
    text = "\n".join(pages_text(data))
    lines = [line.strip() for line in text.splitlines()]
    for period in ("02-08/2027", "11/2027-02/2028", "999.999.999.999"):
        assert any(period in line for line in lines), period
    # The widest period fits its column on one line at the table's font.
    widths = catalogue_pdf.column_widths(form, 780.0, view)
    period_width = widths[[c.key for c in form.columns].index("period")]
    assert stringWidth("11/2027-02/2028", SERIF_BOLD, catalogue_pdf.FONT_SIZE) < period_width


def test_money_columns_hold_the_widest_amount_at_10_pt() -> None:
    register_fonts()
    form = load_catalogue_form()
    widths = catalogue_pdf.column_widths(form, 780.0)
    widest = stringWidth("999.999.999.999", SERIF_BOLD, 10) + 6
    for column, width in zip(form.columns, widths, strict=True):
        if column.kind == "money":
            assert width >= widest, column.key
    assert catalogue_pdf.FONT_SIZE >= 10

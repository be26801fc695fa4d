"""What a catalogue says about itself, the same in its PDF and its XLSX: who issues it,
whether it is still a draft, and the document it is attached to (NĐ 30/2020, Phụ lục
I: an appendix has no "Số:" of its own; it names the tờ trình or decision it goes
with)."""

from __future__ import annotations

from kcdesk.formatting import format_official_date
from kcdesk.reports.common.org import Agency, Issuer, agency_display_name
from kcdesk.services.catalogue.build import CatalogueView


def decision_line(view: CatalogueView, authority: str) -> str:
    """'(Kèm theo Quyết định số 123/QĐ-UBND ngày 25 tháng 10 năm 2026 của …)'."""
    if view.decision_no and view.decision_date:
        when = format_official_date(view.decision_date)
        return f"(Kèm theo Quyết định số {view.decision_no} {when} của {authority})"
    return f"(Kèm theo Quyết định số ……/QĐ-UBND ngày …… tháng …… năm …… của {authority})"


def default_issuer(view: CatalogueView) -> Issuer:
    """The committee signs an approved catalogue; the Centre sends a draft."""
    return "committee" if view.state.value in ("approved", "amended") else "centre"


def is_draft(view: CatalogueView) -> bool:
    """Not approved yet: every copy says "DỰ THẢO"."""
    return view.state.value not in ("approved", "amended")


def reference_line(view: CatalogueView, issuer: Issuer, agency: Agency) -> str:
    """What the catalogue is attached to.

    The Centre's and the Department's copies go with their tờ trình; the
    chairman's is the appendix of the approval decision. A Centre's copy never
    carries the province's decision number.
    """
    if issuer == "committee":
        authority = f"Chủ tịch Ủy ban nhân dân tỉnh {agency.province}".strip()
        return decision_line(view, authority)
    who = agency_display_name(agency)
    if issuer == "centre" and view.letter_no:
        when = (
            format_official_date(view.letter_date)
            if view.letter_date
            else ("ngày …… tháng …… năm ……")
        )
        return f"(Kèm theo Tờ trình số {view.letter_no} {when} của {who})"
    if issuer == "department" and view.department_letter_no:
        when = (
            format_official_date(view.department_letter_date)
            if view.department_letter_date
            else ("ngày …… tháng …… năm ……")
        )
        return f"(Kèm theo Tờ trình số {view.department_letter_no} {when} của {who})"
    blank = f"……/TTr-{agency.abbrev}"
    return f"(Kèm theo Tờ trình số {blank} ngày …… tháng …… năm …… của {who})"

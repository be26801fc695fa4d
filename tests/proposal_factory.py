"""Test helper: a complete, valid proposal input typed by hand (no code under test)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from kcdesk.models import FacilityKind
from kcdesk.services.proposals.draft import (
    BudgetLineInput,
    FacilityRef,
    ProposalInput,
    ScheduleInput,
)
from kcdesk.services.proposals.facilities import FacilityInput, create_facility
from kcdesk.services.security.actor import SYSTEM


def make_facility(session: Session, name: str = "Hợp tác xã Chè Đại Từ", tax: str = "4600123456"):
    return create_facility(
        session,
        SYSTEM,
        FacilityInput(
            name=name,
            kind=FacilityKind.COOPERATIVE,
            tax_code=tax,
            address="Xóm Đồng Tâm",
            commune="Xã Hòa Bình",
            representative="Nguyễn Thị Hương",
            workers=25,
            woman_owned=True,
        ),
    )


def machine_input(facility_uuid: str, name: str = "Hợp tác xã Chè Đại Từ") -> ProposalInput:
    """A machinery proposal: total 394.000.000, support 187.000.000 (47,5 %)."""
    return ProposalInput(
        plan_year=2027,
        title="Hỗ trợ máy sao chè cho Hợp tác xã Chè Đại Từ",
        activity="may_moc_thiet_bi",
        funding_source="dia_phuong",
        implementing_unit="Trung tâm Khuyến công",
        partner_unit="UBND xã Hòa Bình",
        location="Xóm Đồng Tâm",
        commune="Xã Hòa Bình",
        start_month=date(2027, 3, 1),
        end_month=date(2027, 11, 1),
        necessity="Sao chè thủ công, năng suất thấp.",
        legal_basis="Nghị định 45/2012/NĐ-CP.",
        objectives="Nâng công suất lên 2 tấn/ngày.",
        scale="Một dây chuyền sao chè.",
        organisation="Trung tâm chủ trì, HTX đối ứng.",
        effect_economic="Doanh thu tăng 20 %.",
        effect_social="Thêm 10 việc làm.",
        effect_environment="Giảm khói bụi.",
        facilities=[FacilityRef(uuid=facility_uuid, name=name, tax_code="4600123456")],
        budget_lines=[
            BudgetLineInput(
                item="Máy sao chè",
                unit="bộ",
                quantity=Decimal(3),
                unit_price=125_000_000,
                support=187_000_000,
                counterpart=188_000_000,
            ),
            BudgetLineInput(
                item="Lắp đặt, chuyển giao",
                unit="gói",
                quantity=Decimal(1),
                unit_price=19_000_000,
                counterpart=19_000_000,
            ),
        ],
        schedule=[
            ScheduleInput(
                "Khảo sát, chọn nhà cung cấp", date(2027, 3, 1), date(2027, 3, 1), "Trung tâm"
            ),
            ScheduleInput("Lắp đặt máy", date(2027, 4, 1), date(2027, 9, 1), "HTX"),
        ],
        outputs={"facilities": 1, "machines": 3, "jobs": 10},
    )

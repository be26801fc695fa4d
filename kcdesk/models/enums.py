"""Enumerations stored by value (their identifiers are stable in the CLI and JSON)."""

from __future__ import annotations

from enum import StrEnum


class ProposalStatus(StrEnum):
    """Workflow status of a đề án (docs/architecture.md#the-yearly-cycle)."""

    RECEIVED = "received"  # tiếp nhận tại đơn vị địa phương
    FORWARDED = "forwarded"  # đã chuyển Trung tâm
    DOSSIER_COMPLETE = "dossier_complete"  # hồ sơ đầy đủ
    AWAITING_APPRAISAL = "awaiting_appraisal"  # chờ thẩm định
    APPRAISED = "appraised"  # đã thẩm định
    SUBMITTED = "submitted"  # đã trình trong danh mục
    APPROVED = "approved"  # đã phê duyệt
    IMPLEMENTING = "implementing"  # đang thực hiện
    ACCEPTED = "accepted"  # đã nghiệm thu
    SETTLED = "settled"  # đã quyết toán
    RETURNED = "returned"  # trả lại bổ sung hồ sơ
    REJECTED = "rejected"  # không được hỗ trợ
    WITHDRAWN = "withdrawn"  # rút hồ sơ
    STOPPED = "stopped"  # ngừng triển khai

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[ProposalStatus, str] = {
    ProposalStatus.RECEIVED: "Đã tiếp nhận",
    ProposalStatus.FORWARDED: "Đã chuyển Trung tâm",
    ProposalStatus.DOSSIER_COMPLETE: "Hồ sơ đầy đủ",
    ProposalStatus.AWAITING_APPRAISAL: "Chờ thẩm định",
    ProposalStatus.APPRAISED: "Đã thẩm định",
    ProposalStatus.SUBMITTED: "Đã trình phê duyệt",
    ProposalStatus.APPROVED: "Đã phê duyệt",
    ProposalStatus.IMPLEMENTING: "Đang thực hiện",
    ProposalStatus.ACCEPTED: "Đã nghiệm thu",
    ProposalStatus.SETTLED: "Đã quyết toán",
    ProposalStatus.RETURNED: "Trả lại bổ sung",
    ProposalStatus.REJECTED: "Không hỗ trợ",
    ProposalStatus.WITHDRAWN: "Đã rút",
    ProposalStatus.STOPPED: "Ngừng triển khai",
}

# Statuses from which the proposal counts as approved (in a signed catalogue).
APPROVED_OR_LATER = frozenset(
    {
        ProposalStatus.APPROVED,
        ProposalStatus.IMPLEMENTING,
        ProposalStatus.ACCEPTED,
        ProposalStatus.SETTLED,
    }
)


class FacilityKind(StrEnum):
    """Loại cơ sở công nghiệp nông thôn (beneficiary kind)."""

    SME = "dnnvv"  # doanh nghiệp nhỏ và vừa
    COOPERATIVE = "htx"  # hợp tác xã
    COOPERATIVE_UNION = "lhhtx"  # liên hiệp hợp tác xã
    COOPERATIVE_GROUP = "tht"  # tổ hợp tác
    HOUSEHOLD_BUSINESS = "hkd"  # hộ kinh doanh
    # Điểm b khoản 2 Điều 1 Nghị định 45/2012/NĐ-CP: industrial producers applying cleaner
    # production, whatever their size (not only SMEs) — beneficiaries of sản xuất sạch hơn.
    CLEANER_PRODUCTION = "sxsh"

    @property
    def label(self) -> str:
        return FACILITY_KIND_LABELS[self]


FACILITY_KIND_LABELS: dict[FacilityKind, str] = {
    FacilityKind.SME: "Doanh nghiệp nhỏ và vừa",
    FacilityKind.COOPERATIVE: "Hợp tác xã",
    FacilityKind.COOPERATIVE_UNION: "Liên hiệp hợp tác xã",
    FacilityKind.COOPERATIVE_GROUP: "Tổ hợp tác",
    FacilityKind.HOUSEHOLD_BUSINESS: "Hộ kinh doanh",
    FacilityKind.CLEANER_PRODUCTION: "Cơ sở sản xuất công nghiệp áp dụng sản xuất sạch hơn",
}


class OfficeLevel(StrEnum):
    CENTRE = "centre"  # Trung tâm Khuyến công
    DEPARTMENT = "department"  # Sở Công Thương
    LOCAL = "local"  # UBND cấp xã / phòng kinh tế

    @property
    def label(self) -> str:
        return {
            OfficeLevel.CENTRE: "Trung tâm Khuyến công",
            OfficeLevel.DEPARTMENT: "Sở Công Thương",
            OfficeLevel.LOCAL: "Đơn vị địa phương",
        }[self]


class Role(StrEnum):
    ADMIN = "admin"
    CENTRE_STAFF = "centre_staff"
    SECRETARY = "secretary"
    LEADER = "leader"
    OFFICE_CLERK = "office_clerk"

    @property
    def label(self) -> str:
        return {
            Role.ADMIN: "Quản trị",
            Role.CENTRE_STAFF: "Cán bộ Trung tâm",
            Role.SECRETARY: "Thư ký hội đồng thẩm định",
            Role.LEADER: "Lãnh đạo",
            Role.OFFICE_CLERK: "Cán bộ đơn vị địa phương",
        }[self]

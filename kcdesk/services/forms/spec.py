"""Typed, read-only definitions read from ``forms/*.toml`` (biểu mẫu dạng dữ liệu).

The wizard, the validators and the printed documents all take these objects, so
one edit of a TOML file changes entry, checks and print together
(docs/architecture.md#rules-live-in-forms).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kcdesk.services.core.errors import UserError


class FormsError(UserError, ValueError):
    """A forms file is missing, unreadable or breaks a rule (lỗi tệp biểu mẫu).

    The message is Vietnamese, names the file and says what to fix: IT staff of
    the province edit these files by hand.
    """


@dataclass(frozen=True)
class SupportCap:
    """Mức hỗ trợ tối đa: a percent of the total cost and/or a ceiling in đồng."""

    percent: int | None
    amount: int | None
    # A whole technology line (dây chuyền) may reach this multiple of ``amount``.
    line_multiplier: Fraction | None
    source: str


@dataclass(frozen=True)
class ChecklistItem:
    """One paper of the dossier (hồ sơ) or of the acceptance evidence (nghiệm thu)."""

    code: str
    label: str
    required: bool
    # The article that asks for it; "" when it is the Centre's own practice.
    source: str = ""


@dataclass(frozen=True)
class ActivitySpec:
    """Nội dung hoạt động khuyến công, as the province configured it."""

    code: str
    label: str
    short_label: str
    group_order: int
    legal_basis: str
    requires_beneficiary: bool
    multi_year: bool
    outputs: tuple[str, ...]
    cap: SupportCap | None
    documents: tuple[ChecklistItem, ...]
    evidence: tuple[ChecklistItem, ...]

    @property
    def required_documents(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.documents if item.required)

    @property
    def required_evidence(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.evidence if item.required)


@dataclass(frozen=True)
class MeasureSpec:
    """Đơn vị đo kết quả (chỉ tiêu đầu ra): what a target or an output counts."""

    code: str
    label: str
    unit: str


@dataclass(frozen=True)
class FundingSource:
    """Nguồn kinh phí: national, provincial or commune budget."""

    code: str
    label: str
    short_label: str = ""  # for narrow tables (the dashboard's money panel)

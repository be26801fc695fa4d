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


# What one ``amount`` of a cap is for (``per`` in forms/activities.toml): its label,
# printed after the figure ("300.000.000 đồng/cơ sở").
CAP_UNITS: dict[str, str] = {
    "co_so": "cơ sở",
    "mo_hinh": "mô hình",
    "de_an": "đề án",
    "lop": "lớp",
    "cum_cong_nghiep": "cụm công nghiệp",
    "thuong_hieu": "thương hiệu",
    "doanh_nghiep": "doanh nghiệp",
    "lan": "lần",
}


@dataclass(frozen=True)
class SupportCap:
    """Mức hỗ trợ tối đa: a percent of the total cost and/or a ceiling in đồng.

    ``funding`` lists the funding sources (funding_sources.toml) the figure is for;
    empty means every source (a province copy written before caps had sources).
    ``kind`` is "" for the activity's cap, or the code of a separate choice with its
    own cap (e.g. a model at a facility already operating well, to be spread).
    ``per`` is the unit one ``amount`` is for (CAP_UNITS). ``verified`` is false when
    the figure (or the very absence of one) could not be checked against the current
    text: the UI says "chưa đối chiếu" instead of presenting it as verified.
    """

    percent: int | None
    amount: int | None
    # A whole technology line (dây chuyền) may reach this multiple of ``amount``.
    line_multiplier: Fraction | None
    source: str
    funding: tuple[str, ...] = ()
    kind: str = ""
    kind_label: str = ""
    per: str = "de_an"
    verified: bool = True

    @property
    def unit_label(self) -> str:
        return CAP_UNITS.get(self.per, self.per)

    def applies_to(self, funding_source: str) -> bool:
        return not self.funding or funding_source in self.funding


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
    # The activity's main cap for khuyến công quốc gia (kept for callers that print
    # the national figure); ``caps`` holds every cap, by funding source and kind.
    cap: SupportCap | None
    documents: tuple[ChecklistItem, ...]
    evidence: tuple[ChecklistItem, ...]
    caps: tuple[SupportCap, ...] = ()

    @property
    def all_caps(self) -> tuple[SupportCap, ...]:
        if self.caps:
            return self.caps
        return (self.cap,) if self.cap is not None else ()

    @property
    def cap_kinds(self) -> dict[str, str]:
        """The separate cap choices of this activity: code -> label (not the main one)."""
        return {c.kind: c.kind_label or c.kind for c in self.all_caps if c.kind}

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

"""Checks on a proposal being written (kiểm tra đề án): errors block saving, warnings do not.

Every problem names a field key (``title``, ``budget_lines[2].support``…) so the
wizard can jump to it, and says in Vietnamese what is wrong and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.formatting import format_money
from kcdesk.models import Facility
from kcdesk.services.forms import load as forms
from kcdesk.services.forms.spec import ActivitySpec
from kcdesk.services.proposals import attachments
from kcdesk.services.proposals.draft import ProposalInput
from kcdesk.services.proposals.duplicates import prior_support, span_setting
from kcdesk.services.proposals.template import ProposalTemplate, load_template
from kcdesk.text import nfc

Severity = Literal["error", "warning"]

_TEXT_FIELDS = (
    "title",
    "implementing_unit",
    "partner_unit",
    "location",
    "commune",
    "necessity",
    "legal_basis",
    "objectives",
    "scale",
    "organisation",
    "effect_economic",
    "effect_social",
    "effect_environment",
)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def _month(value: object) -> str:
    return value.strftime("%m/%Y") if isinstance(value, date) else "?"


def validate(
    data: ProposalInput,
    *,
    template: ProposalTemplate | None = None,
    activities: dict[str, ActivitySpec] | None = None,
    check_files: bool = True,
    session: Session | None = None,
) -> list[Problem]:
    """Every rule that needs no database, in page order (``session`` only tells where
    attached files are kept: the blob table on a server)."""
    template = template or load_template()
    activities = activities if activities is not None else forms.load_activities()
    out: list[Problem] = []

    def err(field: str, message: str) -> None:
        out.append(Problem(field, message, "error"))

    def warn(field: str, message: str) -> None:
        out.append(Problem(field, message, "warning"))

    label = template.label
    # ---- general
    for key in _TEXT_FIELDS:
        spec = template.fields[key]
        if spec.required and not nfc(getattr(data, key)):
            err(key, f"Chưa nhập «{spec.label}».")
    if not 2000 <= data.plan_year <= 2100:
        err("plan_year", f"Năm kế hoạch {data.plan_year} không hợp lệ (2000–2100).")
    activity = activities.get(data.activity)
    if activity is None:
        err("activity", f"Chưa chọn «{label('activity')}» (hoặc mã không còn trong danh sách).")
    if data.funding_source not in forms.load_funding_sources():
        err("funding_source", f"Chưa chọn «{label('funding_source')}».")
    out.extend(_check_months(data, activity, template))

    # ---- beneficiaries
    if activity is not None and activity.requires_beneficiary and not data.facilities:
        err(
            "facilities",
            f"Nội dung «{activity.short_label}» phải có ít nhất một đơn vị thụ hưởng.",
        )
    elif template.fields["facilities"].required and not data.facilities:
        err("facilities", f"Chưa chọn «{label('facilities')}».")

    # ---- schedule
    if template.fields["schedule"].required and not data.schedule:
        err("schedule", "Chưa có công việc nào trong tiến độ: thêm ít nhất một dòng.")
    for n, item in enumerate(data.schedule):
        key, row = f"schedule[{n}]", n + 1
        if not nfc(item.task):
            err(f"{key}.task", f"Tiến độ, dòng {row}: chưa nhập nội dung công việc.")
        if item.start and item.end and item.end < item.start:
            err(f"{key}.end", f"Tiến độ, dòng {row}: tháng kết thúc trước tháng bắt đầu.")

    # ---- budget
    out.extend(_check_budget(data, activity, template))

    # ---- outcomes
    for measure, planned in data.outputs.items():
        if planned < 0:
            err(f"outputs.{measure}", "Kết quả dự kiến không được âm.")
    if (
        activity is not None
        and activity.outputs
        and not any(data.outputs.get(m, 0) > 0 for m in activity.outputs)
    ):
        warn("outputs", "Chưa nhập kết quả dự kiến nào: chương trình khuyến công cần các số này.")

    # ---- dossier
    for n, doc in enumerate(data.documents):
        if doc.required and not doc.received:
            warn(f"documents[{n}]", f"Hồ sơ còn thiếu: {doc.label}.")
        if check_files and doc.file_hash and not attachments.verify(doc.file_hash, session=session):
            err(
                f"documents[{n}]",
                f"Tệp đính kèm «{doc.file_name}» ({doc.label}) không đọc được hoặc đã hỏng: "
                "hãy đính kèm lại.",
            )
    return out


def _check_months(
    data: ProposalInput, activity: ActivitySpec | None, template: ProposalTemplate
) -> list[Problem]:
    out: list[Problem] = []
    start, end = data.start_month, data.end_month
    for key, value in (("start_month", start), ("end_month", end)):
        if value is None and template.fields[key].required:
            out.append(Problem(key, f"Chưa nhập «{template.label(key)}»."))
    if start and end and end < start:
        out.append(
            Problem(
                "end_month",
                f"Tháng kết thúc {_month(end)} trước tháng bắt đầu {_month(start)}.",
            )
        )
    multi_year = activity is not None and activity.multi_year
    if not multi_year:
        for key, value in (("start_month", start), ("end_month", end)):
            if value is not None and value.year != data.plan_year:
                out.append(
                    Problem(
                        key,
                        f"{template.label(key)} {_month(value)} nằm ngoài năm kế hoạch "
                        f"{data.plan_year}; nội dung này không được thực hiện nhiều năm.",
                    )
                )
    elif start is not None and start.year < data.plan_year:
        out.append(
            Problem(
                "start_month",
                f"Tháng bắt đầu {_month(start)} trước năm kế hoạch {data.plan_year}.",
            )
        )
    return out


def _check_budget(
    data: ProposalInput, activity: ActivitySpec | None, template: ProposalTemplate
) -> list[Problem]:
    out: list[Problem] = []
    if template.fields["budget_lines"].required and not data.budget_lines:
        out.append(Problem("budget_lines", "Chưa có khoản chi nào trong dự toán."))
    for n, line in enumerate(data.budget_lines):
        key, row = f"budget_lines[{n}]", n + 1
        if not nfc(line.item):
            out.append(Problem(f"{key}.item", f"Dự toán, dòng {row}: chưa nhập nội dung chi."))
        if line.quantity <= 0:
            out.append(Problem(f"{key}.quantity", f"Dự toán, dòng {row}: số lượng phải lớn hơn 0."))
        elif line.quantity != line.quantity.quantize(Decimal("0.001")):
            # The database keeps three decimals (Numeric 14,3): more would change the amount.
            out.append(
                Problem(
                    f"{key}.quantity", f"Dự toán, dòng {row}: số lượng tối đa 3 chữ số thập phân."
                )
            )
        for name, text in (
            ("unit_price", "đơn giá"),
            ("support", "kinh phí hỗ trợ"),
            ("counterpart", "vốn đối ứng"),
            ("other_funds", "nguồn khác"),
        ):
            if getattr(line, name) < 0:
                out.append(Problem(f"{key}.{name}", f"Dự toán, dòng {row}: {text} không được âm."))
        if line.exact_amount != line.amount:
            out.append(
                Problem(
                    f"{key}.quantity",
                    f"Dự toán, dòng {row}: thành tiền {line.exact_amount} đồng không phải số "
                    "nguyên đồng; hãy làm tròn đơn giá hoặc số lượng.",
                )
            )
        elif line.split_total != line.amount:
            out.append(
                Problem(
                    f"{key}.support",
                    f"Dự toán, dòng {row}: hỗ trợ + đối ứng + khác = "
                    f"{format_money(line.split_total)} đồng, khác thành tiền "
                    f"{format_money(line.amount)} đồng.",
                )
            )
    total, support = data.total_cost, data.support
    if activity is not None and total >= 0 and support >= 0:
        for message in forms.cap_check(activity, total, support):
            out.append(Problem("budget_lines", message))
    if data.budget_lines and support == 0:
        out.append(Problem("budget_lines", "Kinh phí khuyến công hỗ trợ đang bằng 0.", "warning"))
    return out


def duplicate_warnings(session: Session, data: ProposalInput) -> list[Problem]:
    """A warning per beneficiary already supported for the same activity recently."""
    if not data.activity or not data.facilities:
        return []
    span = span_setting(session)
    out: list[Problem] = []
    for n, ref in enumerate(data.facilities):
        facility = session.scalars(select(Facility).where(Facility.uuid == ref.uuid)).first()
        if facility is None:
            out.append(
                Problem(f"facilities[{n}]", f"Cơ sở «{ref.name}» không còn trong cơ sở dữ liệu.")
            )
            continue
        earlier = [
            (code, year)
            for code, year in prior_support(session, facility, data.activity, data.plan_year, span)
            if code != data.code
        ]
        if earlier:
            listed = ", ".join(f"{code} (năm {year})" for code, year in earlier)
            out.append(
                Problem(
                    f"facilities[{n}]",
                    f"Cơ sở «{facility.name}» đã được hỗ trợ cùng nội dung trong {span} năm gần "
                    f"đây: {listed}. Kiểm tra để tránh hỗ trợ trùng lặp.",
                    "warning",
                )
            )
    return out


def validate_all(session: Session, data: ProposalInput) -> list[Problem]:
    """:func:`validate` plus the checks that read the database."""
    return validate(data, session=session) + duplicate_warnings(session, data)

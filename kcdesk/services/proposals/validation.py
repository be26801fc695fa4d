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

from kcdesk.formatting import format_date, format_money
from kcdesk.models import Facility
from kcdesk.services.core import settings
from kcdesk.services.forms import caps
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
    "sustainability",
)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    severity: Severity = "error"
    # The rule's citation (article, clause of the text, or the form it comes from);
    # "" when the message already names it or it is the proposal template's own rule.
    source: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def _first(value: date) -> date:
    return value.replace(day=1)


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
        out.append(
            Problem(
                "facilities",
                f"Nội dung «{activity.short_label}» phải có ít nhất một đơn vị thụ hưởng.",
                source=activity.legal_basis,
            )
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
        # Every task lies within the proposal's own start–end months.
        for part, month in (("start", item.start), ("end", item.end)):
            if month is None:
                continue
            if data.start_month and _first(month) < _first(data.start_month):
                err(
                    f"{key}.{part}",
                    f"Tiến độ, dòng {row}: tháng {_month(month)} trước tháng bắt đầu của đề án "
                    f"{_month(data.start_month)}.",
                )
            elif data.end_month and _first(month) > _first(data.end_month):
                err(
                    f"{key}.{part}",
                    f"Tiến độ, dòng {row}: tháng {_month(month)} sau tháng kết thúc của đề án "
                    f"{_month(data.end_month)}.",
                )

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
    out.extend(_check_cap(data, activity))
    if data.budget_lines and data.support == 0:
        out.append(Problem("budget_lines", "Kinh phí khuyến công hỗ trợ đang bằng 0.", "warning"))
    return out


def _check_cap(data: ProposalInput, activity: ActivitySpec | None) -> list[Problem]:
    """The cap for the proposal's funding source and cap choice (forms/activities.toml)."""
    out: list[Problem] = []
    if activity is None:
        return out
    if data.cap_kind and data.cap_kind not in activity.cap_kinds:
        out.append(
            Problem(
                "cap_kind",
                f"Nội dung «{activity.short_label}» không có lựa chọn mức hỗ trợ «{data.cap_kind}».",
            )
        )
        return out
    cap = caps.select_cap(activity, data.funding_source, data.cap_kind)
    if data.whole_line and (cap is None or cap.line_multiplier is None):
        out.append(
            Problem(
                "whole_line",
                f"Nội dung «{activity.short_label}» không có mức riêng cho cả dây chuyền công "
                "nghệ với nguồn kinh phí này: bỏ chọn «cả dây chuyền».",
            )
        )
    total, support = data.total_cost, data.support
    if total >= 0 and support >= 0:
        for message in forms.cap_check(
            activity,
            total,
            support,
            whole_line=data.whole_line,
            funding_source=data.funding_source,
            cap_kind=data.cap_kind,
            facilities=len(data.facilities),
            classes=data.outputs.get("classes", 0),
        ):
            out.append(Problem("budget_lines", message, source=cap.source if cap else ""))
    notice = caps.cap_notice(activity, data.funding_source, data.cap_kind)
    if notice is not None:
        out.append(
            Problem(
                "funding_source",
                notice,
                "warning",
                source=caps.PROVINCE_POWER
                if cap is None and data.funding_source != caps.NATIONAL
                else (cap.source if cap is not None else ""),
            )
        )
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
    """:func:`validate` plus the checks that read the database (what the wizard runs)."""
    # Imported here: target_outputs builds on this module's Problem.
    from kcdesk.services.proposals import target_outputs

    return (
        validate(data, session=session)
        + target_outputs.check(session, data)
        + dossier_deadline_warning(session, data)
        + duplicate_warnings(session, data)
    )


def dossier_deadline_warning(
    session: Session, data: ProposalInput, today: date | None = None
) -> list[Problem]:
    """A warning (never an error) for a dossier filed after the deadline of its plan
    year (setting ``deadline.dossier``, 30/6 of the year before by default)."""
    if not 2000 <= data.plan_year <= 2100:
        return []
    day, month = settings.day_month(str(settings.get(session, "deadline.dossier")))
    deadline = date(data.plan_year - 1, month, day)
    filed = data.received_date or today or date.today()
    if filed <= deadline:
        return []
    return [
        Problem(
            "received_date",
            f"Hồ sơ nộp ngày {format_date(filed)}, sau hạn {format_date(deadline)} của năm kế "
            f"hoạch {data.plan_year} ({(filed - deadline).days} ngày): đề án vẫn được lưu, "
            "cần nêu lý do khi trình.",
            "warning",
            source="Hạn nộp hồ sơ theo quy trình của tỉnh (cài đặt «Hạn nộp hồ sơ»)",
        )
    ]

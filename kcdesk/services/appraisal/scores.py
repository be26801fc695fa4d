"""Score entry (nhập điểm phiếu đánh giá): check everything, then save everything.

A grid (members × criteria) for one agenda item is validated as a whole before
anything is written, so a wrong cell leaves the database exactly as it was.
Points are whole or with one decimal (7,5); both "7,5" and "7.5" are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from kcdesk.models.appraisal import AgendaItem, CouncilMember, CriterionScore
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.criteria import CriteriaSet
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import APPRAISAL_EDIT, require
from kcdesk.text import nfc

Points = Decimal | int | float | str | None


@dataclass
class SheetInput:
    """What one member wrote on one sheet: points per criterion code, conclusion, comment."""

    scores: dict[str, Points] = field(default_factory=dict)
    conclusion: str | None = None
    comment: str = ""


def parse_points(
    value: Points, *, maximum: int | None = None, what: str = "Điểm"
) -> Decimal | None:
    """A score as Decimal (None when blank); ValueError with a Vietnamese message."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{what}: «{value}» không phải là số điểm.")
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"{what}: «{value}» không phải là số điểm.") from exc
    elif isinstance(value, float):
        # repr gives the shortest text that reads back the same: 14.3 → "14.3".
        number = Decimal(repr(value))
    else:
        number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what}: «{value}» không phải là số điểm.")
    if number < 0:
        raise ValueError(f"{what}: {format_points(number)} là số âm; điểm từ 0 trở lên.")
    if maximum is not None and number > maximum:
        raise ValueError(f"{what}: {format_points(number)} lớn hơn điểm tối đa {maximum}.")
    if number != number.quantize(Decimal("0.1")):
        raise ValueError(f"{what}: {format_points(number)} — chỉ lẻ đến một chữ số thập phân.")
    return number.quantize(Decimal("0.1"))


def format_points(value: Decimal | int | None) -> str:
    """Vietnamese decimal comma, no trailing ",0": 17 → "17", 7.5 → "7,5"."""
    if value is None:
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(int(number))
    text = f"{number.normalize():f}"
    return text.replace(".", ",")


def _check_sheet(
    spec: CriteriaSet, item: AgendaItem, member: CouncilMember, data: SheetInput
) -> tuple[dict[str, Decimal], list[str]]:
    """Parsed scores for one member, plus every problem found (all at once)."""
    problems: list[str] = []
    parsed: dict[str, Decimal] = {}
    known = {c.code: c for c in spec.criteria}
    for code, raw in data.scores.items():
        criterion = known.get(code)
        if criterion is None:
            problems.append(f"{member.name}: tiêu chí «{code}» không có trong bộ tiêu chí.")
            continue
        try:
            value = parse_points(
                raw, maximum=criterion.max_points, what=f"{member.name}, {criterion.label}"
            )
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if value is not None:
            parsed[code] = value
    if data.conclusion and data.conclusion not in {c.code for c in spec.conclusions}:
        problems.append(f"{member.name}: kết luận «{data.conclusion}» không có trong bộ tiêu chí.")
    has_content = bool(parsed or data.conclusion or data.comment.strip())
    if has_content and appraisal.is_conflicted(item, member):
        problems.append(
            f"{member.name} đã khai xung đột lợi ích với đề án {item.proposal.code}: "
            "không được chấm đề án này."
        )
    return parsed, problems


def save_grid(
    session: Session,
    actor: Actor,
    item: AgendaItem,
    sheets: Mapping[int, SheetInput],
) -> int:
    """Save the sheets of ``item`` keyed by member id; returns the number of sheets saved.

    Refused as a whole (ValidationError listing every problem, nothing saved) when
    the council has no members, a member is unknown or conflicted, a score is out
    of 0..maximum, or the item's result is already recorded.
    """
    require(actor, APPRAISAL_EDIT)
    s = item.session
    if not s.members:
        raise ValidationError(
            f"Hội đồng «{s.name}» chưa có thành viên: thêm thành viên trước khi nhập điểm."
        )
    if item.recorded_at is not None:
        raise ValidationError(
            f"Đề án {item.proposal.code} đã ghi kết quả thẩm định: không sửa điểm được nữa."
        )
    spec = appraisal.criteria_of(s)
    members = {m.id: m for m in s.members}
    problems: list[str] = []
    checked: list[tuple[CouncilMember, dict[str, Decimal], SheetInput]] = []
    for member_id, data in sheets.items():
        member = members.get(member_id)
        if member is None:
            problems.append(f"Thành viên số {member_id} không thuộc hội đồng «{s.name}».")
            continue
        parsed, found = _check_sheet(spec, item, member, data)
        problems.extend(found)
        checked.append((member, parsed, data))
    if problems:
        raise ValidationError(
            "Chưa lưu điểm: " + " ".join(problems), {"scores": "; ".join(problems)}
        )
    changes: dict[str, dict[str, object]] = {}
    for member, parsed, data in checked:
        old = _sheet_text(item, member, spec)
        if appraisal.is_conflicted(item, member):
            continue  # nothing to write; the checks above made sure it is empty
        sheet = appraisal.sheet_for(session, item, member)
        existing = {sc.criterion: sc for sc in sheet.scores}
        for code, score in list(existing.items()):
            if code not in parsed:
                sheet.scores.remove(score)
                session.delete(score)
        for code, value in parsed.items():
            if code in existing:
                existing[code].points = value
            else:
                sheet.scores.append(CriterionScore(criterion=code, points=value))
        sheet.conclusion = data.conclusion or None
        sheet.comment = nfc(data.comment.strip())
        session.flush()
        new = _sheet_text(item, member, spec)
        if new != old:
            changes[member.name] = {"old": old or None, "new": new or None}
    if changes:
        appraisal._touch(
            session,
            actor,
            s,
            "scores",
            {f"{item.proposal.code} / {name}": change for name, change in changes.items()},
        )
    return len(checked)


def enter_scores(
    session: Session,
    actor: Actor,
    item: AgendaItem,
    member: CouncilMember,
    scores: Mapping[str, Points],
    *,
    conclusion: str | None = None,
    comment: str = "",
) -> None:
    """One member's sheet (see :func:`save_grid` for the checks)."""
    save_grid(
        session,
        actor,
        item,
        {member.id: SheetInput(dict(scores), conclusion, comment)},
    )


def _sheet_text(item: AgendaItem, member: CouncilMember, spec: CriteriaSet) -> str:
    """A short readable form of a sheet for the audit trail."""
    sheet = appraisal.find_sheet(item, member)
    if sheet is None:
        return ""
    by_code = {sc.criterion: sc.points for sc in sheet.scores}
    parts = [
        f"{c.code}={format_points(by_code[c.code])}" for c in spec.criteria if c.code in by_code
    ]
    if sheet.conclusion:
        parts.append(f"kết luận={sheet.conclusion}")
    return ", ".join(parts)

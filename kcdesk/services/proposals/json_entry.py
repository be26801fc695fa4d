"""A proposal entered as JSON (nhập đề án bằng JSON), for IT staff and rule checks.

The input is what ``kcdesk proposal show CODE --json`` prints, so a proposal can be
exported, edited and entered again. Fields only the system sets (code, uuid,
revision, status, history, money sums, office, approval figures) are ignored. The
checks are exactly the wizard's (:func:`validation.validate_all`); a value of the
wrong shape is one more problem, with its field, instead of an exception.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Facility
from kcdesk.services.core.errors import UserError
from kcdesk.services.proposals.draft import (
    BudgetLineInput,
    DocumentInput,
    FacilityRef,
    ProposalInput,
    ScheduleInput,
)
from kcdesk.services.proposals.validation import Problem, validate_all

# Printed by ``show --json`` but set by the system: never read back.
SYSTEM_FIELDS = frozenset(
    {
        "code",
        "uuid",
        "revision",
        "status",
        "history",
        "office",
        "facility",
        "total",
        "support",
        "requested_support",
        "approved_support",
        "counterpart",
        "other",
        "disbursed",
    }
)
_TEXTS = (
    "title",
    "activity",
    "funding_source",
    "programme",
    "cap_kind",
    "implementing_unit",
    "partner_unit",
    "location",
    "commune",
    "necessity",
    "legal_basis",
    "objectives",
    "scale",
    "organisation",
)
_EFFECTS = {
    "economic": "effect_economic",
    "social": "effect_social",
    "environment": "effect_environment",
    "sustainability": "sustainability",
}


def read_json_file(path: Path) -> dict[str, Any]:
    """The file's JSON object; a one-line Vietnamese ``UserError`` when it is not one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"Không đọc được tệp «{path}» ({exc.strerror or exc}).") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"Tệp «{path}» không phải văn bản UTF-8.") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"Tệp «{path}» không phải JSON hợp lệ: lỗi cú pháp ở dòng {exc.lineno}, "
            f"cột {exc.colno}."
        ) from exc
    if not isinstance(raw, dict):
        raise UserError(
            f"Tệp «{path}» phải chứa một đề án (đối tượng JSON {{…}}), như "
            "«kcdesk proposal show MÃ --json» in ra."
        )
    return raw


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def bad(self, field: str, message: str) -> None:
        self.problems.append(Problem(field, message))

    def text(self, raw: dict[str, Any], key: str, field: str) -> str:
        value = raw.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            self.bad(field, f"«{field}» phải là chữ (trong ngoặc kép).")
            return ""
        return value

    def whole(self, raw: dict[str, Any], key: str, field: str) -> int:
        value = raw.get(key, 0)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(field, f"«{field}» phải là số nguyên (đồng, không có phần thập phân).")
            return 0
        return value

    def month(self, value: Any, field: str) -> date | None:
        if value in (None, ""):
            return None
        try:
            year, month = str(value).split("-")[:2]
            return date(int(year), int(month), 1)
        except ValueError:
            self.bad(field, f"«{field}» phải có dạng năm-tháng, ví dụ 2027-03.")
            return None

    def day(self, value: Any, field: str) -> date | None:
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.bad(field, f"«{field}» phải có dạng năm-tháng-ngày, ví dụ 2026-06-15.")
            return None

    def items(self, raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            self.bad(key, f"«{key}» phải là danh sách các đối tượng {{…}}.")
            return []
        return value

    def table(self, raw: dict[str, Any], key: str) -> dict[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            self.bad(key, f"«{key}» phải là đối tượng {{mã: {{…}}}}.")
            return {}
        return value


def _planned(reader: _Reader, value: Any, field: str) -> int:
    planned = value.get("planned", 0) if isinstance(value, dict) else value
    if isinstance(planned, bool) or not isinstance(planned, int):
        reader.bad(field, f"«{field}» phải là số nguyên.")
        return 0
    return planned


def _facility(session: Session, reader: _Reader, raw: dict[str, Any], n: int) -> FacilityRef:
    """The beneficiary by uuid, else by tax code (a proposal from another database)."""
    uuid, tax_code = str(raw.get("uuid") or ""), str(raw.get("tax_code") or "")
    found = session.scalars(select(Facility).where(Facility.uuid == uuid)).first() if uuid else None
    if found is None and tax_code:
        found = session.scalars(select(Facility).where(Facility.tax_code == tax_code)).first()
    if found is None:
        name = str(raw.get("name") or uuid or f"thứ {n + 1}")
        reader.bad(
            f"facilities[{n}]",
            f"Cơ sở «{name}» không có trong cơ sở dữ liệu (theo uuid hoặc mã số thuế): "
            "hãy thêm cơ sở trước.",
        )
        return FacilityRef(uuid=uuid, name=name, tax_code=tax_code)
    return FacilityRef(
        uuid=found.uuid, name=found.name, tax_code=found.tax_code or "", commune=found.commune
    )


def to_input(session: Session, raw: dict[str, Any]) -> tuple[ProposalInput, list[Problem]]:
    """The proposal in ``raw`` (``show --json`` shape) and the problems of its shape."""
    reader = _Reader()
    year = raw.get("plan_year")
    if isinstance(year, bool) or not isinstance(year, int):
        reader.bad("plan_year", "«plan_year» (năm kế hoạch) phải là số nguyên, ví dụ 2027.")
        year = 0
    data = ProposalInput(plan_year=year)
    for key in _TEXTS:
        setattr(data, key, reader.text(raw, key, key))
    data.funding_source = data.funding_source or "dia_phuong"
    whole_line = raw.get("whole_line", False)
    if not isinstance(whole_line, bool):
        reader.bad("whole_line", "«whole_line» phải là true hoặc false.")
    data.whole_line = whole_line is True
    effect = reader.table(raw, "effect")
    for key, name in _EFFECTS.items():
        setattr(data, name, reader.text(effect, key, f"effect.{key}"))
    data.start_month = reader.month(raw.get("start_month"), "start_month")
    data.end_month = reader.month(raw.get("end_month"), "end_month")
    data.received_date = reader.day(raw.get("received_date"), "received_date")
    data.facilities = [
        _facility(session, reader, f, n) for n, f in enumerate(reader.items(raw, "facilities"))
    ]
    for n, line in enumerate(reader.items(raw, "budget_lines")):
        key = f"budget_lines[{n}]"
        try:
            quantity = Decimal(str(line.get("quantity", 1)))
        except (InvalidOperation, ValueError):
            reader.bad(f"{key}.quantity", f"Dự toán, dòng {n + 1}: số lượng không phải số.")
            quantity = Decimal(1)
        data.budget_lines.append(
            BudgetLineInput(
                item=reader.text(line, "item", f"{key}.item"),
                unit=reader.text(line, "unit", f"{key}.unit"),
                quantity=quantity,
                unit_price=reader.whole(line, "unit_price", f"{key}.unit_price"),
                support=reader.whole(line, "support", f"{key}.support"),
                counterpart=reader.whole(line, "counterpart", f"{key}.counterpart"),
                other_funds=reader.whole(line, "other", f"{key}.other"),
            )
        )
    for n, item in enumerate(reader.items(raw, "schedule")):
        key = f"schedule[{n}]"
        data.schedule.append(
            ScheduleInput(
                task=reader.text(item, "task", f"{key}.task"),
                start=reader.month(item.get("start"), f"{key}.start"),
                end=reader.month(item.get("end"), f"{key}.end"),
                responsible=reader.text(item, "responsible", f"{key}.responsible"),
            )
        )
    data.outputs = {
        str(code): _planned(reader, value, f"outputs.{code}")
        for code, value in reader.table(raw, "outputs").items()
    }
    data.target_outputs = {
        str(code): _planned(reader, value, f"target_outputs.{code}")
        for code, value in reader.table(raw, "target_outputs").items()
    }
    for n, doc in enumerate(reader.items(raw, "documents")):
        if not doc.get("code"):
            reader.bad(f"documents[{n}]", f"Hồ sơ, mục {n + 1}: thiếu «code».")
            continue
        data.documents.append(
            DocumentInput(
                code=str(doc["code"]),
                label=str(doc.get("label") or doc["code"]),
                required=doc.get("required") is not False,
                received=doc.get("received") is True,
            )
        )
    return data, reader.problems


def check(session: Session, raw: dict[str, Any]) -> tuple[ProposalInput, list[Problem]]:
    """Shape problems, then every problem the wizard would show (errors and warnings)."""
    data, problems = to_input(session, raw)
    seen = {p.field for p in problems}
    return data, problems + [p for p in validate_all(session, data) if p.field not in seen]

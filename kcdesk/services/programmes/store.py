"""Programmes in the database: load presets, list, show, and the consistency check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcdesk.models import Programme, Target
from kcdesk.services.core import audit
from kcdesk.services.core.errors import NotFoundError, ValidationError
from kcdesk.services.programmes.check import ProgrammeWarning, check_programme
from kcdesk.services.programmes.file import (
    KNOWN_ACTIVITIES,
    KNOWN_MEASURES,
    BudgetSpec,
    ProgrammeSpec,
    TargetSpec,
    load_programme_file,
    preset_paths,
)
from kcdesk.services.security import permissions
from kcdesk.services.security.actor import Actor
from kcdesk.text import nfc as nfc_text


def save_programme_spec(session: Session, actor: Actor, spec: ProgrammeSpec) -> Programme:
    """Create the programme, or replace its fields and targets when the code exists."""
    permissions.require(actor, permissions.PROGRAMME_EDIT)
    programme = session.scalars(select(Programme).where(Programme.code == spec.code)).first()
    action = "update" if programme is not None else "create"
    if programme is None:
        programme = Programme(code=spec.code, origin_office=actor.office_code)
        session.add(programme)
    else:
        programme.revision += 1
    programme.name = spec.name
    programme.province = spec.province
    programme.start_year = spec.start_year
    programme.end_year = spec.end_year
    programme.decision_no = spec.decision_no
    programme.decision_date = spec.decision_date
    programme.issuer = spec.issuer
    programme.source = spec.source
    programme.note = spec.note
    programme.budget_national = spec.budget.national
    programme.budget_local = spec.budget.local
    programme.budget_other = spec.budget.other
    programme.budget_total = spec.budget.total
    programme.budget_by_year = {str(k): v for k, v in spec.budget.by_year.items()}
    programme.budget_by_activity = dict(spec.budget.by_activity)
    programme.targets.clear()
    session.flush()
    for position, target in enumerate(spec.targets):
        programme.targets.append(
            Target(
                position=position,
                code=target.code,
                group=target.group,
                name=target.name,
                unit=target.unit,
                quantity=target.quantity,
                activities=list(target.activities),
                measure=target.measure,
                parts=list(target.parts),
                budget=target.budget,
                note=target.note,
                origin_office=actor.office_code,
            )
        )
    session.flush()
    audit.record(
        session,
        actor,
        entity="programme",
        entity_uuid=programme.uuid,
        entity_label=programme.code,
        action=action,
        changes={"targets": {"old": None, "new": len(spec.targets)}},
    )
    return programme


def load_presets(session: Session, actor: Actor, paths: list[Path] | None = None) -> list[str]:
    """Load the shipped programme presets that are not in the database yet."""
    loaded: list[str] = []
    existing = set(session.scalars(select(Programme.code)))
    for path in paths if paths is not None else preset_paths():
        spec = load_programme_file(path)
        if spec.code in existing:
            continue
        save_programme_spec(session, actor, spec)
        loaded.append(spec.code)
    return loaded


def read_programme_file(path: Path) -> ProgrammeSpec:
    """A programme file the user chose: TOML (the preset format) or XLSX (same columns)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        # openpyxl is only needed for this format; keep the TOML path light.
        from kcdesk.services.programmes.xlsx import read_programme_xlsx

        return read_programme_xlsx(path)
    return load_programme_file(path)


def import_programme(session: Session, actor: Actor, path: Path) -> tuple[Programme, str]:
    """Import (or replace by code) a programme from a TOML or XLSX file.

    Returns the programme and "create" or "update". Requires PROGRAMME_EDIT.
    """
    permissions.require(actor, permissions.PROGRAMME_EDIT)
    spec = read_programme_file(path)
    exists = session.scalars(select(Programme.id).where(Programme.code == spec.code)).first()
    programme = save_programme_spec(session, actor, spec)
    return programme, "update" if exists is not None else "create"


# Fields of a target the user may edit, and how each value is checked.
TARGET_FIELDS = (
    "group",
    "name",
    "unit",
    "quantity",
    "activities",
    "measure",
    "parts",
    "budget",
    "note",
)


def update_target(
    session: Session, actor: Actor, programme_code: str, target_code: str, **changes: Any
) -> Target:
    """Edit one target (sửa chỉ tiêu); records an audit event with the changed fields."""
    permissions.require(actor, permissions.PROGRAMME_EDIT)
    programme = get_programme(session, programme_code)
    target = next((t for t in programme.targets if t.code == target_code), None)
    if target is None:
        raise NotFoundError(f"Chương trình {programme_code} không có chỉ tiêu mã {target_code}.")
    values = _checked_target_values(changes, {t.code for t in programme.targets} - {target_code})
    old = {key: _plain(getattr(target, key)) for key in values}
    for key, value in values.items():
        setattr(target, key, value)
    new = {key: _plain(getattr(target, key)) for key in values}
    diff = audit.diff(old, new)
    if not diff:
        return target
    target.revision += 1
    programme.revision += 1
    session.flush()
    audit.record(
        session,
        actor,
        entity="programme",
        entity_uuid=programme.uuid,
        entity_label=f"{programme.code} / {target.code}",
        action="update-target",
        changes=diff,
    )
    return target


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


def _checked_target_values(changes: dict[str, Any], other_codes: set[str]) -> dict[str, Any]:
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in TARGET_FIELDS:
            problems[key] = f"Không sửa được trường «{key}» của chỉ tiêu."
        elif key in ("quantity", "budget"):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                problems[key] = "Phải là số nguyên không âm (hoặc để trống)."
            values[key] = value
        elif key in ("activities", "parts"):
            codes = [nfc_text(str(code)) for code in value or []]
            if key == "activities":
                unknown = [c for c in codes if c not in KNOWN_ACTIVITIES]
                if unknown:
                    problems[key] = f"Mã hoạt động không có trong danh mục: {', '.join(unknown)}."
            else:
                unknown = [c for c in codes if c not in other_codes]
                if unknown:
                    problems[key] = (
                        f"Chỉ tiêu thành phần không có trong chương trình: {', '.join(unknown)}."
                    )
            values[key] = codes
        elif key == "measure":
            if value not in KNOWN_MEASURES:
                problems[key] = f"Đơn vị đo «{value}» không có trong danh mục."
            values[key] = value
        else:
            text = nfc_text(str(value or ""))
            if key == "name" and not text:
                problems[key] = "Tên chỉ tiêu không được để trống."
            values[key] = text
    if problems:
        raise ValidationError("Chưa sửa được chỉ tiêu: " + " ".join(problems.values()), problems)
    return values


def list_programmes(session: Session) -> list[Programme]:
    return list(
        session.scalars(select(Programme).order_by(Programme.province, Programme.start_year))
    )


def get_programme(session: Session, code: str) -> Programme:
    programme = session.scalars(
        select(Programme).where(Programme.code == code).options(selectinload(Programme.targets))
    ).first()
    if programme is None:
        codes = ", ".join(session.scalars(select(Programme.code))) or "chưa có"
        raise NotFoundError(f"Không có chương trình mã {code}. Các mã hiện có: {codes}.")
    return programme


def to_spec(programme: Programme) -> ProgrammeSpec:
    """The stored programme as a spec, so the same check runs on edited data."""
    return ProgrammeSpec(
        code=programme.code,
        name=programme.name,
        province=programme.province,
        start_year=programme.start_year,
        end_year=programme.end_year,
        decision_no=programme.decision_no,
        decision_date=programme.decision_date,
        issuer=programme.issuer,
        source=programme.source,
        note=programme.note,
        budget=BudgetSpec(
            national=programme.budget_national,
            local=programme.budget_local,
            other=programme.budget_other,
            total=programme.budget_total,
            by_year={int(k): int(v) for k, v in (programme.budget_by_year or {}).items()},
            by_activity={k: int(v) for k, v in (programme.budget_by_activity or {}).items()},
        ),
        targets=tuple(
            TargetSpec(
                code=t.code,
                group=t.group,
                name=t.name,
                unit=t.unit,
                quantity=t.quantity,
                activities=tuple(t.activities or ()),
                measure=t.measure,
                parts=tuple(t.parts or ()),
                budget=t.budget,
                note=t.note,
            )
            for t in programme.targets
        ),
    )


def check(programme: Programme) -> list[ProgrammeWarning]:
    return check_programme(to_spec(programme))


def summary_dict(programme: Programme) -> dict[str, Any]:
    return {
        "code": programme.code,
        "name": programme.name,
        "province": programme.province,
        "start_year": programme.start_year,
        "end_year": programme.end_year,
    }


def detail_dict(programme: Programme) -> dict[str, Any]:
    return {
        **summary_dict(programme),
        "decision_no": programme.decision_no,
        "decision_date": programme.decision_date.isoformat() if programme.decision_date else None,
        "issuer": programme.issuer,
        "budget": {
            "national": programme.budget_national,
            "local": programme.budget_local,
            "other": programme.budget_other,
            "total": programme.budget_total,
            "by_year": programme.budget_by_year,
            "by_activity": programme.budget_by_activity,
        },
        "targets": [
            {
                "code": t.code,
                "group": t.group,
                "name": t.name,
                "unit": t.unit,
                "quantity": t.quantity,
                "activities": t.activities,
                "measure": t.measure,
                "parts": t.parts,
                "budget": t.budget,
                "note": t.note,
            }
            for t in programme.targets
        ],
    }

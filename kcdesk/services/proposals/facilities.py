"""Beneficiary facilities (cơ sở thụ hưởng): search, create, update, tax-code check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Facility, FacilityKind
from kcdesk.services.communes.official import commune
from kcdesk.services.communes.resolve import resolve
from kcdesk.services.core import audit
from kcdesk.services.core.concurrency import check_revision
from kcdesk.services.core.errors import NotFoundError, ValidationError
from kcdesk.services.proposals.search import facility_search_clause, facility_search_text
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import PROPOSAL_EDIT, require
from kcdesk.text import nfc

# Mã số thuế: 10 digits, or 10 digits - 3 digits for a dependent branch (chi nhánh).
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")

TAX_CODE_HELP = (
    "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số - 3 chữ số với chi nhánh (0101234567-001)."
)


def normalise_tax_code(text: str | None) -> str:
    """Drop spaces and dots people type inside the code; '' when blank."""
    return re.sub(r"[\s.]", "", nfc(text))


def tax_code_problem(text: str | None) -> str | None:
    """A Vietnamese message when the tax code is malformed; None when fine or blank."""
    code = normalise_tax_code(text)
    if not code or _TAX_CODE.fullmatch(code):
        return None
    return f"Mã số thuế «{nfc(text)}» không đúng dạng. {TAX_CODE_HELP}"


@dataclass
class FacilityInput:
    """What the wizard's "new facility" form edits."""

    name: str = ""
    kind: FacilityKind = FacilityKind.HOUSEHOLD_BUSINESS
    tax_code: str = ""
    address: str = ""
    commune: str = ""
    commune_code: str = ""  # official code when picked from the list
    province: str = ""
    representative: str = ""
    phone: str = ""
    sector: str = ""
    workers: int | None = None
    woman_owned: bool = False
    ethnic_minority_owned: bool = False
    craft_village: bool = False


def check_facility(data: FacilityInput) -> dict[str, str]:
    """Problems by field; {} when the facility may be saved."""
    problems: dict[str, str] = {}
    if not nfc(data.name):
        problems["name"] = "Chưa nhập tên cơ sở."
    if (message := tax_code_problem(data.tax_code)) is not None:
        problems["tax_code"] = message
    if data.workers is not None and data.workers < 0:
        problems["workers"] = "Số lao động không được âm."
    if not nfc(data.commune) and not nfc(data.commune_code):
        problems["commune"] = "Chưa chọn xã, phường của cơ sở."
    return problems


def _snapshot(f: Facility) -> dict[str, Any]:
    return {
        "name": f.name,
        "kind": f.kind,
        "tax_code": f.tax_code,
        "address": f.address,
        "commune": f.commune,
        "commune_code": f.commune_code,
        "province": f.province,
        "representative": f.representative,
        "phone": f.phone,
        "sector": f.sector,
        "workers": f.workers,
        "woman_owned": f.woman_owned,
        "ethnic_minority_owned": f.ethnic_minority_owned,
        "craft_village": f.craft_village,
    }


def _apply(session: Session, f: Facility, data: FacilityInput) -> None:
    f.name = nfc(data.name)
    f.kind = data.kind
    f.tax_code = normalise_tax_code(data.tax_code) or None
    f.address = nfc(data.address)
    f.commune_code, f.commune = resolve(session, data.commune_code, data.commune)
    f.province = nfc(data.province)
    if (official := commune(f.commune_code)) is not None:
        f.province = official.province.name
    f.representative = nfc(data.representative)
    f.phone = nfc(data.phone)
    f.sector = nfc(data.sector)
    f.workers = data.workers
    f.woman_owned = data.woman_owned
    f.ethnic_minority_owned = data.ethnic_minority_owned
    f.craft_village = data.craft_village
    f.search_text = facility_search_text(f)


def _refuse(data: FacilityInput, session: Session, own_id: int | None) -> None:
    problems = check_facility(data)
    code = normalise_tax_code(data.tax_code)
    if code and "tax_code" not in problems:
        other = session.scalars(select(Facility).where(Facility.tax_code == code)).first()
        if other is not None and other.id != own_id:
            problems["tax_code"] = (
                f"Mã số thuế {code} đã có: cơ sở «{other.name}». Hãy chọn cơ sở đó thay vì tạo mới."
            )
    if problems:
        raise ValidationError(" ".join(problems.values()), problems)


def create_facility(session: Session, actor: Actor, data: FacilityInput) -> Facility:
    require(actor, PROPOSAL_EDIT)
    _refuse(data, session, None)
    facility = Facility(origin_office=actor.office_code)
    _apply(session, facility, data)
    session.add(facility)
    session.flush()
    audit.record(
        session,
        actor,
        entity="facility",
        entity_uuid=facility.uuid,
        entity_label=facility.name,
        action="create",
        changes=audit.diff({}, _snapshot(facility)),
    )
    return facility


def update_facility(
    session: Session,
    actor: Actor,
    uuid: str,
    data: FacilityInput,
    expected_revision: int | None = None,
) -> Facility:
    require(actor, PROPOSAL_EDIT)
    facility = get_facility(session, uuid)
    check_revision(session, facility, expected_revision, what="Cơ sở", label=facility.name)
    _refuse(data, session, facility.id)
    before = _snapshot(facility)
    _apply(session, facility, data)
    changes = audit.diff(before, _snapshot(facility))
    if changes:
        facility.revision += 1
        audit.record(
            session,
            actor,
            entity="facility",
            entity_uuid=facility.uuid,
            entity_label=facility.name,
            action="update",
            changes=changes,
        )
    return facility


def get_facility(session: Session, uuid: str) -> Facility:
    facility = session.scalars(select(Facility).where(Facility.uuid == uuid)).first()
    if facility is None:
        raise NotFoundError("Không tìm thấy cơ sở thụ hưởng này (có thể đã bị xoá).")
    return facility


def search_facilities(session: Session, query: str, limit: int = 50) -> list[Facility]:
    """Facilities whose name, tax code or commune hold every word typed (no diacritics needed)."""
    return list(
        session.scalars(
            select(Facility)
            .where(facility_search_clause(query))
            .order_by(Facility.name, Facility.id)
            .limit(limit)
        )
    )


def to_input(f: Facility) -> FacilityInput:
    return FacilityInput(
        name=f.name,
        kind=f.kind,
        tax_code=f.tax_code or "",
        address=f.address,
        commune=f.commune,
        commune_code=f.commune_code or "",
        province=f.province,
        representative=f.representative,
        phone=f.phone,
        sector=f.sector,
        workers=f.workers,
        woman_owned=f.woman_owned,
        ethnic_minority_owned=f.ethnic_minority_owned,
        craft_village=f.craft_village,
    )

"""Communes typed before the official list (xã chưa khớp danh mục): match or list them.

:func:`match_all` sets the code where the match is certain — a name of the official
list, or a district-era commune (legacy Excel imports, merged Centres) that went whole
into one new unit by the conversion table (services.communes.conversion; the record
keeps its district-era name then); :func:`unmatched` lists the rest (facility, proposal
or office, with the text typed and, for a split commune, the candidate units) for the
user to pick the right unit; :func:`assign` records that choice, audited. Nothing is
guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import Facility, Office, Proposal
from kcdesk.services.communes import conversion, matching
from kcdesk.services.communes.official import commune
from kcdesk.services.communes.resolve import centre_province
from kcdesk.services.core import audit
from kcdesk.services.core.errors import NotFoundError, ValidationError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import PROPOSAL_EDIT, require

# kind → (model, label shown to the user)
_KINDS: dict[str, tuple[Any, str]] = {
    "facility": (Facility, "Cơ sở"),
    "proposal": (Proposal, "Đề án"),
    "office": (Office, "Đơn vị"),
}


@dataclass(frozen=True)
class Unmatched:
    kind: str  # "facility", "proposal", "office" (JSON only; the UI shows kind_label)
    id: int
    kind_label: str
    record: str  # "ĐA-2026-0001 — Hỗ trợ máy…", facility or office name
    commune_text: str
    # A district-era commune split among several units: those units, (code, name).
    candidates: tuple[tuple[str, str], ...] = ()


def _label(row: Any) -> str:
    if isinstance(row, Proposal):
        return f"{row.code} — {row.title}"
    return str(row.name)


def _pending(session: Session, model: Any) -> list[Any]:
    return list(
        session.scalars(
            select(model)
            .where(model.commune_code.is_(None), model.commune != "")
            .order_by(model.id)
        )
    )


def match_all(session: Session) -> int:
    """Give every certainly matched free-text commune its code; the number matched."""
    province = centre_province(session)
    if province is None:
        return 0
    done = 0
    for model, _label_text in _KINDS.values():
        for row in _pending(session, model):
            found = matching.match(row.commune, province)
            if found is not None:
                row.commune_code, row.commune = found.code, found.name
                done += 1
                continue
            converted = conversion.convert(row.commune, province).commune
            if converted is not None:
                # The district-era name stays: it is what the papers of the time say.
                row.commune_code = converted.code
                done += 1
    session.flush()
    return done


def count_unmatched(session: Session) -> int:
    """How many records still carry a commune not on the list (one cheap query each)."""
    return sum(
        session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.commune_code.is_(None), model.commune != "")
        )
        or 0
        for model, _label in _KINDS.values()
    )


def unmatched(session: Session) -> list[Unmatched]:
    """Records whose commune is typed text not (yet) on the official list."""
    province = centre_province(session)

    def candidates(text: str) -> tuple[tuple[str, str], ...]:
        if province is None:
            return ()
        found = conversion.convert(text, province).candidates
        return tuple((c.code, c.name) for c in found)

    return [
        Unmatched(kind, row.id, label, _label(row), row.commune, candidates(row.commune))
        for kind, (model, label) in _KINDS.items()
        for row in _pending(session, model)
    ]


def assign(session: Session, actor: Actor, kind: str, record_id: int, code: str) -> str:
    """Set the official commune the user chose for one record; its official name."""
    require(actor, PROPOSAL_EDIT)
    if kind not in _KINDS:
        raise ValidationError("Loại bản ghi phải là cơ sở, đề án hoặc đơn vị.")
    model, label = _KINDS[kind]
    row = session.get(model, record_id)
    if row is None:
        raise NotFoundError(f"Không tìm thấy {label.lower()} số {record_id}.")
    found = commune(code)
    if found is None:
        raise ValidationError(f"Mã xã, phường «{code}» không có trong danh mục đơn vị hành chính.")
    before = {"commune": row.commune, "commune_code": row.commune_code}
    row.commune_code, row.commune = found.code, found.name
    audit.record(
        session,
        actor,
        entity=kind,
        entity_uuid=row.uuid,
        entity_label=_label(row),
        action="update",
        changes=audit.diff(before, {"commune": row.commune, "commune_code": row.commune_code}),
    )
    session.flush()
    return found.name

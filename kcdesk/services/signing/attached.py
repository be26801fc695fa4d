"""Signed PDFs attached to a catalogue or an amendment (e.g. the chairman's signed
decision), each shown with its verification.

A file is refused unless it is a PDF that carries at least one digital signature;
it is verified again every time it is listed, against the current trusted roots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models.signed_document import SignedDocument
from kcdesk.services.core import audit
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import AMENDMENT_EDIT, CATALOGUE_EDIT, require
from kcdesk.services.signing import store
from kcdesk.services.signing.credentials import SigningError
from kcdesk.services.signing.verify import SignatureReport, verify_pdf, verify_pdf_bytes

CATALOGUE = "catalogue"
AMENDMENT = "amendment"
_PERMISSION = {CATALOGUE: CATALOGUE_EDIT, AMENDMENT: AMENDMENT_EDIT}
MAX_BYTES = 50 * 1_048_576


@dataclass(frozen=True)
class Owner:
    """What a signed document belongs to: a catalogue or an amendment."""

    kind: str
    key: str
    label: str

    @staticmethod
    def catalogue(plan_year: int, funding_source: str) -> Owner:
        return Owner(CATALOGUE, f"{plan_year}/{funding_source}", f"danh mục năm {plan_year}")

    @staticmethod
    def amendment(uuid: str, label: str) -> Owner:
        return Owner(AMENDMENT, uuid, label)


@dataclass(frozen=True)
class AttachedView:
    """One attached signed document and its signatures as verified now."""

    uuid: str
    file_name: str
    file_size: int
    attached_at: datetime
    attached_by: str
    reports: list[SignatureReport]
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem and bool(self.reports) and all(r.ok for r in self.reports)

    def summary(self) -> str:
        if self.problem:
            return self.problem
        if all(r.ok for r in self.reports):
            return f"{len(self.reports)} chữ ký hợp lệ, văn bản không thay đổi sau khi ký."
        return next(r.verdict() for r in self.reports if not r.ok)


def attach(session: Session, actor: Actor, owner: Owner, source: Path) -> AttachedView:
    """Verify ``source`` and keep it in the attachment store for ``owner`` (audited)."""
    from kcdesk.services.proposals import attachments

    require(actor, _PERMISSION[owner.kind])
    roots = store.trusted_roots(session)
    reports = verify_pdf(source, roots)
    if not reports:
        raise SigningError(f"Tệp {source.name} không có chữ ký số.")
    stored = attachments.store_file(source, max_bytes=MAX_BYTES)
    row = SignedDocument(
        owner_kind=owner.kind,
        owner_key=owner.key,
        file_hash=stored.hash,
        file_name=source.name,
        file_size=stored.size,
        attached_by=actor.username,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        entity="signed_document",
        entity_uuid=row.uuid,
        entity_label=f"{owner.label}: {source.name}",
        action="create",
        changes={"file_name": {"old": None, "new": source.name}},
    )
    return _view(row, reports)


def _view(row: SignedDocument, reports: list[SignatureReport], problem: str = "") -> AttachedView:
    return AttachedView(
        uuid=row.uuid,
        file_name=row.file_name,
        file_size=row.file_size,
        attached_at=row.attached_at,
        attached_by=row.attached_by,
        reports=reports,
        problem=problem,
    )


def stored_path(session: Session, uuid: str) -> Path:
    from kcdesk.services.proposals import attachments

    row = session.scalars(select(SignedDocument).where(SignedDocument.uuid == uuid)).one()
    return attachments.path_for(row.file_hash)


def list_attached(session: Session, owner: Owner) -> list[AttachedView]:
    """The owner's signed documents, oldest first, each verified now."""
    from kcdesk.services.proposals import attachments

    roots = store.trusted_roots(session)
    rows = session.scalars(
        select(SignedDocument)
        .where(SignedDocument.owner_kind == owner.kind, SignedDocument.owner_key == owner.key)
        .order_by(SignedDocument.id)
    ).all()
    out: list[AttachedView] = []
    for row in rows:
        path = attachments.path_for(row.file_hash)
        if not attachments.verify(row.file_hash):
            out.append(
                _view(row, [], "Tệp lưu trữ bị mất hoặc hỏng: hãy khôi phục từ bản sao lưu.")
            )
            continue
        try:
            out.append(_view(row, verify_pdf_bytes(path.read_bytes(), roots)))
        except SigningError as exc:
            out.append(_view(row, [], str(exc)))
    return out

"""Exporting a pack (xuất gói): from an office to the Centre, or a return pack back.

An office sends its own proposals (office_code = this office) and their facilities,
history and scans; the Centre sends one office's proposals back with statuses,
status history and decisions. By default only records changed since they were last
exchanged (revision ≠ base revision); ``full=True`` sends everything.
The pack is written atomically (temp, fsync, rename, re-read) and then opened and
verified like an incoming pack before the sync state moves on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcdesk import __version__
from kcdesk.models import (
    AuditEvent,
    Facility,
    Office,
    OfficeLevel,
    Proposal,
    ProposalFacility,
    new_uuid,
    utcnow,
)
from kcdesk.models.exchange import ExchangeWatermark
from kcdesk.services.core import audit, settings
from kcdesk.services.core.errors import PermissionDenied, UserError, ValidationError
from kcdesk.services.core.id_lists import batches
from kcdesk.services.core.safe_write import atomic_write
from kcdesk.services.exchange import appraisals, keys, records
from kcdesk.services.exchange.pack_reader import open_pack
from kcdesk.services.exchange.pack_writer import FORMAT, FORMAT_VERSION, PackWriter
from kcdesk.services.exchange.sync import load_states, set_state
from kcdesk.services.proposals import attachments
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import EXCHANGE, require
from kcdesk.services.security.scope import office_only

Progress = Callable[[int, int, str], None]

FACILITIES_MEMBER = "records/facilities.jsonl"
PROPOSALS_MEMBER = "records/proposals.jsonl"
EVENTS_MEMBER = "records/events.jsonl"
ATTACHMENT_PREFIX = "attachments/"


# Which way a pack goes: an office's pack to the Centre, or the Centre's return pack.
RouteKind = Literal["office", "return"]


@dataclass
class ExportResult:
    path: Path
    pack_uuid: str
    sha256: str
    counts: dict[str, int]
    recipient: str
    missing_attachments: list[str] = field(default_factory=list)
    # (uuid, kind, revision, content hash) of every record in the pack.
    exported: list[tuple[str, str, int, str]] = field(default_factory=list, repr=False)


@dataclass
class _Route:
    """Who sends to whom, and whose secret signs."""

    sender: Office
    recipient: Office
    signer: Office  # the local office whose key is shared with the Centre
    kind: RouteKind


def _route(session: Session, office_code: str | None) -> _Route:
    own = keys.own_office(session)
    if own.level is OfficeLevel.CENTRE:
        if not office_code:
            raise ValidationError(
                "Trung tâm gửi gói trả về cho một đơn vị: hãy chọn đơn vị (--office MÃ)."
            )
        peer = keys.find_office(session, office_code)
        if peer is None or peer.level is OfficeLevel.CENTRE:
            raise ValidationError(f"Không có đơn vị {office_code} đã đăng ký.")
        if not peer.exchange_secret:
            raise ValidationError(f"Đơn vị {office_code} chưa được cấp khóa trao đổi.")
        return _Route(sender=own, recipient=peer, signer=peer, kind="return")
    if not own.exchange_secret:
        raise UserError(
            f"Đơn vị {own.code} chưa có khóa trao đổi: hãy nhận tệp khóa của Trung tâm "
            "(kcdesk office join TỆP)."
        )
    centre = keys.centre_office(session)
    if office_code and office_code != centre.code:
        raise ValidationError(f"Đơn vị chỉ gửi gói cho Trung tâm ({centre.code}).")
    return _Route(sender=own, recipient=centre, signer=own, kind="office")


def _check_clerk(actor: Actor, route: _Route) -> None:
    """An office clerk sends and receives their own office's files only (issue 19)."""
    if not office_only(actor):
        return
    office = route.recipient.code if route.kind == "return" else route.sender.code
    if office != actor.office_code:
        raise PermissionDenied(
            f"Tài khoản {actor.username} ({actor.role.label}) chỉ trao đổi hồ sơ của đơn vị "
            f"{actor.office_code or '(chưa có đơn vị)'}, không xuất gói cho đơn vị {office}."
        )


def _proposal_ids(session: Session, route: _Route, full: bool) -> list[int]:
    office = route.recipient.code if route.kind == "return" else route.sender.code
    rows = session.execute(
        select(Proposal.id, Proposal.uuid, Proposal.revision)
        .where(Proposal.office_code == office)
        .order_by(Proposal.id)
    ).all()
    if full:
        return [r.id for r in rows]
    states = load_states(session, (r.uuid for r in rows))
    return [r.id for r in rows if (s := states.get(r.uuid)) is None or s.revision != r.revision]


def _facility_ids(session: Session, route: _Route, full: bool, linked: set[int]) -> list[int]:
    ids = set(linked)
    if route.kind == "office":
        rows = session.execute(
            select(Facility.id, Facility.uuid, Facility.revision).where(
                Facility.origin_office == route.sender.code
            )
        ).all()
        states = load_states(session, (r.uuid for r in rows))
        for r in rows:
            state = states.get(r.uuid)
            if full or state is None or state.revision != r.revision:
                ids.add(r.id)
    return sorted(ids)


def _linked_facility_ids(session: Session, proposal_ids: list[int]) -> set[int]:
    out: set[int] = set()
    for batch in batches(proposal_ids):
        out.update(
            session.scalars(
                select(ProposalFacility.facility_id).where(ProposalFacility.proposal_id.in_(batch))
            )
        )
    return out


@dataclass
class _Tally:
    """What the record generators wrote, passed to them explicitly (they run inside the
    pack writer, one after the other): the records as (uuid, kind, revision, content
    hash) and the attachment hashes their documents name."""

    exported: list[tuple[str, str, int, str]] = field(default_factory=list)
    file_hashes: set[str] = field(default_factory=set)

    def uuids(self) -> list[str]:
        return [u for u, _k, _r, _h in self.exported]


def _facility_rows(
    session: Session, ids: list[int], tally: _Tally, report: Progress, total: int
) -> Iterator[dict[str, Any]]:
    for batch in batches(ids):
        for f in session.scalars(select(Facility).where(Facility.id.in_(batch))):
            rec = records.facility_record(f)
            tally.exported.append((f.uuid, records.FACILITY, f.revision, records.content_hash(rec)))
            yield rec
        report(len(tally.exported), total, "Đang ghi cơ sở thụ hưởng")


def _proposal_rows(
    session: Session, ids: list[int], tally: _Tally, report: Progress, total: int
) -> Iterator[dict[str, Any]]:
    for batch in batches(ids, 200):
        stmt = (
            select(Proposal)
            .where(Proposal.id.in_(batch))
            .order_by(Proposal.id)
            .options(
                selectinload(Proposal.facility_links).selectinload(ProposalFacility.facility),
                selectinload(Proposal.budget_lines),
                selectinload(Proposal.schedule),
                selectinload(Proposal.outputs),
                selectinload(Proposal.documents),
                selectinload(Proposal.status_changes),
            )
        )
        for p in session.scalars(stmt):
            rec = records.proposal_record(p)
            tally.exported.append((p.uuid, records.PROPOSAL, p.revision, records.content_hash(rec)))
            tally.file_hashes.update(d.file_hash for d in p.documents if d.file_hash)
            yield rec
        report(len(tally.exported), total, "Đang ghi đề án")


def _event_rows(session: Session, uuids: list[str]) -> Iterator[dict[str, Any]]:
    for batch in batches(uuids):
        stmt = select(AuditEvent).where(AuditEvent.entity_uuid.in_(batch))
        for e in session.scalars(stmt.order_by(AuditEvent.id)):
            yield {
                "uuid": e.uuid,
                "at": e.at.isoformat(timespec="microseconds"),
                "username": e.username,
                "office_code": e.office_code,
                "entity": e.entity,
                "entity_uuid": e.entity_uuid,
                "entity_label": e.entity_label,
                "action": e.action,
                "changes": e.changes,
                "hash": e.hash,
            }


def write_pack(
    session: Session,
    actor: Actor,
    target: Path,
    *,
    office_code: str | None = None,
    full: bool = False,
    attachments_root: Path | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write a signed pack to ``target`` and verify it; reads the database only.

    ``mark_exported`` then records it (the UI calls it once the copy on the stick
    is verified, so a failed copy does not make the next pack skip records).
    """
    require(actor, EXCHANGE)
    target = Path(target)
    route = _route(session, office_code)
    _check_clerk(actor, route)
    secret = route.signer.exchange_secret or ""
    proposal_ids = _proposal_ids(session, route, full)
    facility_ids = _facility_ids(session, route, full, _linked_facility_ids(session, proposal_ids))
    total = len(proposal_ids) + len(facility_ids)
    tally = _Tally()
    report = progress or (lambda d, t, s: None)
    pack_uuid = new_uuid()
    counts: dict[str, int] = {}
    missing: list[str] = []

    def write(handle: BinaryIO) -> None:
        writer = PackWriter(handle, secret)
        counts["facilities"] = writer.write_lines(
            FACILITIES_MEMBER, _facility_rows(session, facility_ids, tally, report, total)
        )
        counts["proposals"] = writer.write_lines(
            PROPOSALS_MEMBER, _proposal_rows(session, proposal_ids, tally, report, total)
        )
        if route.kind == "return":
            counts["appraisals"] = writer.write_lines(
                appraisals.MEMBER, appraisals.rows_for_office(session, route.recipient.code)
            )
        counts["events"] = writer.write_lines(EVENTS_MEMBER, _event_rows(session, tally.uuids()))
        stored = 0
        for n, file_hash in enumerate(sorted(tally.file_hashes), start=1):
            # A hash that is not one (a path stored by an old crafted pack) names no
            # file of the store: it travels as missing, never read from elsewhere.
            valid = attachments.is_valid_hash(file_hash)
            source = attachments.local_path(file_hash, session, attachments_root) if valid else None
            if source is not None and source.is_file():
                writer.write_file(ATTACHMENT_PREFIX + file_hash, source)
                stored += 1
            else:
                missing.append(file_hash)
            report(n, len(tally.file_hashes), "Đang chép tệp đính kèm")
        counts["attachments"] = stored
        writer.close(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": __version__,
                "pack_uuid": pack_uuid,
                "created_at": utcnow().isoformat(timespec="seconds") + "Z",
                "kind": route.kind,
                "scope": "all" if full else "changed",
                "office": route.signer.code,
                "sender": {
                    "code": route.sender.code,
                    "name": route.sender.name,
                    "level": route.sender.level.value,
                },
                "recipient": {"code": route.recipient.code, "name": route.recipient.name},
                "province": str(settings.get(session, "org.province")),
                "counts": dict(counts),
                "missing_attachments": list(missing),
                "username": actor.username,
                # The sender's audit chain head: an anchor kept outside its database.
                "audit_head": audit.chain_head(session),
            }
        )

    sha = atomic_write(target, write)
    # Verify like the receiver will, before the sync state may move on.
    with open_pack(target, lambda code: secret if code == route.signer.code else None):
        pass
    return ExportResult(
        target, pack_uuid, sha, counts, route.recipient.code, missing, exported=tally.exported
    )


def mark_exported(session: Session, actor: Actor, result: ExportResult) -> None:
    """Once the pack is safely written where it goes: move bases and the watermark on."""
    require(actor, EXCHANGE)
    states = load_states(session, (u for u, _k, _r, _h in result.exported))
    for uuid, kind, revision, content in result.exported:
        set_state(session, states, uuid, kind, revision, content)
    mark = last_export(session, result.recipient)
    if mark is None:
        mark = ExchangeWatermark(peer_code=result.recipient)
        session.add(mark)
    mark.last_export_at = utcnow()
    mark.last_pack_uuid = result.pack_uuid
    mark.last_counts = dict(result.counts)
    mark.username = actor.username
    audit.record(
        session,
        actor,
        entity="exchange_pack",
        entity_uuid=result.pack_uuid,
        entity_label=result.path.name,
        action="export",
        changes={
            "to": {"old": None, "new": result.recipient},
            "counts": {"old": None, "new": result.counts},
        },
    )


def export_pack(
    session: Session,
    actor: Actor,
    target: Path,
    *,
    office_code: str | None = None,
    full: bool = False,
    attachments_root: Path | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write a signed, verified pack to ``target`` and record the export."""
    result = write_pack(
        session,
        actor,
        target,
        office_code=office_code,
        full=full,
        attachments_root=attachments_root,
        progress=progress,
    )
    mark_exported(session, actor, result)
    return result


def last_export(session: Session, peer_code: str) -> ExchangeWatermark | None:
    return session.scalars(
        select(ExchangeWatermark).where(ExchangeWatermark.peer_code == peer_code)
    ).first()

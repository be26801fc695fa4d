"""Importing a pack (nhập gói): verify, preview, then apply in one transaction.

Nothing is read from a pack before it is fully verified (pack_reader). The caller
owns the transaction (``db.session()``): a dry run or any error leaves the database
as it was. Attached files go to the content-addressed store first (harmless if the
transaction later fails: unreferenced files in that store change nothing).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent, OfficeLevel, utcnow
from kcdesk.models.exchange import ImportLog, RemoteEvent, SyncState
from kcdesk.models.merge import MergeRecord
from kcdesk.services.core import (
    audit,
    checkpoint,
    executemany,
    os_errors,
    settings,
    write_serial,
)
from kcdesk.services.core.canonical_json import canonical_record
from kcdesk.services.core.errors import PermissionDenied, UserError
from kcdesk.services.core.id_lists import batches
from kcdesk.services.exchange import appraisals, chunks, keys, merge, records
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange.apply import Applier
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.exchange.export import (
    ATTACHMENT_PREFIX,
    EVENTS_MEMBER,
)
from kcdesk.services.exchange.pack_reader import CHUNK, VerifiedPack, open_pack
from kcdesk.services.exchange.sync import audit_batch, load_states
from kcdesk.services.proposals import attachments
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import EXCHANGE, require
from kcdesk.services.security.scope import office_only
from kcdesk.text import fold

Progress = Callable[[int, int, str], None]


class ImportCancelled(UserError):
    """The user stopped the import; the transaction is rolled back."""


_PLURAL = {records.PROPOSAL: "proposals", records.FACILITY: "facilities"}


@dataclass
class ImportResult:
    """What the import did (or, for a dry run, would do)."""

    manifest: dict[str, Any]
    items: list[merge.PlanItem]
    events_new: int = 0
    appraisals: int = 0
    attachments_new: int = 0
    dry_run: bool = True
    log_id: int | None = None
    renamed: list[str] = field(default_factory=list)
    # Values an office may not set, ignored (one line each: record, field, why).
    notes: list[str] = field(default_factory=list)

    def counts(self, kind: str = records.PROPOSAL) -> dict[str, int]:
        out = {"new": 0, "updated": 0, "unchanged": 0, "conflicts": 0}
        key = {merge.NEW: "new", merge.UPDATED: "updated", merge.UNCHANGED: "unchanged"}
        for item in self.items:
            if item.kind == kind:
                out[key.get(item.action, "conflicts")] += 1
        return out

    def summary(self) -> dict[str, Any]:
        """``{"new","updated","unchanged","conflicts"}`` for proposals, then the rest."""
        return {
            **self.counts(records.PROPOSAL),
            "facilities": self.counts(records.FACILITY),
            "events": self.events_new,
            "attachments": self.attachments_new,
            "appraisals": self.appraisals,
            "pack": self.manifest.get("pack_uuid"),
            "sender": self.manifest.get("sender", {}).get("code"),
            "dry_run": self.dry_run,
            "ignored": list(self.notes),
        }


def _merged_office(session: Session, manifest: dict[str, Any]) -> bool:
    """The pack comes from an office of an old province whose Centre was merged here.

    Its office came with the merge, with its exchange key (services.merge): the packs it
    still sends under its old province's name keep being accepted here.
    """
    old = str(manifest.get("province", ""))
    merged = session.scalars(
        select(MergeRecord.id).where(MergeRecord.origin_province == old)
    ).first()
    office = keys.find_office(session, str(manifest.get("office", "")))
    return merged is not None and office is not None and office.province == old


def _now_part_of(old: str, new: str) -> bool:
    """Province ``old`` was joined into ``new`` on 1 July 2025 (an office of Hải Dương
    receiving its merged Centre's return pack from Hải Phòng)."""
    from kcdesk.services.communes.conversion import new_province_of

    joined = new_province_of(old) if old else None
    return joined is not None and fold(joined.bare_name) == fold(new.removeprefix("Thành phố "))


def _check_route(session: Session, manifest: dict[str, Any], name: str) -> None:
    """The pack is for this province and this office, from the office whose key signed."""
    province = str(settings.get(session, "org.province"))
    sent_from = str(manifest.get("province", ""))
    if (
        sent_from != province
        and not _merged_office(session, manifest)
        and not _now_part_of(province, sent_from)
    ):
        raise PackRefused(
            E.OTHER_PROVINCE,
            f"Gói {name} là của tỉnh {manifest.get('province')}, còn máy này thuộc tỉnh "
            f"{province}.",
        )
    own = keys.own_office(session)
    recipient = str(manifest.get("recipient", {}).get("code", ""))
    sender = str(manifest.get("sender", {}).get("code", ""))
    if recipient != own.code:
        addressed = keys.find_office(session, recipient) if recipient else None
        if addressed is not None and addressed.level is OfficeLevel.CENTRE:
            # A Centre merged here (issue 25) whose code was not this Centre's.
            raise PackRefused(
                E.WRONG_RECIPIENT,
                f"Gói {name} gửi cho Trung tâm cũ {recipient}, đã hợp nhất vào Trung tâm này "
                f"({own.code}): đơn vị {sender} cần tham gia lại với Trung tâm này (Trao đổi → "
                "Đơn vị), rồi gửi lại gói.",
            )
        raise PackRefused(
            E.WRONG_RECIPIENT,
            f"Gói {name} được gửi cho đơn vị {recipient}, không phải cho đơn vị này ({own.code}).",
        )
    signer = str(manifest["office"])
    if own.level is OfficeLevel.CENTRE:
        ok = sender == signer and manifest.get("kind") == "office"
    else:
        centre = keys.centre_office(session)
        ok = signer == own.code and sender == centre.code and manifest.get("kind") == "return"
    if not ok:
        raise PackRefused(
            E.WRONG_RECIPIENT,
            f"Gói {name} (từ {sender}, ký bằng khóa {signer}) không phải gói trao đổi giữa "
            "đơn vị này và Trung tâm.",
        )


def _open(session: Session, path: Path, actor: Actor) -> VerifiedPack:
    pack = open_pack(Path(path), lambda code: keys.secret_for(session, code))
    try:
        _check_route(session, pack.manifest, Path(path).name)
        if office_only(actor) and str(pack.manifest["office"]) != actor.office_code:
            raise PermissionDenied(
                f"Tài khoản {actor.username} ({actor.role.label}) chỉ nhận hồ sơ của đơn vị "
                f"{actor.office_code or '(chưa có đơn vị)'}, không nhập gói của đơn vị "
                f"{pack.manifest['office']}."
            )
    except BaseException:
        pack.close()
        raise
    return pack


def _plan(
    session: Session, pack: VerifiedPack, progress: Progress, notes: list[str]
) -> list[merge.PlanItem]:
    items: list[merge.PlanItem] = []
    for kind, known, batch, _lines, _ready in chunks.chunks(session, pack, notes):
        states = load_states(session, (str(r["uuid"]) for r in batch))
        planned, _loaded = merge.plan_chunk(session, kind, batch, states)
        items.extend(known)
        items.extend(planned)
        progress(len(items), 0, "Đang so sánh với dữ liệu đang có")
    return items


def preview_pack(
    session: Session, actor: Actor, path: Path, progress: Progress | None = None
) -> ImportResult:
    """What importing would do; reads only."""
    require(actor, EXCHANGE)
    with _open(session, path, actor) as pack:
        notes: list[str] = []
        items = _plan(session, pack, progress or (lambda d, t, s: None), notes)
        events = sum(1 for _ in pack.iter_lines(EVENTS_MEMBER))
        results = sum(1 for _ in pack.iter_lines(appraisals.MEMBER))
        return ImportResult(
            manifest=pack.manifest,
            items=items,
            notes=notes,
            events_new=events,
            appraisals=results,
            attachments_new=sum(1 for n in pack.member_names if n.startswith(ATTACHMENT_PREFIX)),
        )


def import_pack(
    session: Session,
    actor: Actor,
    path: Path,
    *,
    dry_run: bool = False,
    attachments_root: Path | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Verify and apply a pack in the caller's transaction (or only preview it).

    ``cancelled()`` is checked between chunks; a cancel raises ImportCancelled, and
    the caller's transaction rolls everything back.
    """
    if dry_run:
        return preview_pack(session, actor, path, progress)
    require(actor, EXCHANGE)
    report = progress or (lambda d, t, s: None)
    path = Path(path)
    # The import is the only writer from here to its commit: what it compares with
    # cannot change under it (a Centre edit meanwhile waits, then finds the record
    # moved on and gets the conflict message), and two imports of one pack at once
    # run one after the other (the second finds everything unchanged).
    write_serial.serialize(session, write_serial.EXCHANGE)
    # Its commit does not copy the journal into the file: the app does it after.
    checkpoint.defer(session)
    try:
        with (
            _collector_paused(),
            chunks.helper_for(session, path) as helper,
            _open(session, path, actor) as pack,
            executemany.large_page_cache(session),
        ):
            manifest = pack.manifest
            result = ImportResult(manifest=manifest, items=[], dry_run=False)
            result.attachments_new = _store_attachments(pack, attachments_root, report)
            if attachments.shared_in_database(session):
                # On a server every workstation must read them: into the blob table too.
                for name in pack.member_names:
                    if name.startswith(ATTACHMENT_PREFIX):
                        attachments.upload(
                            session, name[len(ATTACHMENT_PREFIX) :], attachments_root
                        )
            applier = Applier(session, manifest)
            result.items, result.renamed = applier.items, applier.renamed
            for kind, known, batch, lines, ready in chunks.chunks(
                session, pack, result.notes, helper
            ):
                if cancelled is not None and cancelled():
                    raise ImportCancelled("Đã dừng nhập gói; cơ sở dữ liệu không bị thay đổi.")
                applier.apply_chunk(kind, batch, lines, known, ready)
                # Each chunk's events appended now, not all at the end: with a helper
                # process this is done while the helper prepares the next chunk.
                audit_batch(session, actor, applier.audit_entries)
                applier.audit_entries.clear()
                report(len(result.items), 0, "Đang nhập dữ liệu")
            result.events_new = _store_events(session, pack, manifest)
            if manifest.get("kind") == "return":
                result.appraisals = appraisals.store(
                    session, pack.iter_lines(appraisals.MEMBER), str(manifest.get("pack_uuid", ""))
                )
            log = ImportLog(
                pack_uuid=str(manifest.get("pack_uuid", "")),
                file_name=path.name[:255],
                sender_code=str(manifest.get("sender", {}).get("code", "")),
                office_code=str(manifest["office"]),
                pack_kind=str(manifest.get("kind", "")),
                pack_created_at=_parse_time(manifest.get("created_at")),
                imported_at=utcnow(),
                username=actor.username,
                counts=result.summary(),
            )
            session.add(log)
            session.flush()
            result.log_id = log.id
            # ``append``, not ``record``: nothing reads the event back.
            audit.append(
                session,
                actor,
                [
                    {
                        "entity": "exchange_pack",
                        "entity_uuid": log.pack_uuid,
                        "entity_label": path.name,
                        "action": "import",
                        "changes": {"counts": {"old": None, "new": event_counts(log.counts)}},
                    }
                ],
            )
    except IntegrityError:
        # A record of the pack reuses an identifier (UUID) the database already holds
        # for another record (a forged or damaged pack): refused, nothing written —
        # the caller's transaction rolls back.
        raise PackRefused(
            E.BAD_RECORD,
            "Gói có bản ghi trùng mã định danh (UUID) với một bản ghi khác đã có; "
            "không nhập gói này.",
        ) from None
    return result


def event_counts(counts: dict[str, Any]) -> dict[str, Any]:
    """The import log's counts as its audit event records them: the values ignored
    (``ImportResult.notes``) as their number and ``ignored_digest``, not the list.

    The list stays in the import log, where it is read. Written out in the event too,
    it was ~3 MB more to encode, hash and store for a pack of 5,000 proposals that
    carried the Centre's decisions (31,000 lines). The digest ties the log's list to
    the audit chain: a list edited afterwards no longer matches its event.
    """
    ignored = counts.get("ignored") or []
    return {**counts, "ignored": {"count": len(ignored), "sha256": ignored_digest(ignored)}}


def ignored_digest(notes: list[str]) -> str:
    """SHA-256 of the lines' canonical JSON (a list of texts: two different lists never
    give the same bytes)."""
    return hashlib.sha256(canonical_record(notes)).hexdigest()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a pack is applied.

    An import makes about a million short-lived dicts (records, checked fields, rows)
    without reference cycles, which reference counting frees anyway; each of them
    counts toward the collector's thresholds, and its full collections walk every
    object of the program: 0.4 s of CPU of a 3.9 s import of 5,000 proposals
    (bench/bench_pack.py), more in the app with Qt loaded. It runs again afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_time(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).rstrip("Z"))
    except ValueError:
        return None


def _store_attachments(pack: VerifiedPack, root: Path | None, report: Progress) -> int:
    """Copy attached files into the store, hashing as they stream (1 MB at a time)."""
    names = [n for n in pack.member_names if n.startswith(ATTACHMENT_PREFIX)]
    added = 0
    for n, name in enumerate(names, start=1):
        file_hash = name[len(ATTACHMENT_PREFIX) :]
        if attachments.verify(file_hash, root):
            continue
        target = attachments.path_for(file_hash, root)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, pack.open_member(name) as src:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != file_hash:
                raise PackRefused(E.ALTERED, f"Tệp đính kèm {file_hash[:12]}… không khớp mã băm.")
            os_errors.replace(tmp, target)
        finally:
            with contextlib.suppress(OSError):
                Path(tmp).unlink(missing_ok=True)
        added += 1
        report(n, len(names), "Đang chép tệp đính kèm")
    return added


def _store_events(session: Session, pack: VerifiedPack, manifest: dict[str, Any]) -> int:
    """Keep the sender's audit events of these records, once each, apart from our chain."""
    added = 0
    for batch in batches(pack.iter_lines(EVENTS_MEMBER)):
        uuids = [str(e.get("uuid", "")) for e in batch]
        known = set(session.scalars(select(RemoteEvent.uuid).where(RemoteEvent.uuid.in_(uuids))))
        known |= set(session.scalars(select(AuditEvent.uuid).where(AuditEvent.uuid.in_(uuids))))
        for e in batch:
            uuid = str(e.get("uuid", ""))
            if not uuid or uuid in known:
                continue
            known.add(uuid)
            session.add(
                RemoteEvent(
                    uuid=uuid,
                    at=_parse_time(e.get("at")) or utcnow(),
                    username=str(e.get("username", ""))[:64],
                    office_code=str(e.get("office_code", ""))[:32],
                    entity=str(e.get("entity", ""))[:48],
                    entity_uuid=str(e.get("entity_uuid", ""))[:36],
                    entity_label=str(e.get("entity_label", ""))[:255],
                    action=str(e.get("action", ""))[:32],
                    changes=e.get("changes") if isinstance(e.get("changes"), dict) else {},
                    origin_hash=str(e.get("hash", ""))[:64],
                    pack_uuid=str(manifest.get("pack_uuid", "")),
                )
            )
            added += 1
        session.flush()
    return added


def import_log(session: Session, limit: int = 200) -> list[ImportLog]:
    return list(session.scalars(select(ImportLog).order_by(ImportLog.id.desc()).limit(limit)))


def sync_state(session: Session, uuid: str) -> SyncState | None:
    return session.get(SyncState, uuid)

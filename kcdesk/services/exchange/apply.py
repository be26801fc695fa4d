"""Applying planned records inside the import transaction (áp dụng gói).

New records go in with batched INSERTs (bulk.py); updates go through the ORM so
children are replaced exactly; conflicts keep the local record and store both
versions. Audit entries are collected and appended to the chain in one batch.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Facility, Proposal, utcnow
from kcdesk.models.exchange import ExchangeConflict, SyncState
from kcdesk.services.core import audit, executemany
from kcdesk.services.core.id_lists import batches
from kcdesk.services.exchange import bulk, merge, records
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.exchange.sync import load_states, set_state, table


def records_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    fields = records.content_fields(after)
    return audit.diff({k: before.get(k) for k in fields}, {k: after.get(k) for k in fields})


class Applier:
    """Applies chunks of one pack; remembers codes, seen UUIDs and audit entries."""

    def __init__(self, session: Session, manifest: dict[str, Any]) -> None:
        self.session, self.manifest = session, manifest
        self.sender = str(manifest.get("sender", {}).get("code", ""))
        self.pack_uuid = str(manifest.get("pack_uuid", ""))
        self.audit_entries: list[dict[str, Any]] = []
        self.items: list[merge.PlanItem] = []
        self.renamed: list[str] = []
        self._codes: dict[str, str] | None = None
        self._seen: set[tuple[str, str]] = set()

    def apply_chunk(
        self,
        kind: str,
        batch: list[dict[str, Any]],
        lines: dict[str, str] | None = None,
        known: list[merge.PlanItem] | None = None,
        ready: dict[str, tuple[str, Any]] | None = None,
    ) -> None:
        """Apply parsed records (``lines``: their pack-line hashes by UUID); ``known``
        are lines already recognised as unchanged; ``ready``: for proposals new here
        prepared by the helper process, their content hash and bound child rows by
        UUID (their records carry no child lists)."""
        session = self.session
        lines = lines or {}
        for uuid in [str(r["uuid"]) for r in batch] + [i.uuid for i in known or []]:
            if (kind, uuid) in self._seen:
                raise PackRefused(E.BAD_RECORD, f"Bản ghi {uuid} có hai lần trong gói.")
            self._seen.add((kind, uuid))
        self.items.extend(known or [])
        states = load_states(session, (str(r["uuid"]) for r in batch))
        ready = ready or {}
        items, loaded = merge.plan_chunk(
            session, kind, batch, states, {u: h for u, (h, _rows) in ready.items()}
        )
        by_uuid = {str(r["uuid"]): r for r in batch}
        # The beneficiaries as ORM objects serve only an update (a new proposal's links
        # go in by id, ``_facility_refs``): loaded only for a chunk that has one.
        updating = kind == records.PROPOSAL and any(i.action == merge.UPDATED for i in items)
        facilities = self._facilities(batch) if updating else {}
        new_rows: list[dict[str, Any]] = []
        for item in items:
            rec = by_uuid[item.uuid]
            if item.uuid in ready and item.action != merge.NEW:
                # Prepared only for a proposal new here (chunks._prepared_chunk).
                raise RuntimeError(f"prepared record {item.uuid} is not new here")
            if item.action == merge.NEW:
                new_rows.append(rec)
            elif item.action == merge.UPDATED:
                obj = loaded[item.uuid]
                before = merge.to_record(kind, obj)
                self._update(kind, obj, rec, facilities)
                self._audit(kind, item.uuid, item.label, "import_update", records_diff(before, rec))
                set_state(
                    session,
                    states,
                    item.uuid,
                    kind,
                    item.revision,
                    item.content_hash,
                    lines.get(item.uuid, ""),
                )
            elif item.action == merge.UNCHANGED:
                base = states.get(item.uuid)
                if item.note == merge.SAME_CONTENT:
                    # Same content on both sides: align the base once (then a no-op).
                    obj = loaded[item.uuid]
                    obj.revision = max(obj.revision, item.revision)
                    set_state(
                        session,
                        states,
                        item.uuid,
                        kind,
                        obj.revision,
                        item.content_hash,
                        lines.get(item.uuid, ""),
                    )
                elif base is not None and base.content_hash == item.content_hash:
                    # Remember this exact line so the next import skips parsing it.
                    set_state(
                        session,
                        states,
                        item.uuid,
                        kind,
                        base.revision,
                        base.content_hash,
                        lines.get(item.uuid, ""),
                    )
            elif not item.already_open:
                self._conflict(kind, item, loaded[item.uuid], rec)
        session.flush()
        self._insert_new(kind, new_rows, items, states, lines, ready)
        self.items.extend(items)

    # ---- new records ------------------------------------------------------------------

    def _insert_new(
        self,
        kind: str,
        rows: list[dict[str, Any]],
        items: list[merge.PlanItem],
        states: dict[str, SyncState],
        lines: dict[str, str],
        ready: dict[str, tuple[str, Any]],
    ) -> None:
        if not rows:
            return
        planned = {i.uuid: (i.revision, i.content_hash) for i in items if i.action == merge.NEW}
        if kind == records.FACILITY:
            bulk.insert_facilities(self.session, rows)
        else:
            rows = [self._settle_code(rec) for rec in rows]
            prepared = {u: rows_ for u, (_h, rows_) in ready.items()}  # (children, row)
            bulk.insert_proposals(self.session, rows, self._facility_refs(rows), prepared)
        fresh = []
        for rec in rows:
            uuid = str(rec["uuid"])
            label = records.record_label(kind, rec)
            self._audit(kind, uuid, label, "import_new", {})
            revision, content = planned[uuid]
            if uuid in states:  # deleted here once, but exchanged before
                set_state(self.session, states, uuid, kind, revision, content, lines.get(uuid, ""))
            else:
                fresh.append(
                    {
                        "uuid": uuid,
                        "kind": kind,
                        "revision": revision,
                        "content_hash": content,
                        "line_hash": lines.get(uuid, ""),
                        "synced_at": utcnow(),
                    }
                )
        if fresh:
            executemany.insert_rows(self.session, table(SyncState), fresh)

    def _facility_refs(self, rows: list[dict[str, Any]]) -> dict[str, tuple[int, str, str | None]]:
        wanted = sorted({u for r in rows for u in r.get("facilities", [])})
        out: dict[str, tuple[int, str, str | None]] = {}
        for part in batches(wanted):
            stmt = select(Facility.uuid, Facility.id, Facility.name, Facility.tax_code).where(
                Facility.uuid.in_(part)
            )
            for r in self.session.execute(stmt):
                out[r.uuid] = (r.id, r.name, r.tax_code)
        return out

    def _code_owner(self) -> dict[str, str]:
        if self._codes is None:
            rows = self.session.execute(select(Proposal.code, Proposal.uuid)).tuples()
            self._codes = dict(rows.all())
        return self._codes

    def _settle_code(self, rec: dict[str, Any]) -> dict[str, Any]:
        """Keep codes unique: an incoming code taken by another record gets a suffix.

        The renamed record counts as edited here (revision + 1), so the new code
        travels back to the sender with the next pack instead of silently diverging.
        """
        codes = self._code_owner()
        uuid, code = str(rec["uuid"]), str(rec.get("code", ""))
        owner = codes.get(code)
        if owner is not None and owner != uuid:
            base, n = f"{code}/{self.sender}", 1
            candidate = base
            while candidate in codes:
                n += 1
                candidate = f"{base}-{n}"
            self.renamed.append(f"{code} → {candidate}")
            rec = {**rec, "code": candidate, "revision": int(rec["revision"]) + 1}
            code = candidate
        codes[code] = uuid
        return rec

    # ---- updates and conflicts --------------------------------------------------------

    def _facilities(self, batch: list[dict[str, Any]]) -> dict[str, Facility]:
        wanted = {u for r in batch for u in r.get("facilities", [])}
        out: dict[str, Facility] = {}
        for part in batches(sorted(wanted)):
            for f in self.session.scalars(select(Facility).where(Facility.uuid.in_(part))):
                out[f.uuid] = f
        return out

    def _update(
        self, kind: str, obj: Any, rec: dict[str, Any], facilities: dict[str, Facility]
    ) -> None:
        if kind == records.FACILITY:
            records.apply_facility(obj, rec)
            return
        codes = self._code_owner()
        if codes.get(obj.code) == obj.uuid:
            codes.pop(obj.code)
        records.apply_proposal(self.session, obj, self._settle_code(rec), facilities)

    def _conflict(self, kind: str, item: merge.PlanItem, obj: Any, rec: dict[str, Any]) -> None:
        self.session.add(
            ExchangeConflict(
                record_uuid=item.uuid,
                kind=kind,
                label=item.label[:255],
                pack_uuid=self.pack_uuid,
                sender_code=self.sender,
                local=merge.to_record(kind, obj),
                incoming=rec,
                incoming_hash=item.content_hash,
                incoming_revision=item.revision,
                local_revision=obj.revision,
            )
        )
        self._audit(kind, item.uuid, item.label, "import_conflict", {})

    def _audit(
        self, kind: str, uuid: str, label: str, action: str, changes: dict[str, Any]
    ) -> None:
        self.audit_entries.append(
            {
                "entity": kind,
                "entity_uuid": uuid,
                "entity_label": label,
                "action": action,
                "changes": {"pack": {"old": None, "new": self.pack_uuid}, **changes},
            }
        )

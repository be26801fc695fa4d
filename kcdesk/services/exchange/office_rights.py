"""What a local office may change through a pack (quyền của đơn vị khi gửi gói).

A signed pack proves which office sent it; it is not a licence to write anything.
At the Centre, a pack from an office is held to what that office may do in kcdesk
itself (docs/exchange-format.md §5, "What an office may send"):

- it updates only its own records: a proposal here of another office, or one whose
  owner the pack would change, refuses the pack; ownership (``office_code``,
  ``origin_office``) never changes through a pack;
- decisions are the Centre's: the status moves only among the intake statuses
  (received, forwarded, withdrawn) and never out of a Centre status; approved
  support and disbursements stay the Centre's; status-history rows of the Centre's
  steps (approved, rejected, implementing…) cannot be added, edited or removed. Such
  values are *ignored* — replaced by the Centre's — with one line each in the import
  report, so a stale copy of a decision the office once received is not a refusal;
- a facility another office (or the Centre) registered is not changed by this
  office's pack (ignored with a line).

Packs the Centre sends back to an office are not limited here: the Centre decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcdesk.formatting import format_money
from kcdesk.models import Facility, Proposal, ProposalStatus
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange import records
from kcdesk.services.exchange.errors import PackRefused

S = ProposalStatus
# What an office does in kcdesk: intake, forwarding, withdrawal (docs: Phụ lục II flow).
OFFICE_STATUSES = frozenset({S.RECEIVED.value, S.FORWARDED.value, S.WITHDRAWN.value})
CENTRE_MONEY = ("approved_support", "disbursed")
# The report names what it ignored as the clerk reads it (the history's labels).
_MONEY_LABELS = {"approved_support": "Kinh phí được duyệt", "disbursed": "Đã giải ngân"}
_NEW_DEFAULTS: dict[str, Any] = {"approved_support": None, "disbursed": 0}


class OfficeRights:
    """Holds an office pack's records to the office's rights; collects report lines."""

    def __init__(self, session: Session | None, office: str) -> None:
        self.session, self.office = session, office
        self.notes: list[str] = []

    def apply(
        self,
        kind: str,
        batch: list[dict[str, Any]],
        done: Mapping[int, list[str]] | None = None,
    ) -> list[dict[str, Any]]:
        """``batch`` held to the office's rights. ``done``: the positions of proposals
        already held to them as new here (``prepare``) with their report lines, which
        take their place among the others'."""
        done = done or {}
        uuids = [str(r["uuid"]) for n, r in enumerate(batch) if n not in done]
        if kind == records.FACILITY:
            facilities = self._load(Facility, uuids)
            return [self._facility(r, facilities.get(str(r["uuid"]))) for r in batch]
        proposals = self._load(Proposal, uuids) if uuids else {}
        out = []
        for n, r in enumerate(batch):
            if n in done:
                self.notes.extend(done[n])
                out.append(r)
            else:
                out.append(self._proposal(r, proposals.get(str(r["uuid"]))))
        return out

    def as_new(self, rec: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """A proposal not here yet held to the office's rights, with its report lines
        (no database needed: ``prepare`` does this in a second process)."""
        out = self._proposal(rec, None)
        notes, self.notes = self.notes, []
        return out, notes

    def _load(self, model: Any, uuids: list[str]) -> dict[str, Any]:
        stmt = select(model).where(model.uuid.in_(uuids))
        if model is Proposal:
            stmt = stmt.options(selectinload(Proposal.status_changes))
        if self.session is None:
            raise RuntimeError("OfficeRights without a session: only as_new")
        return {obj.uuid: obj for obj in self.session.scalars(stmt)}

    def _note(self, label: str, text: str) -> None:
        self.notes.append(f"{label}: {text} — bỏ qua, giữ giá trị của Trung tâm.")

    # ---- facilities -------------------------------------------------------------------

    def _facility(self, rec: dict[str, Any], local: Facility | None) -> dict[str, Any]:
        if local is None:
            return {**rec, "origin_office": self.office}
        if local.origin_office == self.office:
            return {**rec, "origin_office": local.origin_office}
        mine = records.facility_record(local)
        if records.content_hash(mine) != records.content_hash({**rec, **_bookkeeping(mine)}):
            self._note(
                f"Cơ sở {local.name}",
                f"do đơn vị {local.origin_office or 'Trung tâm'} đăng ký, đơn vị "
                f"{self.office} không được sửa",
            )
        # The Centre's content with the incoming counters: merged as "same content".
        return {**mine, "revision": rec["revision"], "updated_at": rec.get("updated_at")}

    # ---- proposals --------------------------------------------------------------------

    def _proposal(self, rec: dict[str, Any], local: Proposal | None) -> dict[str, Any]:
        label = f"Đề án {rec.get('code', '')}"
        if local is not None and local.office_code != self.office:
            raise PackRefused(
                E.BAD_RECORD,
                f"Gói của đơn vị {self.office} sửa đề án {local.code} của đơn vị "
                f"{local.office_code or 'Trung tâm'}: một đơn vị chỉ sửa hồ sơ của mình.",
            )
        out = dict(rec)
        out["origin_office"] = local.origin_office if local is not None else self.office
        for name in CENTRE_MONEY:
            mine = getattr(local, name) if local is not None else _NEW_DEFAULTS[name]
            if name in out and out[name] != mine:
                self._note(
                    label, f"«{_MONEY_LABELS[name]}» {_money(out[name])} chỉ Trung tâm được ghi"
                )
            out[name] = mine
        self._status(out, local, label)
        self._history(out, local, label)
        return out

    def _status(self, out: dict[str, Any], local: Proposal | None, label: str) -> None:
        current = local.status.value if local is not None else S.RECEIVED.value
        wanted = str(out.get("status", current))
        if wanted == current:
            return
        if current in OFFICE_STATUSES and wanted in OFFICE_STATUSES:
            return
        self._note(label, f"trạng thái «{_status(wanted)}» là quyết định của Trung tâm")
        out["status"] = current
        if local is not None:
            out["status_changed_at"] = records.proposal_record_time(local.status_changed_at)
        else:
            out.pop("status_changed_at", None)

    def _history(self, out: dict[str, Any], local: Proposal | None, label: str) -> None:
        """Rows of the office's own steps travel as the office sends them; rows of the
        Centre's decisions stay exactly as the Centre has them (not added, edited or
        removed by a pack)."""
        incoming = out.get("status_changes", [])
        centre_rows = {
            c.uuid: c
            for c in (local.status_changes if local is not None else [])
            if not _office_step(c.from_status, c.to_status)
        }
        kept: list[dict[str, Any]] = []
        for item in incoming:
            uuid = str(item.get("uuid"))
            if uuid in centre_rows:
                kept.append(records.status_change_record(centre_rows.pop(uuid)))
            elif _office_step(item.get("from_status"), item.get("to_status")):
                kept.append(item)
            else:
                self._note(label, f"dòng lịch sử sang «{_status(item.get('to_status'))}»")
        kept.extend(records.status_change_record(c) for c in centre_rows.values())
        out["status_changes"] = sorted(kept, key=records.status_key)


def _money(value: Any) -> str:
    """An amount as the clerk reads it ("—" for none; checked to be whole đồng)."""
    return f"{format_money(value)} đồng" if isinstance(value, int) else "—"


def _status(value: Any) -> str:
    """A status's label (the checks let through only known statuses)."""
    try:
        return ProposalStatus(value).label
    except ValueError:
        return "trạng thái khác"


def _office_step(from_status: Any, to_status: Any) -> bool:
    """A status-history row an office records itself (intake, forwarding, withdrawal)."""
    return to_status in OFFICE_STATUSES and (from_status is None or from_status in OFFICE_STATUSES)


def _bookkeeping(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in ("uuid", "origin_office", "created_at") if k in record}

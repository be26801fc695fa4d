"""Records as they travel in a pack: plain JSON dicts, a content hash, and back.

A proposal travels with its children (budget lines, schedule, outputs, documents,
status history) and the UUIDs of its beneficiaries; a facility travels alone.
``content_hash`` covers what a user can see and edit — not ``revision``,
``updated_at`` or derived columns — so the same content on two PCs hashes the same.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from kcdesk.models import (
    BudgetLine,
    Document,
    Facility,
    FacilityKind,
    OutputMeasure,
    Proposal,
    ProposalFacility,
    ProposalStatus,
    ScheduleItem,
    StatusChange,
)
from kcdesk.services.core.canonical_json import canonical_record
from kcdesk.services.proposals.lookup import refresh_search_text
from kcdesk.services.proposals.search import facility_search_text

PROPOSAL = "proposal"
FACILITY = "facility"

# Keys that are bookkeeping, not content: excluded from the content hash.
NOT_CONTENT = frozenset({"revision", "updated_at"})


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(value: datetime | None) -> str | None:
    return value.isoformat(timespec="microseconds") if value is not None else None


def _parse_date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _parse_datetime(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _decimal(value: Decimal | None) -> str | None:
    return str(Decimal(value).quantize(Decimal("0.001"))) if value is not None else None


def _text(value: Any) -> str:
    # NFC only: stripping (as kcdesk.text.nfc does for typed input) would change the
    # content and make the receiver's copy differ from the sender's.
    return unicodedata.normalize("NFC", str(value)) if value is not None else ""


# (field, to_json, from_json) for the plain columns.
Codec = tuple[str, Callable[[Any], Any], Callable[[Any], Any]]


def _same(value: Any) -> Any:
    return value


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _int_or_none(value: Any) -> int | None:
    return int(value) if value is not None else None


_TEXT = (_same, _text)
_INT = (_same, int)

PROPOSAL_FIELDS: tuple[Codec, ...] = (
    ("code", *_TEXT),
    ("title", *_TEXT),
    ("plan_year", *_INT),
    ("activity", *_TEXT),
    ("funding_source", *_TEXT),
    # Issue 18: the programme counted toward, whole technology line, cap choice.
    ("programme", *_TEXT),
    ("whole_line", _same, bool),
    ("cap_kind", *_TEXT),
    ("status", _enum_value, ProposalStatus),
    ("status_changed_at", _datetime, _parse_datetime),
    ("office_code", *_TEXT),
    ("implementing_unit", *_TEXT),
    ("partner_unit", *_TEXT),
    ("location", *_TEXT),
    ("commune", *_TEXT),
    ("start_month", _date, _parse_date),
    ("end_month", _date, _parse_date),
    ("received_date", _date, _parse_date),
    ("necessity", *_TEXT),
    ("legal_basis", *_TEXT),
    ("objectives", *_TEXT),
    ("scale", *_TEXT),
    ("organisation", *_TEXT),
    ("effect_economic", *_TEXT),
    ("effect_social", *_TEXT),
    ("effect_environment", *_TEXT),
    ("sustainability", *_TEXT),
    ("total_cost", *_INT),
    ("support", *_INT),
    ("counterpart", *_INT),
    ("other_funds", *_INT),
    ("approved_support", _same, _int_or_none),
    ("disbursed", *_INT),
    ("created_by", *_TEXT),
)

FACILITY_FIELDS: tuple[Codec, ...] = (
    ("name", *_TEXT),
    ("kind", _enum_value, FacilityKind),
    ("tax_code", _same, lambda v: _text(v) if v else None),
    ("address", *_TEXT),
    ("commune", *_TEXT),
    ("province", *_TEXT),
    ("representative", *_TEXT),
    ("phone", *_TEXT),
    ("sector", *_TEXT),
    ("workers", _same, _int_or_none),
    ("woman_owned", _same, bool),
    ("ethnic_minority_owned", _same, bool),
    ("craft_village", _same, bool),
)

# Child lists of a proposal and the fields of each child.
BUDGET_FIELDS: tuple[Codec, ...] = (
    ("item", *_TEXT),
    ("unit", *_TEXT),
    ("quantity", _decimal, lambda v: Decimal(v) if v is not None else Decimal(1)),
    ("unit_price", *_INT),
    ("amount", *_INT),
    ("support", *_INT),
    ("counterpart", *_INT),
    ("other_funds", *_INT),
)
SCHEDULE_FIELDS: tuple[Codec, ...] = (
    ("task", *_TEXT),
    ("start", _date, _parse_date),
    ("end", _date, _parse_date),
    ("responsible", *_TEXT),
)
OUTPUT_FIELDS: tuple[Codec, ...] = (
    ("measure", *_TEXT),
    ("target", *_TEXT),
    ("planned", *_INT),
    ("achieved", _same, _int_or_none),
)
DOCUMENT_FIELDS: tuple[Codec, ...] = (
    ("code", *_TEXT),
    ("label", *_TEXT),
    ("required", _same, bool),
    ("received", _same, bool),
    ("received_date", _date, _parse_date),
    ("file_hash", _same, lambda v: str(v) if v else None),
    ("file_name", *_TEXT),
    ("file_size", _same, _int_or_none),
    ("note", *_TEXT),
)
STATUS_FIELDS: tuple[Codec, ...] = (
    ("uuid", _same, str),
    ("from_status", _same, lambda v: str(v) if v is not None else None),
    ("to_status", _same, str),
    ("at", _datetime, _parse_datetime),
    ("username", *_TEXT),
    ("office_code", *_TEXT),
    ("reason", *_TEXT),
    ("decision_no", _same, lambda v: _text(v) if v is not None else None),
    ("decision_date", _date, _parse_date),
)

CHILD_LISTS = ("facilities", "budget_lines", "schedule", "outputs", "documents", "status_changes")


def _dump(obj: Any, fields: tuple[Codec, ...]) -> dict[str, Any]:
    return {name: out(getattr(obj, name)) for name, out, _in in fields}


def _load(obj: Any, data: dict[str, Any], fields: tuple[Codec, ...]) -> None:
    for name, _out, parse in fields:
        if name in data:
            setattr(obj, name, parse(data[name]))


def _synced(obj: Any) -> dict[str, Any]:
    return {
        "uuid": obj.uuid,
        "origin_office": obj.origin_office,
        "revision": obj.revision,
        "created_at": _datetime(obj.created_at),
        "updated_at": _datetime(obj.updated_at),
    }


def proposal_record(p: Proposal) -> dict[str, Any]:
    """The proposal and its children as one JSON-ready dict."""
    return {
        **_synced(p),
        **_dump(p, PROPOSAL_FIELDS),
        "facilities": [link.facility.uuid for link in p.facility_links],
        "budget_lines": [_dump(x, BUDGET_FIELDS) for x in p.budget_lines],
        "schedule": [_dump(x, SCHEDULE_FIELDS) for x in p.schedule],
        "outputs": sorted((_dump(x, OUTPUT_FIELDS) for x in p.outputs), key=_measure_key),
        "documents": [_dump(x, DOCUMENT_FIELDS) for x in p.documents],
        "status_changes": sorted(
            (_dump(x, STATUS_FIELDS) for x in p.status_changes), key=_status_key
        ),
    }


def _measure_key(item: dict[str, Any]) -> tuple[str, str]:
    return (str(item["measure"]), str(item.get("target") or ""))


def _status_key(item: dict[str, Any]) -> tuple[str, str]:
    # "at" is optional in a pack (the database stamps a row without it): sort it first.
    return (str(item.get("at") or ""), str(item["uuid"]))


def status_change_record(change: StatusChange) -> dict[str, Any]:
    """One status-history row as it travels."""
    return _dump(change, STATUS_FIELDS)


status_key = _status_key
proposal_record_time = _datetime


def facility_record(f: Facility) -> dict[str, Any]:
    return {**_synced(f), **_dump(f, FACILITY_FIELDS)}


def content_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the record's content (bookkeeping keys left out)."""
    content = {k: v for k, v in record.items() if k not in NOT_CONTENT}
    return hashlib.sha256(canonical_record(content)).hexdigest()


def content_fields(record: dict[str, Any]) -> list[str]:
    """The fields a user resolves one by one in a conflict."""
    return [k for k in record if k not in NOT_CONTENT and k not in ("uuid", "created_at")]


def record_label(kind: str, record: dict[str, Any]) -> str:
    if kind == PROPOSAL:
        return f"{record.get('code', '')} — {record.get('title', '')}"
    return str(record.get("name", ""))


# ---- applying a record to the database -------------------------------------------------


def new_facility(data: dict[str, Any]) -> Facility:
    facility = Facility(uuid=data["uuid"])
    apply_facility(facility, data)
    return facility


def apply_facility(facility: Facility, data: dict[str, Any]) -> None:
    _load(facility, data, FACILITY_FIELDS)
    facility.origin_office = _text(data.get("origin_office", ""))
    facility.revision = int(data["revision"])
    if data.get("created_at"):
        facility.created_at = datetime.fromisoformat(data["created_at"])
    facility.search_text = facility_search_text(facility)


def apply_proposal(
    session: Session,
    proposal: Proposal,
    data: dict[str, Any],
    facilities: dict[str, Facility],
) -> None:
    """Make ``proposal`` equal to ``data`` (children replaced, status history merged)."""
    _load(proposal, data, PROPOSAL_FIELDS)
    proposal.origin_office = _text(data.get("origin_office", ""))
    proposal.revision = int(data["revision"])
    if data.get("created_at"):
        proposal.created_at = datetime.fromisoformat(data["created_at"])
    is_new = proposal.id is None
    if not is_new:
        # Children with unique keys (outputs) must be gone before their replacements
        # are inserted: SQLAlchemy flushes inserts before deletes.
        proposal.facility_links.clear()
        proposal.budget_lines.clear()
        proposal.schedule.clear()
        proposal.outputs.clear()
        proposal.documents.clear()
        session.flush()
    links = []
    for n, facility_uuid in enumerate(data.get("facilities", [])):
        facility = facilities.get(facility_uuid)
        if facility is not None:
            links.append(ProposalFacility(facility=facility, position=n))
    proposal.facility_links = links
    proposal.budget_lines = [
        _child(BudgetLine, x, BUDGET_FIELDS, n) for n, x in _items(data, "budget_lines")
    ]
    proposal.schedule = [
        _child(ScheduleItem, x, SCHEDULE_FIELDS, n) for n, x in _items(data, "schedule")
    ]
    proposal.outputs = [
        _child(OutputMeasure, x, OUTPUT_FIELDS, None) for _n, x in _items(data, "outputs")
    ]
    proposal.documents = [
        _child(Document, x, DOCUMENT_FIELDS, n) for n, x in _items(data, "documents")
    ]
    _merge_status_changes(proposal, data.get("status_changes", []))
    refresh_search_text(proposal)


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(data.get(key, [])))


def _child(
    cls: type[Any], data: dict[str, Any], fields: tuple[Codec, ...], position: int | None
) -> Any:
    obj = cls()
    _load(obj, data, fields)
    if position is not None:
        obj.position = position
    return obj


def _merge_status_changes(proposal: Proposal, incoming: list[dict[str, Any]]) -> None:
    """Status history rows keep their UUIDs: update in place, add new, drop missing."""
    by_uuid = {c.uuid: c for c in proposal.status_changes}
    wanted = {str(x["uuid"]) for x in incoming}
    for change in list(proposal.status_changes):
        if change.uuid not in wanted:
            proposal.status_changes.remove(change)
    for item in incoming:
        existing = by_uuid.get(str(item["uuid"]))
        if existing is None:
            change = StatusChange()
            _load(change, item, STATUS_FIELDS)
            proposal.status_changes.append(change)
        else:
            _load(existing, item, STATUS_FIELDS)

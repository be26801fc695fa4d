"""Fast path for records that are new here: batched Core INSERTs instead of ORM objects.

Table-level inserts with the same keys in every row go out as one executemany.

A first import of thousands of proposals is mostly new rows; building ORM objects
for ~20 child rows each costs seconds. The values go through the same codecs as
``records.apply_*`` so both paths store exactly the same thing (the tests import
through both and compare).
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kcdesk.models import (
    BudgetLine,
    Document,
    Facility,
    OutputMeasure,
    Proposal,
    ProposalFacility,
    ProposalStatus,
    ScheduleItem,
    StatusChange,
    utcnow,
)
from kcdesk.services.exchange import records
from kcdesk.services.exchange.records import Codec
from kcdesk.services.exchange.sync import table
from kcdesk.services.proposals.search import facility_search_text, proposal_search_text


def _values(data: dict[str, Any], fields: tuple[Codec, ...]) -> dict[str, Any]:
    defaults = _DEFAULTS
    out: dict[str, Any] = {}
    for name, _out, parse in fields:
        if name in data:
            out[name] = parse(data[name])
        else:
            out[name] = defaults.get(name)
    return out


# Values for fields an older pack may not carry (same as the columns' defaults).
_DEFAULTS: dict[str, Any] = {
    "funding_source": "dia_phuong",
    "office_code": "",
    "total_cost": 0,
    "support": 0,
    "counterpart": 0,
    "other_funds": 0,
    "disbursed": 0,
    "required": True,
    "received": False,
    "woman_owned": False,
    "ethnic_minority_owned": False,
    "craft_village": False,
    "planned": 0,
    "unit_price": 0,
    "amount": 0,
    "quantity": Decimal(1),
    "status": ProposalStatus.RECEIVED,
}
_TEXT_DEFAULT = ""


def _synced(data: dict[str, Any]) -> dict[str, Any]:
    now = utcnow()
    created = records._parse_datetime(data.get("created_at")) or now
    return {
        "uuid": str(data["uuid"]),
        "origin_office": records._text(data.get("origin_office", "")),
        "revision": int(data["revision"]),
        "created_at": created,
        "updated_at": now,
    }


_REQUIRED: dict[Any, frozenset[str]] = {}


def _fill_text(row: dict[str, Any], model: Any) -> dict[str, Any]:
    """Non-null columns an older pack left out get their default ('' for text)."""
    required = _REQUIRED.get(model)
    if required is None:
        required = frozenset(c.name for c in table(model).c if not c.nullable)
        _REQUIRED[model] = required
    for key in [k for k, v in row.items() if v is None and k in required]:
        row[key] = utcnow() if key in ("at", "status_changed_at") else _TEXT_DEFAULT
    return row


def insert_facilities(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert new facilities; returns their ids by uuid."""
    if not rows:
        return {}
    values = []
    for data in rows:
        row = {**_synced(data), **_values(data, records.FACILITY_FIELDS)}
        row["search_text"] = facility_search_text(cast(Facility, SimpleNamespace(**row)))
        values.append(_fill_text(row, Facility))
    session.execute(insert(table(Facility)), values)
    return _ids(session, Facility, [str(r["uuid"]) for r in rows])


def _ids(session: Session, model: Any, uuids: list[str]) -> dict[str, int]:
    stmt = select(model.uuid, model.id).where(model.uuid.in_(uuids))
    return dict(session.execute(stmt).tuples().all())


def insert_proposals(
    session: Session,
    rows: list[dict[str, Any]],
    facilities: dict[str, tuple[int, str, str | None]],
) -> dict[str, int]:
    """Insert new proposals and their children. ``facilities``: uuid → (id, name, tax)."""
    if not rows:
        return {}
    values = []
    for data in rows:
        row = {**_synced(data), **_values(data, records.PROPOSAL_FIELDS)}
        links = [
            SimpleNamespace(facility=SimpleNamespace(name=f[1], tax_code=f[2]))
            for u in data.get("facilities", [])
            if (f := facilities.get(u)) is not None
        ]
        row["search_text"] = proposal_search_text(
            cast(Proposal, SimpleNamespace(**row, facility_links=links))
        )
        values.append(_fill_text(row, Proposal))
    session.execute(insert(table(Proposal)), values)
    ids = _ids(session, Proposal, [str(r["uuid"]) for r in rows])
    children: dict[Any, list[dict[str, Any]]] = {
        ProposalFacility: [],
        BudgetLine: [],
        ScheduleItem: [],
        OutputMeasure: [],
        Document: [],
        StatusChange: [],
    }
    for data in rows:
        pid = ids[str(data["uuid"])]
        for n, facility_uuid in enumerate(data.get("facilities", [])):
            if facility_uuid in facilities:
                children[ProposalFacility].append(
                    {"proposal_id": pid, "facility_id": facilities[facility_uuid][0], "position": n}
                )
        for model, key, fields, positioned in (
            (BudgetLine, "budget_lines", records.BUDGET_FIELDS, True),
            (ScheduleItem, "schedule", records.SCHEDULE_FIELDS, True),
            (OutputMeasure, "outputs", records.OUTPUT_FIELDS, False),
            (Document, "documents", records.DOCUMENT_FIELDS, True),
            (StatusChange, "status_changes", records.STATUS_FIELDS, False),
        ):
            for n, item in enumerate(data.get(key, [])):
                row = {"proposal_id": pid, **_values(item, fields)}
                if positioned:
                    row["position"] = n
                children[model].append(_fill_text(row, model))
    for model, batch in children.items():
        if batch:
            session.execute(insert(table(model)), batch)
    return ids

"""Fast path for records that are new here: batched Core INSERTs instead of ORM objects.

Table-level inserts with the same keys in every row go out as one executemany.

A first import of thousands of proposals is mostly new rows; building ORM objects
for ~20 child rows each costs seconds. The values go through the same codecs as
``records.apply_*`` so both paths store exactly the same thing (the tests import
through both and compare).

On SQLite the executemany goes to the driver as plain tuples (``insert_rows``): each
value through its column type's bind processor, as SQLAlchemy binds it, but without
SQLAlchemy's per-row parameter handling (≈ 1 s of a 5,000-proposal import's CPU for
100,000 rows). Other engines keep SQLAlchemy's executemany (``tests/test_exchange_rows.py``
imports one pack through both and compares every row).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from operator import itemgetter
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import SQLAlchemyError
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
    spec = _SPECS.get(id(fields))
    if spec is None:
        spec = _SPECS[id(fields)] = [
            (name, parse, _DEFAULTS.get(name)) for name, _o, parse in fields
        ]
    return {name: parse(data[name]) if name in data else default for name, parse, default in spec}


# Per codec tuple (a module constant, so its id is stable): (field, parse, default).
_SPECS: dict[int, list[tuple[str, Callable[[Any], Any], Any]]] = {}


# SQLite's page cache during an import, in KiB (its default is 2 MB): a pack of 5,000
# proposals writes ~40 MB, and with the default the indexes' pages are evicted, spilled
# to the WAL mid-transaction and read again (a quarter of the inserts' time).
IMPORT_CACHE_KIB = 64 << 10


@contextlib.contextmanager
def large_page_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache of IMPORT_CACHE_KIB for the block, then the previous one."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    conn.exec_driver_sql(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        # A connection that failed keeps the larger cache until it is closed: harmless.
        with contextlib.suppress(SQLAlchemyError):
            conn.exec_driver_sql(f"PRAGMA cache_size = {previous}")


# Off in the tests that compare this path with SQLAlchemy's own executemany.
DRIVER_EXECUTEMANY = True
_Plan = tuple[str, tuple[str, ...], list[tuple[int, Callable[[Any], Any]]], tuple[Any, ...]]
_PLANS: dict[tuple[str, str, tuple[str, ...]], _Plan | None] = {}


def _plan(dialect: Dialect, tbl: Table, keys: tuple[str, ...]) -> _Plan | None:
    """SQL, key order, bind processors by position and the processed scalar defaults of
    the columns the rows leave out (None: a left-out column has a callable default)."""
    extra: list[tuple[str, Any]] = []
    for column in tbl.c:
        if column.name in keys or column.default is None:
            continue
        if not column.default.is_scalar:
            return None
        extra.append((column.name, column.default.arg))  # type: ignore[attr-defined]
    names = [*keys, *(name for name, _value in extra)]
    by_name = {c.name: c for c in tbl.c}
    processors = [by_name[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    defaults = tuple(
        proc(value) if proc is not None else value
        for (_name, value), proc in zip(extra, processors[len(keys) :], strict=True)
    )
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(tbl.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    procs: list[tuple[int, Callable[[Any], Any]]] = [
        (i, p) for i, p in enumerate(processors[: len(keys)]) if p is not None
    ]
    return sql, keys, procs, defaults


def insert_rows(session: Session, tbl: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany of ``rows`` (the same keys in each) into ``tbl``."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    keys = tuple(rows[0])
    plan = None
    if DRIVER_EXECUTEMANY and dialect.name == "sqlite" and dialect.paramstyle == "qmark":
        cache_key = (dialect.name, tbl.name, keys)
        if cache_key not in _PLANS:
            _PLANS[cache_key] = _plan(dialect, tbl, keys)
        plan = _PLANS[cache_key]
    if plan is None:
        session.execute(insert(tbl), rows)
        return
    sql, _keys, procs, defaults = plan
    get = itemgetter(*keys)
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(get(row)) if len(keys) > 1 else [get(row)]
        for i, proc in procs:
            values[i] = proc(values[i])
        params.append((*values, *defaults))
    conn.exec_driver_sql(sql, params)


# Values for fields an older pack may not carry (same as the columns' defaults).
_DEFAULTS: dict[str, Any] = {
    "funding_source": "dia_phuong",
    # A pack from before issue 18 has no whole_line: False, not '' (refused by the column).
    "whole_line": False,
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
    if None not in row.values():
        return row
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
    insert_rows(session, table(Facility), values)
    return _ids(session, Facility, [str(r["uuid"]) for r in rows])


def _ids(session: Session, model: Any, uuids: list[str]) -> dict[str, int]:
    columns = table(model).c
    stmt = select(columns.uuid, columns.id).where(columns.uuid.in_(uuids))
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
    insert_rows(session, table(Proposal), values)
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
            insert_rows(session, table(model), batch)
    return ids

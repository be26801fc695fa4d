"""Fast path for records that are new here: batched Core INSERTs instead of ORM objects.

Table-level inserts with the same keys in every row go out as one executemany.

A first import of thousands of proposals is mostly new rows; building ORM objects
for ~20 child rows each costs seconds. The values go through the same codecs as
``records.apply_*`` so both paths store exactly the same thing (the tests import
through both and compare).

Child rows are built as plain lists of values in column order, straight from the
record, and go out through ``executemany.insert_values`` (the driver's executemany on
SQLite). On SQLite each child value goes through its codec and its column's bind
processor in one step, the row made as the tuple the driver takes
(``executemany.bind_processors_for``, ``insert_bound``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.engine import Dialect
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
from kcdesk.services.core.executemany import (
    bind_processors_for,
    driver_binds,
    executemany_on,
    insert_bound,
    insert_rows,
    insert_values,
)
from kcdesk.services.dashboard import summary_table
from kcdesk.services.exchange import records
from kcdesk.services.exchange.records import Codec
from kcdesk.services.exchange.row_maker import MakeRows, compile_rows
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
    prepared: dict[str, tuple[ChildRows, tuple[Any, ...] | None]] | None = None,
) -> dict[str, int]:
    """Insert new proposals and their children. ``facilities``: uuid → (id, name, tax).

    ``prepared``: by uuid, the child rows and the proposal's row a second process
    already bound (``prepare.prepare_chunk``; their records here carry only the keys
    ``PREPARED_KEYS``).
    """
    if not rows:
        return {}
    prepared = prepared or {}
    rows_ready = {u: ready[1] for u, ready in prepared.items() if ready[1] is not None}
    procs = _proposal_procs(session) if rows_ready else None
    if procs is None:
        insert_rows(session, table(Proposal), [_proposal_row(d, facilities) for d in rows])
    else:
        made = [
            _finish_row(ready, data, facilities, procs)
            if (ready := rows_ready.get(str(data["uuid"]))) is not None
            else _bind_row(_proposal_row(data, facilities), procs)
            for data in rows
        ]
        insert_bound(session, table(Proposal), PROPOSAL_ROW_KEYS, made)
    ids = _ids(session, Proposal, [str(r["uuid"]) for r in rows])
    # Every child row is made before anything is written, as it always was: a value
    # its codec refuses fails before the links are inserted.
    bound = _bound_children(session, rows, ids, prepared)
    link_rows: list[list[Any]] = []
    children: list[list[list[Any]]] = [[] for _ in _CHILDREN]
    late: ChildRows = [[] for _ in _CHILDREN]
    for data in rows:
        pid = ids[str(data["uuid"])]
        for n, facility_uuid in enumerate(data.get("facilities", [])):
            if facility_uuid in facilities:
                link_rows.append([pid, facilities[facility_uuid][0], n])
        if bound is not None:
            continue
        ready = prepared.get(str(data["uuid"]))
        if ready is not None:
            # Bound already: after the others (the others' failure is raised first).
            for rows_of_child, done in zip(ready[0], late, strict=True):
                done.extend(_with_id(pid, rows_of_child))
            continue
        for child, out in zip(_CHILDREN, children, strict=True):
            _model, key, spec, positioned, _keys, fill = child
            for n, item in enumerate(data.get(key, [])):
                out.append(_child_values(pid, item, n, spec, positioned, fill))
    insert_values(session, table(ProposalFacility), _LINK_KEYS, link_rows)
    for n, (model, _key, _spec, _positioned, keys, _fill) in enumerate(_CHILDREN):
        if bound is not None and model is OutputMeasure:
            summary_table.outputs_added_in_bulk(
                session,
                partial(insert_bound, session, table(model), keys, bound[n]),
                list(ids.values()),
            )
        elif bound is not None:
            insert_bound(session, table(model), keys, bound[n])
        else:
            insert_values(session, table(model), keys, children[n])
            insert_bound(session, table(model), keys, late[n])
    return ids


# The columns of a new proposal's row, in the order it is bound (``_proposal_row``).
PROPOSAL_ROW_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *("uuid", "origin_office", "revision", "created_at", "updated_at"),
            *(name for name, _out, _parse in records.PROPOSAL_FIELDS),
            "search_text",
        ]
    )
)
# What the importer needs of a proposal whose row was bound elsewhere (``prepare``).
PREPARED_KEYS = ("uuid", "revision", "code", "title", "commune", "office_code", "facilities")
# Set here, not where the row was bound: the import's own clock, the code a clash
# renamed (``Applier._settle_code``, with its revision), and the search words, which
# name the beneficiaries as they are here.
_SET_HERE = ("updated_at", "code", "revision", "search_text")


def _proposal_row(
    data: dict[str, Any], facilities: dict[str, tuple[int, str, str | None]] | None
) -> dict[str, Any]:
    """A new proposal's row (``PROPOSAL_ROW_KEYS``), through the same codecs as
    ``records.apply_proposal``; ``facilities`` None: its search words left empty."""
    row = {**_synced(data), **_values(data, records.PROPOSAL_FIELDS), "search_text": ""}
    if facilities is not None:
        row["search_text"] = _search_text(data, row, facilities)
    return _fill_text(row, Proposal)


def _search_text(
    data: dict[str, Any], row: dict[str, Any], facilities: dict[str, tuple[int, str, str | None]]
) -> str:
    links = [
        SimpleNamespace(facility=SimpleNamespace(name=f[1], tax_code=f[2]))
        for u in data.get("facilities", [])
        if (f := facilities.get(u)) is not None
    ]
    return proposal_search_text(cast(Proposal, SimpleNamespace(**row, facility_links=links)))


def proposal_row_procs(dialect: Dialect) -> dict[int, Callable[[Any], Any]] | None:
    """The bind processors of ``PROPOSAL_ROW_KEYS`` by position on ``dialect``."""
    return bind_processors_for(dialect, table(Proposal), PROPOSAL_ROW_KEYS)


def _proposal_procs(session: Session) -> dict[int, Callable[[Any], Any]] | None:
    return proposal_row_procs(session.connection().dialect) if executemany_on(session) else None


def bound_proposal_row(
    data: dict[str, Any], procs: dict[int, Callable[[Any], Any]]
) -> tuple[Any, ...]:
    """A new proposal's row bound for the driver, but for ``_SET_HERE`` (a second
    process binds it: ``prepare``)."""
    return _bind_row(_proposal_row(data, None), procs)


def _bind_row(row: dict[str, Any], procs: dict[int, Callable[[Any], Any]]) -> tuple[Any, ...]:
    values = [row[key] for key in PROPOSAL_ROW_KEYS]
    for i, proc in procs.items():
        values[i] = proc(values[i])
    return tuple(values)


_AT = {name: PROPOSAL_ROW_KEYS.index(name) for name in _SET_HERE}


def _finish_row(
    bound: tuple[Any, ...],
    data: dict[str, Any],
    facilities: dict[str, tuple[int, str, str | None]],
    procs: dict[int, Callable[[Any], Any]],
) -> tuple[Any, ...]:
    """A row bound elsewhere, with ``_SET_HERE`` set (``data``: ``PREPARED_KEYS``)."""
    values = list(bound)
    # As ``_values`` reads them (NFC; None when left out), for the search words.
    row = {k: records._text(data[k]) if k in data else None for k in ("code", "title", "commune")}
    here = {
        "updated_at": utcnow(),
        # A code is never null (``_fill_text``).
        "code": row["code"] if row["code"] is not None else _TEXT_DEFAULT,
        "revision": int(data["revision"]),
        "search_text": _search_text(data, row, facilities),
    }
    for name, i in _AT.items():
        proc = procs.get(i)
        values[i] = proc(here[name]) if proc is not None else here[name]
    return tuple(values)


def _with_id(pid: int, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Prepared child rows (``without_id``) given their proposal's id, first."""
    return [(pid, *values) for values in rows]


def without_id(rows: ChildRows) -> ChildRows:
    """Child rows without their proposal's id (a second process does not know it)."""
    return [[values[1:] for values in batch] for batch in rows]


def _child_values(
    pid: int,
    item: dict[str, Any],
    n: int,
    spec: list[tuple[str, Callable[[Any], Any], Any]],
    positioned: bool,
    fill: list[tuple[int, str]],
) -> list[Any]:
    """A child row's values in column order, through their codecs, not yet bound."""
    values = [pid, *[parse(item[f]) if f in item else d for f, parse, d in spec]]
    if positioned:
        values.append(n)
    if None in values:
        _fill_values(values, fill)
    return values


# Per child list: the function that makes its rows (``row_maker``).
ChildPlans = list[MakeRows]
# A proposal's child rows, bound, one list per child list (``_CHILDREN``).
ChildRows = list[list[tuple[Any, ...]]]


# Compiled once per dialect (``row_maker``), not once per chunk of a pack.
_CHILD_PLANS: dict[str, ChildPlans] = {}


def child_plans(dialect: Dialect) -> ChildPlans | None:
    """How each child list's values are bound on ``dialect`` (None: SQLAlchemy binds)."""
    if not driver_binds(dialect):
        return None
    plans = _CHILD_PLANS.get(dialect.name)
    if plans is None:
        made = _child_plans(dialect)
        if made is None:
            return None
        plans = _CHILD_PLANS[dialect.name] = made
    return plans


def _child_plans(dialect: Dialect) -> ChildPlans | None:
    plans: ChildPlans = []
    for model, _key, spec, positioned, keys, fill in _CHILDREN:
        procs = bind_processors_for(dialect, table(model), keys)
        if procs is None:
            return None
        # Field i is the row's value i + 1 (0 is the proposal id); its default is
        # bound too (None stays None: such a row is filled in first, below).
        fused = []
        for i, (f, parse, d) in enumerate(spec):
            proc = procs.get(i + 1)
            bound_default = proc(d) if proc is not None and d is not None else d
            fused.append((f, _bind(parse, proc), bound_default))
        plans.append(
            compile_rows(
                fused,
                positioned,
                [i for i, _name in fill],
                _slow_row(spec, positioned, fill, procs),
            )
        )
    return plans


def _slow_row(
    spec: list[tuple[str, Callable[[Any], Any], Any]],
    positioned: bool,
    fill: list[tuple[int, str]],
    procs: dict[int, Callable[[Any], Any]],
) -> Callable[[dict[str, Any], int, int], tuple[Any, ...]]:
    """A row missing a value its column needs (an older pack): its default filled in
    first, then bound."""
    by_position = sorted(procs.items())

    def slow(item: dict[str, Any], n: int, pid: int) -> tuple[Any, ...]:
        values = _child_values(pid, item, n, spec, positioned, fill)
        for i, proc in by_position:
            values[i] = proc(values[i])
        return tuple(values)

    return slow


def child_rows(data: dict[str, Any], plans: ChildPlans, pid: int) -> ChildRows:
    """Every child row of one proposal as the driver takes it (a tuple): each
    value through its codec and its column's bind processor in one step
    (``row_maker``)."""
    return [
        make(data.get(key, ()), pid)
        for make, (_model, key, *_rest) in zip(plans, _CHILDREN, strict=True)
    ]


def _bound_children(
    session: Session,
    rows: list[dict[str, Any]],
    ids: dict[str, int],
    prepared: dict[str, tuple[ChildRows, tuple[Any, ...] | None]],
) -> ChildRows | None:
    """On SQLite, every child row of ``rows`` as the driver gets it (``child_rows``),
    instead of a list of codec values processed again (≈ 107,000 rows for 5,000
    proposals); the rows of ``prepared`` records as they came.

    None on other engines — and when any value fails, so that the one-step path raises
    exactly what it raised before.
    """
    plans = child_plans(session.connection().dialect)
    if plans is None:
        return None
    out: ChildRows = [[] for _ in _CHILDREN]
    try:
        for data in rows:
            pid = ids[str(data["uuid"])]
            ready = prepared.get(str(data["uuid"]))
            made = (
                [_with_id(pid, r) for r in ready[0]]
                if ready is not None
                else child_rows(data, plans, pid)
            )
            for batch, part in zip(out, made, strict=True):
                batch.extend(part)
    except Exception:
        return None
    return out


def _bind(parse: Callable[[Any], Any], proc: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """The codec, then the column's bind processor (if it has one)."""
    if proc is None:
        return parse
    return lambda value: proc(parse(value))


_LINK_KEYS = ("proposal_id", "facility_id", "position")
# Per child list: (model, key in the record, (field, parse, default) per field, whether
# it has a position, the column of each value, the values not null (index, default)).
_Child = tuple[
    Any,
    str,
    list[tuple[str, Callable[[Any], Any], Any]],
    bool,
    tuple[str, ...],
    list[tuple[int, str]],
]


def _child(model: Any, key: str, fields: tuple[Codec, ...], positioned: bool) -> _Child:
    spec = [(name, parse, _DEFAULTS.get(name)) for name, _out, parse in fields]
    keys = ("proposal_id", *(name for name, _p, _d in spec), *(("position",) if positioned else ()))
    required = {c.name for c in table(model).c if not c.nullable}
    fill = [(i, name) for i, name in enumerate(keys) if name in required]
    return model, key, spec, positioned, keys, fill


def _fill_values(values: list[Any], fill: list[tuple[int, str]]) -> None:
    """``_fill_text`` for a row as a list of values."""
    for i, name in fill:
        if values[i] is None:
            values[i] = utcnow() if name in ("at", "status_changed_at") else _TEXT_DEFAULT


_CHILDREN: tuple[_Child, ...] = (
    _child(BudgetLine, "budget_lines", records.BUDGET_FIELDS, True),
    _child(ScheduleItem, "schedule", records.SCHEDULE_FIELDS, True),
    _child(OutputMeasure, "outputs", records.OUTPUT_FIELDS, False),
    _child(Document, "documents", records.DOCUMENT_FIELDS, True),
    _child(StatusChange, "status_changes", records.STATUS_FIELDS, False),
)

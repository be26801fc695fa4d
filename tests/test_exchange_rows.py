"""The faster pack import writes exactly the rows the previous path wrote (issue 24).

One pack — proposals with beneficiaries, scans, NFD text, control characters, line
breaks, empty dates, an older record with fields left out — is imported into the Centre
twice: through the previous path (the full field checks, SQLAlchemy's executemany) and
through the current one (``quick_check``, the driver's executemany on SQLite). Each
import runs in a transaction that is rolled back; every row written is dumped with its
parents named by UUID (ids and clocks left out) and the two dumps must be equal. On
both engines.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from kcdesk.models import Facility
from kcdesk.models.db import Database
from kcdesk.services.core import executemany
from kcdesk.services.exchange import (
    bulk,
    importer,
    quick_check,
    validate,
)
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.exchange.sync import table
from kcdesk.services.security.actor import SYSTEM
from tests.exchange_support import (
    OFFICE,
    add_facility,
    add_proposal,
    export_forged,
    office_joined_to,
)
from tests.pack_forge import Rows

PROPOSALS = "records/proposals.jsonl"
FACILITIES = "records/facilities.jsonl"

# Columns that differ between two imports of one pack by nature (clocks, new UUIDs and
# hashes of the local audit chain), and ids (PostgreSQL sequences do not roll back).
VOLATILE = {"id", "updated_at", "synced_at", "imported_at", "at", "uuid", "hash", "prev_hash"}
# (table, parent columns replaced by the parent's UUID)
TABLES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("proposal", ()),
    ("facility", ()),
    ("proposal_facility", (("proposal_id", "proposal"), ("facility_id", "facility"))),
    ("budget_line", (("proposal_id", "proposal"),)),
    ("schedule_item", (("proposal_id", "proposal"),)),
    ("output_measure", (("proposal_id", "proposal"),)),
    ("document", (("proposal_id", "proposal"),)),
    ("status_change", (("proposal_id", "proposal"),)),
    ("exchange_sync_state", ()),
    ("exchange_conflict", ()),
    ("exchange_import", ()),
    ("audit_event", ()),
    ("dashboard_output_sum", ()),
)
# Kept although named like a volatile column: the record's own identity.
KEEP_UUID = {
    "proposal",
    "facility",
    "status_change",
    "exchange_sync_state",
}


def _office_with_pack(centre: Database, tmp_path: Path) -> tuple[Path, Path]:
    """An office (SQLite) known to ``centre``, its full pack, varied by hand."""
    office = office_joined_to(centre, tmp_path / "office.sqlite")
    files = tmp_path / "office files"
    with office.session() as s:
        shared = add_facility(s, OFFICE, 90)
        for n in range(1, 6):
            add_proposal(s, OFFICE, n, files=files if n % 2 else None)
        add_proposal(s, OFFICE, 6, facility=shared)
        add_proposal(s, OFFICE, 7, facility=shared)
    pack, _secret = export_forged(
        office, files, tmp_path / "gói.kcpack", tmp_path / "gói khác.kcpack", _vary
    )
    return pack, files


def _vary(rows: Rows) -> None:
    first, second, third, fourth = rows[PROPOSALS][:4]
    first["title"] = unicodedata.normalize("NFD", first["title"]) + "\u202e\x07"
    first["necessity"] = "Dòng một\r\nDòng hai\rDòng ba\x00"
    first["whole_line"] = True
    first["budget_lines"][0]["quantity"] = "2.5"
    first["budget_lines"].append({"item": "Vận chuyển", "amount": 5, "support": 5})
    first["schedule"][0]["end"] = None
    first["documents"][0]["note"] = unicodedata.normalize("NFD", "Bản sao công chứng")
    second["end_month"] = None
    second["status"] = "forwarded"
    second["outputs"][0]["achieved"] = None
    second["outputs"].append({"measure": "trainees", "planned": 12, "target": "nữ"})
    # An older pack: fields it did not carry yet.
    for name in ("effect_environment", "programme", "cap_kind", "whole_line", "commune"):
        third.pop(name, None)
    third["status_changes"][0]["at"] = None
    third["documents"][0].pop("required", None)
    fourth["facilities"] = []
    fourth["received_date"] = None
    facility = rows[FACILITIES][0]
    facility["tax_code"] = None
    facility["workers"] = None
    facility["name"] = unicodedata.normalize("NFD", facility["name"])


def _dump(session: Any) -> dict[str, list[str]]:
    conn = session.connection()
    uuids = {
        parent: dict(conn.execute(text(f"SELECT id, uuid FROM {parent}")).tuples().all())
        for parent in ("proposal", "facility")
    }
    out: dict[str, list[str]] = {}
    for name, parents in TABLES:
        rows = []
        for row in conn.execute(text(f"SELECT * FROM {name}")).mappings():
            data = dict(row)
            for column, parent in parents:
                data[column] = uuids[parent].get(data[column])
            drop = VOLATILE - ({"uuid"} if name in KEEP_UUID else set())
            rows.append(
                json.dumps(
                    {k: v for k, v in data.items() if k not in drop},
                    default=str,
                    ensure_ascii=False,
                )
            )
        out[name] = sorted(rows)
    return out


def _import_and_dump(
    centre: Database, pack: Path, files: Path, monkeypatch: pytest.MonkeyPatch, *, old: bool
) -> tuple[dict[str, list[str]], dict[str, int]]:
    accepted = {"quick": 0}
    real = quick_check.fields

    def counting(*args: Any) -> Any:
        result = real(*args)
        accepted["quick"] += result is not None
        return result

    with monkeypatch.context() as m:
        m.setattr(validate, "QUICK", not old)
        m.setattr(executemany, "DRIVER_EXECUTEMANY", not old)
        m.setattr(quick_check, "fields", counting)
        executemany._PLANS.clear()
        session = centre.session_factory()
        try:
            result = importer.import_pack(session, SYSTEM, pack, attachments_root=files)
            session.flush()
            assert result.counts()["new"] == 7
            dumped = _dump(session)
        finally:
            session.rollback()
            session.close()
    accepted["driver_plans"] = len(executemany._PLANS)
    return dumped, accepted


def test_the_rows_written_are_those_of_the_previous_path(
    db: Database, db_engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack, files = _office_with_pack(db, tmp_path)
    # Each its own attachment store, so both find the scans new.
    before, old_paths = _import_and_dump(db, pack, tmp_path / "store 1", monkeypatch, old=True)
    after, new_paths = _import_and_dump(db, pack, tmp_path / "store 2", monkeypatch, old=False)
    assert old_paths == {"quick": 0, "driver_plans": 0}
    assert new_paths["quick"] > 0
    if db_engine == "sqlite":
        assert new_paths["driver_plans"] > 0
    assert files.exists()
    for name, _parents in TABLES:
        assert after[name] == before[name], _first_difference(name, before[name], after[name])
    assert len(after["proposal"]) == 7 and len(after["budget_line"]) == 8
    assert len(after["audit_event"]) >= 8
    # The varied text was cleaned the same way on both paths.
    assert any("Dòng một\\nDòng hai\\nDòng ba" in row for row in after["proposal"])


def _first_difference(table: str, before: list[str], after: list[str]) -> str:
    for old, new in zip(before, after, strict=False):
        a, b = json.loads(old), json.loads(new)
        if a != b:
            return f"{table}: " + ", ".join(
                f"{k}: {a.get(k)!r} → {b.get(k)!r}" for k in sorted(a | b) if a.get(k) != b.get(k)
            )
    return f"{table}: {len(before)} rows before, {len(after)} after"


GOOD_PROPOSAL: dict[str, Any] = {
    "uuid": "a-1",
    "revision": 3,
    "code": "ĐA-1",
    "title": "Máy chẻ nan",
    "plan_year": 2027,
    "activity": "may_moc_thiet_bi",
    "status": "received",
    "total_cost": 100,
    "support": 50,
    "start_month": "2027-03-01",
    "created_at": "2026-01-02T03:04:05.000006",
    "facilities": ["f-1"],
    "budget_lines": [{"item": "Máy", "quantity": "2", "amount": 100}],
    "documents": [{"code": "don", "file_hash": "", "file_name": "đơn.pdf", "required": True}],
    "status_changes": [{"uuid": "s-1", "to_status": "received", "at": None}],
    "outputs": [{"measure": "machines", "planned": 2}],
}

# Each a change to GOOD_PROPOSAL; refused or accepted, both paths must agree.
VARIANTS: list[tuple[str, Any]] = [
    ("title", 5),
    ("title", ""),
    ("title", "x" * 2_001),
    ("title", "A\x00B\u202e\r\n"),
    ("title", unicodedata.normalize("NFD", "Hỗ trợ")),
    ("code", None),
    ("plan_year", True),
    ("plan_year", 1999),
    ("plan_year", 2027.0),
    ("revision", -1),
    ("status", "approved_by_ghost"),
    ("start_month", "2027-02-30"),
    ("start_month", None),
    ("created_at", "x" * 41),
    ("created_at", "hôm qua"),
    ("support", 101),
    ("approved_support", 500),
    ("total_cost", None),
    ("facilities", "f-1"),
    ("facilities", ["../etc"]),
    ("budget_lines", {"item": "x"}),
    ("budget_lines", [["x"]]),
    ("budget_lines", [{"quantity": "nan"}]),
    ("budget_lines", [{"quantity": True}]),
    ("budget_lines", [{"amount": -1}]),
    ("documents", [{"file_hash": "../../secret"}]),
    ("documents", [{"file_name": "a/b.pdf"}]),
    ("documents", [{"required": 1}]),
    # Quantities, hashes and file names have their own quick branches (issue 24).
    ("budget_lines", [{"quantity": 3}]),
    ("budget_lines", [{"quantity": 10**11}]),
    ("budget_lines", [{"quantity": 10**11 - 1}]),
    ("budget_lines", [{"quantity": "99999999999.999"}]),
    ("budget_lines", [{"quantity": "100000000000"}]),
    ("budget_lines", [{"quantity": "1e3"}]),
    ("budget_lines", [{"quantity": " 2 "}]),
    ("budget_lines", [{"quantity": "-1"}]),
    ("budget_lines", [{"quantity": "\u0663"}]),
    ("budget_lines", [{"quantity": None}]),
    ("budget_lines", [{"quantity": 2.5}]),
    ("documents", [{"file_hash": "a" * 64}]),
    ("documents", [{"file_hash": "A" * 64}]),
    ("documents", [{"file_hash": "a" * 64 + "\n"}]),
    ("documents", [{"file_hash": None}]),
    ("documents", [{"file_hash": 0}]),
    ("documents", [{"file_hash": False}]),
    ("documents", [{"file_name": ".."}]),
    ("documents", [{"file_name": "a\\b.pdf"}]),
    ("documents", [{"file_name": "x" * 256}]),
    ("documents", [{"file_name": "x" * 255}]),
    ("documents", [{"file_name": unicodedata.normalize("NFD", "đơn xin.pdf")}]),
    ("documents", [{"file_name": "\x01đơn.pdf"}]),
    ("documents", [{"file_name": "đơn\r\n.pdf"}]),
    ("documents", [{"file_name": ""}]),
    ("documents", [{"file_name": None}]),
    ("documents", [{"file_name": 5}]),
    ("status_changes", [{"uuid": "s-1"}]),
    ("status_changes", [{"uuid": "s 1", "to_status": "received"}]),
    ("outputs", [{"planned": 2}]),
    ("outputs", [{"measure": "  ", "planned": 2}]),
    ("whole_line", "có"),
    ("uuid", None),
]


def _full(data: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as m:
        m.setattr(validate, "QUICK", False)
        try:
            return validate.check_record("proposal", data, PROPOSALS)
        except PackRefused as exc:
            return (exc.reason, str(exc))


@pytest.mark.parametrize(("field", "value"), VARIANTS)
def test_the_quick_check_agrees_with_the_full_checks(
    field: str, value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(json.dumps({**GOOD_PROPOSAL, field: value}))
    if value is None and field in ("code", "uuid"):
        data.pop(field)
    expected = _full(data, monkeypatch)
    try:
        got: Any = validate.check_record("proposal", data, PROPOSALS)
    except PackRefused as exc:
        got = (exc.reason, str(exc))
    assert got == expected
    if isinstance(expected, tuple):
        assert expected[0] == E.BAD_RECORD


def test_a_clean_proposal_takes_the_quick_path(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(json.dumps(GOOD_PROPOSAL))
    quick = quick_check.proposal(
        data,
        validate._PROPOSAL_PLAN,
        validate.PROPOSAL_REQUIRED,
        validate._CHILD_PLANS,
        validate._is_uuid,
        validate.MAX_LIST,
    )
    assert quick is not None
    assert quick == _full(data, monkeypatch)
    assert list(quick) == list(_full(data, monkeypatch))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("driver", [True, False])
def test_a_value_its_column_refuses_fails_alike_on_both_paths(
    db: Database, driver: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executemany, "DRIVER_EXECUTEMANY", driver)
    executemany._PLANS.clear()
    with db.session() as s:
        facility = add_facility(s, OFFICE, 1)
        s.flush()
        row = {"uuid": "x-1", "name": "Cơ sở", "kind": facility.kind, "woman_owned": ""}
        with pytest.raises(StatementError, match="Not a boolean value"):
            executemany.insert_rows(s, table(Facility), [row])
        s.rollback()


def _insert_one(db: Database, record: dict[str, Any], *, fused: bool) -> Any:
    """Insert ``record`` as a new proposal through ``bulk.insert_proposals``, with the
    child rows bound in one step (``fused``) or made and bound apart; the child rows
    written (by table), or the exception raised as (type, message)."""
    with db.session() as s:
        if not fused:
            monkey = pytest.MonkeyPatch()
            monkey.setattr(bulk, "_bound_children", lambda *_args: None)
        try:
            ids = bulk.insert_proposals(s, [record], {})
            s.flush()
            pid = ids[record["uuid"]]
            conn = s.connection()
            # Without the ids (PostgreSQL's sequences do not roll back).
            return {
                name: sorted(
                    repr({k: v for k, v in row.items() if k not in ("id", "proposal_id")})
                    for row in conn.execute(
                        text(f"SELECT * FROM {name} WHERE proposal_id = :p"), {"p": pid}
                    ).mappings()
                )
                for name in ("budget_line", "schedule_item", "output_measure", "document")
            }
        except Exception as exc:
            return type(exc).__name__, str(exc)
        finally:
            s.rollback()
            if not fused:
                monkey.undo()


@pytest.mark.parametrize(
    ("key", "child"),
    [
        ("budget_lines", {"item": "Máy", "quantity": "2.5", "amount": 100}),
        ("budget_lines", {"item": "Máy"}),  # the quantity's default, bound
        ("schedule", {"task": "Lắp đặt", "start": "2027-03-01", "end": None}),
        ("documents", {"code": "don", "required": False, "received": True}),
        ("documents", {"code": "don", "received_date": "2027-03-05"}),
        ("documents", {"code": "don", "required": "có"}),
        # Values their codecs refuse (the checks let neither through): the same error,
        # met before the links and child rows are written, either way.
        ("schedule", {"task": "Lắp đặt", "start": "2027-02-30"}),
        ("budget_lines", {"item": "Máy", "quantity": "nhiều"}),
    ],
)
def test_child_rows_bound_in_one_step_are_those_bound_apart(
    db: Database, key: str, child: dict[str, Any]
) -> None:
    record = {**GOOD_PROPOSAL, "uuid": "b-1", "facilities": [], key: [child]}
    executemany._PLANS.clear()
    fused = _insert_one(db, record, fused=True)
    executemany._PLANS.clear()
    apart = _insert_one(db, record, fused=False)
    assert fused == apart

"""A signed pack is not a licence to write anything (issue 19 §1).

Every pack here is authentic — signed with the office's real key — and hostile in
its content: decisions the office may not take, another office's records, bad types,
absurd sizes, paths in attachment hashes, duplicate members. Each is refused with
the database unchanged, or the values the office may not set are ignored with a line
in the import report. A property-based test mutates the records field by field.
"""

from __future__ import annotations

import copy
import os
import threading
import unicodedata
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, Proposal, ProposalStatus, StatusChange, new_uuid
from kcdesk.models.exchange import ImportLog
from kcdesk.services.core import audit, id_lists
from kcdesk.services.core.errors import UserError, ValidationError
from kcdesk.services.exchange import conflicts, export, importer, keys, records
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.exchange.office_rights import OFFICE_STATUSES
from kcdesk.services.security.actor import SYSTEM, Actor
from tests.exchange_support import OFFICE, Pair, add_proposal, dump, get, make_pair
from tests.pack_forge import forge, read_pack, write_pack

OTHER = "XA-KH"
PROPOSALS = "records/proposals.jsonl"
FACILITIES = "records/facilities.jsonl"
CENTRE_STAFF = Actor("canbo", office_code="TTKC")
_FUZZ = settings(
    max_examples=int(os.environ.get("KCDESK_FUZZ_EXAMPLES", "60")),
    deadline=None,
    derandomize=True,  # the same examples on every run and every machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class World:
    """A Centre with an approved proposal of XA-HD, a proposal of XA-KH, and the
    XA-HD office's next pack (all of its proposals, revision raised)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.pair: Pair = make_pair(tmp_path)
        with self.pair.centre.db.session() as s:
            keys.add_office(s, SYSTEM, OTHER, "UBND xã Kim Hoa")
            self.secret = keys.secret_for(s, OFFICE) or ""
            add_proposal(s, OTHER, 9)
        with self.pair.office.db.session() as s:
            for n in (1, 2):
                add_proposal(s, OFFICE, n, files=self.pair.office.files)
        first = tmp_path / "1.kcpack"
        with self.pair.office.db.session() as s:
            export.export_pack(s, SYSTEM, first, attachments_root=self.pair.office.files)
        self.receive(first)
        with self.pair.centre.db.session() as s:
            p = get(s, "ĐA-2027-001")
            p.status = ProposalStatus.APPROVED
            p.approved_support = 140_000_000
            p.revision += 1
            s.add(
                StatusChange(
                    uuid=new_uuid(),
                    proposal=p,
                    from_status="submitted",
                    to_status="approved",
                    at=datetime(2026, 10, 20),
                    username="giamdoc",
                    office_code="TTKC",
                    decision_no="123/QĐ-SCT",
                    decision_date=date(2026, 10, 20),
                )
            )
        self.base = tmp_path / "base.kcpack"
        with self.pair.office.db.session() as s:
            for code in ("ĐA-2027-001", "ĐA-2027-002"):
                get(s, code).revision += 1
        with self.pair.office.db.session() as s:
            export.export_pack(
                s, SYSTEM, self.base, attachments_root=self.pair.office.files, full=True
            )
        self.count = 0

    def receive(self, pack: Path) -> importer.ImportResult:
        with self.pair.centre.db.session() as s:
            return importer.import_pack(s, SYSTEM, pack, attachments_root=self.pair.centre.files)

    def forged(self, change: Any) -> Path:
        self.count += 1
        return forge(self.base, self.tmp / f"giả {self.count}.kcpack", self.secret, change)

    def refused(self, pack: Path) -> PackRefused:
        before = dump(self.pair.centre.db)
        with pytest.raises(PackRefused) as info:
            self.receive(pack)
        assert dump(self.pair.centre.db) == before
        message = str(info.value)
        assert "\n" not in message and "không bị thay đổi" in message
        return info.value

    def centre_record(self, code: str) -> dict[str, Any]:
        with self.pair.centre.db.session() as s:
            return records.proposal_record(get(s, code))


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def _row(rows: dict[str, list[dict[str, Any]]], code: str) -> dict[str, Any]:
    return next(r for r in rows[PROPOSALS] if r["code"] == code)


def test_the_unforged_pack_is_accepted(world: World) -> None:
    """Control: the office's own pack updates its proposals and sets no decision."""
    before = world.centre_record("ĐA-2027-001")
    result = world.receive(world.base)
    assert result.counts() == {"new": 0, "updated": 0, "unchanged": 2, "conflicts": 0}
    after = world.centre_record("ĐA-2027-001")
    assert after["status"] == "approved" and after["status_changes"] == before["status_changes"]


def test_an_office_cannot_approve_its_own_proposal(world: World) -> None:
    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        row = _row(rows, "ĐA-2027-002")
        row.update(status="implementing", approved_support=150_000_000, disbursed=100_000_000)
        row["status_changes"].append(
            {
                "uuid": new_uuid(),
                "from_status": "received",
                "to_status": "approved",
                "at": "2026-11-01T00:00:00.000000",
                "username": "xa",
                "office_code": OFFICE,
                "reason": "",
                "decision_no": "999/QĐ-GIA",
                "decision_date": "2026-11-01",
            }
        )
        # ...and un-approve the one the Centre approved, dropping its decision row.
        first = _row(rows, "ĐA-2027-001")
        first.update(status="received", approved_support=None)

    before = world.centre_record("ĐA-2027-001")
    result = world.receive(world.forged(change))
    second = world.centre_record("ĐA-2027-002")
    assert second["status"] == "received"
    assert second["approved_support"] is None and second["disbursed"] == 0
    assert all(c["decision_no"] is None for c in second["status_changes"])
    first = world.centre_record("ĐA-2027-001")
    assert first["status"] == "approved" and first["approved_support"] == 140_000_000
    assert first["status_changes"] == before["status_changes"]
    text = "\n".join(result.notes)
    # In the clerk's words, not the codes: the status, the fields, the amounts.
    assert "Đề án ĐA-2027-002: trạng thái «Đang thực hiện» là quyết định" in text
    assert "«Kinh phí được duyệt» 150.000.000 đồng chỉ Trung tâm được ghi" in text
    assert "dòng lịch sử sang «Đã phê duyệt»" in text
    assert "«Đã giải ngân»" in text and "bỏ qua" in text
    assert not any(code in text for code in ("implementing", "approved_support", "disbursed"))
    assert result.summary()["ignored"] == result.notes
    # The import log keeps the lines; its audit event, their number and digest.
    with world.pair.centre.db.session() as s:
        log = s.get(ImportLog, result.log_id)
        assert log is not None and log.counts["ignored"] == result.notes
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.entity == "exchange_pack").order_by(AuditEvent.id)
        ).all()[-1]
        recorded = event.changes["counts"]["new"]["ignored"]
    assert recorded == {
        "count": len(result.notes),
        "sha256": importer.ignored_digest(log.counts["ignored"]),
    }
    # A line edited in the log no longer matches, nor two lines run into one.
    edited = [*result.notes[:-1], result.notes[-1].replace("bỏ qua", "đã ghi")]
    assert importer.ignored_digest(edited) != recorded["sha256"]
    assert importer.ignored_digest(["ab", "c"]) != importer.ignored_digest(["a", "bc"])


def test_a_history_row_without_its_time_is_stamped_not_a_crash(world: World) -> None:
    """ "at" is optional in a status-history row: the Centre imports the row (the
    database stamps it) instead of failing with a KeyError while sorting the history."""
    uuid = new_uuid()

    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        row = _row(rows, "ĐA-2027-002")
        row["status_changes"].append(
            {"uuid": uuid, "from_status": "received", "to_status": "withdrawn"}
        )
        row["status"] = "withdrawn"

    world.receive(world.forged(change))
    second = world.centre_record("ĐA-2027-002")
    assert second["status"] == "withdrawn"
    row = next(c for c in second["status_changes"] if c["uuid"] == uuid)
    assert row["to_status"] == "withdrawn" and row["at"]


def test_a_new_proposal_cannot_arrive_approved(world: World) -> None:
    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        row = copy.deepcopy(_row(rows, "ĐA-2027-002"))
        row.update(uuid=new_uuid(), code="ĐA-2027-050", status="approved", approved_support=1)
        row["status_changes"] = []
        rows[PROPOSALS].append(row)

    world.receive(world.forged(change))
    new = world.centre_record("ĐA-2027-050")
    assert new["status"] == "received" and new["approved_support"] is None
    assert new["origin_office"] == OFFICE


def test_another_offices_proposal_cannot_be_overwritten(world: World) -> None:
    theirs = world.centre_record("ĐA-2027-009")

    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        stolen = {**theirs, "office_code": OFFICE, "title": "Đã bị ghi đè", "revision": 99}
        rows[PROPOSALS].append(stolen)

    refusal = world.refused(world.forged(change))
    assert refusal.reason == E.BAD_RECORD
    assert "ĐA-2027-009" in str(refusal) and OTHER in str(refusal)


def test_another_offices_facility_is_not_changed(world: World) -> None:
    with world.pair.centre.db.session() as s:
        theirs = records.facility_record(get(s, "ĐA-2027-009").facility_links[0].facility)

    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows[FACILITIES].append({**theirs, "name": "Tên giả", "origin_office": OFFICE})

    result = world.receive(world.forged(change))
    with world.pair.centre.db.session() as s:
        facility = get(s, "ĐA-2027-009").facility_links[0].facility
        assert facility.name == theirs["name"] and facility.origin_office == OTHER
    assert any("không được sửa" in n for n in result.notes)


BAD_FIELDS = [
    ("total_cost", -5, "total_cost"),
    ("approved_support", 9_000_000_000, "approved_support"),
    ("support", 2**70, "support"),
    ("revision", 2**64, "revision"),
    ("start_month", "2027-02-31", "start_month"),
    ("title", 123, "title"),
    ("title", "", "title"),
    ("code", "", "code"),
    ("status", "hacked", "status"),
    ("plan_year", "2027", "plan_year"),
    ("budget_lines", "nhiều", "budget_lines"),
    ("facilities", [{"uuid": 1}], "UUID"),
    ("necessity", "x" * 70_000, "necessity"),
]


@pytest.mark.parametrize(("field", "value", "named"), BAD_FIELDS)
def test_a_bad_record_refuses_the_pack_naming_it(
    world: World, field: str, value: Any, named: str
) -> None:
    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        _row(rows, "ĐA-2027-002")[field] = value

    refusal = world.refused(world.forged(change))
    assert refusal.reason == E.BAD_RECORD
    assert named in str(refusal)


# Damage in several records of a pack (issue 24): the one refused is the first met in
# the pack's order, whatever the size of the chunks the import reads, and nothing of the
# chunks applied before it stays written. (Pins the order any faster reading must keep.)
DAMAGES: list[tuple[str, Any, str]] = [
    ("plan_year", "2027", "plan_year"),
    ("budget_lines", "nhiều", "budget_lines"),
    ("title", 5, "title"),
]


@pytest.mark.parametrize("chunk", [1, 500])
@pytest.mark.parametrize("damaged", [(0, 1), (1,), (1, 0)])
def test_damage_in_several_chunks_is_refused_at_the_first_in_pack_order(
    world: World, monkeypatch: pytest.MonkeyPatch, chunk: int, damaged: tuple[int, ...]
) -> None:
    monkeypatch.setattr(id_lists, "ID_BATCH", chunk)
    codes: list[str] = []

    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        codes.extend(str(r["code"]) for r in rows[PROPOSALS])
        for n, index in enumerate(damaged):
            field, value, _named = DAMAGES[n]
            rows[PROPOSALS][index][field] = value

    pack = world.forged(change)
    refusal = world.refused(pack)  # the Centre's database unchanged
    first = min(damaged)
    field, _value, named = DAMAGES[damaged.index(first)]
    assert refusal.reason == E.BAD_RECORD
    assert codes[first] in str(refusal) and named in str(refusal)
    other = [codes[i] for i in damaged if i != first]
    assert not any(code in str(refusal) for code in other)


@pytest.mark.parametrize("bad", ["../../ngoài", "/etc/passwd", "AB" * 32, "0" * 63])
def test_an_attachment_hash_must_be_64_hex(world: World, bad: str) -> None:
    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        _row(rows, "ĐA-2027-002")["documents"][0]["file_hash"] = bad

    refusal = world.refused(world.forged(change))
    assert "file_hash" in str(refusal) and "64" in str(refusal)


def test_attachment_member_names_never_leave_the_store(world: World) -> None:
    manifest, rows, files = read_pack(world.base)
    files = {"attachments/../../thoát": b"x" * 10}
    pack = write_pack(world.tmp / "tên lạ.kcpack", world.secret, manifest, rows, files)
    assert world.refused(pack).reason == E.MEMBERS
    assert not (world.tmp / "thoát").exists()
    assert not list(world.tmp.rglob("thoát*"))


def test_duplicate_members_are_refused(world: World) -> None:
    manifest, rows, files = read_pack(world.base)

    def twice(writer: Any) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
            writer.write_lines(PROPOSALS, rows[PROPOSALS])

    pack = write_pack(
        world.tmp / "hai lần.kcpack", world.secret, manifest, rows, files, tweak=twice
    )
    refusal = world.refused(pack)
    assert refusal.reason == E.MEMBERS and "hai lần" in str(refusal)


def test_nfd_text_is_not_a_false_conflict(world: World) -> None:
    world.receive(world.base)
    nfc_title = world.centre_record("ĐA-2027-002")["title"]

    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        _row(rows, "ĐA-2027-002")["title"] = unicodedata.normalize("NFD", nfc_title)

    result = world.receive(world.forged(change))
    assert result.counts()["conflicts"] == 0
    assert world.centre_record("ĐA-2027-002")["title"] == nfc_title


def test_conflict_resolve_refuses_unknown_fields(world: World, tmp_path: Path) -> None:
    with world.pair.centre.db.session() as s:
        get(s, "ĐA-2027-002").title = "Trung tâm sửa"
        get(s, "ĐA-2027-002").revision += 1

    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        _row(rows, "ĐA-2027-002")["title"] = "Đơn vị sửa"

    world.receive(world.forged(change))
    with world.pair.centre.db.session() as s:
        (conflict,) = conflicts.list_conflicts(s)
        cid = conflict.id
        with pytest.raises(ValidationError, match="không có trường khong_co"):
            conflicts.resolve_conflict(s, CENTRE_STAFF, cid, {"khong_co": "incoming"})
    db = str(world.pair.centre.db.path)
    assert main(["--db", db, "conflict", "resolve", str(cid), "--incoming", "khong_co"]) == 2


def test_two_imports_of_one_pack_at_once(world: World) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            world.receive(world.base)
        except UserError:
            pass  # a clear refusal (busy) is fine; a crash is not
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with world.pair.centre.db.session() as s:
        assert audit.verify_chain(s) is None
        codes = sorted(s.scalars(select(Proposal.code)))
    assert codes == ["ĐA-2027-001", "ĐA-2027-002", "ĐA-2027-009"]


# ---- property: mutate the signed pack field by field -----------------------------------

_PROPOSAL_FIELDS = [name for name, _o, _i in records.PROPOSAL_FIELDS] + [
    "uuid",
    "revision",
    "origin_office",
    "created_at",
    "facilities",
    "status_changes",
    "documents",
    "budget_lines",
]
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([0, 1, 95_000_000, 9_000_000_000, 10**12, 10**12 + 1]),
    st.sampled_from([s.value for s in ProposalStatus]),
    st.sampled_from(["2027-02-31", "2027-03-01", "../../x", "XA-KH", "TTKC", "ĐA-2027-009"]),
    st.text(max_size=40),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _decisions(record: dict[str, Any]) -> tuple[Any, ...]:
    centre_rows = sorted(
        (c["uuid"], c["to_status"], c["decision_no"])
        for c in record["status_changes"]
        if c["to_status"] not in OFFICE_STATUSES
        or (c["from_status"] is not None and c["from_status"] not in OFFICE_STATUSES)
    )
    return (record["approved_support"], record["disbursed"], tuple(centre_rows))


def test_mutated_signed_packs_change_only_what_an_office_may(world: World) -> None:
    before = {c: world.centre_record(c) for c in ("ĐA-2027-001", "ĐA-2027-009")}
    manifest, rows, files = read_pack(world.base)

    @_FUZZ
    @given(
        st.sampled_from(["ĐA-2027-001", "ĐA-2027-002"]),
        st.sampled_from(_PROPOSAL_FIELDS),
        _VALUES,
    )
    def check(code: str, field: str, value: Any) -> None:
        mutated = copy.deepcopy(rows)
        _row(mutated, code)[field] = value
        pack = write_pack(world.tmp / "đột biến.kcpack", world.secret, manifest, mutated, files)
        session = world.pair.centre.db.session_factory()
        try:
            try:
                importer.import_pack(
                    session, SYSTEM, pack, attachments_root=world.pair.centre.files
                )
            except PackRefused:
                return
            session.flush()
            session.expire_all()
            by_code = {p.code: p for p in session.scalars(select(Proposal))}
            theirs = records.proposal_record(by_code["ĐA-2027-009"])
            assert theirs == before["ĐA-2027-009"]  # another office's record: untouched
            for p in by_code.values():
                assert p.office_code in (OFFICE, OTHER)
                assert p.origin_office == p.office_code
            approved = records.proposal_record(
                next(p for p in by_code.values() if p.uuid == before["ĐA-2027-001"]["uuid"])
            )
            assert _decisions(approved) == _decisions(before["ĐA-2027-001"])
            assert approved["status"] == "approved"
            for p in by_code.values():
                if p.uuid not in (before["ĐA-2027-001"]["uuid"], theirs["uuid"]):
                    assert p.status.value in OFFICE_STATUSES
                    assert p.approved_support is None and p.disbursed == 0
            assert audit.verify_chain(session) is None
        finally:
            session.rollback()
            session.close()
        outside = [p for p in world.tmp.rglob("*") if p.name in ("x", "passwd")]
        assert outside == []

    check()

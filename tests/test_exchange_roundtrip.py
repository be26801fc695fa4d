"""Office → Centre → office between two databases: nothing lost, nothing duplicated."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kcdesk.models import AuditEvent, Proposal, ProposalStatus, StatusChange
from kcdesk.models.exchange import ExchangeConflict, ImportLog, RemoteEvent, SyncState
from kcdesk.services.core import audit
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.core.safe_write import atomic_write
from kcdesk.services.exchange import conflicts, export, importer, keys, records
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.exchange.pack_writer import PackWriter
from kcdesk.services.proposals import attachments, workflow
from kcdesk.services.security.actor import SYSTEM, Actor
from tests.exchange_support import OFFICE, Pair, Site, add_proposal, dump, get, make_pair

CENTRE_STAFF = Actor("canbo", office_code="TTKC")


def send(site: Site, target: Path, **kw: object) -> export.ExportResult:
    with site.db.session() as s:
        return export.export_pack(s, SYSTEM, target, attachments_root=site.files, **kw)  # type: ignore[arg-type]


def receive(site: Site, pack: Path, *, dry_run: bool = False) -> importer.ImportResult:
    with site.db.session() as s:
        return importer.import_pack(s, SYSTEM, pack, dry_run=dry_run, attachments_root=site.files)


def content(site: Site, code: str) -> dict:
    with site.db.session() as s:
        rec = records.proposal_record(get(s, code))
    return {k: v for k, v in rec.items() if k not in ("updated_at",)}


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    pair = make_pair(tmp_path)
    with pair.office.db.session() as s:
        for n in range(1, 4):
            add_proposal(s, OFFICE, n, files=pair.office.files)
    return pair


def test_round_trip_office_centre_office(pair: Pair, tmp_path: Path) -> None:
    first = tmp_path / "USB" / "gói 1.kcpack"
    first.parent.mkdir()
    sent = send(pair.office, first)
    assert sent.counts == {"facilities": 3, "proposals": 3, "events": 0, "attachments": 3}

    preview = receive(pair.centre, first, dry_run=True)
    assert preview.counts() == {"new": 3, "updated": 0, "unchanged": 0, "conflicts": 0}
    with pair.centre.db.session() as s:
        assert s.scalar(select(func.count(Proposal.id))) == 0  # a preview writes nothing

    done = receive(pair.centre, first)
    assert done.summary()["new"] == 3 and done.summary()["facilities"]["new"] == 3
    for n in range(1, 4):
        code = f"ĐA-2027-{n:03d}"
        assert content(pair.centre, code) == content(pair.office, code)
    with pair.centre.db.session() as s:
        for d in get(s, "ĐA-2027-002").documents:
            assert d.file_hash and attachments.verify(d.file_hash, pair.centre.files)

    # The Centre moves one proposal on; the return pack carries only that one.
    with pair.centre.db.session() as s:
        p = get(s, "ĐA-2027-002")
        workflow.change_status(s, CENTRE_STAFF, p, ProposalStatus.FORWARDED)
        workflow.change_status(s, CENTRE_STAFF, p, ProposalStatus.RETURNED, reason="Thiếu bản vẽ")
    back = tmp_path / "USB" / "trả về.kcpack"
    returned = send(pair.centre, back, office_code=OFFICE)
    assert returned.counts["proposals"] == 1 and returned.counts["events"] >= 2

    got = receive(pair.office, back)
    assert got.counts() == {"new": 0, "updated": 1, "unchanged": 0, "conflicts": 0}
    assert content(pair.office, "ĐA-2027-002") == content(pair.centre, "ĐA-2027-002")
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-002")
        assert p.status is ProposalStatus.RETURNED
        assert [c.to_status for c in p.status_changes] == ["received", "forwarded", "returned"]
        assert p.status_changes[-1].reason == "Thiếu bản vẽ"
        # The Centre's audit events arrive as history, kept apart from the local chain.
        assert s.scalar(select(func.count(RemoteEvent.id))) >= 2
        assert audit.verify_chain(s) is None
        assert s.scalar(select(func.count(ImportLog.id))) == 1
    with pair.centre.db.session() as s:
        assert audit.verify_chain(s) is None

    # Nothing changed on either side since: both incremental exports are empty.
    assert send(pair.office, tmp_path / "a.kcpack").counts["proposals"] == 0
    assert send(pair.centre, tmp_path / "b.kcpack", office_code=OFFICE).counts["proposals"] == 0


def test_importing_twice_changes_nothing(pair: Pair, tmp_path: Path) -> None:
    pack = tmp_path / "gói.kcpack"
    send(pair.office, pack)
    receive(pair.centre, pack)
    before = dump(pair.centre.db, everything=False)
    with pair.centre.db.session() as s:
        states_before = s.scalar(select(func.count(SyncState.uuid)))
    again = receive(pair.centre, pack)
    assert again.counts() == {"new": 0, "updated": 0, "unchanged": 3, "conflicts": 0}
    assert again.summary()["facilities"]["unchanged"] == 3
    assert again.events_new == 0 and again.attachments_new == 0
    assert dump(pair.centre.db, everything=False) == before
    with pair.centre.db.session() as s:
        assert s.scalar(select(func.count(SyncState.uuid))) == states_before
        assert s.scalar(select(func.count(ImportLog.id))) == 2  # every import is logged


def test_incremental_export_sends_only_changed_records(pair: Pair, tmp_path: Path) -> None:
    send(pair.office, tmp_path / "1.kcpack")
    receive(pair.centre, tmp_path / "1.kcpack")
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-003")
        p.title = "Hỗ trợ máy chẻ nan tre (sửa tên)"
        p.revision += 1
    second = send(pair.office, tmp_path / "2.kcpack")
    assert second.counts["proposals"] == 1
    assert send(pair.office, tmp_path / "all.kcpack", full=True).counts["proposals"] == 3
    result = receive(pair.centre, tmp_path / "2.kcpack")
    assert result.counts()["updated"] == 1
    assert content(pair.centre, "ĐA-2027-003")["title"] == "Hỗ trợ máy chẻ nan tre (sửa tên)"
    # The full pack now brings nothing new.
    assert receive(pair.centre, tmp_path / "all.kcpack").counts()["unchanged"] == 3


def test_an_older_pack_does_not_undo_a_newer_one(pair: Pair, tmp_path: Path) -> None:
    send(pair.office, tmp_path / "old.kcpack")
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-001")
        p.necessity = "Lý do mới"
        p.revision += 1
    send(pair.office, tmp_path / "new.kcpack", full=True)
    receive(pair.centre, tmp_path / "new.kcpack")
    stale = receive(pair.centre, tmp_path / "old.kcpack")
    assert stale.counts() == {"new": 0, "updated": 0, "unchanged": 3, "conflicts": 0}
    assert content(pair.centre, "ĐA-2027-001")["necessity"] == "Lý do mới"


def test_concurrent_edits_are_kept_as_a_conflict_and_resolved_field_by_field(
    pair: Pair, tmp_path: Path
) -> None:
    send(pair.office, tmp_path / "1.kcpack")
    receive(pair.centre, tmp_path / "1.kcpack")
    with pair.centre.db.session() as s:
        workflow.change_status(s, CENTRE_STAFF, get(s, "ĐA-2027-001"), ProposalStatus.FORWARDED)
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-001")
        p.title = "Tên do đơn vị sửa"
        p.partner_unit = "Viện Cơ khí"
        p.revision += 1
    centre_before = content(pair.centre, "ĐA-2027-001")
    send(pair.office, tmp_path / "2.kcpack")
    got = receive(pair.centre, tmp_path / "2.kcpack")
    assert got.counts() == {"new": 0, "updated": 0, "unchanged": 0, "conflicts": 1}
    # Nothing overwritten silently: the Centre's record is as it was.
    assert content(pair.centre, "ĐA-2027-001") == centre_before
    # Importing the same pack again does not add a second conflict.
    receive(pair.centre, tmp_path / "2.kcpack")
    with pair.centre.db.session() as s:
        (conflict,) = conflicts.list_conflicts(s)
        fields = {d.field for d in conflicts.differences(conflict)}
        assert {"title", "partner_unit", "status", "status_changes"} <= fields
        assert conflict.local["status"] == "forwarded"
        assert conflict.incoming["title"] == "Tên do đơn vị sửa"
        conflicts.resolve_conflict(
            s,
            CENTRE_STAFF,
            conflict.id,
            {"title": "incoming", "partner_unit": "incoming", "status": "local"},
        )
    merged = content(pair.centre, "ĐA-2027-001")
    assert merged["title"] == "Tên do đơn vị sửa" and merged["partner_unit"] == "Viện Cơ khí"
    assert merged["status"] == "forwarded"
    with pair.centre.db.session() as s:
        assert conflicts.list_conflicts(s) == []
        assert s.scalar(select(func.count(ExchangeConflict.id))) == 1
        # A second resolution, which would undo the first, is refused and changes nothing.
        with pytest.raises(ValidationError) as again:
            conflicts.resolve_conflict(s, CENTRE_STAFF, conflict.id, {"title": "local"})
        assert str(again.value) == f"Xung đột {conflict.label} đã được giải quyết."
    assert content(pair.centre, "ĐA-2027-001") == merged
    # The resolution travels back and the office, unedited since, takes it.
    send(pair.centre, tmp_path / "3.kcpack", office_code=OFFICE)
    back = receive(pair.office, tmp_path / "3.kcpack")
    assert back.counts()["updated"] == 1
    assert content(pair.office, "ĐA-2027-001") == content(pair.centre, "ĐA-2027-001")


def test_a_taken_code_is_renamed_not_overwritten(pair: Pair, tmp_path: Path) -> None:
    with pair.centre.db.session() as s:
        add_proposal(s, "TTKC", 1)
    send(pair.office, tmp_path / "1.kcpack")
    result = receive(pair.centre, tmp_path / "1.kcpack")
    assert result.counts()["new"] == 3
    assert result.renamed == [f"ĐA-2027-001 → ĐA-2027-001/{OFFICE}"]
    with pair.centre.db.session() as s:
        own = get(s, "ĐA-2027-001")
        assert own.office_code == "TTKC"
        assert get(s, f"ĐA-2027-001/{OFFICE}").office_code == OFFICE
    # The new code goes back to the office with the next return pack.
    send(pair.centre, tmp_path / "2.kcpack", office_code=OFFICE)
    receive(pair.office, tmp_path / "2.kcpack")
    with pair.office.db.session() as s:
        assert get(s, f"ĐA-2027-001/{OFFICE}").title.startswith("Hỗ trợ máy chẻ nan tre số 1")


def test_every_import_is_audited_on_the_local_chain(pair: Pair, tmp_path: Path) -> None:
    send(pair.office, tmp_path / "1.kcpack")
    receive(pair.centre, tmp_path / "1.kcpack")
    with pair.centre.db.session() as s:
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions.count("import_new") == 6  # 3 facilities + 3 proposals
        assert actions[-1] == "import"
        assert audit.verify_chain(s) is None
        (log,) = importer.import_log(s)
        assert log.sender_code == OFFICE and log.username == "system"
        assert log.counts["new"] == 3


def test_refused_when_province_office_or_recipient_is_wrong(pair: Pair, tmp_path: Path) -> None:
    pack = tmp_path / "1.kcpack"
    send(pair.office, pack)
    # The office's own pack is not for the office itself.
    with pytest.raises(PackRefused) as info:
        receive(pair.office, pack)
    assert info.value.reason == E.WRONG_RECIPIENT
    # A Centre of another province.
    from kcdesk.services.core import settings

    with pair.centre.db.session() as s:
        settings.put(s, SYSTEM, "org.province", "Khánh Hòa")
    before = dump(pair.centre.db)
    with pytest.raises(PackRefused, match="tỉnh Cao Bằng") as info:
        receive(pair.centre, pack)
    assert info.value.reason == E.OTHER_PROVINCE
    assert dump(pair.centre.db) == before
    # A Centre that never registered this office.
    other = make_pair(tmp_path / "khác", office_code="XA-KHAC")
    before = dump(other.centre.db)
    with pytest.raises(PackRefused, match=f"đơn vị {OFFICE}") as info:
        receive(other.centre, pack)
    assert info.value.reason == E.UNKNOWN_OFFICE
    assert "không bị thay đổi" in str(info.value)
    assert dump(other.centre.db) == before


def test_a_pack_from_a_newer_format_is_refused_clearly(pair: Pair, tmp_path: Path) -> None:
    with pair.office.db.session() as s:
        secret = keys.own_office(s).exchange_secret or ""
    target = tmp_path / "new.kcpack"

    def write(handle) -> None:
        writer = PackWriter(handle, secret)
        writer.write_lines("records/proposals.jsonl", [])
        writer.close({"format": "kcdesk-exchange-pack", "format_version": 99, "office": OFFICE})

    atomic_write(target, write)
    with pytest.raises(PackRefused, match="phiên bản 99") as info:
        receive(pair.centre, target)
    assert info.value.reason == E.TOO_NEW


def test_an_older_format_pack_with_fewer_fields_still_imports(pair: Pair, tmp_path: Path) -> None:
    """Version 1 readers fill fields a pack does not carry with their defaults."""
    with pair.office.db.session() as s:
        secret = keys.own_office(s).exchange_secret or ""
        rec = records.proposal_record(get(s, "ĐA-2027-001"))
    for key in ("disbursed", "approved_support", "effect_environment"):
        rec.pop(key)
    rec["facilities"] = []
    target = tmp_path / "v1.kcpack"

    def write(handle) -> None:
        writer = PackWriter(handle, secret)
        writer.write_lines("records/proposals.jsonl", [rec])
        writer.close(
            {
                "format": "kcdesk-exchange-pack",
                "format_version": 1,
                "office": OFFICE,
                "kind": "office",
                "sender": {"code": OFFICE},
                "recipient": {"code": "TTKC"},
                "province": "Cao Bằng",
            }
        )

    atomic_write(target, write)
    result = receive(pair.centre, target)
    assert result.counts()["new"] == 1
    with pair.centre.db.session() as s:
        p = get(s, "ĐA-2027-001")
        assert p.disbursed == 0 and p.approved_support is None
        assert s.scalar(select(func.count(StatusChange.id))) == 1
    assert content(pair.centre, "ĐA-2027-001")["start_month"] == date(2027, 3, 1).isoformat()


def test_return_pack_carries_appraisal_results(pair: Pair, tmp_path: Path) -> None:
    from datetime import datetime
    from decimal import Decimal

    from kcdesk.models import new_uuid
    from kcdesk.models.appraisal import AgendaItem, AppraisalSession
    from kcdesk.services.exchange import appraisals

    send(pair.office, tmp_path / "1.kcpack")
    receive(pair.centre, tmp_path / "1.kcpack")
    with pair.centre.db.session() as s:
        session = AppraisalSession(
            name="Hội đồng thẩm định đề án năm 2027",
            plan_year=2027,
            criteria_code="mac_dinh",
            decision_no="45/QĐ-SCT",
            decision_date=date(2026, 9, 10),
            meeting_date=date(2026, 9, 20),
        )
        s.add(session)
        for n, passed in ((1, True), (2, False)):
            s.add(
                AgendaItem(
                    uuid=new_uuid(),
                    session=session,
                    proposal=get(s, f"ĐA-2027-{n:03d}"),
                    recorded_at=datetime(2026, 9, 20, 10, 0),
                    average=Decimal("81.50") if passed else Decimal("55.00"),
                    passed=passed,
                    conclusion="dat" if passed else "khong_dat",
                )
            )
    back = send(pair.centre, tmp_path / "2.kcpack", office_code=OFFICE)
    assert back.counts["appraisals"] == 2
    got = receive(pair.office, tmp_path / "2.kcpack")
    assert got.summary()["appraisals"] == 2
    with pair.office.db.session() as s:
        (result,) = appraisals.for_proposal(s, get(s, "ĐA-2027-001").uuid)
        assert (result.average, result.passed, result.conclusion) == ("81.50", True, "dat")
        assert result.decision_no == "45/QĐ-SCT" and result.meeting_date == date(2026, 9, 20)
    assert receive(pair.office, tmp_path / "2.kcpack").summary()["appraisals"] == 0


def test_an_office_cannot_send_another_offices_proposal(pair: Pair, tmp_path: Path) -> None:
    with pair.office.db.session() as s:
        secret = keys.own_office(s).exchange_secret or ""
        rec = records.proposal_record(get(s, "ĐA-2027-001"))
    rec["office_code"] = "XA-KHAC"
    rec["facilities"] = []
    target = tmp_path / "lạ.kcpack"

    def write(handle) -> None:
        writer = PackWriter(handle, secret)
        writer.write_lines("records/proposals.jsonl", [rec])
        writer.close(
            {
                "format": "kcdesk-exchange-pack",
                "format_version": 1,
                "office": OFFICE,
                "kind": "office",
                "sender": {"code": OFFICE},
                "recipient": {"code": "TTKC"},
                "province": "Cao Bằng",
            }
        )

    atomic_write(target, write)
    before = dump(pair.centre.db)
    with pytest.raises(PackRefused, match="XA-KHAC") as info:
        receive(pair.centre, target)
    assert info.value.reason == E.BAD_RECORD
    assert dump(pair.centre.db) == before


def test_reimport_recognises_known_lines_and_keeps_local_edits(pair: Pair, tmp_path: Path) -> None:
    pack = tmp_path / "1.kcpack"
    send(pair.office, pack)
    receive(pair.centre, pack)
    with pair.centre.db.session() as s:
        hashes = list(s.scalars(select(SyncState.line_hash).where(SyncState.kind == "proposal")))
        assert len(hashes) == 3 and all(len(h) == 64 for h in hashes)
        p = get(s, "ĐA-2027-001")
        p.title = "Sửa ở Trung tâm"
        p.revision += 1
    again = receive(pair.centre, pack)
    assert again.counts() == {"new": 0, "updated": 0, "unchanged": 3, "conflicts": 0}
    assert {i.label for i in again.items if i.kind == "proposal"} >= {
        "ĐA-2027-001 — Sửa ở Trung tâm"
    }
    assert content(pair.centre, "ĐA-2027-001")["title"] == "Sửa ở Trung tâm"
    # Exporting resets the remembered line: the base is now what this side sent.
    send(pair.centre, tmp_path / "2.kcpack", office_code=OFFICE)
    with pair.centre.db.session() as s:
        state = s.get(SyncState, get(s, "ĐA-2027-001").uuid)
        assert state is not None and state.line_hash == "" and state.revision == 2


def test_choosing_the_status_brings_its_history_along(pair: Pair, tmp_path: Path) -> None:
    send(pair.office, tmp_path / "1.kcpack")
    receive(pair.centre, tmp_path / "1.kcpack")
    with pair.centre.db.session() as s:
        workflow.change_status(s, CENTRE_STAFF, get(s, "ĐA-2027-003"), ProposalStatus.FORWARDED)
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-003")
        workflow.change_status(s, SYSTEM, p, ProposalStatus.WITHDRAWN, reason="Cơ sở rút hồ sơ")
    send(pair.office, tmp_path / "2.kcpack")
    receive(pair.centre, tmp_path / "2.kcpack")
    with pair.centre.db.session() as s:
        (conflict,) = conflicts.list_conflicts(s)
        conflicts.resolve_conflict(s, CENTRE_STAFF, conflict.id, {"status": "incoming"})
        p = get(s, "ĐA-2027-003")
        assert p.status is ProposalStatus.WITHDRAWN
        assert [c.to_status for c in p.status_changes] == ["received", "withdrawn"]
        assert p.status_changes[-1].reason == "Cơ sở rút hồ sơ"


def test_text_travels_exactly_so_later_updates_do_not_conflict(pair: Pair, tmp_path: Path) -> None:
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-001")
        p.necessity = "  Dòng một\nDòng hai\n"
        p.title = "Tên có dấu cách cuối "
        p.revision += 1
    send(pair.office, tmp_path / "1.kcpack")
    receive(pair.centre, tmp_path / "1.kcpack")
    assert content(pair.centre, "ĐA-2027-001") == content(pair.office, "ĐA-2027-001")
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-001")
        p.objectives = "Mục tiêu mới"
        p.revision += 1
    send(pair.office, tmp_path / "2.kcpack")
    result = receive(pair.centre, tmp_path / "2.kcpack")
    assert result.counts() == {"new": 0, "updated": 1, "unchanged": 0, "conflicts": 0}


def test_a_cancelled_import_changes_nothing(pair: Pair, tmp_path: Path) -> None:
    pack = tmp_path / "1.kcpack"
    send(pair.office, pack)
    before = dump(pair.centre.db)
    with pytest.raises(importer.ImportCancelled), pair.centre.db.session() as s:
        importer.import_pack(s, SYSTEM, pack, cancelled=lambda: True)
    assert dump(pair.centre.db) == before

"""Merging another Centre's database (issue 25): Hải Dương's Centre into Hải Phòng's.

The preview's every count is checked against the rows the merge wrote; codes that
collide get the origin's prefix and keep their UUID; the facility shared by tax code
stays one; a login in both is listed, not merged; the old office comes with its
exchange key; the attached scan is carried and verified; the old audit trail is kept
as a sealed segment; merging the same file again changes nothing.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from kcdesk.models import Facility, Office, Programme, Proposal, ProposalFacility, User
from kcdesk.models.db import open_database
from kcdesk.models.merge import MergedAuditEvent, MergeRecord
from kcdesk.services.backup import integrity
from kcdesk.services.core import audit
from kcdesk.services.merge import run
from kcdesk.services.merge.describe import describe
from kcdesk.services.merge.segment import verify_segments
from kcdesk.services.merge.source import MergeRefused
from kcdesk.services.proposals import attachments
from kcdesk.services.proposals import register_query as rq
from tests import merge_support as ms


@pytest.fixture
def centres(tmp_path: Path) -> ms.Centres:
    return ms.build(tmp_path)


def _source_facts(backup: Path, tmp: Path) -> dict[str, object]:
    """Facts of the database inside the backup (taken before the backup's own event)."""
    path = tmp / "inside.sqlite"
    with zipfile.ZipFile(backup) as zf:
        path.write_bytes(zf.read("database.sqlite"))
    db = open_database(path)
    try:
        with db.session() as s:
            return {
                "audit": audit.count_events(s),
                "codes": {c: u for c, u in s.execute(select(Proposal.code, Proposal.uuid))},
            }
    finally:
        db.dispose()


def test_preview_counts_are_what_the_merge_writes(centres: ms.Centres, tmp_path: Path) -> None:
    db = open_database(centres.target)
    before = ms.row_counts(db)
    source = _source_facts(centres.source_backup, tmp_path)
    plan = run.preview(db, centres.source_backup, ms.ADMIN)
    assert ms.row_counts(db) == before  # the preview wrote nothing

    counts = plan.counts()
    assert counts["proposals"] == 30
    assert counts["audit_events"] == source["audit"]
    assert counts["attachments"] == 1
    assert plan.origin_label == "tỉnh Hải Dương (cũ)"
    assert plan.code_prefix == "HD"
    # Every colliding code is listed with what it becomes; none renumbered silently.
    here_codes = set(before and _codes(centres.target))
    colliding = sorted(c for c in source["codes"] if c in here_codes)  # type: ignore[union-attr]
    assert colliding and sorted(o for o, _ in plan.code_changes) == colliding
    assert all(new == f"HD-{old}" for old, new in plan.code_changes)
    assert [f["tax_code"] for f in plan.shared_facilities] == [ms.SHARED_TAX]
    assert [u["username"] for u in plan.user_conflicts] == [ms.SHARED_LOGIN]
    assert "TTKC" in {o["code"] for o in plan.offices_rejoin}
    assert plan.users_without_office == [{"username": "hd.quantri", "office": "TTKC"}]
    ward = next(m for m in plan.communes if m.old_name == ms.WARD_OF_NEW_PROVINCE)
    assert (ward.new_name, ward.new_code) == (ms.WARD_OF_NEW_PROVINCE, "10525")
    unmapped = [m for m in plan.communes if m.new_name is None]
    assert unmapped  # Cao Bằng-era demo names: listed, never guessed
    lines = describe(plan)
    assert any("ĐA-2025-001 → HD-ĐA-2025-001" in line for line in lines)
    assert any(f"MST {ms.SHARED_TAX}" in line for line in lines)
    assert any(line.startswith(f"  {ms.SHARED_LOGIN}:") for line in lines)
    assert any(f"{unmapped[0].old_name} (" in line for line in lines)

    result = run.merge(db, centres.source_backup, ms.ADMIN)
    assert result is not None
    after = ms.row_counts(db)
    for table, n in plan.table_counts().items():
        assert after[table] - before[table] == n, table
    assert after["merged_audit_event"] == counts["audit_events"]
    assert after["merge_record"] == 1
    assert after["audit_event"] == before["audit_event"] + 1  # the merge event
    # Groups as the user reads them add up to the same rows.
    assert counts["facilities"] == after["facility"] - before["facility"]
    assert counts["users"] == after["user_account"] - before["user_account"] == 1
    assert counts["offices"] == after["office"] - before["office"]

    with db.session() as s:
        # Records keep their UUIDs; renamed codes point to the same record.
        for old, new in plan.code_changes:
            assert (
                s.scalar(select(Proposal.uuid).where(Proposal.code == new))
                == (
                    source["codes"][old]  # type: ignore[index]
                )
            )
        merged = s.scalar(
            select(func.count(Proposal.id)).where(Proposal.origin == "tỉnh Hải Dương (cũ)")
        )
        assert merged == 30
        assert s.scalar(select(func.count(Proposal.id)).where(Proposal.origin == "")) == 40
        # The presets both Centres loaded stay one; the old province's own programme
        # comes in labelled, its colliding code prefixed.
        assert plan.programme_code_changes == [(ms.PROGRAMME_CODE, f"HD-{ms.PROGRAMME_CODE}")]
        labelled = dict(list(s.execute(select(Programme.code, Programme.origin)).tuples()))
        assert labelled[f"HD-{ms.PROGRAMME_CODE}"] == "tỉnh Hải Dương (cũ)"
        assert labelled[ms.PROGRAMME_CODE] == ""
        assert sorted(labelled.values()).count("tỉnh Hải Dương (cũ)") == 1
        # One facility for the tax code, used by both Centres' proposals.
        shared = list(s.scalars(select(Facility).where(Facility.tax_code == ms.SHARED_TAX)))
        assert len(shared) == 1
        users_of = set(
            s.scalars(
                select(Proposal.origin)
                .join(ProposalFacility, ProposalFacility.proposal_id == Proposal.id)
                .where(ProposalFacility.facility_id == shared[0].id)
            )
        )
        assert "tỉnh Hải Dương (cũ)" in users_of
        # The login in both is not merged: Hải Phòng's account is untouched.
        lan = s.scalars(select(User).where(User.username == ms.SHARED_LOGIN)).one()
        assert lan.full_name == "Nguyễn Thị Lan (Hải Phòng)"
        hd_admin = s.scalars(select(User).where(User.username == "hd.quantri")).one()
        assert hd_admin.active and hd_admin.office_id is None  # listed: to be given one
        # The old office comes with its exchange key: its packs still verify.
        office = s.scalars(select(Office).where(Office.code == ms.KEY_OFFICE)).one()
        assert office.exchange_secret == ms.SECRET
        # The commune text is kept as it was (the district-era name).
        assert (
            s.scalar(
                select(func.count(Facility.id)).where(Facility.commune == ms.WARD_OF_NEW_PROVINCE)
            )
            == 1
        )
        # A renamed code is found by the register's search, like any code.
        found = rq.matching_ids(s, rq.RegisterFilter(search="HD-ĐA-2025-001"))
        codes = set(s.scalars(select(Proposal.code).where(Proposal.id.in_(found))))
        assert "HD-ĐA-2025-001" in codes and "ĐA-2025-001" not in codes
        record = s.scalars(select(MergeRecord)).one()
        assert record.segment_events == counts["audit_events"]
        assert verify_segments(s) == []
        assert audit.verify_chain(s) is None
    scan = [h for h in plan.attachments_to_copy]
    assert attachments.verify(scan[0])
    assert attachments.path_for(scan[0]).read_bytes() == ms.SCAN
    assert integrity.check(db) == []

    # The same file again: refused with the reason, nothing changed.
    with pytest.raises(MergeRefused, match="đã được hợp nhất ngày"):
        run.merge(db, centres.source_backup, ms.ADMIN)
    # The old Centre's database file (its later state: only the backup's own event
    # since): nothing new, nothing written.
    later = run.preview(db, centres.source_db, ms.ADMIN)
    assert later.nothing_new and later.already_here()["proposals"] == 30
    assert run.merge(db, centres.source_db, ms.ADMIN) is None
    assert ms.row_counts(db) == after
    db.dispose()


def _codes(path: Path) -> set[str]:
    db = open_database(path)
    try:
        with db.session() as s:
            return set(s.scalars(select(Proposal.code)))
    finally:
        db.dispose()


def test_a_later_state_of_the_same_centre_brings_only_what_is_new(
    centres: ms.Centres, tmp_path: Path
) -> None:
    db = open_database(centres.target)
    run.merge(db, centres.source_backup, ms.ADMIN, code_prefix="HDG")
    after_first = ms.row_counts(db)
    # The old Centre worked one more day: one proposal more.
    old = open_database(centres.source_db)
    with old.session() as s:
        s.add(
            Proposal(
                code="ĐA-2025-999",
                title="Đề án nộp muộn",
                plan_year=2025,
                activity="dao_tao_nghe",
                origin="",
                support=5_000_000,
            )
        )
        audit.record(
            s,
            ms.ADMIN,
            entity="proposal",
            entity_uuid="",
            action="create",
            entity_label="ĐA-2025-999",
        )
    old.dispose()
    plan = run.preview(db, centres.source_db, ms.ADMIN)
    assert plan.table_counts()["proposal"] == 1
    assert sum(plan.table_counts().values()) == 1
    assert plan.already_here()["proposals"] == 30
    run.merge(db, centres.source_db, ms.ADMIN)
    after = ms.row_counts(db)
    assert after["proposal"] == after_first["proposal"] + 1
    assert after["facility"] == after_first["facility"]
    with db.session() as s:
        assert s.scalar(select(Proposal.code).where(Proposal.code == "ĐA-2025-999"))
        assert s.scalar(select(func.count(Proposal.id)).where(Proposal.code.like("HDG-%")))
        assert verify_segments(s) == []
        assert audit.verify_chain(s) is None
    db.dispose()


def test_a_tampered_kept_segment_is_found(
    centres: ms.Centres, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(centres.target)
    run.merge(db, centres.source_backup, ms.ADMIN)
    with db.session() as s:
        first = s.scalars(select(MergedAuditEvent).order_by(MergedAuditEvent.id)).first()
        assert first is not None
        s.execute(
            text("UPDATE merged_audit_event SET username = 'ke-gian' WHERE id = :id"),
            {"id": first.id},
        )
    with db.session() as s:
        problems = verify_segments(s)
    assert len(problems) == 1
    assert "tỉnh Hải Dương (cũ)" in problems[0].message
    assert f"#{first.original_id}" in problems[0].message
    db.dispose()
    # `kcdesk audit verify` says so too.
    from kcdesk.cli.main import main

    assert main(["--db", str(centres.target), "audit", "verify"]) == 1
    # And so does `kcdesk check` (the integrity check the Centre runs).
    capsys.readouterr()
    assert main(["--db", str(centres.target), "check"]) != 0
    out = capsys.readouterr().out
    assert f"#{first.original_id}" in out and "tỉnh Hải Dương (cũ)" in out
    db = open_database(centres.target)
    assert [p.kind for p in integrity.check(db)] == ["audit"]
    db.dispose()


def test_a_bad_prefix_is_one_clear_message(centres: ms.Centres) -> None:
    db = open_database(centres.target)
    before = ms.row_counts(db)
    with pytest.raises(MergeRefused, match="Tiền tố mã"):
        run.preview(db, centres.source_backup, ms.ADMIN, code_prefix="H D!")
    assert ms.row_counts(db) == before
    db.dispose()


def test_the_old_province_programme_counts_its_own_proposals(centres: ms.Centres) -> None:
    from kcdesk.services.dashboard import board
    from kcdesk.services.dashboard.sql import APPROVED_STATUSES

    db = open_database(centres.target)
    run.merge(db, centres.source_backup, ms.ADMIN)
    origin = "tỉnh Hải Dương (cũ)"
    with db.session() as s:

        def approved(where: object) -> tuple[int, int]:
            row = s.execute(
                select(
                    func.count(Proposal.id), func.coalesce(func.sum(Proposal.approved_support), 0)
                )
                .where(Proposal.plan_year.between(2023, 2025))
                .where(Proposal.status.in_(sorted(APPROVED_STATUSES)))
                .where(where)  # type: ignore[arg-type]
            ).one()
            return int(row[0]), int(row[1])

        old = board.compute(s, f"HD-{ms.PROGRAMME_CODE}")
        own = board.compute(s, ms.PROGRAMME_CODE)
        mine = (
            sum(r.approved_count for r in old.by_year),
            sum(r.approved_support for r in old.by_year),
        )
        assert mine == approved(Proposal.origin == origin) and mine[0] > 0
        everything = (
            sum(r.approved_count for r in own.by_year),
            sum(r.approved_support for r in own.by_year),
        )
        # This Centre's programme counts as before: its own proposals only.
        assert everything == approved(Proposal.programme == ms.PROGRAMME_CODE)
        assert everything[0] > 0
    db.dispose()

"""Two workstations at once, on SQLite and on the PostgreSQL server (docs/server.md).

Each workstation is a separate process (tests/server_worker.py) that gets ready,
then acts at the same moment as the other: the same proposal saved twice gives one
save and one conflict, never a lost update; two creations in one plan year get two
codes; two writers of audit events leave one unbroken chain.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, Proposal
from kcdesk.models.db import Database
from kcdesk.services.backup import integrity
from kcdesk.services.core import audit
from kcdesk.services.proposals import lookup
from tests.proposal_factory import machine_input, make_facility

ROOT = Path(__file__).resolve().parent.parent


def _together(
    db: Database, folder: Path, jobs: list[tuple[str, str, str]], **env_extra: str
) -> list[dict]:
    """Run one worker per (name, action, arg), release them together, return their JSON."""
    folder.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), **env_extra)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.server_worker", db.url, str(folder), name, action, arg],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, action, arg in jobs
    ]
    deadline = time.monotonic() + 180
    while not all((folder / f"{name}.ready").exists() for name, _, _ in jobs):
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        assert time.monotonic() < deadline, "workers never got ready"
        time.sleep(0.02)
    (folder / "go").write_text("go")
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _one_proposal(db: Database) -> str:
    with db.session() as s:
        facility = make_facility(s)
        from kcdesk.services.proposals import save
        from kcdesk.services.security.actor import SYSTEM

        return save.create_proposal(s, SYSTEM, machine_input(facility.uuid), check_files=False).code


def test_same_proposal_saved_twice_at_once_one_conflict_no_lost_update(
    db: Database, tmp_path: Path
) -> None:
    code = _one_proposal(db)
    results = _together(db, tmp_path / "meet", [("lan", "save", code), ("hoa", "save", code)])
    outcome = sorted(r["result"] for r in results)
    assert outcome == ["conflict", "saved"], results
    winner = next(r["name"] for r in results if r["result"] == "saved")
    with db.session() as s:
        proposal = lookup.get_proposal(s, code)
        # The saved title is the winner's, and exactly one edit was counted.
        assert proposal.title == f"Tên do {winner} sửa"
        assert proposal.revision == 2
        assert audit.verify_chain(s) is None


def test_two_creations_in_one_year_get_two_codes(db: Database, tmp_path: Path) -> None:
    _one_proposal(db)
    results = _together(
        db, tmp_path / "meet", [("lan", "create", "2027"), ("hoa", "create", "2027")]
    )
    codes = sorted(r["code"] for r in results)
    assert codes == ["ĐA-2027-002", "ĐA-2027-003"], results
    with db.session() as s:
        assert s.scalar(select(func.count(Proposal.id))) == 3
        assert audit.verify_chain(s) is None


def test_two_writers_of_audit_events_keep_one_chain(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        before = s.scalar(select(func.count(AuditEvent.id))) or 0
    per_worker = 20
    _together(
        db,
        tmp_path / "meet",
        [("a", "audit", str(per_worker)), ("b", "audit", str(per_worker))],
    )
    with db.session() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert len(events) == before + 2 * per_worker
        # No two events share a previous hash: the chain did not fork.
        prevs = [e.prev_hash for e in events]
        assert len(set(prevs)) == len(prevs)
        assert audit.verify_chain(s) is None
    assert integrity.check(db) == []


def test_a_file_attached_at_one_workstation_is_found_by_anothers_check(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kcdesk.models import ProposalStatus
    from kcdesk.services.proposals import attachments

    code = _one_proposal(db)
    with db.session() as s:
        lookup.get_proposal(s, code).status = ProposalStatus.APPROVED
    scan = tmp_path / "Báo cáo tiến độ tháng 5.pdf"
    scan.write_bytes(b"%PDF-1.4 tien do 40 phan tram " * 200)
    # On a server the other workstation has its own data folder (nothing shared but
    # the database); on SQLite both are this PC's copies of kcdesk.
    other = {"KCDESK_DATA_DIR": str(tmp_path / "Máy khác")} if db.is_server else {}
    if db.is_server:
        # The administrator gave that workstation the audit key (docs/server.md#audit-key).
        key = tmp_path / "khóa nhật ký.key"
        assert main(["--db", db.url, "audit", "key", "export", str(key)]) == 0
        with monkeypatch.context() as patch:
            patch.setenv("KCDESK_DATA_DIR", other["KCDESK_DATA_DIR"])
            assert main(["--db", db.url, "audit", "key", "import", str(key)]) == 0
    (result,) = _together(db, tmp_path / "meet", [("hoa", "attach", f"{code}:{scan}")], **other)
    assert not attachments.path_for(result["hash"]).exists() or not db.is_server
    assert integrity.check(db) == []
    with db.session() as s:
        copy = attachments.local_path(result["hash"], s)
    assert copy.read_bytes() == scan.read_bytes()


def test_check_names_missing_evidence_and_progress_files(db: Database) -> None:
    from datetime import date

    from kcdesk.models import ProposalStatus
    from kcdesk.models.implementation import EvidenceItem, ProgressEntry

    code = _one_proposal(db)
    with db.session() as s:
        proposal = lookup.get_proposal(s, code)
        proposal.status = ProposalStatus.IMPLEMENTING
        s.add(
            ProgressEntry(
                proposal_id=proposal.id,
                reported_on=date(2027, 6, 1),
                percent=50,
                file_hash="a" * 64,
                file_name="tien-do.pdf",
                origin_office="TTKC",
            )
        )
        s.add(
            EvidenceItem(
                proposal_id=proposal.id, code="bien_ban", file_hash="b" * 64, file_name="bb.pdf"
            )
        )
    messages = [p.message for p in integrity.check(db) if p.kind == "attachment"]
    assert any(
        "báo cáo tiến độ ngày 01/06/2027" in m and "tien-do.pdf bị mất" in m for m in messages
    )
    assert any("hồ sơ nghiệm thu 'bien_ban'" in m and "bb.pdf bị mất" in m for m in messages)

"""Crash safety: SIGKILL a process in the middle of writes, reopen, find it consistent.

The writer saves through the services, each step in one transaction: the wizard's
draft autosave, a proposal edit (budget line + cached totals + revision + audit),
and a setting. It prints a step number after each commit; whatever it printed must
survive the kill, and nothing may be half-written.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kcdesk.models import BudgetLine, Proposal
from kcdesk.models.db import Database, open_database
from kcdesk.services.backup import integrity
from kcdesk.services.proposals import draft_store as drafts
from kcdesk.services.security.actor import Actor

pytestmark = [
    pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX"),
    # a killed writer on an SQLite file (the server keeps its own journal)
    pytest.mark.sqlite_only,
]

WRITER = r"""
import sys
from sqlalchemy import select
from kcdesk.models import BudgetLine, Proposal, Role
from kcdesk.models.db import open_database
from kcdesk.services.core import audit
from kcdesk.services.proposals import draft_store as drafts
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.core import settings
from kcdesk.services.security.actor import Actor
from kcdesk.services.proposals.draft import BudgetLineInput, ProposalInput

db = open_database(sys.argv[1])
actor = Actor("lan", Role.ADMIN, "TTKC", "Nguyễn Thị Lan")
with db.session() as s:
    ids = list(s.scalars(select(Proposal.id).order_by(Proposal.id)))
step = int(sys.argv[2])
while True:
    step += 1
    with db.session() as s:  # the wizard's autosave
        form = ProposalInput(plan_year=2027, title=f"Bản nháp {step}")
        form.budget_lines = [BudgetLineInput(item=f"Dòng {k}", unit_price=1000 * k)
                             for k in range(1, 30)]
        drafts.save_draft(s, actor, form)
    with db.session() as s:  # a proposal edit: line, totals, revision, audit together
        p = s.get(Proposal, ids[step % len(ids)])
        p.budget_lines.append(BudgetLine(
            position=len(p.budget_lines), item=f"Bổ sung {step}", unit="lần",
            quantity=1, unit_price=1000 + step, amount=1000 + step,
            support=0, counterpart=1000 + step, other_funds=0))
        s.flush()
        proposals.recompute_totals(p)
        p.revision += 1
        audit.record(s, actor, entity="proposal", entity_uuid=p.uuid,
                     entity_label=p.code, action="update",
                     changes={"budget_lines": {"old": None, "new": step}})
        settings.put(s, actor, "deadline.status_days", 60 + step % 7)
    print(step, flush=True)
"""


def _run_and_kill(db_path: Path, start: int, after: int, extra_delay: float) -> int:
    """Start the writer, let it commit ``after`` steps, SIGKILL it; last printed step."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None
    last = start
    try:
        while last < start + after:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"writer stopped: {proc.stderr.read() if proc.stderr else ''}")
            last = int(line)
        time.sleep(extra_delay)  # land somewhere inside a later transaction
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    printed = [int(x) for x in rest.split()]
    return printed[-1] if printed else last


def test_killed_writer_leaves_a_consistent_database(demo_db: Database) -> None:
    assert demo_db.path is not None
    path = demo_db.path
    with demo_db.session() as s:
        lines_before = s.scalar(select(func.count(BudgetLine.id))) or 0
    demo_db.dispose()
    actor = Actor("lan")
    step = 0
    for round_no, delay in enumerate((0.0, 0.013, 0.037)):
        step = _run_and_kill(path, step, after=15 + 5 * round_no, extra_delay=delay)

        conn = sqlite3.connect(str(path))
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        conn.close()
        db = open_database(path)
        try:
            # Totals equal their lines, foreign keys hold, the audit chain is whole.
            assert integrity.check(db) == []
            with db.session() as s:
                added = (s.scalar(select(func.count(BudgetLine.id))) or 0) - lines_before
                # Every printed step is there; at most the one in flight besides.
                assert step <= added <= step + 1
                info = drafts.load_draft(s, actor, None)
                assert info is not None
                number = int(info.title.rsplit(" ", 1)[1])
                assert number in (step, step + 1)
                assert len(info.data.budget_lines) == 29  # the draft is whole, not cut
                edited = s.scalars(
                    select(Proposal).where(Proposal.revision > 1).order_by(Proposal.id)
                ).all()
                assert edited
            step = added  # continue numbering after what was really committed
        finally:
            db.dispose()

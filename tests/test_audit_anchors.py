"""Anchors of the audit chain outside the database (issue 19 §5, the part done): a chain
rewritten with sqlite3 and re-hashed passes its own check but not the anchors kept in
backups and sent packs."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.core import audit
from kcdesk.services.exchange import export
from kcdesk.services.proposals import workflow
from kcdesk.services.security.actor import SYSTEM
from tests.exchange_support import OFFICE, add_proposal, get, make_pair


def _forge_everything(db: Database) -> None:
    """What someone with sqlite3 *and the chain's key* (a copied key store) can do: edit
    an event, then recompute every hash with the key."""
    with db.session() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        events[1].username = "ke_gian"
        prev = ""
        keys = audit.ChainKeys()
        for e in events:
            e.prev_hash = prev
            e.hash = prev = keys.digest(e)


def test_a_rewritten_chain_disagrees_with_the_backup_anchor(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.session() as s:
        p = add_proposal(s, "TTKC", 1)
        s.flush()
        workflow.change_status(s, SYSTEM, p, ProposalStatus.FORWARDED)
    with db.session() as s:
        head = audit.chain_head(s)
    info = backup.create_backup(db, tmp_path / "sao lưu.zip", SYSTEM)
    assert info.manifest["audit_head"] == head and head is not None
    assert main(["--db", db.url, "audit", "verify", "--anchor", str(info.path)]) == 0
    assert "khớp 1 mốc" in capsys.readouterr().out
    _forge_everything(db)
    with db.session() as s:
        assert audit.verify_chain(s) is None  # the forgery passes the chain itself…
    code = main(["--db", db.url, "audit", "verify", "--anchor", str(info.path)])
    err = capsys.readouterr().err
    assert code != 0 and "sao lưu.zip" in err and f"#{head['event_id']}" in err


def test_packs_sent_carry_the_senders_anchor(tmp_path: Path) -> None:
    pair = make_pair(tmp_path)
    with pair.office.db.session() as s:
        add_proposal(s, OFFICE, 1)
    with pair.office.db.session() as s:
        workflow.change_status(s, SYSTEM, get(s, "ĐA-2027-001"), ProposalStatus.FORWARDED)
    pack = tmp_path / "gói.kcpack"
    with pair.office.db.session() as s:
        export.export_pack(s, SYSTEM, pack)
        head = audit.chain_head(s)
    with zipfile.ZipFile(pack) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["audit_head"]["event_id"] <= head["event_id"]  # type: ignore[index]
    assert isinstance(manifest["audit_head"]["hash"], str)


def test_a_submitted_catalogue_prints_the_check_code(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.pdftext import pdf_text

    with db.session() as s:
        p = add_proposal(s, "TTKC", 1)
        p.status = ProposalStatus.APPROVED
        p.approved_support = p.support
        p.funding_source = "dia_phuong"
    base = ["--db", db.url, "catalogue"]
    draft = tmp_path / "dự thảo.pdf"
    assert main([*base, "export", "--year", "2027", "--pdf", str(draft)]) == 0
    assert "Mã kiểm tra nhật ký" not in pdf_text(draft)
    assert main([*base, "submit", "--year", "2027", "--letter-no", "1/TTr-TTKC"]) == 0
    with db.session() as s:
        code = audit.check_code(audit.chain_head(s))
    submitted = tmp_path / "đã trình.pdf"
    assert main([*base, "export", "--year", "2027", "--pdf", str(submitted)]) == 0
    text = " ".join(pdf_text(submitted).split())
    assert code is not None and f"Mã kiểm tra nhật ký: {code}" in text
    capsys.readouterr()
    # The code read off the paper is an anchor `audit verify --code` checks.
    assert main(["--db", db.url, "audit", "verify", "--code", code]) == 0
    assert "khớp 1 mốc" in capsys.readouterr().out
    _forge_everything(db)
    assert main(["--db", db.url, "audit", "verify", "--code", code]) == 1
    err = capsys.readouterr().err
    assert "mã kiểm tra in trên giấy" in err and code.split(" · ")[0] in err
    assert main(["--db", db.url, "audit", "verify", "--code", "#12 · XYZ"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "không phải mã kiểm tra nhật ký" in err


def _forge_after(db: Database, event_id: int) -> None:
    """Rewrite the events after ``event_id`` with the chain's key (a stolen key store)."""
    with db.session() as s:
        keys = audit.ChainKeys()
        prev = ""
        for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            if e.id == event_id + 1:
                e.username = "ke_gian"
            if e.id > event_id:
                e.prev_hash = prev
                e.hash = keys.digest(e)
            else:
                keys.digest(e)
            prev = e.hash


def test_two_anchors_name_the_stretch_that_was_rewritten(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`kcdesk check`, `audit verify` and the audit view use the backups folder's
    anchors and name the last one that still agrees."""
    from kcdesk.paths import backups_dir

    backups_dir().mkdir(parents=True, exist_ok=True)
    with db.session() as s:
        p = add_proposal(s, "TTKC", 1)
    older = backup.create_backup(db, backups_dir() / "cũ.zip", SYSTEM).manifest["audit_head"]
    with db.session() as s:
        workflow.change_status(s, SYSTEM, get(s, "ĐA-2027-001"), ProposalStatus.FORWARDED)
    newer = backup.create_backup(db, backups_dir() / "mới.zip", SYSTEM).manifest["audit_head"]
    assert older["event_id"] < newer["event_id"] and p is not None
    assert main(["--db", db.url, "check"]) == 0
    assert main(["--db", db.url, "audit", "verify"]) == 0
    assert "khớp 2 mốc" in capsys.readouterr().out
    _forge_after(db, older["event_id"])
    with db.session() as s:
        assert audit.verify_chain(s) is None  # rewritten with the key: the chain passes
    assert main(["--db", db.url, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    stretch = f"#{older['event_id'] + 1}–#{newer['event_id']}"
    assert "mới.zip" in err and f"còn khớp mốc #{older['event_id']}" in err and stretch in err
    assert main(["--db", db.url, "check"]) == 1
    out = capsys.readouterr().out
    assert "[audit]" in out and "mới.zip" in out and stretch in out


def test_the_audit_view_checks_the_anchors(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from kcdesk.paths import backups_dir
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.sections.audit import create
    from tests.register_helpers import ADMIN

    backups_dir().mkdir(parents=True, exist_ok=True)
    with db.session() as s:
        add_proposal(s, "TTKC", 1)
    head = backup.create_backup(db, backups_dir() / "sao lưu.zip", SYSTEM).manifest["audit_head"]
    ctx = AppContext(db, ADMIN)
    view = create(ctx)
    qtbot.addWidget(view)
    view.verify_button.click()
    qtbot.waitUntil(lambda: "toàn vẹn" in view.result.text(), timeout=5000)
    assert "khớp 1 mốc" in view.result.text()
    _forge_after(db, 0)
    view.verify_button.click()
    qtbot.waitUntil(lambda: "KHÔNG" in view.result.text(), timeout=5000)
    assert "sao lưu.zip" in view.result.text() and f"#{head['event_id']}" in view.result.text()
    ctx.worker.wait()

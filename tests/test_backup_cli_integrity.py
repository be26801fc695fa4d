"""`kcdesk backup / restore / check` and the integrity check behind them."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from kcdesk import paths
from kcdesk.cli.main import main
from kcdesk.models import Document, Proposal
from kcdesk.models.db import Database
from kcdesk.services.backup import integrity
from kcdesk.services.core import settings
from kcdesk.services.proposals import attachments
from kcdesk.services.security import passwords
from kcdesk.services.security.actor import SYSTEM

# SQLite file backup and file-level damage (server backups: test_server_backup.py)
pytestmark = pytest.mark.sqlite_only


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_file(demo_db: Database) -> str:
    assert demo_db.path is not None
    with demo_db.session() as s:
        stored = attachments.store_bytes(b"%PDF-1.4 scan " * 100, "don.pdf")
        doc = s.scalars(select(Document).order_by(Document.id).limit(1)).one()
        doc.file_hash, doc.file_name, doc.file_size = stored.hash, stored.name, stored.size
    demo_db.dispose()
    return str(demo_db.path)


def test_backup_restore_check_from_the_cli(
    demo_file: str, tmp_path: Path, capsys, monkeypatch
) -> None:
    out_file = tmp_path / "USB" / "sao-luu.zip"
    code, out, err = run(capsys, "--db", demo_file, "backup", "--out", str(out_file))
    assert code == 0, err
    assert out_file.is_file() and "120 đề án" in out and "1 tệp đính kèm" in out

    code, out, err = run(capsys, "--db", demo_file, "restore", str(out_file), "--check-only")
    assert code == 0 and "hợp lệ" in out

    # No --yes and no terminal: refused, telling what to add.
    code, out, err = run(capsys, "--db", demo_file, "restore", str(out_file))
    assert code == 2 and "--yes" in err and "Traceback" not in err

    monkeypatch.setattr(passwords, "N", 2**10)
    monkeypatch.setattr(sys, "stdin", io.StringIO("mat-khau-dai-1\n"))
    code, _, err = run(capsys, "--db", demo_file, "user", "add", "sau", "--role", "leader",
                       "--full-name", "Thêm sau sao lưu", "--password-stdin")  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "--db", demo_file, "restore", str(out_file), "--yes")
    assert code == 0, err
    assert "truoc-khoi-phuc" in out
    code, out, _ = run(capsys, "--db", demo_file, "user", "list", "--json")
    assert json.loads(out) == []  # back to the state of the backup

    code, out, err = run(capsys, "--db", demo_file, "check", "--json")
    assert code == 0, out
    assert json.loads(out) == {"ok": True, "problems": [], "reminders": []}


def test_cli_restore_refuses_a_foreign_file(demo_file: str, tmp_path: Path, capsys) -> None:
    foreign = tmp_path / "bao-cao.zip"
    foreign.write_bytes(b"PK\x03\x04 not really")
    before = Path(demo_file).read_bytes()
    code, out, err = run(capsys, "--db", demo_file, "restore", str(foreign), "--yes")
    assert code == 2 and "không phải bản sao lưu kcdesk" in err
    assert Path(demo_file).read_bytes() == before


def test_check_lists_every_kind_of_problem(demo_file: str, capsys) -> None:
    code, out, _ = run(capsys, "--db", demo_file, "check")
    assert code == 0 and "nguyên vẹn" in out
    conn = sqlite3.connect(demo_file)
    file_hash = conn.execute(
        "SELECT file_hash FROM document WHERE file_hash IS NOT NULL"
    ).fetchone()[0]
    # A scan altered on disk, a cached total edited by hand, an audit row tampered with.
    attachments.path_for(file_hash).write_bytes(b"altered")
    code_row = conn.execute("SELECT code FROM proposal ORDER BY id LIMIT 1").fetchone()
    conn.execute("UPDATE proposal SET total_cost = total_cost + 1 WHERE code = ?", code_row)
    conn.execute("UPDATE audit_event SET username = 'ke-gian' WHERE id = 3")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", demo_file, "check", "--json")
    result = json.loads(out)
    assert code == 1 and result["ok"] is False
    kinds = sorted(p["kind"] for p in result["problems"])
    assert kinds == ["attachment", "audit", "totals"]
    text_out = " ".join(p["message"] for p in result["problems"])
    assert code_row[0] in text_out and "#3" in text_out and "bị sửa hoặc hỏng" in text_out
    code, out, _ = run(capsys, "--db", demo_file, "check")
    assert code == 1 and "3 vấn đề" in out


def test_missing_attachment_and_foreign_key_damage(demo_db: Database) -> None:
    with demo_db.session() as s:
        stored = attachments.store_bytes(b"anh chup", "anh.jpg")
        doc = s.scalars(select(Document).limit(1)).one()
        doc.file_hash, doc.file_name = stored.hash, stored.name
    attachments.path_for(stored.hash).unlink()
    problems = integrity.check(demo_db, SYSTEM)
    assert [p.kind for p in problems] == ["attachment"] and "bị mất" in problems[0].message
    with demo_db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.execute(text("UPDATE budget_line SET proposal_id = 999999 WHERE id = 1"))
        conn.commit()
    kinds = {p.kind for p in integrity.check(demo_db)}
    assert "database" in kinds


def test_sound_demo_database_has_no_problem(demo_db: Database) -> None:
    assert integrity.check(demo_db, SYSTEM) == []
    with demo_db.session() as s:
        settings.put(s, SYSTEM, "org.province", "Cao Bằng")
        assert s.scalar(select(Proposal.id).limit(1)) is not None
    assert integrity.check(demo_db) == []


def test_cli_restores_over_a_file_that_no_longer_opens(
    demo_file: str,
    tmp_path: Path,
    capsys,
) -> None:
    backup_file = tmp_path / "b.zip"
    code, _, err = run(capsys, "--db", demo_file, "backup", "--out", str(backup_file))
    assert code == 0, err
    ruined = Path(demo_file)
    ruined.write_bytes(b"\x00garbage" * 4096)  # a disk error wiped the header
    code, _, err = run(capsys, "--db", demo_file, "check")
    assert code == 2 and "hỏng" in err
    code, out, err = run(capsys, "--db", demo_file, "restore", str(backup_file), "--yes")
    assert code == 0, err
    assert "không mở được" in out
    code, out, _ = run(capsys, "--db", demo_file, "check", "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    kept = list(paths.backups_dir().glob("*-hong-*/*"))
    assert [p.read_bytes() for p in kept if p.name == ruined.name] == [b"\x00garbage" * 4096]


def test_cli_backup_into_a_folder_named_with_a_trailing_slash(
    demo_file: str,
    tmp_path: Path,
    capsys,
) -> None:
    folder = tmp_path / "USB mới"
    code, out, err = run(capsys, "--db", demo_file, "backup", "--out", f"{folder}/")
    assert code == 0, err
    made = list(folder.glob("*.zip"))
    assert len(made) == 1 and str(made[0]) in out

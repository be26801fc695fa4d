"""Backups cannot write outside, leave no plaintext copies, ask before another Centre's
data replaces ours, and an interrupted restore leaves a database (issue 19 §2)."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from kcdesk import paths
from kcdesk.cli.main import main
from kcdesk.models.db import Database, open_database
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.backup import work_dirs
from kcdesk.services.backup.archive import MANIFEST, BackupRefused
from kcdesk.services.core import settings
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.setup import first_run as setup


@pytest.fixture
def good(db: Database, tmp_path: Path) -> Path:
    return backup.create_backup(db, tmp_path / "tốt.zip", SYSTEM).path


def _rewrite(
    source: Path, target: Path, extra: list[tuple[str, bytes]], *, list_them: bool
) -> Path:
    """``source`` with members added (and listed in the manifest when ``list_them``)."""
    with zipfile.ZipFile(source) as zin:
        members = [(n, zin.read(n)) for n in zin.namelist()]
    manifest = json.loads(dict(members)[MANIFEST])
    if list_them:
        for name, body in extra:
            import hashlib

            manifest["members"][name] = {"sha256": hashlib.sha256(body).hexdigest(), "size": 1}
    with zipfile.ZipFile(target, "w") as zout:
        for name, body in members:
            if name != MANIFEST:
                zout.writestr(name, body)
        for name, body in extra:
            zout.writestr(name, body)
        zout.writestr(MANIFEST, json.dumps(manifest))
    return target


@pytest.mark.parametrize("list_them", [True, False])
@pytest.mark.parametrize(
    "name", ["attachments/../../thoát.txt", "attachments/ab/../../../thoát.txt", "/tmp/thoát.txt"]
)
def test_crafted_member_names_write_nothing_outside(
    good: Path, tmp_path: Path, name: str, list_them: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    crafted = _rewrite(good, tmp_path / "xấu.zip", [(name, b"x")], list_them=list_them)
    with pytest.raises(BackupRefused):
        backup.check_backup(crafted)
    assert main(["restore", str(crafted), "--check-only"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    escaped = [p for p in Path("/tmp").glob("thoát*")] + list(tmp_path.rglob("thoát*"))
    escaped += list(paths.backups_dir().parent.rglob("thoát*"))
    assert escaped == []
    assert not list((paths.backups_dir() / ".work").glob("*/*"))


def test_duplicate_members_are_refused(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as zin:
        db_body = zin.read("database.sqlite")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        crafted = _rewrite(
            good, tmp_path / "đôi.zip", [("database.sqlite", db_body)], list_them=False
        )
    with pytest.raises(BackupRefused, match="hai lần"):
        backup.check_backup(crafted)


def test_work_copies_of_killed_runs_are_removed(db: Database, tmp_path: Path) -> None:
    base = paths.backups_dir() / ".work"
    dead = base / "tmp-chet"
    dead.mkdir(parents=True)
    (dead / "database.sqlite").write_bytes(b"SQLite format 3\x00" + b"x" * 100)
    (dead / work_dirs.OWNER_FILE).write_text("999999999")  # no such process
    alive = base / "tmp-song"
    alive.mkdir()
    (alive / work_dirs.OWNER_FILE).write_text(str(os.getpid()))
    backup.create_backup(db, tmp_path / "mới.zip", SYSTEM)
    assert not dead.exists() and alive.exists()
    assert sorted(p.name for p in base.iterdir()) == ["tmp-song"]


def test_another_centres_backup_needs_confirmation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = open_database(tmp_path / "tỉnh khác.sqlite", create=True)
    setup.init_database(other)
    with other.session() as s:
        settings.put(s, SYSTEM, "org.province", "Lạng Sơn")
        settings.put(s, SYSTEM, "org.centre_name", "TRUNG TÂM KHUYẾN CÔNG LẠNG SƠN")
    theirs = backup.create_backup(other, tmp_path / "lạng sơn.zip", SYSTEM).path
    other.dispose()
    ours = tmp_path / "cao bằng.sqlite"
    assert main(["--db", str(ours), "init"]) == 0
    # A new database has no organisation until someone sets it (issue 17 §5).
    assert main(["--db", str(ours), "settings", "set", "org.province", "Cao Bằng"]) == 0
    capsys.readouterr()
    assert main(["--db", str(ours), "restore", str(theirs), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "LẠNG SƠN" in err and "Cao Bằng" in err and "--other-centre" in err
    db = open_database(ours)
    with db.session() as s:
        assert settings.get(s, "org.province") == "Cao Bằng"
    db.dispose()
    assert main(["--db", str(ours), "restore", str(theirs), "--yes", "--other-centre"]) == 0
    db = open_database(ours)
    with db.session() as s:
        assert settings.get(s, "org.province") == "Lạng Sơn"
    db.dispose()


def test_an_interrupted_restore_over_a_damaged_file_leaves_a_database(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = tmp_path / "hỏng.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    real_replace = os.replace

    def killed(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        if Path(dst) == damaged:
            raise KeyboardInterrupt  # killed right before the restored copy moves in
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        backup.restore_broken_database(damaged, good, SYSTEM)
    assert damaged.is_file() and damaged.read_bytes().startswith(b"SQLite format 3")
    monkeypatch.setattr(os, "replace", real_replace)
    result = backup.restore_broken_database(damaged, good, SYSTEM)
    result.database.dispose()
    assert damaged.is_file()
    assert not (paths.backups_dir() / ".work").exists() or not any(
        (paths.backups_dir() / ".work").iterdir()
    )

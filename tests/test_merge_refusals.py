"""What the merge refuses, with the reason, changing nothing (issue 25): a corrupt
backup, a backup whose audit trail was tampered with, a newer schema, a file that is
not kcdesk's, a Centre of the same province; and the command's one-line errors.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kcdesk.models.db import open_database
from kcdesk.services.backup import backup_restore
from kcdesk.services.merge import run
from kcdesk.services.merge.source import MergeRefused
from kcdesk.services.security.actor import SYSTEM
from tests import merge_support as ms


@pytest.fixture
def centres(tmp_path: Path) -> ms.Centres:
    return ms.build(tmp_path)


def _refused(centres: ms.Centres, path: Path, match: str) -> None:
    db = open_database(centres.target)
    before = ms.row_counts(db)
    with pytest.raises(MergeRefused, match=match):
        run.merge(db, path, ms.ADMIN)
    assert ms.row_counts(db) == before
    db.dispose()


def test_a_corrupt_backup_is_refused(centres: ms.Centres, tmp_path: Path) -> None:
    data = bytearray(centres.source_backup.read_bytes())
    with zipfile.ZipFile(centres.source_backup) as zf:
        info = zf.getinfo("database.sqlite")
    # Flip bytes inside the compressed database member.
    middle = info.header_offset + 100 + info.compress_size // 2
    for k in range(16):
        data[middle + k] ^= 0xFF
    bad = tmp_path / "hong.zip"
    bad.write_bytes(bytes(data))
    _refused(centres, bad, "Không hợp nhất: .*(hỏng|SHA-256)")


def test_a_truncated_backup_is_refused(centres: ms.Centres, tmp_path: Path) -> None:
    bad = tmp_path / "cut.zip"
    bad.write_bytes(centres.source_backup.read_bytes()[:-5000])
    _refused(centres, bad, "Không hợp nhất")


def test_a_tampered_audit_trail_is_refused(centres: ms.Centres, tmp_path: Path) -> None:
    # Someone edits the old Centre's history, then takes a backup that is itself sound.
    conn = sqlite3.connect(centres.source_db)
    conn.execute("UPDATE audit_event SET username = 'ke-gian' WHERE id = 3")
    conn.commit()
    conn.close()
    ms.use_data_dir(centres.source_data)
    old = open_database(centres.source_db)
    tampered = tmp_path / "sua.zip"
    backup_restore._create_backup(old, tampered, SYSTEM)
    old.dispose()
    ms.use_data_dir(centres.target_data)
    _refused(centres, tampered, "nhật ký thao tác của Trung tâm kia không toàn vẹn.*#3")
    _refused(centres, centres.source_db, "không toàn vẹn")


def test_a_newer_schema_is_refused(centres: ms.Centres) -> None:
    conn = sqlite3.connect(centres.source_db)
    conn.execute("UPDATE alembic_version SET version_num = '0099_tuong_lai'")
    conn.commit()
    conn.close()
    _refused(centres, centres.source_db, "phiên bản kcdesk mới hơn")


def test_a_foreign_file_and_the_same_province_are_refused(
    centres: ms.Centres, tmp_path: Path
) -> None:
    stray = tmp_path / "danh-sach.zip"
    with zipfile.ZipFile(stray, "w") as zf:
        zf.writestr("a.txt", "không phải kcdesk")
    _refused(centres, stray, "không phải bản sao lưu kcdesk")
    _refused(centres, tmp_path / "khong-co.zip", "Không tìm thấy")
    _refused(centres, centres.target, "cũng của tỉnh Hải Phòng")


def _kcdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kcdesk.cli.main", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=600,
    )


def test_the_command(centres: ms.Centres, tmp_path: Path) -> None:
    db = str(centres.target)
    dry = _kcdesk("--db", db, "merge", str(centres.source_backup), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "ĐA-2025-001 → HD-ĐA-2025-001" in dry.stdout
    assert "Chạy thử (--dry-run): không có gì thay đổi." in dry.stdout
    # No keyboard and no --yes: asks for --yes, changes nothing.
    no = _kcdesk("--db", db, "merge", str(centres.source_backup))
    assert no.returncode == 2 and "--yes" in no.stderr
    assert len(no.stderr.strip().splitlines()) == 1 and "Traceback" not in no.stderr
    done = _kcdesk(
        "--db", db, "merge", str(centres.source_backup), "--yes", "--json", "--code-prefix", "HDU"
    )
    assert done.returncode == 0, done.stderr
    assert '"merged": true' in done.stdout and "HDU-ĐA-2025-001" in done.stdout
    again = _kcdesk("--db", db, "merge", str(centres.source_backup), "--yes")
    assert again.returncode == 2
    assert again.stderr.strip().endswith("Không có gì bị thay đổi.")
    assert len(again.stderr.strip().splitlines()) == 1
    # What to set for the new province: printed by the merge, reminded by `check`.
    todo = json.loads(done.stdout)["organisation_to_check"]
    assert any("kcdesk settings set org.centre_name" in line for line in todo)
    assert any(
        'org.province_committee "Ủy ban nhân dân thành phố Hải Phòng"' in line for line in todo
    )
    check = _kcdesk("--db", db, "check")
    assert check.returncode == 0, check.stdout
    assert "Sau khi hợp nhất dữ liệu của tỉnh Hải Dương (cũ)" in check.stdout
    assert "kcdesk settings set signer.centre_name" in check.stdout
    verify = _kcdesk("--db", db, "audit", "verify")
    assert verify.returncode == 0, verify.stdout
    # Done once an organisation setting is saved: the reminder stops.
    name = "Trung tâm Khuyến công thành phố Hải Phòng"
    assert _kcdesk("--db", db, "settings", "set", "org.centre_name", name).returncode == 0
    check = _kcdesk("--db", db, "check")
    assert check.returncode == 0 and "Sau khi hợp nhất" not in check.stdout

"""Files that Windows holds open (issue 26 §3), simulated on Linux: Windows error
codes, retried replaces, FAT32, USB export rollback, safe names, the lock file, the
database's location, the read-only URI with a '#', removable drives with a fake
kernel32."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path, PureWindowsPath
from typing import Any

import pytest

from kcdesk.services.catalogue import removable_drives, usb_export
from kcdesk.services.catalogue.usb_export import CHECKSUM_FILE, export_files
from kcdesk.services.core import db_location, os_errors, safe_write, volumes
from kcdesk.services.core.errors import UserError
from kcdesk.services.core.file_names import name_problem, safe_file_name
from kcdesk.services.core.instance_lock import AlreadyRunning, InstanceLock
from kcdesk.services.core.safe_write import WriteFailed, atomic_write_bytes


def win_error(winerror: int, errno_: int = errno.EACCES) -> OSError:
    """An OSError as Python raises it on Windows (errno plus ``winerror``)."""
    exc = (
        PermissionError(errno_, "Windows error") if errno_ == errno.EACCES else OSError(errno_, "x")
    )
    exc.winerror = winerror  # type: ignore[attr-defined]
    return exc


# -- error codes → messages -------------------------------------------------------
@pytest.mark.parametrize(
    ("winerror", "words"),
    [
        (32, "đang mở trong chương trình khác"),
        (33, "đang mở trong chương trình khác"),
        (19, "khóa chống ghi"),
        (21, "USB đã bị rút"),
        (1167, "USB đã bị rút"),
        (433, "USB đã bị rút"),
        (112, "ổ đĩa đã đầy"),
        (223, "4 GB"),
    ],
)
def test_windows_error_codes_say_what_happened(winerror: int, words: str) -> None:
    text = os_errors.explain(win_error(winerror))
    assert words in text
    assert "không có quyền ghi" not in text  # no longer the answer to everything


def test_errno_fallback_and_unknown_codes() -> None:
    assert os_errors.explain(OSError(errno.EFBIG, "File too large")) == os_errors.TOO_LARGE
    assert "đầy" in os_errors.explain(OSError(errno.ENOSPC, "x"))
    assert os_errors.explain(OSError(9999, "Something English")) == "lỗi hệ thống khi ghi tệp"


def test_write_failure_message_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def replace(_src: Any, _dst: Any) -> None:
        raise win_error(19)

    monkeypatch.setattr(os_errors.os, "replace", replace)
    with pytest.raises(WriteFailed) as info:
        atomic_write_bytes(tmp_path / "Danh mục.xlsx", b"x")
    assert str(info.value).startswith("Không ghi được Danh mục.xlsx: USB hoặc thẻ nhớ")
    assert list(tmp_path.iterdir()) == []


# -- retries ------------------------------------------------------------------------
def test_replace_retries_while_the_target_is_open_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    calls: list[int] = []

    def replace(src: Any, dst: Any) -> None:
        calls.append(1)
        if len(calls) < 3:  # the preview (or an antivirus) lets go after a moment
            raise win_error(32)
        real(src, dst)

    pauses: list[float] = []
    monkeypatch.setattr(os_errors.os, "replace", replace)
    monkeypatch.setattr(os_errors.time, "sleep", pauses.append)
    target = tmp_path / "Đề án 12-2027.pdf"
    target.write_bytes(b"old")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and len(calls) == 3
    assert pauses == list(os_errors.RETRY_PAUSES[:2])


def test_replace_gives_up_after_the_pauses_and_does_not_retry_other_errors(tmp_path: Path) -> None:
    pauses: list[float] = []

    def held(_src: Any, _dst: Any) -> None:
        raise win_error(32)

    real = os.replace
    os.replace = held  # type: ignore[assignment]
    try:
        with pytest.raises(OSError):
            os_errors.replace(tmp_path / "a", tmp_path / "b", sleep=pauses.append)
        assert pauses == list(os_errors.RETRY_PAUSES)
        pauses.clear()
        os.replace = lambda _s, _d: (_ for _ in ()).throw(win_error(19))  # type: ignore[assignment]
        with pytest.raises(OSError):
            os_errors.replace(tmp_path / "a", tmp_path / "b", sleep=pauses.append)
        assert pauses == []  # a write-protected stick does not get better by waiting
    finally:
        os.replace = real  # type: ignore[assignment]


# -- FAT32 -------------------------------------------------------------------------
def test_file_over_4_gb_refused_before_writing_on_fat32(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(volumes, "filesystem_type", lambda _p: "vfat")
    with pytest.raises(WriteFailed, match="4 GB") as info:
        safe_write.check_fits(tmp_path / "kcdesk-20270101.zip", 5 * 1024**3)
    assert "exFAT" in str(info.value) and "5,0 GB" in str(info.value)
    safe_write.check_fits(tmp_path / "nhỏ.zip", 10**6)  # small files pass
    monkeypatch.setattr(volumes, "filesystem_type", lambda _p: "ntfs")
    safe_write.check_fits(tmp_path / "lớn.zip", 5 * 1024**3)


def test_backup_too_large_for_the_stick_is_refused_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kcdesk.services.catalogue import usb_export as ue

    stick = tmp_path / "USB"
    stick.mkdir()
    source = tmp_path / "backup.zip"
    source.write_bytes(b"z" * 1000)
    monkeypatch.setattr(volumes, "filesystem_type", lambda _p: "vfat")
    monkeypatch.setattr(volumes, "FAT32_MAX_FILE", 999)  # a 1,000-byte "4 GB"
    with pytest.raises(WriteFailed, match="FAT32"):
        safe_write.atomic_copy(source, stick / "kcdesk.zip")
    with pytest.raises(WriteFailed, match="FAT32"):
        ue.export_files(stick, [("kcdesk.zip", lambda p: p.write_bytes(b"z" * 1000))])
    assert list(stick.iterdir()) == []


def test_linux_filesystem_lookup() -> None:
    mounts = "\n".join(
        [
            "/dev/sda1 / ext4 rw 0 0",
            "/dev/sdb1 /media/u/USB\\040KINGSTON vfat rw 0 0",
            "server:/share /mnt/share nfs4 rw 0 0",
        ]
    )
    assert volumes._linux_filesystem(Path("/media/u/USB KINGSTON/a.zip"), mounts) == "vfat"
    assert volumes._linux_filesystem(Path("/home/u/a.zip"), mounts) == "ext4"
    assert volumes._linux_filesystem(Path("/mnt/share/kcdesk.sqlite"), mounts) == "nfs4"


# -- USB export: never undone by cleanup, never both versions lost -------------------
def test_cleanup_failure_does_not_undo_a_verified_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "USB"
    stick.mkdir()
    real_rmtree = shutil.rmtree

    def rmtree(path: Any, *args: Any, **kwargs: Any) -> None:
        onerror = kwargs.get("onerror")
        if "kcdesk-export-" in str(path) and onerror is not None:
            # An antivirus still scans the local copy: Windows says "in use".
            busy = OSError(errno.EBUSY, "in use")
            busy.winerror = 32  # type: ignore[attr-defined]
            onerror(os.rmdir, str(path), (OSError, busy, None))
            return
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    result = export_files(stick, [("Danh mục.xlsx", lambda p: p.write_bytes(b"x" * 100))])
    assert sorted(p.name for p in stick.iterdir()) == sorted([CHECKSUM_FILE, "Danh mục.xlsx"])
    assert usb_export.verify_folder(stick) == [] and len(result.files) == 1


def test_rolled_back_export_keeps_the_older_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "USB"
    stick.mkdir()
    (stick / "a.xlsx").write_bytes(b"old a")
    (stick / "b.pdf").write_bytes(b"old b")
    real = os.replace

    def replace(src: Any, dst: Any) -> None:
        # The swap of b.pdf fails: the stick was pulled out, say.
        if str(dst).endswith("b.pdf") and str(src).endswith(usb_export.NEW_SUFFIX):
            raise win_error(1167, errno.EIO)
        real(src, dst)

    monkeypatch.setattr(os_errors.os, "replace", replace)
    files = [
        ("a.xlsx", lambda p: p.write_bytes(b"new a")),
        ("b.pdf", lambda p: p.write_bytes(b"new b")),
    ]
    with pytest.raises(WriteFailed, match="USB đã bị rút") as info:
        export_files(stick, files)
    assert "vẫn như trước" in str(info.value)
    assert sorted(p.name for p in stick.iterdir()) == ["a.xlsx", "b.pdf"]
    assert (stick / "a.xlsx").read_bytes() == b"old a" and (
        stick / "b.pdf"
    ).read_bytes() == b"old b"


def test_successful_export_replaces_older_files_and_leaves_no_helpers(tmp_path: Path) -> None:
    stick = tmp_path / "USB"
    stick.mkdir()
    (stick / "a.xlsx").write_bytes(b"old a")
    result = export_files(stick, [("a.xlsx", lambda p: p.write_bytes(b"new a"))])
    assert sorted(p.name for p in stick.iterdir()) == [CHECKSUM_FILE, "a.xlsx"]
    assert (stick / "a.xlsx").read_bytes() == b"new a"
    assert "rút USB an toàn" in result.message and "Eject" in result.message


# -- file names ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Đề án 12/2027/KC-ĐP.pdf", "Đề án 12-2027-KC-ĐP.pdf"),
        ('Tờ trình: "A" <B> | C? *.pdf', "Tờ trình- -A- -B- - C- -.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("nul", "_nul"),
        ("COM1.xlsx", "_COM1.xlsx"),
        ("LPT9", "_LPT9"),
        ("Biên bản. ", "Biên bản"),
        ("  ...  ", "tep"),
        ("a\tb\x00c.pdf", "abc.pdf"),
        ("CONSOLE.pdf", "CONSOLE.pdf"),
    ],
)
def test_safe_file_names(text: str, name: str) -> None:
    assert safe_file_name(text) == name
    assert name_problem(safe_file_name(text)) is None


def test_long_names_keep_their_extension_and_nfc() -> None:
    name = safe_file_name("Đề án " + "rất dài " * 40 + ".pdf")
    assert len(name) <= 120 and name.endswith(".pdf")
    decomposed = "Đe\u0302\u0300 a\u0301n.pdf"
    assert safe_file_name(decomposed) == "Đề án.pdf"


def test_name_problems_are_vietnamese() -> None:
    assert "Windows không cho phép" in (name_problem("a:b.pdf") or "")
    assert "dành riêng" in (name_problem("AUX.txt") or "")
    assert "dấu chấm" in (name_problem("x.pdf.") or "")
    with pytest.raises(UserError, match="dành riêng"):
        export_files(Path("."), [("PRN.pdf", lambda p: None)])


def test_printed_documents_have_one_folder_and_safe_names() -> None:
    from kcdesk import paths
    from kcdesk.ui.wizard.printing import print_path

    path = print_path("12/2027/KC")
    assert path.parent == paths.prints_dir() and path.parent.name == "Bản in"
    assert path.name == "Đề án 12-2027-KC.pdf"
    repo = Path(__file__).resolve().parent.parent / "kcdesk"
    spelled = [
        p.relative_to(repo)
        for p in repo.rglob("*.py")
        if 'bản in"' in p.read_text(encoding="utf-8") or '"Bản in"' in p.read_text(encoding="utf-8")
    ]
    assert spelled == [Path("paths.py")]


# -- one running copy ------------------------------------------------------------------
def test_second_copy_is_refused_until_the_first_ends(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path).acquire()
    with pytest.raises(AlreadyRunning, match="kcdesk đang chạy"):
        InstanceLock(tmp_path).acquire()
    # Another process is refused too, while this one holds the lock.
    code = (
        "import sys; from pathlib import Path; "
        "from kcdesk.services.core.instance_lock import InstanceLock, AlreadyRunning\n"
        "try:\n    InstanceLock(Path(sys.argv[1])).acquire()\nexcept AlreadyRunning:\n    sys.exit(3)"
    )
    assert subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=False).returncode == 3
    first.release()
    with InstanceLock(tmp_path):
        pass
    # A copy that died without releasing does not block the next start.
    died = subprocess.run(
        [
            sys.executable,
            "-c",
            code.replace(
                "except AlreadyRunning:\n    sys.exit(3)", "finally:\n    import os; os._exit(0)"
            ),
            str(tmp_path),
        ],
        check=False,
    )
    assert died.returncode == 0
    InstanceLock(tmp_path).acquire().release()


def test_gui_refuses_a_second_copy(monkeypatch: pytest.MonkeyPatch, qtbot: Any) -> None:
    from kcdesk import app, paths
    from kcdesk.ui import vi

    told: list[str] = []
    monkeypatch.setattr(vi, "inform", lambda _p, _t, text: told.append(text))
    lock = InstanceLock(paths.data_dir()).acquire()
    try:
        assert app.run_gui(demo=True) == 1
    finally:
        lock.release()
    assert told and "đang chạy" in told[0]


# -- where the database lives -----------------------------------------------------------
def test_database_on_a_network_share_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert volumes.is_unc(PureWindowsPath(r"\\may-chu\chung\kcdesk.sqlite"))
    assert not volumes.is_unc(r"\\?\C:\kcdesk\kcdesk.sqlite")
    with pytest.raises(db_location.NetworkDatabase, match="ổ mạng"):
        db_location.check_database_location(Path("//may-chu/chung/kcdesk.sqlite"))
    monkeypatch.setattr(volumes, "_linux_filesystem", lambda _p, _m=None: "cifs")
    with pytest.raises(db_location.NetworkDatabase):
        db_location.check_database_location(Path("/mnt/chung/kcdesk.sqlite"))


def test_database_in_onedrive_is_warned_about(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(volumes, "_linux_filesystem", lambda _p, _m=None: "ext4")
    path = tmp_path / "OneDrive - Sở Công Thương" / "kcdesk.sqlite"
    warning = db_location.check_database_location(path)
    assert warning and "đồng bộ" in warning
    assert volumes.cloud_folder(PureWindowsPath(r"C:\Users\An\OneDrive\Tài liệu\kcdesk.sqlite"), {})
    monkeypatch.setenv("OneDrive", str(tmp_path / "Đám mây"))
    assert db_location.check_database_location(tmp_path / "Đám mây" / "kcdesk.sqlite")
    assert db_location.check_database_location(tmp_path / "kcdesk.sqlite") is None


def test_cli_refuses_a_network_database_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kcdesk.cli.main import main

    assert main(["--db", "//may-chu/chung/kcdesk.sqlite", "proposal", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kcdesk: ") and "ổ mạng" in err and err.count("\n") == 1


@pytest.mark.sqlite_only  # the SQLite file's read-only URI
# -- the read-only URI -------------------------------------------------------------------
def test_backup_check_works_with_a_hash_in_the_data_path(tmp_path: Path, db: Any) -> None:
    from kcdesk.services.backup.archive import database_facts
    from kcdesk.services.backup.backup_restore import _create_backup
    from kcdesk.services.security.actor import SYSTEM

    folder = tmp_path / "C#Dev ?x%41" / "backups"
    folder.mkdir(parents=True)
    info = _create_backup(db, folder, SYSTEM)
    assert info.path.parent == folder
    copy = tmp_path / "C#Dev ?x%41" / "db.sqlite"
    from kcdesk.models.db import backup_sqlite, sqlite_readonly_uri

    backup_sqlite(db.path, copy)
    assert database_facts(copy)["proposals"] >= 0
    assert "%23" in sqlite_readonly_uri(copy) and sqlite_readonly_uri(copy).endswith("?mode=ro")
    assert (
        PureWindowsPath(r"C:\Users\C#Dev\kcdesk.sqlite").as_uri()
        == "file:///C:/Users/C%23Dev/kcdesk.sqlite"
    )


# -- removable drives with a fake kernel32 -------------------------------------------------
class FakeKernel32:
    """Drives C: (fixed), D: (empty card reader), E: (USB 'KINGSTON'), F: (network)."""

    TYPES = {"C:\\": 3, "D:\\": 2, "E:\\": 2, "F:\\": 4}

    def __init__(self, thread_mode: bool = True) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.mode = 0
        self.thread_mode = thread_mode
        self.modes_seen: list[int] = []

    def SetThreadErrorMode(self, mode: int, old: Any) -> int:
        if not self.thread_mode:
            return 0
        if old is not None:
            ctypes.cast(old, ctypes.POINTER(ctypes.c_uint))[0] = self.mode
        self.mode = mode
        self.calls.append(("SetThreadErrorMode", mode))
        return 1

    def SetErrorMode(self, mode: int) -> int:
        previous, self.mode = self.mode, mode
        self.calls.append(("SetErrorMode", mode))
        return previous

    def GetLogicalDrives(self) -> int:
        return 0b111100  # C D E F

    def GetDriveTypeW(self, root: Any) -> int:
        return self.TYPES.get(root.value, 1)

    def GetVolumeInformationW(self, root: Any, name: Any, *_rest: Any) -> int:
        self.modes_seen.append(self.mode)
        if root.value == "D:\\":
            if not self.mode & removable_drives.SEM_FAILCRITICALERRORS:
                raise AssertionError("'No disk' dialog shown for the empty card reader")
            return 0
        name.value = "KINGSTON"
        return 1


@pytest.mark.parametrize("thread_mode", [True, False])
def test_windows_drive_detection_with_a_fake_kernel32(thread_mode: bool) -> None:
    kernel = FakeKernel32(thread_mode)
    kernel.mode = 0x0004  # whatever the process had before
    drives = removable_drives.windows_drives(kernel, usage=lambda _p: (10**9, 4 * 10**9))
    assert [(str(d.path), d.label) for d in drives] == [(str(Path("E:\\")), "KINGSTON")]
    assert drives[0].free_bytes == 10**9
    assert kernel.modes_seen and all(m & 0x0001 and m & 0x8000 for m in kernel.modes_seen)
    assert kernel.mode == 0x0004  # restored afterwards


def test_detection_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(removable_drives.sys, "platform", "win32")

    def broken() -> list[Any]:
        raise AttributeError("windll")

    monkeypatch.setattr(removable_drives, "windows_drives", broken)
    assert removable_drives.detect_removable_drives() == []


class FakeVolumeKernel32:
    """E:\\ is a FAT32 stick, Z:\\ a mapped network drive."""

    def GetVolumePathNameW(self, path: Any, root: Any, _size: int) -> int:
        root.value = path.value[:3]
        return 1

    def GetVolumeInformationW(self, root: Any, *args: Any) -> int:
        args[5].value = {"E:\\": "FAT32", "Z:\\": "NTFS"}.get(root.value, "NTFS")
        return 1

    def GetDriveTypeW(self, root: Any) -> int:
        return {"E:\\": 2, "Z:\\": volumes.DRIVE_REMOTE}.get(root.value, 3)


def test_windows_volume_lookup_with_a_fake_kernel32() -> None:
    kernel = FakeVolumeKernel32()
    root, name, kind = volumes._windows_volume(Path("E:\\Sao lưu\\kcdesk.zip"), kernel)
    assert (root, name, kind) == ("E:\\", "FAT32", 2)
    assert (name or "").lower() in volumes.FAT_TYPES
    assert volumes._windows_volume(Path("Z:\\chung\\kcdesk.sqlite"), kernel)[2] == 4

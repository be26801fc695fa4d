"""USB export: atomic verified writes, checksum list, clear failures, no partial files."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kcdesk.services.catalogue import usb_export
from kcdesk.services.catalogue.removable_drives import Drive, format_size, linux_drives
from kcdesk.services.catalogue.usb_export import (
    CHECKSUM_FILE,
    ExportCancelled,
    export_files,
    verify_folder,
)
from kcdesk.services.core import safe_write
from kcdesk.services.core.errors import UserError
from kcdesk.services.core.safe_write import WriteFailed


def producer(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


FILES = [
    ("Danh mục 2027.xlsx", producer(b"x" * 5000)),
    ("Danh mục 2027.pdf", producer(b"%PDF-1.4 " + bytes(range(256)) * 40)),
]


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    folder = tmp_path / "USB KINGSTON"
    folder.mkdir()
    return folder


def test_writes_files_and_checksums(stick: Path) -> None:
    steps: list[tuple[int, int]] = []
    result = export_files(stick, FILES, progress=lambda d, t, _s: steps.append((d, t)))
    assert sorted(p.name for p in stick.iterdir()) == sorted(
        ["Danh mục 2027.xlsx", "Danh mục 2027.pdf", CHECKSUM_FILE]
    )
    lines = (stick / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines()
    for name, _ in FILES:
        digest = hashlib.sha256((stick / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in lines
    assert verify_folder(stick) == []
    assert steps[-1][0] == steps[-1][1] and steps == sorted(steps)
    assert "rút USB an toàn" in result.message
    (stick / "Danh mục 2027.pdf").write_bytes(b"changed")
    assert verify_folder(stick) == ["Danh mục 2027.pdf"]


def test_replaces_an_older_file_of_the_same_name(stick: Path) -> None:
    (stick / "Danh mục 2027.xlsx").write_bytes(b"old")
    export_files(stick, FILES[:1])
    assert (stick / "Danh mục 2027.xlsx").read_bytes() == b"x" * 5000


def _fail_on_second_replace(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    real = os.replace
    calls = {"n": 0}

    def replace(src: str | Path, dst: str | Path) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(code, os.strerror(code))
        real(src, dst)

    monkeypatch.setattr(safe_write.os, "replace", replace)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "đầy"),
        (errno.EROFS, "chỉ cho phép đọc"),
        (errno.ENOENT, "USB đã bị rút"),
        (errno.EIO, "USB đã bị rút"),
    ],
)
def test_failure_mid_export_leaves_nothing(
    stick: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    _fail_on_second_replace(monkeypatch, code)
    with pytest.raises(WriteFailed, match=words) as info:
        export_files(stick, FILES)
    assert "Danh mục 2027.pdf" in str(info.value)
    # Neither the half-written second file nor the first one, nor the checksum list.
    assert list(stick.iterdir()) == []


def test_writer_fails_while_writing(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(_fd: int) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(safe_write.os, "fsync", fsync)
    with pytest.raises(WriteFailed, match="lỗi đọc/ghi"):
        export_files(stick, FILES)
    assert list(stick.iterdir()) == []


def test_stick_pulled_out_between_files(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = usb_export.atomic_copy
    calls = {"n": 0}

    def copy(src: Path, dst: Path) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            shutil.rmtree(stick)  # the user pulls the stick
        return real(src, dst)

    monkeypatch.setattr(usb_export, "atomic_copy", copy)
    with pytest.raises(WriteFailed, match="USB đã bị rút"):
        export_files(stick, FILES)
    assert not stick.exists()


def test_full_drive_is_refused_before_writing(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        usb_export.shutil,
        "disk_usage",
        lambda _p: shutil._ntuple_diskusage(10**6, 10**6, 1000),  # type: ignore[attr-defined]
    )
    with pytest.raises(WriteFailed, match="đầy") as info:
        export_files(stick, FILES)
    assert "còn trống" in str(info.value)
    assert list(stick.iterdir()) == []


def test_missing_folder_and_cancel(stick: Path) -> None:
    with pytest.raises(WriteFailed, match="Không tìm thấy thư mục"):
        export_files(stick / "không có", FILES)
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(ExportCancelled):
        export_files(stick, FILES, cancelled=cancelled)
    assert list(stick.iterdir()) == []


def test_names_are_checked(stick: Path) -> None:
    for bad in ("a/b.pdf", "con:.pdf", "x.pdf.", ""):
        with pytest.raises(UserError):
            export_files(stick, [(bad, producer(b"1"))])
    with pytest.raises(UserError, match="trùng tên"):
        export_files(stick, [("A.pdf", producer(b"1")), ("a.pdf", producer(b"2"))])
    with pytest.raises(UserError):
        export_files(stick, [(CHECKSUM_FILE, producer(b"1"))])
    assert list(stick.iterdir()) == []


def test_linux_drive_detection(tmp_path: Path) -> None:
    sys_block = tmp_path / "sys" / "block"
    for name, removable in (("sda", "0"), ("sdb", "1"), ("mmcblk0", "1"), ("sdc", "1")):
        (sys_block / name).mkdir(parents=True)
        (sys_block / name / "removable").write_text(removable + "\n")
    mounts = "\n".join(
        [
            "/dev/sda1 / ext4 rw,relatime 0 0",
            "/dev/sda2 /mnt/data ext4 rw,relatime 0 0",
            "/dev/sdb1 /media/user/KINGSTON vfat rw,nosuid 0 0",
            "/dev/mmcblk0p1 /run/media/user/THẺ\\040NHỚ exfat rw 0 0",
            "/dev/sdc1 /media/user/READONLY vfat ro,nosuid 0 0",
            "/dev/sdb1 /home/user/elsewhere vfat rw 0 0",
            "tmpfs /run tmpfs rw 0 0",
        ]
    )
    drives = linux_drives(mounts, sys_block, with_usage=False)
    assert [(d.path, d.label) for d in drives] == [
        (Path("/media/user/KINGSTON"), "KINGSTON"),
        (Path("/run/media/user/THẺ NHỚ"), "THẺ NHỚ"),
    ]
    assert "còn trống 1,5 GB" in Drive(Path("/x"), "X", free_bytes=1536 * 1024**2).display
    assert format_size(1536) == "1,5 KB" and format_size(12) == "12 B"

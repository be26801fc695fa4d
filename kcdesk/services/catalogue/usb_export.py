"""Write chosen files to a USB stick (or any folder) safely (xuất tệp ra USB).

Each file is first produced on this PC's disk, then copied to the target with
``safe_write.atomic_copy`` (temporary name, flush and fsync, rename, re-read to
verify the SHA-256), and a checksum list ``SHA256SUMS.txt`` is written beside
them the same way. A full, read-only or pulled-out drive stops the export with a
clear message; the file being written is never left half-written and the files
already written by this export are removed again, so the stick never holds half
an export. Other features (exchange packs, backups) reuse ``export_files``.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kcdesk.services.catalogue.removable_drives import format_size
from kcdesk.services.core import os_errors
from kcdesk.services.core.errors import UserError
from kcdesk.services.core.file_names import name_problem
from kcdesk.services.core.safe_write import (
    WriteFailed,
    atomic_copy,
    atomic_write_bytes,
    check_fits,
    explain,
    sha256_of,
)

log = logging.getLogger(__name__)

CHECKSUM_FILE = "SHA256SUMS.txt"
NEW_SUFFIX = ".kcdesk-moi"
OLD_SUFFIX = ".kcdesk-cu"
# Keep this much free beyond the files themselves (FAT directory entries, the list).
MARGIN_BYTES = 64 * 1024

Producer = Callable[[Path], None]
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class WrittenFile:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    files: tuple[WrittenFile, ...]
    checksum_file: Path

    @property
    def message(self) -> str:
        return f"Đã ghi và kiểm tra {len(self.files)} tệp vào {self.folder}. {EJECT_ADVICE}"


# Every file was fsynced and read back, but Windows may still hold the stick's
# directory entries in its cache: the user ejects it before pulling it out.
EJECT_ADVICE = (
    "Để rút USB an toàn, trước hết hãy bấm «Tháo thiết bị an toàn» (Safely Remove "
    "Hardware) ở góc phải thanh tác vụ, hoặc chuột phải vào ổ USB trong File Explorer "
    "rồi chọn «Eject»."
    if sys.platform == "win32"
    else "Để rút USB an toàn, trước hết hãy tháo ổ (Eject) trong trình quản lý tệp."
)


class ExportCancelled(UserError):
    """The user cancelled; nothing of this export was left on the target."""


def check_name(name: str) -> str:
    """An NFC file name without folders or characters Windows/FAT forbid."""
    name = unicodedata.normalize("NFC", name).strip()
    problem = name_problem(name)
    if problem is not None:
        raise UserError(f"Tên tệp «{name}» không dùng được trên USB: {problem}.")
    return name


def checksum_text(files: Sequence[WrittenFile]) -> str:
    """The ``sha256sum`` format: '<hex>  <name>' per line (check with sha256sum -c)."""
    return "".join(f"{f.sha256}  {f.name}\n" for f in files)


def verify_folder(folder: Path) -> list[str]:
    """Re-check a folder against its SHA256SUMS.txt; returns the names that differ."""
    bad: list[str] = []
    for line in (folder / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = folder / name
        if not path.is_file() or sha256_of(path) != digest:
            bad.append(name)
    return bad


def _check_space(folder: Path, needed: int) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # cannot tell; the write itself will report a full drive
    if needed + MARGIN_BYTES > free:
        raise WriteFailed(
            f"Không ghi được vào {folder}: ổ đĩa đã đầy (cần {format_size(needed)}, "
            f"còn trống {format_size(free)}). Chưa có tệp nào được ghi."
        )


def export_files(
    folder: Path,
    files: Sequence[tuple[str, Producer]],
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Produce every ``(name, producer)`` and write it into ``folder`` atomically.

    ``producer(path)`` writes the file at ``path`` (a temporary path on this PC).
    Raises WriteFailed (full, read-only, removed drive…) or ExportCancelled; in both
    cases the stick is left as it was before the export.
    """
    names = [check_name(name) for name, _ in files]
    if len(set(n.casefold() for n in names)) != len(names):
        raise UserError("Hai tệp xuất ra trùng tên.")
    if CHECKSUM_FILE.casefold() in (n.casefold() for n in names):
        raise UserError(f"Tên {CHECKSUM_FILE} dành cho danh sách mã kiểm tra.")
    if not folder.is_dir():
        raise WriteFailed(
            f"Không tìm thấy thư mục {folder} (có thể USB đã bị rút). Hãy cắm lại và chọn lại."
        )
    steps = 2 * len(files) + 1

    def report(done: int, text: str) -> None:
        if progress is not None:
            progress(done, steps, text)

    def stop_if_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled("Đã hủy xuất tệp; không để lại tệp nào trên USB.")

    # The local work folder is removed at the end whatever happens; a failure to remove
    # it (Windows: an antivirus still scanning a file) is not a failure of the export.
    with tempfile.TemporaryDirectory(prefix="kcdesk-export-", ignore_cleanup_errors=True) as tmp:
        staged: list[tuple[str, Path]] = []
        for i, ((_, produce), name) in enumerate(zip(files, names, strict=True)):
            stop_if_cancelled()
            report(i, f"Đang tạo {name}…")
            local = Path(tmp) / f"{i}-{name}"
            try:
                produce(local)
            except OSError as exc:
                raise WriteFailed(
                    f"Không tạo được tệp {name} trên máy này: {explain(exc)}. Chưa ghi gì ra USB."
                ) from exc
            staged.append((name, local))
        _check_space(folder, sum(path.stat().st_size for _, path in staged))
        for name, local in staged:  # a file over 4 GB for a FAT32 stick: refuse first
            check_fits(folder / name, local.stat().st_size)
        results = _write_all(folder, staged, report, stop_if_cancelled, len(files), steps)
    report(steps, "Xong.")
    return ExportResult(folder=folder, files=tuple(results), checksum_file=folder / CHECKSUM_FILE)


def _write_all(
    folder: Path,
    staged: list[tuple[str, Path]],
    report: Callable[[int, str], None],
    stop_if_cancelled: Callable[[], None],
    offset: int,
    steps: int,
) -> list[WrittenFile]:
    """Copy every file beside its target as ``name.kcdesk-moi`` (verified), then swap
    them in. Until the swap nothing the stick held before is touched; during the swap
    an older file is kept as ``name.kcdesk-cu`` until the new one is in place, so a
    rollback puts it back and the stick never lacks both versions of a file."""
    new_files: list[Path] = []
    results: list[WrittenFile] = []
    try:
        for i, (name, local) in enumerate(staged):
            stop_if_cancelled()
            report(offset + i, f"Đang ghi {name}…")
            target = folder / (name + NEW_SUFFIX)
            digest = atomic_copy(local, target)
            new_files.append(target)
            results.append(WrittenFile(name, digest, local.stat().st_size))
        report(steps - 1, f"Đang ghi {CHECKSUM_FILE}…")
        sums = folder / (CHECKSUM_FILE + NEW_SUFFIX)
        atomic_write_bytes(sums, checksum_text(results).encode("utf-8"))
        new_files.append(sums)
    except BaseException:
        for path in new_files:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    _swap_in(folder, [path.name[: -len(NEW_SUFFIX)] for path in new_files])
    return results


def _swap_in(folder: Path, names: list[str]) -> None:
    done: list[tuple[Path, Path | None]] = []  # (target, the older file kept aside)
    try:
        for name in names:
            target, new = folder / name, folder / (name + NEW_SUFFIX)
            old: Path | None = None
            if target.exists():
                old = folder / (name + OLD_SUFFIX)
                os_errors.replace(target, old)
            try:
                os_errors.replace(new, target)
            except OSError:
                if old is not None:
                    with contextlib.suppress(OSError):
                        os_errors.replace(old, target)
                raise
            done.append((target, old))
    except OSError as exc:
        for target, old in reversed(done):
            with contextlib.suppress(OSError):
                if old is not None:
                    os_errors.replace(old, target)
                else:
                    target.unlink()
        for name in names:
            with contextlib.suppress(OSError):
                (folder / (name + NEW_SUFFIX)).unlink(missing_ok=True)
        raise WriteFailed(
            f"Không ghi được vào {folder}: {explain(exc)}. Các tệp trên USB vẫn như trước."
        ) from exc
    for _target, old in done:
        if old is None:
            continue
        try:
            old.unlink()
        except OSError as exc:  # the export is written and verified: keep it
            log.warning("cannot remove the older copy %s: %s", old, exc)

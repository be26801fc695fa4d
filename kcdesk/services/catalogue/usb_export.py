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
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kcdesk.services.catalogue.removable_drives import format_size
from kcdesk.services.core.errors import UserError
from kcdesk.services.core.safe_write import (
    WriteFailed,
    atomic_copy,
    atomic_write_bytes,
    explain,
    sha256_of,
)

CHECKSUM_FILE = "SHA256SUMS.txt"
# Keep this much free beyond the files themselves (FAT directory entries, the list).
MARGIN_BYTES = 64 * 1024
_FORBIDDEN = set('<>:"/\\|?*')

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
        return (
            f"Đã ghi và kiểm tra {len(self.files)} tệp vào {self.folder}. Có thể rút USB an toàn."
        )


class ExportCancelled(UserError):
    """The user cancelled; nothing of this export was left on the target."""


def check_name(name: str) -> str:
    """An NFC file name without folders or characters Windows/FAT forbid."""
    name = unicodedata.normalize("NFC", name).strip()
    if not name or name in (".", "..") or any(ch in _FORBIDDEN or ord(ch) < 32 for ch in name):
        raise UserError(f"Tên tệp «{name}» không dùng được trên USB.")
    if name.rstrip(". ") != name:
        raise UserError(f"Tên tệp «{name}» không được kết thúc bằng dấu chấm hay khoảng trắng.")
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
    cases the files this call wrote are removed again.
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

    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="kcdesk-export-") as tmp:
            staged: list[tuple[str, Path]] = []
            for i, ((_, produce), name) in enumerate(zip(files, names, strict=True)):
                stop_if_cancelled()
                report(i, f"Đang tạo {name}…")
                local = Path(tmp) / f"{i}-{name}"
                try:
                    produce(local)
                except OSError as exc:
                    raise WriteFailed(
                        f"Không tạo được tệp {name} trên máy này: {explain(exc)}. "
                        "Chưa ghi gì ra USB."
                    ) from exc
                staged.append((name, local))
            _check_space(folder, sum(path.stat().st_size for _, path in staged))
            results: list[WrittenFile] = []
            for i, (name, local) in enumerate(staged):
                stop_if_cancelled()
                report(len(files) + i, f"Đang ghi {name}…")
                target = folder / name
                digest = atomic_copy(local, target)
                written.append(target)
                results.append(WrittenFile(name, digest, local.stat().st_size))
            report(steps - 1, f"Đang ghi {CHECKSUM_FILE}…")
            sums = folder / CHECKSUM_FILE
            atomic_write_bytes(sums, checksum_text(results).encode("utf-8"))
            written.append(sums)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    report(steps, "Xong.")
    return ExportResult(folder=folder, files=tuple(results), checksum_file=sums)

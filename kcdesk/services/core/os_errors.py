"""What went wrong with a file, in words a user acts on (lỗi ghi tệp trên Windows).

Windows reports the cause of a failed write in ``OSError.winerror``; ``errno`` alone
folds "file open in Excel", "write-protected stick" and "no permission" into one
EACCES. The Windows code is read first, then errno (Linux and the rest). A replace
that fails because another program holds the file for a moment (the preview, an
antivirus scanning a new file on the stick) is retried briefly before failing
(docs/packaging.md, "Files that Windows holds open").
"""

from __future__ import annotations

import errno
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

OPEN_ELSEWHERE = "tệp đang mở trong chương trình khác, hãy đóng tệp đó lại rồi thử lại"
WRITE_PROTECTED = "USB hoặc thẻ nhớ đang bị khóa chống ghi (gạt khóa trên USB/thẻ rồi cắm lại)"
REMOVED = "ổ đĩa không còn kết nối (có thể USB đã bị rút); hãy cắm lại rồi thử lại"
DISK_FULL = "ổ đĩa đã đầy"
TOO_LARGE = "tệp lớn hơn 4 GB, vượt giới hạn của USB định dạng FAT32"
NO_PERMISSION = "không có quyền ghi vào thư mục này"

# Windows system error codes (winerror.h).
WINERROR_MESSAGES: dict[int, str] = {
    5: f"{NO_PERMISSION}, hoặc {OPEN_ELSEWHERE}",  # ERROR_ACCESS_DENIED
    32: OPEN_ELSEWHERE,  # ERROR_SHARING_VIOLATION
    33: OPEN_ELSEWHERE,  # ERROR_LOCK_VIOLATION
    1224: OPEN_ELSEWHERE,  # ERROR_USER_MAPPED_FILE
    19: WRITE_PROTECTED,  # ERROR_WRITE_PROTECT
    21: REMOVED,  # ERROR_NOT_READY
    15: REMOVED,  # ERROR_INVALID_DRIVE
    55: REMOVED,  # ERROR_DEV_NOT_EXIST
    433: REMOVED,  # ERROR_NO_SUCH_DEVICE
    1117: REMOVED,  # ERROR_IO_DEVICE
    1167: REMOVED,  # ERROR_DEVICE_NOT_CONNECTED
    483: REMOVED,  # ERROR_DEVICE_HARDWARE_ERROR
    112: DISK_FULL,  # ERROR_DISK_FULL
    39: DISK_FULL,  # ERROR_HANDLE_DISK_FULL
    223: TOO_LARGE,  # ERROR_FILE_TOO_LARGE
    206: "đường dẫn quá dài; hãy chọn thư mục ngắn hơn",  # ERROR_FILENAME_EXCED_RANGE
    123: "tên tệp hoặc thư mục không hợp lệ trên Windows",  # ERROR_INVALID_NAME
}

ERRNO_MESSAGES: dict[int, str] = {
    errno.ENOSPC: DISK_FULL,
    errno.EROFS: "ổ đĩa chỉ cho phép đọc (có thể đang gạt khóa chống ghi)",
    errno.EACCES: NO_PERMISSION,
    errno.EPERM: NO_PERMISSION,
    errno.ENOENT: "ổ đĩa hoặc thư mục không còn (có thể USB đã bị rút)",
    errno.EIO: "lỗi đọc/ghi thiết bị (có thể USB đã bị rút)",
    errno.ENODEV: "thiết bị không còn (có thể USB đã bị rút)",
    errno.ENXIO: "thiết bị không còn (có thể USB đã bị rút)",
    errno.EFBIG: TOO_LARGE,
    errno.ETXTBSY: OPEN_ELSEWHERE,
    errno.ENAMETOOLONG: "đường dẫn quá dài; hãy chọn thư mục ngắn hơn",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
}

# A file held for a moment by another program: worth waiting for.
TRANSIENT_WINERRORS = frozenset({5, 32, 33, 1224})
RETRY_PAUSES = (0.05, 0.1, 0.2, 0.4, 0.8)


def explain(exc: OSError) -> str:
    """One Vietnamese clause for ``exc`` (no codes, no English)."""
    winerror = getattr(exc, "winerror", None)
    if isinstance(winerror, int) and winerror in WINERROR_MESSAGES:
        return WINERROR_MESSAGES[winerror]
    if exc.errno in ERRNO_MESSAGES:
        return ERRNO_MESSAGES[exc.errno or 0]
    return "lỗi hệ thống khi ghi tệp"


def is_transient(exc: OSError) -> bool:
    """Another program holds the file (preview, Excel, antivirus): retry may succeed."""
    winerror = getattr(exc, "winerror", None)
    if isinstance(winerror, int):
        return winerror in TRANSIENT_WINERRORS
    return isinstance(exc, PermissionError)


def replace(
    source: Path | str,
    target: Path | str,
    *,
    pauses: tuple[float, ...] = RETRY_PAUSES,
    sleep: Callable[[float], None] | None = None,
) -> None:
    """``os.replace`` that waits briefly (1.5 s in all) while the target is held open."""
    sleep = sleep or time.sleep
    for pause in (*pauses, None):
        try:
            os.replace(source, target)
            return
        except OSError as exc:
            if pause is None or not is_transient(exc):
                raise
            log.info("replace %s held (%s); retrying in %.2f s", target, exc, pause)
            sleep(pause)

"""Standard streams of the two executables, made safe before anything is printed.

Three Windows facts (docs/packaging.md, "Windows: streams"):

- Redirected to a file or a pipe, Python writes in the ANSI code page (cp1252 on an
  English Windows, cp1258 on a Vietnamese one), which cannot encode most Vietnamese
  letters: ``kcdesk-cli init > log`` created the database and then died with
  UnicodeEncodeError. Every text stream is switched to UTF-8 here, whatever the
  frozen interpreter's UTF-8 mode says (``installer.spec`` sets it too).
- In the windowed ``kcdesk.exe`` ``sys.stdout`` and ``sys.stderr`` are None: the first
  ``print`` or argparse message raised a traceback dialog. They are pointed at the
  log, and a command given to the windowed exe gets a message naming
  ``kcdesk-cli.exe`` instead (``kcdesk.cli.main``).
- ``kcdesk-cli register | head`` closes the pipe early: BrokenPipeError is not a
  user error and must not print a traceback (``silence_broken_pipe``).
"""

from __future__ import annotations

import io
import logging
import os
import sys
from typing import Any, TextIO

CONSOLE_EXE = "kcdesk-cli.exe"
# A process stopped by SIGPIPE exits 128 + 13; the same code keeps `set -o pipefail`
# scripts honest without a traceback.
EXIT_BROKEN_PIPE = 141

_log = logging.getLogger("kcdesk.console")


class LogStream(io.TextIOBase):
    """A text stream that writes whole lines into the log (``logs/kcdesk.log``)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level
        self._pending = ""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                _log.log(self.level, "%s", line)
        return len(text)

    def flush(self) -> None:
        if self._pending.strip():
            _log.log(self.level, "%s", self._pending)
        self._pending = ""


def _to_utf8(stream: Any) -> None:
    encoding = (getattr(stream, "encoding", None) or "").replace("-", "").lower()
    if encoding == "utf8" or not hasattr(stream, "reconfigure"):
        return
    try:
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    except (ValueError, OSError, io.UnsupportedOperation):
        # Nothing to gain from failing here: the stream keeps its encoding.
        return


def prepare_streams() -> bool:
    """UTF-8 on every text stream; None streams go to the log.

    Returns True when the process has no console (the windowed exe), so the caller
    can tell the user that commands belong to ``kcdesk-cli.exe``.
    """
    windowed = sys.stdout is None or sys.stderr is None
    if windowed:
        from kcdesk.logsetup import setup_logging

        setup_logging()
    if sys.stdout is None:
        sys.stdout = LogStream(logging.INFO)
    if sys.stderr is None:
        sys.stderr = LogStream(logging.WARNING)
    for stream in (sys.stdout, sys.stderr):
        _to_utf8(stream)
    return windowed


def console_only_message(argv: list[str]) -> str:
    """What the windowed exe says when it was given a command or a file."""
    given = " ".join(argv)[:200]
    return (
        f"kcdesk.exe mở giao diện và không chạy lệnh (đã nhận: «{given}»). "
        f"Các lệnh chạy bằng {CONSOLE_EXE} trong thư mục cài đặt, "
        f"ví dụ: {CONSOLE_EXE} --help"
    )


def silence_broken_pipe(stream: TextIO | None = None) -> None:
    """The reader of our stdout has gone: drop what is left instead of failing again
    when Python flushes the stream at exit (Python's documented recipe)."""
    stream = stream or sys.stdout
    try:
        fileno = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fileno)
    except OSError:
        pass
    finally:
        os.close(devnull)

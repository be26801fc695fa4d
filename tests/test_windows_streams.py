"""Streams of the two executables (issue 26 §1): a cp1252 pipe, None streams of the
windowed exe, and a pipe closed early by `head` — simulated on Linux."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from kcdesk.cli import main as cli_main
from kcdesk.cli import streams

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONUTF8", None)
    env.update(KCDESK_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen", **extra)
    return env


def test_init_redirected_to_a_cp1252_pipe_prints_vietnamese(tmp_path: Path) -> None:
    # What Windows gives a redirected console program: the ANSI code page, no UTF-8 mode.
    db = tmp_path / "C#Dev" / "kcdesk.sqlite"
    code = f"import sys; from kcdesk.cli.main import main; sys.exit(main(['--db', {str(db)!r}, 'init']))"
    done = subprocess.run(
        [sys.executable, "-X", "utf8=0", "-c", code],
        capture_output=True,
        env=_env(tmp_path, PYTHONIOENCODING="cp1252"),
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("utf-8")  # UTF-8, whatever the code page said
    assert "Cơ sở dữ liệu sẵn sàng" in out and "Đã nạp" in out
    assert b"Traceback" not in done.stderr


def test_error_message_to_a_cp1252_stderr(tmp_path: Path) -> None:
    code = "import sys; from kcdesk.cli.main import main; sys.exit(main(['--db', '/không/có.sqlite', 'proposal', 'list']))"
    done = subprocess.run(
        [sys.executable, "-X", "utf8=0", "-c", code],
        capture_output=True,
        env=_env(tmp_path, PYTHONIOENCODING="cp1252"),
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2
    err = done.stderr.decode("utf-8")
    assert err.startswith("kcdesk: ") and "Không tìm thấy" in err and "Traceback" not in err


def test_none_streams_go_to_the_log_and_commands_name_the_console_exe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    shown: list[str] = []
    import kcdesk.app

    monkeypatch.setattr(kcdesk.app, "show_console_only", shown.append)
    # A PDF dropped on kcdesk.exe's icon arrives as a command-line argument.
    assert cli_main.main([str(tmp_path / "Đề án 12-2027.pdf")]) == 2
    assert len(shown) == 1 and "kcdesk-cli.exe" in shown[0] and "Đề án 12-2027.pdf" in shown[0]
    # print() no longer fails: it lands in the log (logs/kcdesk.log, set up first).
    assert any(isinstance(h, RotatingFileHandler) for h in logging.getLogger().handlers)
    with caplog.at_level(logging.INFO, logger="kcdesk.console"):
        print("Xin chào từ kcdesk.exe")
        sys.stdout.flush()
    assert "Xin chào từ kcdesk.exe" in [r.getMessage() for r in caplog.records]
    monkeypatch.setattr(sys, "stdout", None)  # a new start of the windowed exe
    assert cli_main.main(["--version"]) == 2 and "kcdesk-cli.exe --help" in shown[1]


def test_log_stream_writes_whole_lines(caplog: pytest.LogCaptureFixture) -> None:
    stream = streams.LogStream(logging.WARNING)
    with caplog.at_level(logging.INFO, logger="kcdesk.console"):
        stream.write("dòng một\ndòng ")
        stream.write("hai\n\n")
        stream.write("dở")
        stream.flush()
    assert [r.getMessage() for r in caplog.records] == ["dòng một", "dòng hai", "dở"]
    assert stream.encoding == "utf-8" and not stream.isatty()


def test_pipe_closed_early_by_head_has_no_traceback(tmp_path: Path) -> None:
    db = tmp_path / "kcdesk.sqlite"
    env = _env(tmp_path)
    init = subprocess.run(
        [sys.executable, "-m", "kcdesk.cli.main", "--db", str(db), "init"],
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    # --help is long; the reader closes the pipe after one byte, like `| head -c1`.
    proc = subprocess.Popen(
        [sys.executable, "-m", "kcdesk.cli.main", "--db", str(db), "--help"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = proc.wait()
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert code in (0, streams.EXIT_BROKEN_PIPE)


def test_broken_pipe_inside_a_command_is_caught(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli_main, "_main", broken)
    silenced: list[object] = []
    monkeypatch.setattr(streams, "silence_broken_pipe", lambda *a: silenced.append(a))
    assert cli_main.main(["proposal", "list"]) == streams.EXIT_BROKEN_PIPE
    assert silenced and capsys.readouterr().err == ""


def test_console_only_message_is_vietnamese() -> None:
    text = streams.console_only_message(["init", "--db", "x.sqlite"])
    assert text.startswith("kcdesk.exe mở giao diện") and "«init --db x.sqlite»" in text


def test_console_only_message_box(monkeypatch: pytest.MonkeyPatch, qtbot: object) -> None:
    from PySide6.QtWidgets import QMessageBox

    import kcdesk.app

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    kcdesk.app.show_console_only(streams.console_only_message(["init"]))
    assert shown and "kcdesk-cli.exe" in shown[0]

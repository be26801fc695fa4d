"""Entry point ``kcdesk``: no command opens the GUI; commands run headless.

User mistakes end as one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from kcdesk.cli import help_vi, streams

# The commands' modules (the database layer: SQLAlchemy and the models) are imported
# by the paths that run a command: the GUI shows its window before it needs them.

EXIT_USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"kcdesk: lỗi: {message}\n")
        raise SystemExit(EXIT_USER_ERROR)


# Top-level commands and the one module that registers each: run alone, they build a
# parser of that module only (``_command_module``). Importing every command module —
# the PDF and spreadsheet writers of the others — cost ``kcdesk check`` a second.
LIGHT_COMMANDS = {"check": "cmd_security", "backup": "cmd_security", "restore": "cmd_security"}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or (``only``) of one command module's commands."""
    from kcdesk import __version__
    from kcdesk.cli.context import CommandRegistry

    help_vi.install()
    parser = _Parser(
        prog="kcdesk",
        description="kcdesk — bàn làm việc khuyến công. Không có lệnh: mở giao diện.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"kcdesk {__version__}",
        help="hiện số phiên bản rồi thoát",
    )
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="tệp cơ sở dữ liệu hoặc URL SQLAlchemy (mặc định: trong thư mục dữ liệu người dùng)",
    )
    parser.add_argument("--demo", action="store_true", help="mở cơ sở dữ liệu trình diễn")
    parser.add_argument(
        "--login",
        dest="login_user",
        metavar="TÊN",
        help="đăng nhập khi cơ sở dữ liệu không ở chế độ một người dùng "
        "(mật khẩu trong biến KCDESK_PASSWORD hoặc nhập khi được hỏi)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    registry = CommandRegistry(subparsers)
    package = importlib.import_module("kcdesk.cli")
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module.name.startswith("cmd_") and only in (None, module.name):
            importlib.import_module(f"kcdesk.cli.{module.name}").register(registry)
    return parser


class _NotPlainGui(Exception):
    pass


class _GuiParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotPlainGui(message)


def _plain_gui_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """``kcdesk [--db X] [--demo]`` (no command): parsed without importing every
    command module, which would cost the GUI's cold start a second or more."""
    parser = _GuiParser(add_help=False)
    parser.add_argument("--db")
    parser.add_argument("--demo", action="store_true")
    try:
        args, rest = parser.parse_known_args(list(argv))
    except _NotPlainGui:
        return None
    return None if rest else args


def _command_module(argv: Sequence[str]) -> str | None:
    """The module of a LIGHT_COMMANDS command given after the global options; None
    for anything else (help, version, another command), which gets the whole parser."""
    parser = _GuiParser(add_help=False)
    parser.add_argument("--db")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--login")
    try:
        _args, rest = parser.parse_known_args(list(argv))
    except _NotPlainGui:
        return None
    return LIGHT_COMMANDS.get(rest[0]) if rest else None


# Options that name a file a command writes (--out, --key-out, --xlsx, --pdf, --letter).
_OUTPUT_OPTIONS = ("out", "key_out", "xlsx", "pdf", "letter")


def _check_outputs(args: argparse.Namespace) -> None:
    """Every output is a regular file (or a new one), never a device, folder or link."""
    from kcdesk.services.core.output_path import check_output

    for name in _OUTPUT_OPTIONS:
        value = getattr(args, name, None)
        if isinstance(value, str) and value:
            check_output(value, folder_ok=args.command == "backup")


def main(argv: Sequence[str] | None = None) -> int:
    windowed = streams.prepare_streams()
    try:
        code = _main(argv, windowed)
        sys.stdout.flush()  # inside the try: a closed pipe is found here, not at exit
        return code
    except BrokenPipeError:
        # `kcdesk register | head`: the reader left early; not an error to report.
        streams.silence_broken_pipe()
        return streams.EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None, windowed: bool) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    gui = _plain_gui_args(args_list)
    if gui is not None:
        from kcdesk.app import run_gui

        return run_gui(db_arg=gui.db, demo=gui.demo)
    if windowed:
        # kcdesk.exe has no console: a command, a file dropped on the icon or "Open
        # with" would print nowhere. Say where commands run instead.
        from kcdesk.app import show_console_only

        show_console_only(streams.console_only_message(args_list))
        return EXIT_USER_ERROR
    parser = build_parser(_command_module(args_list))
    args = parser.parse_args(argv)
    if args.command is None:
        from kcdesk.app import run_gui

        return run_gui(db_arg=args.db, demo=args.demo)
    handler = getattr(args, "handler", None)
    if handler is None:
        args.group_parser.print_help(sys.stderr)
        return EXIT_USER_ERROR
    return _run_command(args, handler)


def _run_command(args: argparse.Namespace, handler: Callable[..., int | None]) -> int:
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    from kcdesk.cli.context import CliContext
    from kcdesk.cli.gate import check_role
    from kcdesk.models.db import DatabaseError
    from kcdesk.services.core.concurrency import as_user_error
    from kcdesk.services.core.errors import UserError

    ctx = CliContext(db_arg=args.db, user=args.login_user)
    try:
        _check_outputs(args)
        check_role(args, ctx)
        return int(handler(args, ctx) or 0)
    except (UserError, DatabaseError) as exc:
        sys.stderr.write(f"kcdesk: {exc}\n")
        return EXIT_USER_ERROR
    except (StaleDataError, OperationalError) as exc:
        # A write that lost a race with another writer: one line, never a traceback.
        message = as_user_error(exc)
        if message is None:
            raise
        sys.stderr.write(f"kcdesk: {message}\n")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("kcdesk: đã dừng theo yêu cầu.\n")
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

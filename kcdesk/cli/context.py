"""What a command handler gets: parsed options, the database, the actor, output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kcdesk import paths
from kcdesk.formatting import parse_date
from kcdesk.models.db import Database, DatabaseError, open_database
from kcdesk.services.core.errors import UserError
from kcdesk.services.security.actor import SYSTEM, Actor

PASSWORD_ENV = "KCDESK_PASSWORD"

Handler = Callable[[argparse.Namespace, "CliContext"], int]


def cli_date(text: str | None, what: str) -> date | None:
    """A date given on the command line (dd/mm/yyyy or yyyy-mm-dd); None when not given.

    ``what`` names the option or field in the one-line error message.
    """
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UserError(f"{what}: {exc}") from exc


def cli_required_date(text: str, what: str) -> date:
    """A date option the command cannot do without."""
    found = cli_date(text, what)
    if found is None:
        raise UserError(f"{what}: cần một ngày (dd/mm/yyyy).")
    return found


def cli_date_or_today(text: str | None, what: str) -> date:
    """A date option that means "today" when not given (a payment, an acceptance…)."""
    return cli_date(text, what) or date.today()


@dataclass
class CliContext:
    """Lazily opens the database named by ``--db`` (or the default one).

    ``actor`` is who the command acts as: the built-in administrator while the
    database is in single-user mode, otherwise the user named by ``--login`` after
    a password check (from ``KCDESK_PASSWORD`` or typed at the prompt), so the
    services' role checks hold on the command line as in the GUI.
    """

    db_arg: str | None
    user: str | None = None
    _db: Database | None = field(default=None, repr=False)
    _actor: Actor | None = field(default=None, repr=False)

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            self._actor = self._log_in()
        return self._actor

    def _log_in(self) -> Actor:
        from kcdesk.services.core import settings
        from kcdesk.services.security import lockout, users

        if self.user:
            password = os.environ.get(PASSWORD_ENV)
            if password is None:
                if not sys.stdin.isatty():
                    raise UserError(
                        f"Cần mật khẩu của {self.user}: đặt biến môi trường {PASSWORD_ENV} "
                        "hoặc chạy lệnh trong cửa sổ dòng lệnh để nhập."
                    )
                password = getpass.getpass(f"Mật khẩu của {self.user}: ")
            with self.db.session() as session:
                # Counted apart from the GUI on this PC (services/security/lockout).
                source = lockout.login_source("cli")
                return users.authenticate(session, self.user, password, source=source)
        try:
            db = self.db
        except DatabaseError:
            # A database that no longer opens can only be restored; nobody can log in.
            return SYSTEM
        with db.session() as session:
            # A server database is never single-user (docs/server.md): only before its
            # first account exists may the administrator act without one, to add it.
            if settings.get(session, "app.single_user") and (
                db.is_sqlite or not users.has_users(session)
            ):
                return SYSTEM
        raise UserError(
            "Cơ sở dữ liệu này yêu cầu đăng nhập: thêm --login TÊN (mật khẩu trong biến "
            f"{PASSWORD_ENV} hoặc nhập khi được hỏi)."
        )

    @property
    def db_location(self) -> str | Path:
        return self.db_arg if self.db_arg else paths.default_database_path()

    def open_db(self, *, create: bool = False, upgrade: bool = False) -> Database:
        if self._db is None:
            location = self.db_location
            if "://" not in str(location):
                from kcdesk.services.core.db_location import check_database_location

                warning = check_database_location(Path(location))  # a share: refused
                if warning:
                    sys.stderr.write(f"kcdesk: cảnh báo: {warning}\n")
            # The default database is the user's own: create it on first use.
            from kcdesk.services.setup.server_password import with_stored_password

            # A server URL without a password takes the one kept in the OS keyring.
            self._db = open_database(
                with_stored_password(str(self.db_location)),
                create=create or self.db_arg is None,
                upgrade_server=upgrade,
            )
            try:
                # Every command on a database that is not single-user needs a log-in.
                _ = self.actor
            except BaseException:
                self.close()
                raise
        return self._db

    @property
    def db(self) -> Database:
        return self.open_db()

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

    @staticmethod
    def print_json(data: Any) -> None:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")

    @staticmethod
    def say(text: str) -> None:
        sys.stdout.write(text + "\n")


class CommandRegistry:
    """Top-level commands and command groups (``proposal list``, ``proposal show`` …)."""

    def __init__(self, subparsers: argparse._SubParsersAction[Any]) -> None:
        self._top = subparsers
        self._groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}

    def command(self, name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        parser = self._top.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, help_text: str = "") -> argparse._SubParsersAction[Any]:
        if name in self._groups and help_text:
            # A module that adds a subcommand first (modules load alphabetically) makes
            # the group without a description: the module owning the group names it.
            for action in self._top._choices_actions:
                if action.dest == name and not action.help:
                    action.help = help_text
                    self._top.choices[name].description = help_text
        if name not in self._groups:
            parser = self._top.add_parser(name, help=help_text, description=help_text)
            parser.set_defaults(handler=None, group_parser=parser)
            self._groups[name] = parser.add_subparsers(dest=f"{name}_command", metavar="LỆNH")
        return self._groups[name]

    def subcommand(
        self, group: str, name: str, help_text: str, handler: Handler
    ) -> argparse.ArgumentParser:
        parser = self.group(group).add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(handler=handler)
        return parser

"""What a command handler gets: parsed options, the database, the actor, output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kcdesk import paths
from kcdesk.models.db import Database, open_database
from kcdesk.services.actor import SYSTEM, Actor

Handler = Callable[[argparse.Namespace, "CliContext"], int]


@dataclass
class CliContext:
    """Lazily opens the database named by ``--db`` (or the default one)."""

    db_arg: str | None
    actor: Actor = SYSTEM
    _db: Database | None = field(default=None, repr=False)

    @property
    def db_location(self) -> str | Path:
        return self.db_arg if self.db_arg else paths.default_database_path()

    def open_db(self, *, create: bool = False) -> Database:
        if self._db is None:
            # The default database is the user's own: create it on first use.
            self._db = open_database(self.db_location, create=create or self.db_arg is None)
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

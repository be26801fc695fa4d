"""``kcdesk check``, ``backup`` and ``restore`` parse with their own module's parser only
(issue 24: importing every command module cost ``check`` a second): the same
arguments as with the whole parser."""

from __future__ import annotations

import argparse

import pytest

from kcdesk.cli import main as cli_main


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(actions[0].choices)


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "--json"],
        ["--db", "sqlite:////tmp/x.sqlite", "check"],
        ["--login", "vanthu", "--db", "a b.sqlite", "check", "--json"],
        ["--db=kcdesk.sqlite", "check"],
        ["backup", "--out", "E:/"],
        ["--demo", "backup", "--out", "sao lưu.zip"],
        ["restore", "tệp.zip", "--yes", "--other-centre"],
        ["restore", "tệp.zip", "--check-only"],
    ],
)
def test_light_commands_parse_as_with_the_whole_parser(argv: list[str]) -> None:
    module = cli_main._command_module(argv)
    assert module == "cmd_security"
    light = cli_main.build_parser(module).parse_args(argv)
    whole = cli_main.build_parser().parse_args(argv)
    assert vars(light) == vars(whole)


def test_every_light_command_is_its_modules() -> None:
    whole = _subcommands(cli_main.build_parser())
    for command, module in cli_main.LIGHT_COMMANDS.items():
        assert command in _subcommands(cli_main.build_parser(module)) and command in whole


@pytest.mark.parametrize(
    "argv",
    [[], ["--help"], ["--version"], ["proposal", "list"], ["--db"], ["-x", "check"], ["user"]],
)
def test_anything_else_gets_the_whole_parser(argv: list[str]) -> None:
    assert cli_main._command_module(argv) is None

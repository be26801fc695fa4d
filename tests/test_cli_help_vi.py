"""The whole ``kcdesk --help`` is Vietnamese and every command says what it does (issue 20 §3)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from kcdesk.cli.main import build_parser, main

ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "optional arguments",
    "show this help",
    "show program's",
)


def _walk(
    parser: argparse.ArgumentParser, path: str = "kcdesk"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _walk(sub, f"{path} {name}")


def test_every_help_page_is_vietnamese_and_every_command_described() -> None:
    parser = build_parser()
    pages = list(_walk(parser))
    assert len(pages) > 60
    for path, sub in pages:
        text = sub.format_help()
        assert "cách dùng:" in text, path
        for english in ENGLISH:
            assert english not in text, (path, english)
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    assert choice.help, f"{path} {choice.dest}: no description"


def test_argparse_errors_are_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["no-such-command"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "lựa chọn không có" in err and "invalid choice" not in err
    with pytest.raises(SystemExit):
        main(["commune", "set", "facility"])
    err = capsys.readouterr().err
    assert "thiếu tham số bắt buộc" in err

"""``kcdesk self-test``: headless check of a build (see kcdesk.selftest)."""

from __future__ import annotations

import argparse

from kcdesk.cli.context import CliContext, CommandRegistry


def _self_test(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.selftest import run

    return run()


def register(registry: CommandRegistry) -> None:
    registry.command(
        "self-test", "tự kiểm tra bản cài đặt (không giao diện, thư mục tạm)", _self_test
    )

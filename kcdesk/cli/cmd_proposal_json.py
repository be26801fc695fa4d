"""``kcdesk proposal check|add --json FILE``: a proposal entered headless (docs/proposal-json.md).

Both run exactly the wizard's checks; ``add`` saves only when no error remains and
prints the new code. Problems are printed one a line with their field and the rule's
citation; any error means exit 2 and nothing saved.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.services.proposals import json_entry
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.proposals.validation import Problem

TEMPLATE_SOURCE = "mẫu đề án Phụ lục II (forms/proposal_template.toml)"


def _line(problem: Problem) -> str:
    kind = "LỖI" if problem.is_error else "Lưu ý"
    source = problem.source or ("" if "căn cứ:" in problem.message else TEMPLATE_SOURCE)
    cite = f" [căn cứ: {source}]" if source and source not in problem.message else ""
    return f"{kind} {problem.field}: {problem.message}{cite}"


def _report(ctx: CliContext, problems: list[Problem]) -> int:
    for problem in problems:
        ctx.say(_line(problem))
    errors = [p for p in problems if p.is_error]
    if errors:
        ctx.say(f"Đề án còn {len(errors)} lỗi: chưa lưu.")
        return 2
    return 0


def _check(args: argparse.Namespace, ctx: CliContext) -> int:
    raw = json_entry.read_json_file(Path(args.json))
    with ctx.db.session() as session:
        _data, problems = json_entry.check(session, raw)
    code = _report(ctx, problems)
    if code == 0:
        ctx.say("Đề án hợp lệ: không có lỗi.")
    return code


def _add(args: argparse.Namespace, ctx: CliContext) -> int:
    raw = json_entry.read_json_file(Path(args.json))
    with ctx.db.session() as session:
        data, problems = json_entry.check(session, raw)
        if any(p.is_error for p in problems):
            return _report(ctx, problems)
        for problem in problems:
            ctx.say(_line(problem))
        proposal = create_proposal(session, ctx.actor, data, check_files=False)
        code = proposal.code
    ctx.say(code)
    return 0


def register(registry: CommandRegistry) -> None:
    for name, handler, help_text in (
        ("check", _check, "kiểm tra một đề án ở dạng JSON (như «proposal show --json»)"),
        ("add", _add, "thêm một đề án từ tệp JSON (như «proposal show --json»)"),
    ):
        parser = registry.subcommand("proposal", name, help_text, handler)
        parser.add_argument(
            "--json", required=True, metavar="TỆP", help="tệp JSON của đề án (UTF-8)"
        )

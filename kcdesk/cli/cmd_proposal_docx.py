"""``kcdesk proposal docx CODE --out FILE``: a Word copy of one đề án khuyến công."""

from __future__ import annotations

import argparse
from pathlib import Path

from kcdesk.cli.context import CliContext, CommandRegistry


def _proposal_docx(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.reports.docx.write import write_proposal_docx

    target = Path(args.out)
    with ctx.db.session() as session:
        write_proposal_docx(session, args.code, target)
    ctx.say(f"Đã ghi bản Word của đề án {args.code} vào {target}.")
    return 0


def register(registry: CommandRegistry) -> None:
    parser = registry.subcommand(
        "proposal", "docx", "xuất đề án khuyến công ra tệp Word (.docx) để sửa", _proposal_docx
    )
    parser.add_argument("code", metavar="MÃ", help="mã đề án, ví dụ ĐA-2027-014")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp .docx sẽ ghi")

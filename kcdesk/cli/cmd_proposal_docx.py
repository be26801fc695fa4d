"""Word copies of one proposal's documents: ``kcdesk proposal docx CODE --out FILE`` (the
đề án) and ``kcdesk acceptance docx CODE --out FILE`` (its biên bản nghiệm thu)."""

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


def _acceptance_docx(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.reports.docx.write import write_docx
    from kcdesk.reports.implementation.acceptance_minutes_pdf import minutes_bytes
    from kcdesk.services.proposals.lookup import get_proposal

    target = Path(args.out)
    with ctx.db.session() as session:
        proposal = get_proposal(session, args.code)
        write_docx(target, lambda _handle: minutes_bytes(session, proposal))
    ctx.say(f"Đã ghi bản Word của biên bản nghiệm thu {args.code} vào {target}.")
    return 0


def register(registry: CommandRegistry) -> None:
    parser = registry.subcommand(
        "proposal", "docx", "xuất đề án khuyến công ra tệp Word (.docx) để sửa", _proposal_docx
    )
    parser.add_argument("code", metavar="MÃ", help="mã đề án, ví dụ ĐA-2027-014")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp .docx sẽ ghi")
    parser = registry.subcommand(
        "acceptance",
        "docx",
        "xuất biên bản nghiệm thu ra tệp Word (.docx) để sửa",
        _acceptance_docx,
    )
    parser.add_argument("code", metavar="MÃ", help="mã đề án đã nghiệm thu")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp .docx sẽ ghi")

"""``kcdesk proposal pdf CODE --out FILE``: print one đề án khuyến công as a PDF."""

from __future__ import annotations

import argparse
from pathlib import Path

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.reports.proposals.pdf import write_proposal_pdf
from kcdesk.services.proposals.lookup import get_proposal


def _proposal_pdf(args: argparse.Namespace, ctx: CliContext) -> int:
    target = Path(args.out)
    with ctx.db.session() as session:
        # An office clerk prints only their own office's proposals (refused as unknown).
        get_proposal(session, args.code, actor=ctx.actor)
        write_proposal_pdf(session, args.code, target)
    ctx.say(f"Đã ghi đề án {args.code} vào {target}.")
    return 0


def register(registry: CommandRegistry) -> None:
    parser = registry.subcommand(
        "proposal", "pdf", "in đề án khuyến công (Phụ lục II) ra tệp PDF", _proposal_pdf
    )
    parser.add_argument("code", metavar="MÃ", help="mã đề án, ví dụ ĐA-2027-014")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp PDF sẽ ghi")

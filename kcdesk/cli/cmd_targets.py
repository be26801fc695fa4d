"""``kcdesk programme unassigned CODE`` and ``kcdesk programme assign``: the outputs
recorded before targets existed that two targets or more could count (migration 0010
left them unassigned, so nothing is counted twice) and the user's choice for each."""

from __future__ import annotations

import argparse

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.services.programmes import membership


def _unassigned(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        rows = membership.unassigned(session, args.code)
    if args.json:
        ctx.print_json(
            [
                {
                    "proposal": r.proposal_code,
                    "plan_year": r.plan_year,
                    "activity": r.activity,
                    "measure": r.measure,
                    "planned": r.planned,
                    "achieved": r.achieved,
                    "targets": list(r.candidates),
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        ctx.say(f"Chương trình {args.code}: mọi kết quả đã gắn chỉ tiêu.")
        return 0
    for r in rows:
        ctx.say(
            f"{r.proposal_code}  {r.measure:<14} dự kiến {r.planned}  "
            f"→ chọn một chỉ tiêu: {', '.join(r.candidates)}"
        )
    ctx.say(
        f"({len(rows)} kết quả chưa tính vào chỉ tiêu nào; gắn bằng "
        "«kcdesk programme assign MÃ_ĐỀ_ÁN MÃ_KẾT_QUẢ MÃ_CHỈ_TIÊU»)"
    )
    return 0


def _assign(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        membership.assign(session, ctx.actor, args.proposal, args.measure, args.target)
    ctx.say(
        f"Đã tính kết quả «{args.measure}» của đề án {args.proposal} vào chỉ tiêu {args.target}."
    )
    return 0


def register(registry: CommandRegistry) -> None:
    p = registry.subcommand(
        "programme",
        "unassigned",
        "kết quả của đề án chưa gắn chỉ tiêu nào (cần người dùng chọn)",
        _unassigned,
    )
    p.add_argument("code", metavar="MÃ_CHƯƠNG_TRÌNH")
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(
        "programme", "assign", "tính một kết quả của đề án vào một chỉ tiêu", _assign
    )
    p.add_argument("proposal", metavar="MÃ_ĐỀ_ÁN")
    p.add_argument("measure", metavar="MÃ_KẾT_QUẢ", help="ví dụ products")
    p.add_argument("target", metavar="MÃ_CHỈ_TIÊU", help="ví dụ II.2-7")

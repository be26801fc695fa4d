"""``kcdesk merge FILE [--dry-run] [--json] [--yes] [--code-prefix P]`` (issue 25).

Merges another Centre's backup or database file into this one (provinces joined
in 2025). The preview is always shown first; ``--dry-run`` stops there; without
``--yes`` the user confirms at the keyboard.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.services.core.errors import UserError
from kcdesk.services.merge import followup, run
from kcdesk.services.merge.describe import describe
from kcdesk.services.merge.plan import MergePlan

EXIT_CANCELLED = 1


def _merge(args: argparse.Namespace, ctx: CliContext) -> int:
    source = Path(args.file)
    if args.dry_run:
        plan = run.preview(ctx.db, source, ctx.actor, code_prefix=args.code_prefix)
        if args.json:
            ctx.print_json({"merged": False, "preview": plan.as_dict()})
        else:
            for line in describe(plan):
                ctx.say(line)
            ctx.say("Chạy thử (--dry-run): không có gì thay đổi.")
        return 0

    def confirm(plan: MergePlan) -> bool:
        if not args.json:
            for line in describe(plan):
                ctx.say(line)
        if plan.nothing_new:
            # Merging the same Centre again: nothing to write, say so and stop.
            return False
        if args.yes:
            return True
        if not sys.stdin.isatty():
            raise UserError(
                "Hợp nhất sẽ thêm dữ liệu của Trung tâm kia vào cơ sở dữ liệu này. Không có "
                "bàn phím để xác nhận: hãy thêm --yes nếu chắc chắn."
            )
        answer = input("Hợp nhất dữ liệu trên vào đây? Gõ 'co' để đồng ý: ")
        return answer.strip().lower() in ("co", "có", "y", "yes")

    previewed: list[MergePlan] = []

    def remember(plan: MergePlan) -> bool:
        previewed.append(plan)
        return confirm(plan)

    result = run.merge(ctx.db, source, ctx.actor, code_prefix=args.code_prefix, confirm=remember)
    if result is None:
        seen = previewed[-1] if previewed else None
        nothing = seen is not None and seen.nothing_new
        if args.json:
            ctx.print_json({"merged": False, "preview": seen.as_dict() if seen else None})
        else:
            ctx.say(
                "Không có gì mới để hợp nhất; không có gì thay đổi."
                if nothing
                else "Đã hủy, không có gì thay đổi."
            )
        return 0 if nothing else EXIT_CANCELLED
    # The new province's letterhead and signers: asked for once (services.merge.followup).
    with ctx.db.session() as session:
        todo = followup.reminder(session)
    if args.json:
        ctx.print_json(
            {
                "merged": True,
                "merge_uuid": result.merge_uuid,
                "preview": result.plan.as_dict(),
                "organisation_to_check": todo,
            }
        )
    else:
        ctx.say(f"Đã hợp nhất dữ liệu của {result.plan.origin_label}.")
        for line in todo:
            ctx.say(line)
    return 0


def register(registry: CommandRegistry) -> None:
    p = registry.command(
        "merge",
        "hợp nhất dữ liệu của Trung tâm tỉnh cũ (bản sao lưu hoặc tệp cơ sở dữ liệu)",
        _merge,
    )
    p.add_argument("file", metavar="FILE", help="bản sao lưu .zip hoặc tệp .sqlite của tỉnh cũ")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không thay đổi gì")
    p.add_argument("--json", action="store_true", help="xem trước và kết quả dạng JSON")
    p.add_argument("--yes", action="store_true", help="không hỏi xác nhận")
    p.add_argument(
        "--code-prefix", metavar="P", help="tiền tố cho mã trùng (mặc định: chữ đầu tên tỉnh cũ)"
    )

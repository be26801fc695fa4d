"""Foundation commands: init, programme list/show/check, demo-data, proposal list/show, words."""

from __future__ import annotations

import argparse
import time

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.formatting import amount_in_words, format_money, parse_money
from kcdesk.services.core.errors import UserError
from kcdesk.services.history.values import status_label
from kcdesk.services.programmes import store as programmes
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals.workflow import parse_status
from kcdesk.services.setup import first_run as setup


def _init(args: argparse.Namespace, ctx: CliContext) -> int:
    db = ctx.open_db(create=True)
    result = setup.init_database(db, ctx.actor)
    loaded = ", ".join(result.programmes_loaded) or "không có chương trình mới"
    ctx.say(f"Cơ sở dữ liệu sẵn sàng: {db.display}. Đã nạp: {loaded}.")
    return 0


def _programme_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        rows = [programmes.summary_dict(p) for p in programmes.list_programmes(session)]
    if args.json:
        ctx.print_json(rows)
    else:
        for row in rows:
            ctx.say(f"{row['code']:<16} {row['start_year']}–{row['end_year']}  {row['name']}")
    return 0


def _programme_show(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        data = programmes.detail_dict(programmes.get_programme(session, args.code))
    if args.json:
        ctx.print_json(data)
    else:
        ctx.say(f"{data['code']}: {data['name']} ({data['start_year']}–{data['end_year']})")
        for t in data["targets"]:
            qty = "—" if t["quantity"] is None else t["quantity"]
            ctx.say(f"  {t['code']:<8} {qty!s:>6} {t['unit']:<12} {t['name']}")
            if t.get("note"):
                ctx.say(f"  {'':<8} {'':>6} {'':<12} Ghi chú: {t['note']}")
    return 0


def _programme_check(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        warnings = programmes.check(programmes.get_programme(session, args.code))
    data = {
        "code": args.code,
        "warnings": [{"kind": w.kind, "message": w.message} for w in warnings],
    }
    if args.json:
        ctx.print_json(data)
    elif not warnings:
        ctx.say(f"Chương trình {args.code}: các số liệu khớp nhau.")
    else:
        for w in warnings:
            ctx.say(f"- {w.message}")
    return 0


def _demo_data(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.proposals < 0:
        raise UserError("Số đề án (--proposals) phải từ 0 trở lên.")
    db = ctx.open_db(create=True)
    started = time.perf_counter()
    demo = setup.add_demo_data(db, proposals=args.proposals, seed=args.seed, year=args.year)
    ctx.say(
        f"Đã tạo {len(demo.proposals)} đề án và {len(demo.facilities)} cơ sở trình diễn "
        f"(năm kế hoạch {args.year}, seed {args.seed}) trong {time.perf_counter() - started:.1f} s."
    )
    return 0


def _proposal_list(args: argparse.Namespace, ctx: CliContext) -> int:
    status = parse_status(args.status) if args.status else None
    with ctx.db.session() as session:
        rows = [
            proposals.summary_dict(p)
            for p in proposals.list_proposals(
                session, year=args.year, status=status, search=args.search, actor=ctx.actor
            )
        ]
    if args.json:
        ctx.print_json(rows)
    else:
        for r in rows:
            ctx.say(
                f"{r['code']:<13} {status_label(r['status']):<22} "
                f"{format_money(r['support']):>15}  {r['title']}"
            )
        ctx.say(f"({len(rows)} đề án)")
    return 0


def _proposal_show(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        data = proposals.detail_dict(proposals.get_proposal(session, args.code, actor=ctx.actor))
    if args.json:
        ctx.print_json(data)
    else:
        ctx.say(f"{data['code']} — {data['title']}")
        ctx.say(f"Năm kế hoạch {data['plan_year']}, trạng thái {status_label(data['status'])}")
        ctx.say(
            f"Tổng kinh phí {format_money(data['total'])} đồng, hỗ trợ {format_money(data['support'])} đồng"
        )
    return 0


def _words(args: argparse.Namespace, ctx: CliContext) -> int:
    # The GUI's reading of a typed amount: "1.5" (a decimal) and "-5" are refused.
    try:
        amount = parse_money(args.amount)
    except ValueError as exc:
        raise UserError(f"«{args.amount}» không phải số đồng nguyên: {exc}") from exc
    ctx.say(amount_in_words(amount))
    return 0


def register(registry: CommandRegistry) -> None:
    registry.command("init", "tạo hoặc nâng cấp cơ sở dữ liệu và nạp chương trình mẫu", _init)

    registry.group("programme", "chương trình khuyến công và chỉ tiêu")
    p = registry.subcommand("programme", "list", "liệt kê chương trình", _programme_list)
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(
        "programme", "show", "xem một chương trình và chỉ tiêu", _programme_show
    )
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(
        "programme", "check", "kiểm tra số liệu chương trình có khớp nhau", _programme_check
    )
    p.add_argument("code")
    p.add_argument("--json", action="store_true")

    p = registry.command(
        "demo-data", "tạo dữ liệu trình diễn (không dùng cho CSDL làm việc)", _demo_data
    )
    p.add_argument("--proposals", type=int, default=200, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.add_argument("--year", type=int, default=2027, metavar="Y", help="năm kế hoạch đang chuẩn bị")

    registry.group("proposal", "đề án khuyến công")
    p = registry.subcommand("proposal", "list", "liệt kê đề án", _proposal_list)
    p.add_argument("--year", type=int)
    p.add_argument("--status")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    p = registry.subcommand("proposal", "show", "xem một đề án", _proposal_show)
    p.add_argument("code")
    p.add_argument("--json", action="store_true")

    p = registry.command("words", "đọc số tiền bằng chữ", _words)
    p.add_argument("amount", metavar="N")

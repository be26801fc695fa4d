"""Implementation commands: progress, evidence, acceptance, disbursement, settlement.

``disbursement add CODE --kind advance|settlement --amount N``, ``acceptance record
CODE --date … --minutes …``, ``settlement record``/``summary`` and friends; every
refusal is one line (or a short list) on stderr with the rule and the numbers.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kcdesk.cli.context import CliContext, CommandRegistry, cli_date, cli_date_or_today
from kcdesk.formatting import format_date, format_money, parse_money
from kcdesk.models.implementation import DisbursementKind
from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.implementation import acceptance, money
from kcdesk.services.implementation import progress as impl
from kcdesk.services.implementation import views as view
from kcdesk.services.proposals.attachments import StoredFile, store_file
from kcdesk.services.proposals.lookup import get_proposal
from kcdesk.services.proposals.workflow import parse_status


def _amount(text: str) -> int:
    try:
        return parse_money(text)
    except ValueError as exc:
        raise UserError(f"--amount: {exc}") from exc


def _file(ctx: CliContext, text: str | None) -> StoredFile | None:
    if not text:
        return None
    with ctx.db.session() as session:
        max_mb = int(settings.get(session, "attachment.max_mb"))
    return store_file(Path(text), max_bytes=max_mb * 1_048_576, db=ctx.db)


def _money_line(data: dict[str, Any]) -> str:
    return (
        f"Đã chi {format_money(data['disbursed'])} / được duyệt {format_money(data['support'])} "
        f"đồng; còn {format_money(data['remaining'])} đồng."
    )


def _start(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        proposal = get_proposal(session, args.code, actor=ctx.actor)
        impl.start(session, ctx.actor, proposal, reason=args.reason or "")
        ctx.say(f"{proposal.code}: {proposal.status.label}.")
    return 0


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    status = parse_status(args.status) if args.status else None
    with ctx.db.session() as session:
        rows = view.list_rows(session, year=args.year, status=status, search=args.search)
    if args.json:
        ctx.print_json(
            [
                {
                    "code": r.code,
                    "title": r.title,
                    "plan_year": r.plan_year,
                    "status": r.status.value,
                    "support": r.approved,
                    "disbursed": r.disbursed,
                    "progress": r.progress_percent,
                    "progress_date": r.progress_date.isoformat() if r.progress_date else None,
                    "settlement_due": r.settlement_due.isoformat(),
                }
                for r in rows
            ]
        )
        return 0
    for r in rows:
        progress = "—" if r.progress_percent is None else f"{r.progress_percent} %"
        ctx.say(
            f"{r.code:<14} {r.status.label:<16} {progress:>6}  "
            f"{format_money(r.disbursed):>15} / {format_money(r.approved):>15}  {r.title}"
        )
    return 0


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        data = view.detail_dict(session, get_proposal(session, args.code, actor=ctx.actor))
    if args.json:
        ctx.print_json(data)
        return 0
    ctx.say(f"{data['code']}: {data['title']} — {data['status']}")
    ctx.say(_money_line(data))
    for e in data["progress"]:
        ctx.say(f"  tiến độ {e['date']}: {e['percent']} % {e['note']}")
    for d in data["disbursements"]:
        ctx.say(f"  {d['kind']:<10} {d['date']} {format_money(d['amount']):>15}  {d['voucher']}")
    return 0


def _progress_add(args: argparse.Namespace, ctx: CliContext) -> int:
    stored = _file(ctx, args.file)
    with ctx.db.session() as session:
        proposal = get_proposal(session, args.code, actor=ctx.actor)
        impl.add_progress(
            session,
            ctx.actor,
            proposal,
            on=cli_date_or_today(args.date, "--date"),
            percent=args.percent,
            note=args.note or "",
            file=stored,
        )
        ctx.say(f"{proposal.code}: tiến độ {args.percent} % ({proposal.status.label}).")
    return 0


def _evidence_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        checklist = impl.evidence_checklist(
            session, get_proposal(session, args.code, actor=ctx.actor)
        )
    if args.json:
        ctx.print_json(
            [
                {
                    "code": e.code,
                    "label": e.label,
                    "required": e.required,
                    "received": e.received,
                    "file": e.file_name or None,
                }
                for e in checklist
            ]
        )
        return 0
    for e in checklist:
        mark = "x" if e.received else " "
        need = "bắt buộc" if e.required else "nếu có"
        ctx.say(f"[{mark}] {e.code:<28} ({need}) {e.label}")
    return 0


def _evidence_set(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.file and len(args.item) != 1:
        raise UserError(
            "--file đi với đúng một mã tài liệu, ví dụ: evidence set MÃ hoa_don --file …"
        )
    stored = _file(ctx, args.file)
    with ctx.db.session() as session:
        proposal = get_proposal(session, args.code, actor=ctx.actor)
        items = args.item or [e.code for e in impl.evidence_checklist(session, proposal)]
        for code in items:
            impl.set_evidence(
                session,
                ctx.actor,
                proposal,
                code,
                received=not args.missing,
                received_on=cli_date(args.date, "--date"),
                file=stored,
                note=args.note,
            )
        missing = impl.missing_evidence(session, proposal)
    state = "còn thiếu " + ", ".join(e.code for e in missing) if missing else "đủ tài liệu bắt buộc"
    ctx.say(f"{args.code}: đã ghi {len(items)} tài liệu; {state}.")
    return 0


def _acceptance_record(args: argparse.Namespace, ctx: CliContext) -> int:
    outputs: dict[str, int] | None = None
    if args.outputs:
        try:
            parsed = json.loads(args.outputs)
        except json.JSONDecodeError as exc:
            raise UserError(
                f'--outputs phải là JSON, ví dụ \'{{"machines": 2, "jobs": 10}}\' ({exc.msg}).'
            ) from exc
        if not isinstance(parsed, dict):
            raise UserError("--outputs phải là một đối tượng JSON {mã kết quả: số}.")
        outputs = parsed
    with ctx.db.session() as session:
        proposal = get_proposal(session, args.code, actor=ctx.actor)
        acceptance.record_acceptance(
            session,
            ctx.actor,
            proposal,
            accepted_on=cli_date_or_today(args.date, "--date"),
            minutes_no=args.minutes,
            participants=args.participant or [],
            result=args.result or "",
            achieved=outputs,
        )
        ctx.say(f"{proposal.code}: đã nghiệm thu (biên bản số {args.minutes.strip()}).")
    return 0


def _acceptance_pdf(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.reports.implementation.acceptance_minutes_pdf import write_acceptance_minutes

    with ctx.db.session() as session:
        path = write_acceptance_minutes(
            session, get_proposal(session, args.code, actor=ctx.actor), Path(args.out)
        )
    ctx.say(f"Đã ghi biên bản nghiệm thu: {path}")
    return 0


def _disbursement_add(args: argparse.Namespace, ctx: CliContext) -> int:
    kind = DisbursementKind(args.kind)
    amount = _amount(args.amount)
    with ctx.db.session() as session:
        proposal = get_proposal(session, args.code, actor=ctx.actor)
        money.add_disbursement(
            session,
            ctx.actor,
            proposal,
            kind=kind,
            amount=amount,
            paid_on=cli_date_or_today(args.date, "--date"),
            voucher=args.voucher or "",
        )
        data = view.detail_dict(session, proposal)
    if args.json:
        ctx.print_json(data)
    else:
        ctx.say(
            f"{args.code}: {kind.label.lower()} {format_money(amount)} đồng. {_money_line(data)}"
        )
    return 0


def _disbursement_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        data = view.detail_dict(session, get_proposal(session, args.code, actor=ctx.actor))
    if args.json:
        ctx.print_json(data["disbursements"])
        return 0
    for d in data["disbursements"]:
        label = DisbursementKind(d["kind"]).label
        ctx.say(f"{d['date']}  {label:<10} {format_money(d['amount']):>15}  {d['voucher']}")
    ctx.say(_money_line(data))
    return 0


def _settlement_record(args: argparse.Namespace, ctx: CliContext) -> int:
    amount = _amount(args.amount)
    with ctx.db.session() as session:
        proposal = get_proposal(session, args.code, actor=ctx.actor)
        row = money.record_settlement(
            session,
            ctx.actor,
            proposal,
            final_amount=amount,
            settled_on=cli_date_or_today(args.date, "--date"),
            reference=args.reference,
        )
        refund = row.refund_due
    text = f"{args.code}: đã quyết toán {format_money(amount)} đồng ({args.reference})."
    if refund:
        text += f" Đơn vị phải hoàn trả {format_money(refund)} đồng."
    ctx.say(text)
    return 0


def _settlement_summary(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.reports.implementation import settlement_summary as report

    with ctx.db.session() as session:
        summary = report.build_summary(session, args.year)
        if args.xlsx:
            report.write_xlsx(summary, Path(args.xlsx))
            ctx.say(f"Đã ghi {args.xlsx}")
        if args.pdf:
            report.write_pdf(session, summary, Path(args.pdf))
            ctx.say(f"Đã ghi {args.pdf}")
        if args.docx:
            from kcdesk.reports.docx.write import write_docx

            write_docx(Path(args.docx), lambda _h: report.pdf_bytes(session, summary))
            ctx.say(f"Đã ghi {args.docx}")
    if args.json or not (args.xlsx or args.pdf or args.docx):
        if args.json:
            ctx.print_json(report.summary_dict(summary))
        else:
            for line in summary.lines:
                ctx.say(
                    f"{line.code:<14} {format_money(line.approved):>15} "
                    f"{format_money(line.disbursed):>15} "
                    f"{format_money(line.final_amount) if line.final_amount is not None else '—':>15}"
                    f"  {line.status_label}"
                )
            ctx.say(
                f"Tổng: được duyệt {format_money(summary.total_approved)}, đã chi "
                f"{format_money(summary.total_disbursed)}, quyết toán "
                f"{format_money(summary.total_settled)} đồng (hạn {format_date(summary.due)})."
            )
    return 0


def register(registry: CommandRegistry) -> None:
    for name, text in (
        ("implementation", "thực hiện đề án đã phê duyệt"),
        ("progress", "báo cáo tiến độ thực hiện"),
        ("evidence", "tài liệu nghiệm thu"),
        ("acceptance", "nghiệm thu đề án"),
        ("disbursement", "tạm ứng, thanh toán"),
        ("settlement", "quyết toán"),
    ):
        registry.group(name, text)
    p = registry.subcommand(
        "implementation", "list", "đề án đã phê duyệt: tiến độ, giải ngân", _list
    )
    p.add_argument("--year", type=int, help="năm kế hoạch")
    p.add_argument("--status", help="trạng thái (approved, implementing, accepted, settled)")
    p.add_argument("--search", help="tìm theo mã, tên (không cần dấu)")
    p.add_argument("--json", action="store_true")
    p = registry.subcommand("implementation", "show", "tình hình thực hiện một đề án", _show)
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(
        "implementation", "start", "bắt đầu thực hiện (đã phê duyệt → đang thực hiện)", _start
    )
    p.add_argument("code")
    p.add_argument("--reason", help="ghi chú, ví dụ số hợp đồng")

    p = registry.subcommand("progress", "add", "ghi báo cáo tiến độ", _progress_add)
    p.add_argument("code")
    p.add_argument("--percent", type=int, required=True, help="phần trăm hoàn thành 0–100")
    p.add_argument("--date", help="ngày báo cáo (YYYY-MM-DD; mặc định hôm nay)")
    p.add_argument("--note", help="ghi chú")
    p.add_argument("--file", help="tệp đính kèm (báo cáo, ảnh)")

    p = registry.subcommand("evidence", "list", "danh mục tài liệu nghiệm thu", _evidence_list)
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(
        "evidence", "set", "ghi nhận tài liệu nghiệm thu đã có (hoặc --missing)", _evidence_set
    )
    p.add_argument("code")
    p.add_argument("item", nargs="*", help="mã tài liệu; bỏ trống: tất cả")
    p.add_argument("--missing", action="store_true", help="đánh dấu chưa có")
    p.add_argument("--date", help="ngày nhận (YYYY-MM-DD)")
    p.add_argument("--file", help="tệp quét kèm theo")
    p.add_argument("--note", help="ghi chú")

    p = registry.subcommand("acceptance", "record", "ghi biên bản nghiệm thu", _acceptance_record)
    p.add_argument("code")
    p.add_argument("--date", required=True, help="ngày nghiệm thu (YYYY-MM-DD)")
    p.add_argument("--minutes", required=True, help="số biên bản nghiệm thu")
    p.add_argument("--outputs", help='kết quả đạt được, JSON: {"machines": 2, "jobs": 10}')
    p.add_argument("--participant", action="append", help="thành phần tham dự (lặp lại được)")
    p.add_argument("--result", help="kết luận")
    p = registry.subcommand("acceptance", "pdf", "in biên bản nghiệm thu ra PDF", _acceptance_pdf)
    p.add_argument("code")
    p.add_argument("--out", required=True, help="tệp PDF")

    p = registry.subcommand(
        "disbursement", "add", "ghi khoản tạm ứng / thanh toán", _disbursement_add
    )
    p.add_argument("code")
    p.add_argument("--kind", required=True, choices=[k.value for k in DisbursementKind])
    p.add_argument("--amount", required=True, help="số tiền (đồng)")
    p.add_argument("--date", help="ngày chi (YYYY-MM-DD; mặc định hôm nay)")
    p.add_argument("--voucher", help="số chứng từ")
    p.add_argument("--json", action="store_true", help="in tình hình sau khi ghi")
    p = registry.subcommand(
        "disbursement", "list", "các khoản đã chi của đề án", _disbursement_list
    )
    p.add_argument("code")
    p.add_argument("--json", action="store_true")

    p = registry.subcommand(
        "settlement",
        "record",
        "ghi quyết toán (đề án chuyển sang đã quyết toán)",
        _settlement_record,
    )
    p.add_argument("code")
    p.add_argument("--amount", required=True, help="số quyết toán được duyệt (đồng)")
    p.add_argument("--date", help="ngày quyết toán (YYYY-MM-DD; mặc định hôm nay)")
    p.add_argument("--reference", required=True, help="số, ký hiệu văn bản phê duyệt quyết toán")
    p = registry.subcommand(
        "settlement", "summary", "tổng hợp quyết toán theo năm kế hoạch", _settlement_summary
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--xlsx", help="ghi ra tệp Excel")
    p.add_argument("--pdf", help="ghi ra tệp PDF")
    p.add_argument("--docx", help="ghi ra tệp Word .docx")
    p.add_argument("--json", action="store_true")

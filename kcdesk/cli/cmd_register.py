"""Register commands: status changes, history, amendments, export, attention, audit.

``proposal status CODE --to STATUS [--reason TEXT] [--decision NO --decision-date D]``
``proposal history CODE``; ``proposal amend CODE --set FIELD=VALUE … --reason TEXT``
(prints who must approve and why); ``proposal decide CODE N --approve|--refuse``;
``proposal amendments [--pdf PATH]``; ``proposal export --xlsx PATH [filters]``;
``attention [--json]``; ``audit verify`` (exit 0 intact, 1 naming the first bad
event); ``audit list``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kcdesk.cli.context import CliContext, CommandRegistry, cli_date, cli_date_or_today
from kcdesk.formatting import parse_money
from kcdesk.models import Facility
from kcdesk.services.amendments import record as amendments
from kcdesk.services.attention import collect as attention
from kcdesk.services.backup import anchors
from kcdesk.services.core import audit, settings
from kcdesk.services.core.errors import UserError, ValidationError
from kcdesk.services.core.id_lists import batches
from kcdesk.services.history.events import describe_event, status_change_text
from kcdesk.services.history.values import format_plain, format_when, user_label
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals import register_query
from kcdesk.services.proposals import search as search_service
from kcdesk.services.proposals.workflow import change_status, parse_status
from kcdesk.services.security.permissions import INTEGRITY_CHECK, require

EXIT_CHAIN_BROKEN = 1
# The chain names a key this PC does not have (the same code as any other one-line error).
EXIT_KEY_MISSING = 2


def _status(args: argparse.Namespace, ctx: CliContext) -> int:
    to = parse_status(args.to)
    when = cli_date(args.decision_date, "Ngày quyết định")
    with ctx.db.session() as session:
        proposal = proposals.get_proposal(session, args.code, actor=ctx.actor)
        old = proposal.status
        change_status(
            session,
            ctx.actor,
            proposal,
            to,
            reason=args.reason or "",
            decision_no=args.decision,
            decision_date=when,
        )
        data = {"code": proposal.code, "from": old.value, "to": to.value}
    if args.json:
        ctx.print_json(data)
    else:
        ctx.say(f"{data['code']}: {old.label} → {to.label}.")
    return 0


def _history(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        history = proposals.detail_dict(
            proposals.get_proposal(session, args.code, actor=ctx.actor)
        )["history"]
    if args.json:
        ctx.print_json(history)
        return 0
    for h in history:
        decision = (
            f" — QĐ {h['decision_no']} ngày {format_plain(h['decision_date'])}"
            if h["decision_no"]
            else ""
        )
        reason = f" — {h['reason']}" if h["reason"] else ""
        ctx.say(
            f"{format_when(h['at'])}  {status_change_text(h)} — {user_label(h['user'])}"
            f"{reason}{decision}"
        )
    return 0


def _parse_set(session: Any, items: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValidationError(f"'{item}': viết TRƯỜNG=GIÁ_TRỊ, ví dụ location=Xã Hưng Đạo.")
        if name == "approved_support":
            values[name] = parse_money(raw)
        elif name in amendments.MONTH_FIELDS:
            text = raw.strip()
            values[name] = f"{text}-01" if len(text) == 7 else text
        elif name == "facilities":
            uuids = []
            for key in filter(None, (k.strip() for k in raw.split(","))):
                facility = session.scalars(
                    select(Facility).where((Facility.tax_code == key) | (Facility.uuid == key))
                ).first()
                if facility is None:
                    raise ValidationError(f"Không tìm thấy cơ sở có mã số thuế hoặc mã '{key}'.")
                uuids.append(facility.uuid)
            values[name] = uuids
        else:
            values[name] = raw
    return values


def _amend(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        proposal = proposals.get_proposal(session, args.code, actor=ctx.actor)
        values = _parse_set(session, args.set or [])
        if args.dry_run:
            changes, decision = amendments.preview_authority(session, proposal, args.kind, values)
            data: dict[str, Any] = {
                "changes": changes,
                "authority": decision.authority,
                "authority_label": decision.label,
                "authority_reasons": decision.reasons,
            }
            session.rollback()
        else:
            amendment = amendments.propose(
                session,
                ctx.actor,
                proposal,
                kind=args.kind,
                new_values=values,
                reason=args.reason or "",
                request_no=args.request_no or "",
                request_date=cli_date(args.request_date, "Ngày văn bản đề nghị"),
            )
            data = amendments.amendment_dict(amendment)
            data["authority_label"] = amendments.authority_label(amendment.authority)
    if args.json:
        ctx.print_json(data)
    else:
        if "number" in data:
            ctx.say(f"Đã ghi đề nghị số {data['number']}: {data['summary']}")
        ctx.say(f"Thẩm quyền phê duyệt: {data['authority_label']}")
        for line in data["authority_reasons"]:
            ctx.say(f"  - {line}")
    return 0


def _decide(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.approve == args.refuse:
        raise UserError("Chọn một: --approve (phê duyệt) hoặc --refuse (không duyệt).")
    with ctx.db.session() as session:
        amendment = amendments.get_amendment(session, args.code, args.number)
        amendments.decide(
            session,
            ctx.actor,
            amendment,
            approved=args.approve,
            decision_no=args.decision,
            decision_date=cli_date(args.decision_date, "Ngày quyết định"),
            note=args.note or "",
        )
        data = amendments.amendment_dict(amendment)
    if args.json:
        ctx.print_json(data)
    else:
        ctx.say(f"Đề nghị số {data['number']} của {data['proposal']}: {data['state']}.")
    return 0


def _amendment_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.reports.amendments.list_pdf import lines_from, write_amendment_pdf
    from kcdesk.reports.common.org import agency_from_settings

    with ctx.db.session() as session:
        items = amendments.list_amendments(session, plan_year=args.year, state=args.state)
        rows = [amendments.amendment_dict(a) for a in items]
        if args.pdf:
            write_amendment_pdf(
                Path(args.pdf),
                lines_from(items),
                agency=agency_from_settings(settings.get_all(session), "centre"),
                when=date.today(),
                subtitle=f"Năm kế hoạch {args.year}" if args.year else "",
            )
        if args.docx:
            import tempfile

            from kcdesk.reports.docx.write import write_docx

            agency = agency_from_settings(settings.get_all(session), "centre")
            subtitle = f"Năm kế hoạch {args.year}" if args.year else ""
            with tempfile.TemporaryDirectory(prefix="kcdesk-docx-") as folder:
                write_docx(
                    Path(args.docx),
                    lambda _h: write_amendment_pdf(
                        Path(folder) / "list.pdf",
                        lines_from(items),
                        agency=agency,
                        when=date.today(),
                        subtitle=subtitle,
                    ),
                )
    if args.json:
        ctx.print_json(rows)
    else:
        for r in rows:
            ctx.say(
                f"{r['proposal']:<13} #{r['number']} {r['state']:<9} {r['authority']:<10} {r['summary']}"
            )
        if args.pdf:
            ctx.say(f"Đã ghi {args.pdf}")
        if args.docx:
            ctx.say(f"Đã ghi {args.docx}")
    return 0


def _filter(args: argparse.Namespace) -> register_query.RegisterFilter:
    return register_query.RegisterFilter(
        plan_year=args.year,
        statuses=(parse_status(args.status),) if args.status else (),
        activity=args.activity,
        funding_source=args.source,
        office_code=args.office,
        commune=args.commune,
        search=args.search or "",
    )


def _export(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.reports.proposals.register_xlsx import write_register_xlsx
    from kcdesk.services.forms.load import load_activities

    search_service.ensure_index(ctx.db.engine)
    with ctx.db.session() as session:
        ids = register_query.matching_ids(session, _filter(args), actor=ctx.actor)
        rows = []
        for batch in batches(ids):
            rows += register_query.rows_by_ids(session, batch)
        organisation = str(settings.get(session, "org.centre_name"))
    labels = {code: spec.short_label for code, spec in load_activities().items()}
    write_register_xlsx(Path(args.xlsx), rows, organisation=organisation, activity_labels=labels)
    ctx.say(f"Đã xuất {len(rows)} đề án ra {args.xlsx}")
    return 0


def _attention(args: argparse.Namespace, ctx: CliContext) -> int:
    today = cli_date_or_today(args.today, "--today")
    with ctx.db.session() as session:
        items = attention.collect(session, today, ctx.actor)
    if args.json:
        ctx.print_json([i.as_dict() for i in items])
    else:
        for i in items:
            ctx.say(f"{attention.KIND_LABELS.get(i.kind, i.kind):<16} {i.code:<13} {i.message}")
        ctx.say(f"({len(items)} mục cần chú ý)")
    return 0


def _audit_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.services.merge.segment import verify_segments

    require(ctx.actor, INTEGRITY_CHECK)
    with ctx.db.session() as session:
        try:
            checked = anchors.verify_with_anchors(
                session, [Path(f) for f in args.anchor or []], list(args.code or [])
            )
        except ValueError as exc:
            raise UserError(str(exc)) from exc
        # The audit trails of old provinces' Centres merged here (services/merge).
        segments = verify_segments(session) if checked.problem is None else []
    import sys

    if checked.key_missing:
        # Nothing is known to be wrong: this PC cannot check the keyed events.
        sys.stderr.write(f"kcdesk: {checked.problem.message}\n")  # type: ignore[union-attr]
        return EXIT_KEY_MISSING
    if checked.problem is None and not segments:
        extra = (
            f"; khớp {checked.anchors} mốc kiểm tra ngoài cơ sở dữ liệu" if checked.anchors else ""
        )
        note = f"; {checked.note}" if checked.note else ""
        ctx.say(f"Nhật ký toàn vẹn: {checked.events} sự kiện, chuỗi liên kết đúng{extra}{note}.")
        return 0
    message = checked.problem.message if checked.problem is not None else segments[0].message
    sys.stderr.write(f"kcdesk: nhật ký KHÔNG toàn vẹn — {message}\n")
    return EXIT_CHAIN_BROKEN


def _audit_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        uuid = None
        if args.proposal:
            uuid = proposals.get_proposal(session, args.proposal, actor=ctx.actor).uuid
        events = audit.list_events(
            session,
            entity_uuid=uuid,
            username=args.user,
            since=cli_date(args.since, "Từ ngày"),
            until=cli_date(args.until, "Đến ngày"),
            limit=args.limit,
            actor=ctx.actor,
        )
        rows = [audit.event_dict(e) for e in events]
    if args.json:
        ctx.print_json(rows)
    else:
        for r in rows:
            text = describe_event(r)
            changes = f" — {text.changes}" if text.changes else ""
            ctx.say(f"#{r['id']:<6} {text.when}  {text.who}: {text.what}{changes}")
    return 0


def register(registry: CommandRegistry) -> None:
    p = registry.subcommand("proposal", "status", "chuyển trạng thái đề án theo quy trình", _status)
    p.add_argument("code")
    p.add_argument("--to", required=True, metavar="STATUS")
    p.add_argument("--reason", metavar="TEXT")
    p.add_argument("--decision", metavar="NO", help="số quyết định")
    p.add_argument("--decision-date", metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")

    p = registry.subcommand("proposal", "history", "lịch sử trạng thái của đề án", _history)
    p.add_argument("code")
    p.add_argument("--json", action="store_true")

    p = registry.subcommand(
        "proposal", "amend", "đề nghị điều chỉnh, bổ sung, ngừng; cho biết ai phê duyệt", _amend
    )
    p.add_argument("code")
    p.add_argument("--kind", choices=("adjust", "add", "stop"), default="adjust")
    p.add_argument(
        "--set",
        action="append",
        metavar="FIELD=VALUE",
        help="location, commune, partner_unit, start_month (YYYY-MM), end_month, "
        "approved_support, facilities (mã số thuế, cách nhau dấu phẩy), title, …",
    )
    p.add_argument("--reason", metavar="TEXT")
    p.add_argument("--request-no", metavar="NO")
    p.add_argument("--request-date", metavar="YYYY-MM-DD")
    p.add_argument("--dry-run", action="store_true", help="chỉ cho biết thẩm quyền, không ghi")
    p.add_argument("--json", action="store_true")

    p = registry.subcommand(
        "proposal", "decide", "ghi quyết định về một đề nghị điều chỉnh", _decide
    )
    p.add_argument("code")
    p.add_argument("number", type=int)
    p.add_argument("--approve", action="store_true")
    p.add_argument("--refuse", action="store_true")
    p.add_argument("--decision", metavar="NO")
    p.add_argument("--decision-date", metavar="YYYY-MM-DD")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--json", action="store_true")

    p = registry.subcommand(
        "proposal", "amendments", "danh sách đề nghị điều chỉnh (in PDF)", _amendment_list
    )
    p.add_argument("--year", type=int)
    p.add_argument("--state", choices=("pending", "approved", "refused"))
    p.add_argument("--pdf", metavar="PATH")
    p.add_argument("--docx", metavar="PATH", help="danh sách dạng Word .docx")
    p.add_argument("--json", action="store_true")

    p = registry.subcommand("proposal", "export", "xuất danh sách đề án ra Excel", _export)
    p.add_argument("--xlsx", required=True, metavar="PATH")
    p.add_argument("--year", type=int)
    p.add_argument("--status")
    p.add_argument("--activity")
    p.add_argument("--source", metavar="FUNDING_SOURCE")
    p.add_argument("--office")
    p.add_argument("--commune", metavar="MÃ_XÃ", help="mã xã, phường (xem «commune list»)")
    p.add_argument("--search", metavar="TEXT")

    p = registry.command(
        "attention", "các việc cần chú ý (hồ sơ muộn, chờ lâu, thiếu giấy tờ)", _attention
    )
    p.add_argument("--today", metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")

    registry.group("audit", "nhật ký thao tác")
    p = registry.subcommand("audit", "verify", "kiểm tra chuỗi nhật ký toàn vẹn", _audit_verify)
    p.add_argument(
        "--anchor",
        action="append",
        metavar="FILE",
        help="bản sao lưu hoặc gói đã gửi có mốc kiểm tra nhật ký (mặc định: các bản sao lưu)",
    )
    p.add_argument(
        "--code",
        action="append",
        metavar="MÃ",
        help="mã kiểm tra nhật ký in trên danh mục đã gửi, ví dụ «#152 · 8C37-40CB-A7C0-4CDA»",
    )
    p = registry.subcommand("audit", "list", "xem nhật ký thao tác", _audit_list)
    p.add_argument("--proposal", metavar="CODE")
    p.add_argument("--user")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.add_argument("--until", metavar="YYYY-MM-DD")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--json", action="store_true")

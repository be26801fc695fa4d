"""CLI: ``dashboard``, ``report periodic``, ``programme import``, ``programme edit-target``."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from kcdesk.cli.context import CliContext, CommandRegistry, cli_date, cli_required_date
from kcdesk.formatting import format_money, format_percent
from kcdesk.reports.common.org import Agency, agency_from_settings
from kcdesk.reports.periodic.pdf import department_addressee
from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.dashboard import board as dashboard
from kcdesk.services.dashboard import drill as dashboard_drill
from kcdesk.services.dashboard import periodic as dashboard_period
from kcdesk.services.dashboard import report_text
from kcdesk.services.programmes import store as programmes


def _agency(ctx: CliContext) -> tuple[Agency, str]:
    with ctx.db.session() as session:
        values = settings.get_all(session)
    return agency_from_settings(values, "centre"), department_addressee(values)


def _dashboard(args: argparse.Namespace, ctx: CliContext) -> int:
    today = cli_date(args.today, "--today")
    with ctx.db.session() as session:
        if args.target:
            rows = dashboard_drill.proposals_for_target(
                session, args.programme, args.target, stage=args.stage, year=args.year
            )
            if args.json:
                ctx.print_json([row.__dict__ for row in rows])
            else:
                for row in rows:
                    ctx.say(f"{row.code}\t{row.plan_year}\t{row.quantity}\t{row.title}")
            return 0
        data = dashboard.compute(session, args.programme, year=args.year, today=today)
    if args.pdf or args.xlsx:
        from kcdesk.reports.dashboard.pdf import save_dashboard_pdf
        from kcdesk.reports.dashboard.xlsx import save_dashboard_xlsx

        agency, _department = _agency(ctx)
        if args.pdf:
            save_dashboard_pdf(data, agency, Path(args.pdf))
        if args.xlsx:
            save_dashboard_xlsx(data, Path(args.xlsx))
    if args.docx:
        from kcdesk.reports.dashboard.pdf import write_dashboard_pdf
        from kcdesk.reports.docx.write import write_docx

        agency, _department = _agency(ctx)
        write_docx(Path(args.docx), lambda h: write_dashboard_pdf(data, agency, h))
    if args.json:
        ctx.print_json(dashboard.to_json(data))
        return 0
    ctx.say(f"{data.programme_code} — {data.programme_name}")
    for t in data.targets:
        done = "–" if t.implemented is None else str(t.implemented)
        approved = "–" if t.approved is None else str(t.approved)
        planned = "" if t.planned is None else str(t.planned)
        share = "" if t.percent is None else format_percent(t.percent * 100)
        ctx.say(f"{t.code}\t{planned}\t{approved}\t{done}\t{share}\t{t.name}")
    b = data.budget
    ctx.say(
        f"Kinh phí: chương trình {format_money(b.planned) if b.planned is not None else 'chưa ghi'}; "
        f"phê duyệt {format_money(b.approved_support)}; giải ngân {format_money(b.disbursed)}"
    )
    for w in data.warnings:
        ctx.say(f"⚠ {w.message}")
    return 0


def _periodic(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.pdf and not args.xlsx and not args.docx:
        raise UserError("Cần ít nhất một tệp kết quả: --pdf TỆP, --docx TỆP hoặc --xlsx TỆP.")
    start, end = (
        cli_required_date(args.date_from, "--from"),
        cli_required_date(args.date_to, "--to"),
    )
    typed: dict[str, str] = {}
    for item in args.text or []:
        section, sep, text = item.partition("=")
        if not sep:
            raise UserError(
                f"--text «{item}»: viết MỤC=NỘI DUNG, mục là một trong: "
                f"{', '.join(report_text.SECTIONS)}."
            )
        typed[section.strip()] = text
    with ctx.db.session() as session:
        report = dashboard_period.compute_period(session, args.programme, start, end)
        if typed:
            # Kept with the report: printing it again prints them again.
            report_text.save_texts(session, ctx.actor, args.programme, start, end, typed)
        texts = report_text.get_texts(session, args.programme, start, end)
    agency, department = _agency(ctx)
    if args.pdf:
        from kcdesk.reports.periodic.pdf import save_periodic_report_pdf

        when = cli_date(args.date, "--date")
        save_periodic_report_pdf(
            report,
            agency,
            Path(args.pdf),
            when=when,
            department=department,
            texts=texts,
        )
        ctx.say(f"Đã ghi {args.pdf}")
    if args.docx:
        from kcdesk.reports.docx.write import write_docx
        from kcdesk.reports.periodic.pdf import write_periodic_report_pdf

        signed_on = cli_date(args.date, "--date")
        write_docx(
            Path(args.docx),
            lambda h: write_periodic_report_pdf(
                report, agency, h, when=signed_on, department=department, texts=texts
            ),
        )
        ctx.say(f"Đã ghi {args.docx}")
    if args.xlsx:
        from kcdesk.reports.periodic.xlsx import save_periodic_report_xlsx

        save_periodic_report_xlsx(report, Path(args.xlsx), texts=texts)
        ctx.say(f"Đã ghi {args.xlsx}")
    return 0


def _import(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        programme, action = programmes.import_programme(session, ctx.actor, Path(args.file))
        warnings = programmes.check(programme)
        code, count = programme.code, len(programme.targets)
    verb = "Đã cập nhật" if action == "update" else "Đã nạp"
    ctx.say(f"{verb} chương trình {code} ({count} chỉ tiêu).")
    for w in warnings:
        ctx.say(f"⚠ {w.message}")
    return 0


def _export_xlsx(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.services.core.safe_write import atomic_write_bytes
    from kcdesk.services.programmes.xlsx import write_programme_xlsx

    with ctx.db.session() as session:
        spec = programmes.to_spec(programmes.get_programme(session, args.code))
    from kcdesk.reports.common.xlsx_print import finish_xlsx_bytes
    from kcdesk.services.programmes.xlsx import PROGRAMME_SHEET, TARGET_SHEET

    buffer = io.BytesIO()
    write_programme_xlsx(spec, buffer)
    # Printable too: long names wrap with the row heights they need, pages numbered.
    data = finish_xlsx_bytes(
        buffer.getvalue(), wrap_columns={PROGRAMME_SHEET: ("B",), TARGET_SHEET: ("B", "C", "F")}
    )
    atomic_write_bytes(Path(args.file), data)
    ctx.say(f"Đã ghi {args.file}")
    return 0


def _edit_target(args: argparse.Namespace, ctx: CliContext) -> int:
    changes: dict[str, object] = {}
    if args.quantity is not None:
        if args.quantity.strip() and not args.quantity.strip().isdigit():
            raise UserError(f"--quantity phải là số nguyên không âm (đang ghi «{args.quantity}»).")
        changes["quantity"] = int(args.quantity) if args.quantity.strip() else None
    if args.activities is not None:
        changes["activities"] = [c.strip() for c in args.activities.split(",") if c.strip()]
    if args.measure is not None:
        changes["measure"] = args.measure
    if args.name is not None:
        changes["name"] = args.name
    if not changes:
        raise UserError("Chưa có gì để sửa: dùng --quantity, --activities, --measure hoặc --name.")
    with ctx.db.session() as session:
        programmes.update_target(session, ctx.actor, args.programme, args.target, **changes)
    ctx.say(f"Đã sửa chỉ tiêu {args.target} của {args.programme}.")
    return 0


def register(registry: CommandRegistry) -> None:
    p = registry.command("dashboard", "tiến độ thực hiện chương trình khuyến công", _dashboard)
    p.add_argument("--programme", required=True, metavar="MÃ")
    p.add_argument("--year", type=int, metavar="NĂM", help="chỉ một năm kế hoạch")
    p.add_argument("--json", action="store_true")
    p.add_argument("--target", metavar="MÃ", help="liệt kê các đề án của một chỉ tiêu")
    p.add_argument("--stage", choices=("approved", "implemented"), default="approved")
    p.add_argument("--pdf", metavar="TỆP", help="xuất báo cáo tiến độ PDF")
    p.add_argument("--docx", metavar="TỆP", help="xuất báo cáo tiến độ dạng Word .docx")
    p.add_argument("--xlsx", metavar="TỆP", help="xuất bảng tính XLSX")
    p.add_argument("--today", metavar="NGÀY", help="ngày tính tiến độ (mặc định: hôm nay)")

    registry.group("report", "báo cáo")
    p = registry.subcommand(
        "report", "periodic", "báo cáo kết quả thực hiện chương trình (6 tháng, năm)", _periodic
    )
    p.add_argument("--programme", required=True, metavar="MÃ")
    p.add_argument("--from", dest="date_from", required=True, metavar="NGÀY")
    p.add_argument("--to", dest="date_to", required=True, metavar="NGÀY")
    p.add_argument("--pdf", metavar="TỆP")
    p.add_argument("--docx", metavar="TỆP", help="báo cáo dạng Word .docx")
    p.add_argument("--xlsx", metavar="TỆP")
    p.add_argument("--date", metavar="NGÀY", help="ngày ký báo cáo (mặc định: để trống)")
    p.add_argument(
        "--text",
        action="append",
        metavar="MỤC=NỘI_DUNG",
        help="nội dung người viết, lưu cùng báo cáo: ket_qua, ton_tai, nguyen_nhan, "
        "phuong_huong, kien_nghi (lặp lại được)",
    )

    registry.group("programme", "chương trình khuyến công và chỉ tiêu")
    p = registry.subcommand(
        "programme", "import", "nạp chương trình từ tệp TOML hoặc XLSX", _import
    )
    p.add_argument("file", metavar="TỆP")
    p = registry.subcommand(
        "programme",
        "export-xlsx",
        "ghi chương trình ra tệp XLSX (mẫu để sửa, nạp lại)",
        _export_xlsx,
    )
    p.add_argument("code", metavar="MÃ")
    p.add_argument("file", metavar="TỆP")
    p = registry.subcommand("programme", "edit-target", "sửa một chỉ tiêu", _edit_target)
    p.add_argument("programme", metavar="MÃ_CHƯƠNG_TRÌNH")
    p.add_argument("target", metavar="MÃ_CHỈ_TIÊU")
    p.add_argument("--quantity", metavar="SỐ")
    p.add_argument("--activities", metavar="MÃ,MÃ")
    p.add_argument("--measure", metavar="MÃ")
    p.add_argument("--name", metavar="TÊN")

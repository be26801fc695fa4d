"""Catalogue commands (danh mục) and the import of old Excel lists.

``proposal import-xlsx FILE [--year Y] [--status S] [--dry-run] --json`` prints
``{"valid", "errors": [{"row", "message"}], "created", "skipped"}``;
``catalogue show|export|submit|approve|reopen|compare|department-letter``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from kcdesk.cli.context import CliContext, CommandRegistry, cli_date, cli_required_date
from kcdesk.formatting import format_money
from kcdesk.models import ProposalStatus
from kcdesk.models.catalogue import CatalogueState
from kcdesk.reports.catalogue.pdf import default_issuer, write_catalogue_pdf
from kcdesk.reports.catalogue.submission_letter_pdf import write_submission_letter
from kcdesk.reports.catalogue.xlsx import write_catalogue_xlsx
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.services.catalogue import selection
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.build import CatalogueView
from kcdesk.services.catalogue.columns import load_catalogue_form
from kcdesk.services.catalogue.compare import diff_dict
from kcdesk.services.catalogue.department_letter import set_department_letter
from kcdesk.services.core import audit, settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.imports import old_lists as xlsx_import
from kcdesk.services.imports.header import FIELDS, column_index
from kcdesk.services.proposals.workflow import parse_status


def _corrections(items: list[str] | None) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for item in items or []:
        name, sep, ref = item.partition("=")
        if not sep or name not in FIELDS:
            raise UserError(
                f"--map «{item}»: viết TRƯỜNG=CỘT, ví dụ support=H. Trường: {', '.join(FIELDS)}."
            )
        try:
            out[name] = None if ref.strip() in ("", "-") else column_index(ref)
        except ValueError as exc:
            raise UserError(f"--map «{item}»: cột «{ref}» không hợp lệ.") from exc
    return out


def _import_xlsx(args: argparse.Namespace, ctx: CliContext) -> int:
    status = parse_status(args.status) if args.status else ProposalStatus.RECEIVED
    preview = xlsx_import.analyse(
        Path(args.file),
        sheet=args.sheet,
        corrections=_corrections(args.map),
        year=args.year,
        default_activity=args.activity,
    )
    created = skipped = 0
    with ctx.db.session() as session:
        if args.dry_run:
            skipped = xlsx_import.existing_count(session, preview)
        else:
            result = xlsx_import.apply_import(
                session, ctx.actor, preview, status=status, funding_source=args.source
            )
            created, skipped = result.created, result.skipped
    errors = preview.errors()
    valid = len(preview.valid_rows)
    data = {
        "valid": valid,
        "errors": errors,
        "created": created,
        "skipped": skipped,
    }
    if args.json:
        ctx.print_json(data)
    else:
        verb = "Sẽ tạo" if args.dry_run else "Đã tạo"
        ctx.say(
            f"Trang «{preview.sheet}»: {valid} dòng hợp lệ, {len(errors)} dòng "
            f"lỗi. {verb} {created if not args.dry_run else valid - skipped} đề án, "
            f"bỏ qua {skipped} đề án đã có."
        )
        for error in errors:
            ctx.say(f"  dòng {error['row']}: {error['message']}")
    return 0


def _view(args: argparse.Namespace, ctx: CliContext) -> tuple[CatalogueView, dict[str, object]]:
    with ctx.db.session() as session:
        view = catalogue.view(session, args.year, args.source, getattr(args, "version", None))
        values = settings.get_all(session)
    return view, values


def view_dict(view: CatalogueView) -> dict[str, object]:
    return {
        "year": view.plan_year,
        "source": view.funding_source,
        "origin": view.origin,
        "state": view.state.value,
        "decision_no": view.decision_no,
        "decision_date": view.decision_date.isoformat() if view.decision_date else None,
        "department_letter_no": view.department_letter_no,
        "department_letter_date": (
            view.department_letter_date.isoformat() if view.department_letter_date else None
        ),
        "version": view.version_number,
        "versions": list(view.versions),
        "count": view.count,
        "totals": view.totals(),
        "approved_version": view.approved_version,
        "changes_since_approval": list(view.changes_since_approval),
        "groups": [
            {
                "numeral": g.numeral,
                "activity": g.activity,
                "label": g.label,
                "support": g.total("support"),
                "rows": [
                    {"code": e.proposal_code, "title": e.title, "support": e.support}
                    for e in g.entries
                ],
            }
            for g in view.groups
        ],
    }


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    origin = (args.origin or "").strip()
    with ctx.db.session() as session:
        view = catalogue.view(session, args.year, args.source, args.version, origin)
        # A merged province's catalogue is shown as it came: no proposals judged here.
        judged = [] if origin else [c.as_json() for c in selection.explain(session, view)]
        others = [] if origin else catalogue.merged_origins(session, args.year, args.source)
    if args.json:
        data = view_dict(view)
        # Every proposal of the year: in the catalogue or not, and why (issue 17).
        data["proposals"] = judged
        data["merged_catalogues"] = others
        ctx.print_json(data)
        return 0
    ctx.say(
        f"Danh mục năm {view.plan_year} — {view.source_label} — "
        + (f"{view.origin} — " if view.origin else "")
        + view.state.label
        + (f" (phiên bản {view.version_number})" if view.version_number else "")
    )
    for g in view.groups:
        ctx.say(f"{g.numeral}. {g.label[:70]}  {format_money(g.total('support'))}")
        for i, e in enumerate(g.entries, start=1):
            ctx.say(f"   {i:>3}. {e.proposal_code}  {e.title[:60]}  {format_money(e.support)}")
    ctx.say(f"Tổng: {view.count} đề án, hỗ trợ {format_money(view.total('support'))} đồng.")
    left_out = [c for c in judged if not c["in"]]
    if left_out:
        ctx.say(f"Không có trong danh mục ({len(left_out)} đề án của năm {view.plan_year}):")
        for c in left_out:
            ctx.say(f"   {c['code']}  {c['reason']}")
    for other in others:
        # Kept apart after a merge (issue 25): named, never added into this one.
        ctx.say(
            f"Cùng năm và nguồn còn có danh mục riêng của {other}: "
            f"kcdesk catalogue show --year {view.plan_year} --source {view.funding_source} "
            f'--origin "{other}"'
        )
    return 0


def _write(target: Path, produce: Callable[[BinaryIO], None]) -> None:
    buffer = BytesIO()
    produce(buffer)
    atomic_write_bytes(target, buffer.getvalue())


def _export(args: argparse.Namespace, ctx: CliContext) -> int:
    if not (args.xlsx or args.pdf or args.letter or args.docx or args.letter_docx):
        raise UserError("Chọn ít nhất một tệp: --xlsx, --pdf, --docx, --letter hoặc --letter-docx.")
    view, values = _view(args, ctx)
    if view.count == 0:
        raise UserError(
            f"Danh mục năm {view.plan_year} ({view.source_label}) chưa có đề án nào đạt thẩm "
            "định (xem: kcdesk catalogue show)."
        )
    form = load_catalogue_form()
    written: list[str] = []
    # The same issuer for the catalogue and its letter: the Centre's copy goes with its
    # tờ trình, the Department's with its own, the chairman's is the decision's appendix.
    issuer = args.issuer or default_issuer(view)
    if args.xlsx:
        xlsx_agency = agency_from_settings(values, issuer)

        def xlsx(handle: BinaryIO) -> None:
            write_catalogue_xlsx(view, form, handle, agency=xlsx_agency, issuer=issuer)

        _write(Path(args.xlsx), xlsx)
        written.append(args.xlsx)
    check = None
    if view.state is not CatalogueState.DRAFT:
        # Printed on a catalogue once submitted: the audit chain's head (issue 19).
        with ctx.db.session() as session:
            check = audit.check_code(audit.chain_head(session))
    agency = agency_from_settings(values, issuer)
    code = str(check) if check else None

    def catalogue_pdf(handle: BinaryIO) -> None:
        write_catalogue_pdf(view, form, agency, handle, issuer=issuer, audit_check=code)

    def letter(handle: BinaryIO) -> None:
        write_submission_letter(view, agency, values, handle, issuer=issuer)

    # The PDF and its Word copy come from the same writer (reports/docx).
    for target, producer, word in (
        (args.pdf, catalogue_pdf, False),
        (args.letter, letter, False),
        (args.docx, catalogue_pdf, True),
        (args.letter_docx, letter, True),
    ):
        if not target:
            continue
        if word:
            from kcdesk.reports.docx.write import write_docx

            write_docx(Path(target), producer)
        else:
            _write(Path(target), producer)
        written.append(target)
    ctx.say(f"Đã ghi {', '.join(written)} ({view.count} đề án).")
    return 0


def _submit(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        version = catalogue.submit(
            session,
            ctx.actor,
            args.year,
            args.source,
            letter_no=args.letter_no,
            letter_date=cli_date(args.letter_date, "--letter-date"),
        )
        ctx.say(f"Đã trình danh mục năm {args.year}: phiên bản {version.number}.")
    return 0


def _approve(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        version = catalogue.approve(
            session,
            ctx.actor,
            args.year,
            args.source,
            decision_no=args.decision_no,
            decision_date=cli_required_date(args.decision_date, "--decision-date"),
        )
        ctx.say(f"Đã ghi quyết định phê duyệt {args.decision_no}: phiên bản {version.number}.")
    return 0


def _department_letter(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        version = set_department_letter(
            session,
            ctx.actor,
            args.year,
            args.source,
            number=args.number,
            when=cli_required_date(args.date, "--date"),
            version=args.version,
        )
        ctx.say(
            f"Đã ghi tờ trình của Sở số {version.department_letter_no} cho phiên bản "
            f"{version.number} của danh mục năm {args.year}."
        )
    return 0


def _reopen(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        catalogue.reopen(session, ctx.actor, args.year, args.source, reason=args.reason)
    ctx.say(f"Danh mục năm {args.year} đã về dự thảo.")
    return 0


def _compare(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        diffs = catalogue.compare(session, args.year, args.source, args.old, args.new)
    changed = [d for d in diffs if d.kind != "same"]
    if args.json:
        ctx.print_json([diff_dict(d) for d in changed])
        return 0
    labels = {"added": "Thêm", "removed": "Bỏ", "changed": "Sửa"}
    for d in changed:
        ctx.say(f"{labels[d.kind]}: {d.proposal_code} {d.title}")
        for name, (old, new) in d.changes.items():
            ctx.say(f"    {name}: {old} → {new}")
    if not changed:
        ctx.say("Hai phiên bản giống nhau.")
    return 0


def _year_source(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=int, required=True, metavar="Y", help="năm kế hoạch")
    p.add_argument(
        "--source", default="dia_phuong", metavar="S", help="nguồn kinh phí (mặc định dia_phuong)"
    )


def register(registry: CommandRegistry) -> None:
    registry.group("catalogue", "danh mục đề án khuyến công của tỉnh")
    p = registry.subcommand(
        "proposal", "import-xlsx", "nhập danh sách đề án từ tệp Excel cũ", _import_xlsx
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--year", type=int, metavar="Y", help="năm kế hoạch khi tệp không ghi")
    p.add_argument(
        "--status", metavar="STATUS", help="trạng thái gán cho đề án (mặc định received)"
    )
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
    p.add_argument("--sheet", metavar="NAME", help="tên trang tính")
    p.add_argument("--source", default="dia_phuong", metavar="S", help="nguồn kinh phí")
    p.add_argument("--activity", metavar="CODE", help="nội dung hoạt động khi tệp không có nhóm")
    p.add_argument(
        "--map", action="append", metavar="FIELD=COL", help="sửa ghép cột, ví dụ support=H"
    )
    p.add_argument("--json", action="store_true")

    p = registry.subcommand("catalogue", "show", "xem danh mục đề án", _show)
    _year_source(p)
    p.add_argument("--version", type=int, metavar="N")
    p.add_argument(
        "--origin",
        metavar="TỈNH_CŨ",
        help="danh mục của tỉnh cũ đã hợp nhất, ví dụ «tỉnh Hải Dương (cũ)»",
    )
    p.add_argument("--json", action="store_true")

    p = registry.subcommand("catalogue", "export", "xuất danh mục ra Excel, PDF, tờ trình", _export)
    _year_source(p)
    p.add_argument("--version", type=int, metavar="N")
    p.add_argument("--xlsx", metavar="FILE")
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument(
        "--letter",
        metavar="FILE",
        help="văn bản kèm danh mục (PDF): tờ trình của Trung tâm, của Sở, hoặc quyết định",
    )
    p.add_argument("--docx", metavar="FILE", help="danh mục (phụ lục) dạng Word .docx")
    p.add_argument("--letter-docx", metavar="FILE", help="văn bản kèm danh mục dạng Word .docx")
    p.add_argument(
        "--issuer",
        choices=["centre", "department", "committee"],
        help="cơ quan ban hành: centre (Trung tâm), department (Sở), committee (UBND tỉnh)",
    )

    p = registry.subcommand("catalogue", "submit", "trình danh mục (chốt phiên bản)", _submit)
    _year_source(p)
    p.add_argument("--letter-no", metavar="SỐ")
    p.add_argument("--letter-date", metavar="DD/MM/YYYY")

    p = registry.subcommand("catalogue", "approve", "ghi quyết định phê duyệt danh mục", _approve)
    _year_source(p)
    p.add_argument("--decision-no", required=True, metavar="SỐ")
    p.add_argument("--decision-date", required=True, metavar="DD/MM/YYYY")

    p = registry.subcommand(
        "catalogue",
        "department-letter",
        "ghi số, ngày tờ trình của Sở trình Chủ tịch UBND tỉnh phê duyệt danh mục",
        _department_letter,
    )
    _year_source(p)
    p.add_argument("--number", required=True, metavar="SỐ", help="ví dụ 12 hoặc 12/TTr-SCT")
    p.add_argument("--date", required=True, metavar="DD/MM/YYYY")
    p.add_argument("--version", type=int, metavar="N", help="phiên bản (mặc định: mới nhất)")

    p = registry.subcommand("catalogue", "reopen", "đưa danh mục đã trình về dự thảo", _reopen)
    _year_source(p)
    p.add_argument("--reason", required=True)

    p = registry.subcommand("catalogue", "compare", "so sánh hai phiên bản danh mục", _compare)
    _year_source(p)
    p.add_argument("old", type=int)
    p.add_argument("new", type=int)
    p.add_argument("--json", action="store_true")

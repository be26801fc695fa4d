"""``kcdesk appraisal …``: councils, sheets, scores, results, minutes (thẩm định).

kcdesk appraisal sheets --year 2027 --pdf phieu.pdf [--blank]
kcdesk appraisal results --year 2027 --json
kcdesk appraisal create --year 2027 --name "Hội đồng …" [--decision-no …]
kcdesk appraisal member-add --session 1 --name "…" --post "…" --role chair
kcdesk appraisal agenda-add --session 1 ĐA-2027-001 … | --all-awaiting
kcdesk appraisal conflict --session 1 --member "…" --proposal ĐA-2027-001 --reason "…"
kcdesk appraisal scores --session 1 --csv diem.csv
kcdesk appraisal record --session 1
kcdesk appraisal undo --session 1 ĐA-2027-001 [--reason "…"]
kcdesk appraisal minutes --session 1 --pdf bien-ban.pdf
kcdesk appraisal xlsx --session 1 --out tong-hop.xlsx
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from sqlalchemy.orm import Session

from kcdesk.cli.context import CliContext, CommandRegistry, cli_date
from kcdesk.models.appraisal import AgendaItem, AppraisalSession, CouncilMember, MemberRole
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.criteria import load_criteria_sets
from kcdesk.services.appraisal.results import record_results, session_results
from kcdesk.services.appraisal.scores import SheetInput, save_grid
from kcdesk.services.appraisal.undo import undo_results
from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.proposals import lookup as proposals
from kcdesk.text import nfc

GROUP = "appraisal"


def _sessions(session: Session, args: argparse.Namespace) -> list[AppraisalSession]:
    if getattr(args, "session", None) is not None:
        return [appraisal.get_session(session, args.session)]
    found = appraisal.list_sessions(session, args.year)
    if not found:
        raise UserError(f"Năm kế hoạch {args.year} chưa có hội đồng thẩm định nào.")
    return found


def _member(s: AppraisalSession, key: str) -> CouncilMember:
    """A member by name (exact, NFC) or by number in the list (1, 2, …)."""
    key = nfc(key.strip())
    for index, m in enumerate(s.members, start=1):
        if m.name == key or str(index) == key:
            return m
    names = ", ".join(m.name for m in s.members) or "chưa có ai"
    raise UserError(f"Hội đồng «{s.name}» không có thành viên «{key}». Thành viên: {names}.")


def _item(s: AppraisalSession, code: str) -> AgendaItem:
    code = nfc(code.strip())
    for item in s.items:
        if item.proposal.code == code:
            return item
    raise UserError(f"Đề án {code} không có trong chương trình họp của «{s.name}».")


def _criteria(args: argparse.Namespace, ctx: CliContext) -> int:
    sets = load_criteria_sets()
    if args.json:
        ctx.print_json([spec.to_dict() for spec in sets.values()])
        return 0
    for spec in sets.values():
        flag = " (thang điểm mặc định)" if spec.default_scale else ""
        ctx.say(f"{spec.code}: {spec.label}{flag} — tổng {spec.total}, đạt từ {spec.pass_mark}")
        for c in spec.criteria:
            ctx.say(f"    {c.code:<20} {c.max_points:>3}  {c.label}")
    return 0


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        rows = [
            {
                "id": s.id,
                "name": s.name,
                "plan_year": s.plan_year,
                "criteria": s.criteria_code,
                "decision_no": s.decision_no,
                "members": len(s.members),
                "agenda": len(s.items),
            }
            for s in appraisal.list_sessions(session, args.year)
        ]
    if args.json:
        ctx.print_json(rows)
    else:
        for r in rows:
            ctx.say(
                f"{r['id']:>4}  {r['plan_year']}  {r['name']} — {r['members']} thành viên, "
                f"{r['agenda']} đề án"
            )
    return 0


def _create(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        s = appraisal.create_session(
            session,
            ctx.actor,
            name=args.name,
            plan_year=args.year,
            criteria_code=args.criteria,
            decision_no=args.decision_no or "",
            decision_date=cli_date(args.decision_date, "Ngày quyết định"),
            meeting_date=cli_date(args.meeting_date, "Ngày họp"),
            place=args.place or "",
        )
        sid = s.id
    ctx.say(f"Đã tạo hội đồng số {sid}.")
    return 0


def _member_add(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        role = MemberRole(args.role)
    except ValueError as exc:
        raise UserError("Vai trò là chair, secretary hoặc member.") from exc
    with ctx.db.session() as session:
        s = appraisal.get_session(session, args.session)
        appraisal.add_member(session, ctx.actor, s, name=args.name, post=args.post or "", role=role)
        count = len(s.members)
    ctx.say(f"Đã thêm {args.name}; hội đồng có {count} thành viên.")
    return 0


def _agenda_add(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        s = appraisal.get_session(session, args.session)
        if args.all_awaiting:
            targets = appraisal.available_proposals(session, s)
        else:
            targets = [
                proposals.get_proposal(session, code, actor=ctx.actor) for code in args.codes
            ]
        if not targets:
            raise UserError("Không có đề án nào để đưa vào chương trình họp.")
        for p in targets:
            appraisal.add_item(session, ctx.actor, s, p)
        count = len(s.items)
    ctx.say(f"Đã đưa {len(targets)} đề án vào chương trình; tổng {count} đề án.")
    return 0


def _conflict(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        s = appraisal.get_session(session, args.session)
        member, item = _member(s, args.member), _item(s, args.proposal)
        appraisal.declare_conflict(session, ctx.actor, item, member, args.reason)
    ctx.say(f"Đã ghi xung đột lợi ích: {args.member} không chấm đề án {args.proposal}.")
    return 0


def _scores(args: argparse.Namespace, ctx: CliContext) -> int:
    """CSV columns: code, member, one per criterion code, conclusion, comment."""
    path = Path(args.csv)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise UserError(f"Không đọc được tệp «{path}»: {exc.strerror or exc}.") from exc
    with ctx.db.session() as session:
        s = appraisal.get_session(session, args.session)
        spec = appraisal.criteria_of(s)
        by_label = {c.label: c.code for c in spec.conclusions} | {
            c.code: c.code for c in spec.conclusions
        }
        grids: dict[int, tuple[AgendaItem, dict[int, SheetInput]]] = {}
        for line, row in enumerate(rows, start=2):
            if not row.get("code") or not row.get("member"):
                raise UserError(f"Dòng {line}: cần cột «code» (mã đề án) và «member» (thành viên).")
            item, member = _item(s, row["code"]), _member(s, row["member"])
            raw_conclusion = (row.get("conclusion") or "").strip()
            if raw_conclusion and raw_conclusion not in by_label:
                raise UserError(f"Dòng {line}: kết luận «{raw_conclusion}» không có.")
            sheet = SheetInput(
                {c.code: row.get(c.code) for c in spec.criteria},
                by_label.get(raw_conclusion),
                row.get("comment") or "",
            )
            grids.setdefault(item.id, (item, {}))[1][member.id] = sheet
        # All grids are checked inside one transaction: one bad cell rolls back everything.
        saved = sum(save_grid(session, ctx.actor, item, grid) for item, grid in grids.values())
    ctx.say(f"Đã lưu {saved} phiếu.")
    return 0


def _sheets(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.reports.appraisal.sheet_data import print_sheets

    with ctx.db.session() as session:
        found = _sessions(session, args)
        count = print_sheets(session, found, Path(args.pdf), order=args.order, blank=args.blank)
    ctx.say(f"Đã in {count} phiếu vào {args.pdf}.")
    return 0


def _results(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        found = _sessions(session, args)
        rows = []
        for s in found:
            for r in session_results(s):
                rows.append((s.name, r))
        data = [r.as_json() for _, r in rows]
        text = [
            f"{r.rank or '—':>3}  {r.code}  TV chấm {r.members_scored}  "
            f"ĐBQ {r.average if r.average is not None else '—'}  "
            f"{'Đạt' if r.passed else ('Không đạt' if r.passed is False else 'Chưa chấm')}  "
            f"{r.conclusion_label}"
            for _, r in rows
        ]
    if args.json:
        ctx.print_json(data)
    else:
        for line in text:
            ctx.say(line)
    return 0


def _record(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        s = appraisal.get_session(session, args.session)
        done = record_results(session, ctx.actor, s, codes=args.codes or None)
        count = len(done)
    ctx.say(f"Đã ghi kết quả {count} đề án (chuyển sang 'Đã thẩm định').")
    return 0


def _undo(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        s = appraisal.get_session(session, args.session)
        done = undo_results(session, ctx.actor, s, args.codes, reason=args.reason or "")
    ctx.say(
        f"Đã huỷ kết quả thẩm định của {len(done)} đề án ({', '.join(done)}); "
        "đề án trở lại 'Chờ thẩm định'."
    )
    return 0


def _minutes(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.reports.appraisal.minutes_pdf import write_minutes

    if not (args.pdf or args.docx):
        raise UserError("Chọn ít nhất một tệp: --pdf hoặc --docx.")
    with ctx.db.session() as session:
        s = appraisal.get_session(session, args.session)
        values = settings.get_all(session)
        if args.pdf:
            write_minutes(s, values, Path(args.pdf))
        if args.docx:
            from kcdesk.reports.docx.write import write_docx

            write_docx(Path(args.docx), lambda h: write_minutes(s, values, h))
    ctx.say(f"Đã in biên bản vào {', '.join(f for f in (args.pdf, args.docx) if f)}.")
    return 0


def _xlsx(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.reports.appraisal.summary_xlsx import write_summary

    with ctx.db.session() as session:
        write_summary(appraisal.get_session(session, args.session), Path(args.out))
    ctx.say(f"Đã xuất tổng hợp vào {args.out}.")
    return 0


def register(registry: CommandRegistry) -> None:
    registry.group(GROUP, "thẩm định: hội đồng, phiếu, điểm, kết quả, biên bản")
    p = registry.subcommand(GROUP, "criteria", "các bộ tiêu chí", _criteria)
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(GROUP, "list", "các hội đồng thẩm định", _list)
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(GROUP, "create", "lập hội đồng thẩm định", _create)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--criteria", help="mã bộ tiêu chí (mặc định: bộ đầu tiên)")
    p.add_argument("--decision-no")
    p.add_argument("--decision-date", metavar="DD/MM/YYYY")
    p.add_argument("--meeting-date", metavar="DD/MM/YYYY")
    p.add_argument("--place")
    p = registry.subcommand(GROUP, "member-add", "thêm thành viên hội đồng", _member_add)
    p.add_argument("--session", type=int, required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--post")
    p.add_argument("--role", default="member", help="chair, secretary hoặc member")
    p = registry.subcommand(GROUP, "agenda-add", "đưa đề án vào chương trình họp", _agenda_add)
    p.add_argument("--session", type=int, required=True)
    p.add_argument("codes", nargs="*", metavar="MÃ_ĐỀ_ÁN")
    p.add_argument("--all-awaiting", action="store_true", help="mọi đề án chờ thẩm định")
    p = registry.subcommand(GROUP, "conflict", "ghi xung đột lợi ích", _conflict)
    p.add_argument("--session", type=int, required=True)
    p.add_argument("--member", required=True, help="họ tên hoặc số thứ tự")
    p.add_argument("--proposal", required=True)
    p.add_argument("--reason", required=True)
    p = registry.subcommand(GROUP, "scores", "nhập điểm từ tệp CSV", _scores)
    p.add_argument("--session", type=int, required=True)
    p.add_argument("--csv", required=True, metavar="FILE")
    p = registry.subcommand(GROUP, "sheets", "in phiếu đánh giá (một tệp PDF)", _sheets)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--session", type=int)
    p.add_argument("--pdf", required=True, metavar="FILE")
    p.add_argument("--blank", action="store_true", help="phiếu trống, không in tóm tắt đề án")
    p.add_argument("--order", choices=("member", "proposal"), default="member")
    p = registry.subcommand(GROUP, "results", "kết quả thẩm định", _results)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--session", type=int)
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(GROUP, "record", "ghi kết quả, chuyển 'Đã thẩm định'", _record)
    p.add_argument("--session", type=int, required=True)
    p.add_argument("codes", nargs="*", metavar="MÃ_ĐỀ_ÁN")
    p = registry.subcommand(GROUP, "undo", "huỷ kết quả đã ghi (khi danh mục chưa trình)", _undo)
    p.add_argument("--session", type=int, required=True)
    p.add_argument("codes", nargs="+", metavar="MÃ_ĐỀ_ÁN")
    p.add_argument("--reason", help="lý do huỷ, ghi vào lịch sử đề án")
    p = registry.subcommand(GROUP, "minutes", "in biên bản thẩm định", _minutes)
    p.add_argument("--session", type=int, required=True)
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--docx", metavar="FILE", help="biên bản dạng Word .docx")
    p = registry.subcommand(GROUP, "xlsx", "xuất tổng hợp kết quả (Excel)", _xlsx)
    p.add_argument("--session", type=int, required=True)
    p.add_argument("--out", required=True, metavar="FILE")

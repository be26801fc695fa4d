"""Security commands: users, backup, restore, integrity check.

``user add NAME --role ROLE --full-name TEXT --password-stdin``, ``user list --json``,
``user passwd``, ``user reset``, ``user disable/enable``; ``backup --out FILE``,
``restore FILE [--yes]``, ``check``. Passwords are read from stdin (scripts) or
asked for without echo on a terminal; never taken on the command line.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from pathlib import Path

from kcdesk.cli.context import PASSWORD_ENV, CliContext, CommandRegistry, Handler
from kcdesk.formatting.units import format_seconds, format_size
from kcdesk.models import Role
from kcdesk.models.db import DatabaseError
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.backup import integrity
from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.security import users
from kcdesk.services.security.permissions import RESTORE, require

EXIT_PROBLEMS = 1


def _read_passwords(args: argparse.Namespace, count: int, prompts: list[str]) -> list[str]:
    """``count`` passwords, one per stdin line with --password-stdin, else typed twice."""
    if args.password_stdin:
        lines = sys.stdin.read().splitlines()
        if len(lines) < count or any(not line for line in lines[:count]):
            raise UserError(
                f"--password-stdin cần {count} dòng mật khẩu trên đầu vào chuẩn "
                f"({', '.join(prompts)})."
            )
        return lines[:count]
    if not sys.stdin.isatty():
        raise UserError("Không có bàn phím để nhập mật khẩu: hãy dùng --password-stdin.")
    values: list[str] = []
    for prompt in prompts:
        first = getpass.getpass(f"{prompt}: ")
        if prompt.startswith("Mật khẩu mới") and getpass.getpass("Nhập lại: ") != first:
            raise UserError("Hai lần nhập mật khẩu không khớp.")
        values.append(first)
    return values


def _accounts_need_login(ctx: CliContext) -> None:
    """Accounts are managed by a logged-in administrator once one exists, even on a
    database left in single-user mode (else anyone could add an administrator)."""
    if ctx.user:
        return
    with ctx.db.session() as session:
        if users.has_admin(session):
            raise UserError(
                "Đã có quản trị viên: quản lý người dùng cần đăng nhập "
                f"(--login TÊN, mật khẩu trong biến {PASSWORD_ENV} hoặc nhập khi được hỏi)."
            )


def _user_add(args: argparse.Namespace, ctx: CliContext) -> int:
    role = users.parse_role(args.role)
    _accounts_need_login(ctx)
    (password,) = _read_passwords(args, 1, ["Mật khẩu mới"])
    with ctx.db.session() as session:
        single = bool(settings.get(session, "app.single_user"))
        first_admin = role is Role.ADMIN and not users.has_admin(session)
        user = users.add_user(
            session,
            ctx.actor,
            username=args.name,
            full_name=args.full_name,
            role=role,
            password=password,
            office_code=args.office,
        )
        ctx.say(f"Đã tạo người dùng {user.username} ({role.label}).")
        if single and first_admin:
            # The first administrator ends single-user mode: from now on every command
            # (and the app) asks who is working.
            settings.put_trusted(session, ctx.actor, "app.single_user", False)
            ctx.say(
                "Đã tắt chế độ một người dùng: từ nay mọi lệnh cần --login TÊN "
                "và ứng dụng hỏi đăng nhập."
            )
        elif single:
            ctx.say(
                "Cơ sở dữ liệu vẫn ở chế độ một người dùng (không đăng nhập): hãy tạo một "
                "quản trị viên (--role admin) để bật đăng nhập."
            )
    return 0


def _user_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        rows = [users.user_dict(session, u) for u in users.list_users(session)]
    if args.json:
        ctx.print_json(rows)
        return 0
    for r in rows:
        state = "đang khóa" if r["locked"] else ("hoạt động" if r["active"] else "đã vô hiệu")
        office = f" [{r['office']}]" if r["office"] else ""
        ctx.say(f"{r['username']:<16} {r['role']:<13} {state:<11} {r['full_name']}{office}")
    ctx.say(f"({len(rows)} người dùng)")
    return 0


def _user_passwd(args: argparse.Namespace, ctx: CliContext) -> int:
    old, new = _read_passwords(args, 2, ["Mật khẩu hiện tại", "Mật khẩu mới"])
    with ctx.db.session() as session:
        user = users.get_user(session, args.name)
        users.change_password(session, users.actor_for(session, user), old, new)
    ctx.say(f"Đã đổi mật khẩu của {args.name}.")
    return 0


def _user_reset(args: argparse.Namespace, ctx: CliContext) -> int:
    _accounts_need_login(ctx)
    (new,) = _read_passwords(args, 1, ["Mật khẩu mới"])
    with ctx.db.session() as session:
        users.reset_password(session, ctx.actor, args.name, new)
    ctx.say(f"Đã đặt lại mật khẩu và mở khóa tài khoản {args.name}.")
    return 0


def _user_active(active: bool) -> Handler:
    def handler(args: argparse.Namespace, ctx: CliContext) -> int:
        _accounts_need_login(ctx)
        with ctx.db.session() as session:
            users.set_active(session, ctx.actor, args.name, active)
        ctx.say(f"Tài khoản {args.name} {'đã hoạt động lại' if active else 'đã bị vô hiệu'}.")
        return 0

    return handler


def _size(n: int) -> str:
    return format_size(n)


def _backup(args: argparse.Namespace, ctx: CliContext) -> int:
    out = Path(args.out)
    if args.out.endswith(("/", "\\")):
        # "--out E:/" or "--out backups/" names a folder, even one not made yet.
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"Không tạo được thư mục {out}: {exc.strerror}.") from exc
    info = backup.create_backup(ctx.db, out, ctx.actor)
    counts = info.manifest["counts"]
    ctx.say(
        f"Đã sao lưu vào {info.path} ({_size(info.size)}, {counts['proposals']} đề án, "
        f"{counts['attachments']} tệp đính kèm) trong {info.seconds:.1f} s; đã đọc lại để kiểm tra."
    )
    for file_hash in info.damaged_attachments:
        ctx.say(f"Cảnh báo: tệp đính kèm {file_hash[:12]}… đã hỏng trước khi sao lưu.")
    return 0


def _restore(args: argparse.Namespace, ctx: CliContext) -> int:
    source = Path(args.file)
    if not args.check_only:
        # The role first: whether a file exists is not for a user who may not restore.
        # (A database that no longer opens has no roles: restore_broken_database decides.)
        with contextlib.suppress(DatabaseError):
            require(ctx.actor, RESTORE)
    manifest = backup.check_backup(source)
    counts = manifest.get("counts", {})
    summary = (
        f"Bản sao lưu {source.name}: tạo lúc {manifest.get('created_at', '?')}, "
        f"{counts.get('proposals', '?')} đề án, {counts.get('attachments', 0)} tệp đính kèm."
    )
    if args.check_only:
        ctx.say(summary + " Tệp hợp lệ.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(
                "Khôi phục sẽ thay toàn bộ cơ sở dữ liệu hiện tại. Không có bàn phím để "
                "xác nhận: hãy thêm --yes nếu chắc chắn."
            )
        ctx.say(summary)
        answer = input("Thay cơ sở dữ liệu hiện tại bằng bản này? Gõ 'co' để đồng ý: ")
        if answer.strip().lower() not in ("co", "có", "y", "yes"):
            ctx.say("Đã hủy, không có gì thay đổi.")
            return EXIT_PROBLEMS
    try:
        db = ctx.db
    except DatabaseError as exc:
        # The very case a backup is for: the current file cannot be opened any more.
        location = Path(str(ctx.db_location))
        if "://" in str(ctx.db_location) or not location.is_file():
            raise
        ctx.say(f"Cơ sở dữ liệu hiện tại không mở được ({exc}); khôi phục đè lên tệp hỏng.")
        result = backup.restore_broken_database(location, source, ctx.actor)
    else:
        result = backup.restore_backup(db, source, ctx.actor, accept_other=args.other_centre)
    ctx.close()
    result.database.dispose()
    if result.key_note:
        ctx.say(result.key_note)
    ctx.say(
        f"Đã khôi phục từ {source} trong {format_seconds(result.seconds)}. Bản sao của dữ liệu trước "
        f"khi khôi phục: {result.safety_backup.path}."
    )
    return 0


def _check(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.services.merge import followup

    problems = integrity.check(ctx.db, ctx.actor)
    # Not a fault of the data: a reminder, until the organisation is checked after a merge.
    with ctx.db.session() as session:
        reminders = followup.reminder(session)
    if args.json:
        ctx.print_json(
            {
                "ok": not problems,
                "problems": [p.as_dict() for p in problems],
                "reminders": reminders,
            }
        )
        return EXIT_PROBLEMS if problems else 0
    if not problems:
        ctx.say("Kiểm tra toàn vẹn: cơ sở dữ liệu, tệp đính kèm và nhật ký đều nguyên vẹn.")
    else:
        ctx.say(f"Kiểm tra toàn vẹn: {len(problems)} vấn đề.")
        for p in problems:
            ctx.say(f"- [{p.kind}] {p.message}")
    for line in reminders:
        ctx.say(line)
    return EXIT_PROBLEMS if problems else 0


def register(registry: CommandRegistry) -> None:
    registry.group("user", "người dùng và vai trò")
    p = registry.subcommand("user", "add", "tạo người dùng", _user_add)
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--role",
        required=True,
        help="admin, centre_staff, secretary, leader hoặc office_clerk",
    )
    p.add_argument("--full-name", required=True, metavar="TEXT")
    p.add_argument("--office", metavar="CODE", help="mã đơn vị (bắt buộc với office_clerk)")
    p.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ stdin")
    p = registry.subcommand("user", "list", "liệt kê người dùng", _user_list)
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(
        "user", "passwd", "đổi mật khẩu (mật khẩu cũ rồi mật khẩu mới)", _user_passwd
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--password-stdin", action="store_true", help="hai dòng: cũ, mới")
    p = registry.subcommand(
        "user", "reset", "quản trị viên đặt lại mật khẩu (mở khóa)", _user_reset
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--password-stdin", action="store_true")
    p = registry.subcommand("user", "disable", "vô hiệu một tài khoản", _user_active(False))
    p.add_argument("name", metavar="NAME")
    p = registry.subcommand("user", "enable", "cho tài khoản hoạt động lại", _user_active(True))
    p.add_argument("name", metavar="NAME")

    p = registry.command(
        "backup", "sao lưu cơ sở dữ liệu và tệp đính kèm vào một tệp (đã kiểm tra)", _backup
    )
    p.add_argument("--out", required=True, metavar="FILE", help="tệp .zip hoặc thư mục (USB)")
    p = registry.command(
        "restore", "khôi phục từ bản sao lưu (kiểm tra trước, sao lưu bản hiện tại)", _restore
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--yes", action="store_true", help="không hỏi xác nhận")
    p.add_argument("--check-only", action="store_true", help="chỉ kiểm tra tệp, không khôi phục")
    p.add_argument(
        "--other-centre",
        action="store_true",
        help="xác nhận khôi phục bản sao lưu của Trung tâm hoặc tỉnh khác",
    )
    p = registry.command(
        "check", "kiểm tra toàn vẹn cơ sở dữ liệu, tệp đính kèm, nhật ký thao tác", _check
    )
    p.add_argument("--json", action="store_true")

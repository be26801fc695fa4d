"""Users (người dùng): add, list, passwords, lock-out, log-in.

Passwords are kept only as salted scrypt hashes (``passwords``). Five wrong
passwords in a row from one source (workstation and interface, ``lockout``) lock that
source out of the account for a quarter of an hour; an administrator can unlock it at
once by resetting the password. Every change is audited.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import Office, Role, User, utcnow
from kcdesk.services.core import audit, audit_restart, settings
from kcdesk.services.core.errors import NotFoundError, UserError, ValidationError
from kcdesk.services.security import lockout, passwords
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import USERS_ADMIN, permissions_of, require
from kcdesk.text import nfc

MAX_FAILURES = lockout.MAX_FAILURES
LOCK_MINUTES = lockout.LOCK_MINUTES
_USERNAME_RE = re.compile(r"^[\w.\-]{3,64}$")
# Verified against when the username is unknown, so both cases cost the same time.
_DUMMY_SALT_AND_KEY = "AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 43 + "="


LOGIN_FAILED = (
    f"Tên đăng nhập hoặc mật khẩu không đúng. Nhập sai {MAX_FAILURES} lần liên tiếp thì "
    f"tài khoản bị tạm khóa {LOCK_MINUTES} phút."
)


class AuthenticationFailed(UserError):
    """Wrong name or password, or a locked or disabled account."""


def normalise_username(username: str) -> str:
    return nfc(username).strip().lower()


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip())
    except ValueError as exc:
        names = ", ".join(f"{r.value} ({r.label})" for r in Role)
        raise ValidationError(f"Vai trò '{text}' không có. Các vai trò: {names}.") from exc


def get_user(session: Session, username: str) -> User:
    user = session.scalars(
        select(User).where(User.username == normalise_username(username))
    ).first()
    if user is None:
        raise NotFoundError(f"Không có người dùng '{username}'.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def has_users(session: Session) -> bool:
    """True once any account that can log in exists (else: first-run admin creation)."""
    count = session.scalar(
        select(func.count(User.id)).where(User.active.is_(True), User.password_hash.is_not(None))
    )
    return bool(count)


def has_admin(session: Session) -> bool:
    """True when an active administrator can log in (never lock everyone out)."""
    count = session.scalar(
        select(func.count(User.id)).where(
            User.role == Role.ADMIN, User.active.is_(True), User.password_hash.is_not(None)
        )
    )
    return bool(count)


def office_code_of(session: Session, user: User) -> str:
    if user.office_id is not None:
        office = session.get(Office, user.office_id)
        if office is not None:
            return office.code
    return str(settings.get(session, "office.code"))


def actor_for(session: Session, user: User) -> Actor:
    return Actor(
        username=user.username,
        role=user.role,
        office_code=office_code_of(session, user),
        full_name=user.full_name,
    )


def user_dict(session: Session, user: User, now: datetime | None = None) -> dict[str, Any]:
    """A user as JSON (``user list --json``); never the hash."""
    now = now or utcnow()
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role.value,
        "role_label": user.role.label,
        "office": office_code_of(session, user) if user.office_id is not None else None,
        "active": user.active,
        **lockout.summary(session, user, now),
        "permissions": permissions_of(user.role),
    }


def _office_id(session: Session, role: Role, office_code: str | None) -> int | None:
    code = (office_code or "").strip()
    if not code:
        if role is Role.OFFICE_CLERK:
            raise ValidationError(
                "Cán bộ đơn vị địa phương cần có đơn vị (mã đơn vị) để chỉ xem hồ sơ "
                "của đơn vị mình.",
                {"office": "Chọn đơn vị"},
            )
        return None
    office = session.scalars(select(Office).where(Office.code == code)).first()
    if office is None:
        known = ", ".join(session.scalars(select(Office.code).order_by(Office.code))) or "chưa có"
        raise ValidationError(
            f"Không có đơn vị mã '{code}'. Các đơn vị: {known}.", {"office": "Đơn vị không có"}
        )
    return office.id


def _audit(
    session: Session, actor: Actor, user: User, action: str, changes: dict[str, Any]
) -> None:
    audit.record(
        session,
        actor,
        entity="user",
        entity_uuid=user.uuid,
        entity_label=user.username,
        action=action,
        changes=changes,
    )


def add_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    office_code: str | None = None,
) -> User:
    """Create an account (an administrator's act)."""
    require(actor, USERS_ADMIN)
    return _add_user(
        session,
        actor,
        username=username,
        full_name=full_name,
        role=role,
        password=password,
        office_code=office_code,
    )


def _add_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    office_code: str | None = None,
) -> User:
    """Create an account without a role check (``add_user``, ``create_first_admin``)."""
    name = normalise_username(username)
    if not _USERNAME_RE.match(name):
        raise ValidationError(
            "Tên đăng nhập cần 3–64 ký tự: chữ, số, dấu chấm, gạch ngang hoặc gạch dưới.",
            {"username": "Tên đăng nhập không hợp lệ"},
        )
    if session.scalars(select(User.id).where(User.username == name)).first() is not None:
        raise ValidationError(
            f"Tên đăng nhập '{name}' đã có người dùng.", {"username": "Đã có người dùng"}
        )
    passwords.check_strength(password, name)
    user = User(
        username=name,
        full_name=nfc(full_name).strip(),
        role=role,
        office_id=_office_id(session, role, office_code),
        password_hash=passwords.hash_password(password),
        active=True,
        failed_logins=0,
        origin_office=actor.office_code,
    )
    session.add(user)
    session.flush()
    _audit(
        session,
        actor,
        user,
        "create",
        {
            "role": {"old": None, "new": role.value},
            "full_name": {"old": None, "new": user.full_name},
            "office": {"old": None, "new": office_code or None},
        },
    )
    return user


def create_first_admin(session: Session, *, username: str, full_name: str, password: str) -> User:
    """First run: the first administrator, allowed only while no account exists."""
    if session.scalar(select(func.count(User.id))):
        raise UserError("Đã có người dùng: hãy nhờ quản trị viên tạo tài khoản cho bạn.")
    actor = Actor(username=normalise_username(username), role=Role.ADMIN, full_name=full_name)
    return _add_user(
        session, actor, username=username, full_name=full_name, role=Role.ADMIN, password=password
    )


def _active_admins(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
        )
        or 0
    )


def _set_password(user: User, password: str) -> None:
    passwords.check_strength(password, user.username)
    user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.revision += 1


def change_password(session: Session, actor: Actor, old_password: str, new_password: str) -> None:
    """Users change their own password; the old one must be given."""
    user = get_user(session, actor.username)
    if not passwords.verify_password(old_password, user.password_hash):
        raise ValidationError("Mật khẩu hiện tại không đúng.", {"old_password": "Không đúng"})
    if old_password == new_password:
        raise ValidationError(
            "Mật khẩu mới phải khác mật khẩu hiện tại.", {"password": "Trùng mật khẩu cũ"}
        )
    _set_password(user, new_password)
    lockout.clear(session, user)
    _audit(session, actor, user, "password", {"password": {"old": "***", "new": "***"}})


def reset_password(session: Session, actor: Actor, username: str, new_password: str) -> None:
    """An administrator sets a new password (and so unlocks the account)."""
    require(actor, USERS_ADMIN)
    user = get_user(session, username)
    _set_password(user, new_password)
    lockout.clear(session, user)
    _audit(session, actor, user, "reset_password", {"password": {"old": "***", "new": "***"}})


def set_active(session: Session, actor: Actor, username: str, active: bool) -> User:
    """Disable (or enable again) an account; never the last administrator."""
    require(actor, USERS_ADMIN)
    user = get_user(session, username)
    if user.active == active:
        return user
    if not active and user.role is Role.ADMIN and _active_admins(session) <= 1:
        raise ValidationError(
            "Không thể khóa quản trị viên cuối cùng: hãy tạo quản trị viên khác trước."
        )
    user.active = active
    user.revision += 1
    _audit(
        session,
        actor,
        user,
        "activate" if active else "deactivate",
        {"active": {"old": not active, "new": active}},
    )
    return user


def set_role(
    session: Session, actor: Actor, username: str, role: Role, office_code: str | None = None
) -> User:
    require(actor, USERS_ADMIN)
    user = get_user(session, username)
    if user.role is Role.ADMIN and role is not Role.ADMIN and _active_admins(session) <= 1:
        raise ValidationError(
            "Không thể đổi vai trò của quản trị viên cuối cùng: hãy tạo quản trị viên khác trước."
        )
    old = {"role": user.role.value, "office_id": user.office_id}
    user.office_id = _office_id(session, role, office_code)
    user.role = role
    user.revision += 1
    _audit(
        session,
        actor,
        user,
        "role",
        audit.diff(old, {"role": role.value, "office_id": user.office_id}),
    )
    return user


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    source: str | None = None,
    now: datetime | None = None,
) -> Actor:
    """Log in from ``source`` (``lockout.login_source``: this PC and the interface): the
    Actor for a right password, else AuthenticationFailed.

    A failure is counted and committed before raising: the caller's transaction is
    rolled back on the error, and a lock-out that rolled back would never lock.
    """
    now = now or utcnow()
    source = source or lockout.login_source("app")
    name = normalise_username(username)
    user = session.scalars(select(User).where(User.username == name)).first()
    if user is None:
        dummy = (
            f"{passwords.SCHEME}${passwords.N}${passwords.R}${passwords.P}${_DUMMY_SALT_AND_KEY}"
        )
        passwords.verify_password(password, dummy)
        raise AuthenticationFailed(LOGIN_FAILED)
    right = passwords.verify_password(password, user.password_hash)
    locked = lockout.locked_until(session, user, source, now)
    # Whether the account is disabled or locked is told only to whoever gives its right
    # password: a wrong guess gets the same words as an unknown name (issue 19).
    if right and not user.active:
        raise AuthenticationFailed(
            f"Tài khoản {user.username} đã bị vô hiệu bởi quản trị viên. Hãy liên hệ quản trị viên."
        )
    if right and locked is not None:
        raise AuthenticationFailed(_locked_message(user, locked))
    system = Actor(username=user.username, role=user.role, full_name=user.full_name)
    if not right or not user.active or locked is not None:
        if user.active and locked is None:
            changes = lockout.record_failure(session, user, source, now)
            _audit_login(session, system, user, "login_failed", changes)
            session.commit()
        raise AuthenticationFailed(LOGIN_FAILED)
    lockout.clear(session, user, source)
    if user.failed_logins or user.locked_until is not None:
        # Counters of an older kcdesk (one per account): the sources replaced them.
        user.failed_logins = 0
        user.locked_until = None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    actor = actor_for(session, user)
    _audit_login(session, actor, user, "login", {"source": {"old": None, "new": source}})
    return actor


def _audit_login(
    session: Session, actor: Actor, user: User, action: str, changes: dict[str, Any]
) -> None:
    """The log-in's event, unless this PC lacks the chain's key: then nothing can be
    recorded, but failures still count (a lock-out must not depend on the key) and a
    right password lets the user in to read and to import the key."""
    if audit_restart.missing_key(session) is None:
        _audit(session, actor, user, action, changes)


def _locked_message(user: User, locked_until: datetime) -> str:
    # Stored in UTC like every timestamp; shown in the PC's own time.
    until = locked_until.replace(tzinfo=UTC).astimezone().strftime("%H:%M")
    return (
        f"Tài khoản {user.username} tạm khóa trên máy này đến {until} vì nhập sai mật khẩu "
        f"{MAX_FAILURES} lần. Hãy thử lại sau, hoặc nhờ quản trị viên đặt lại mật khẩu."
    )

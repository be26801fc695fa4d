"""Offices and their exchange keys (đăng ký đơn vị, khóa trao đổi).

The Centre registers a local office and issues a key file (JSON: the office, the
Centre, the province, a 32-byte secret). The office PC *joins* with that file: it
stores both offices and from then on works as that office (setting ``office.code``).
The same secret signs packs in both directions between that office and the Centre.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Office, OfficeLevel
from kcdesk.services.core import audit, output_path, settings
from kcdesk.services.core.errors import NotFoundError, UserError, ValidationError
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import OFFICES_ADMIN, require
from kcdesk.text import nfc

KEY_FORMAT = "kcdesk-office-key"
KEY_VERSION = 1


@dataclass(frozen=True)
class OfficeKey:
    """The content of a key file."""

    code: str
    name: str
    level: OfficeLevel
    province: str
    centre_code: str
    centre_name: str
    secret: str

    def to_json(self) -> dict[str, Any]:
        return {
            "format": KEY_FORMAT,
            "version": KEY_VERSION,
            "office": {
                "code": self.code,
                "name": self.name,
                "level": self.level.value,
                "province": self.province,
            },
            "centre": {"code": self.centre_code, "name": self.centre_name},
            "secret": self.secret,
        }


def own_office_code(session: Session) -> str:
    return str(settings.get(session, "office.code"))


def own_office(session: Session) -> Office:
    code = own_office_code(session)
    office = find_office(session, code)
    if office is None:
        raise NotFoundError(
            f"Máy này làm việc với mã đơn vị {code} nhưng đơn vị đó chưa có trong cơ sở "
            "dữ liệu. Hãy chạy 'kcdesk init' (Trung tâm) hoặc 'kcdesk office join' (đơn vị)."
        )
    return office


def find_office(session: Session, code: str) -> Office | None:
    return session.scalars(select(Office).where(Office.code == code)).first()


def is_centre(session: Session) -> bool:
    return own_office(session).level is OfficeLevel.CENTRE


def centre_office(session: Session) -> Office:
    """The Centre as seen from here (this PC's own office when it is the Centre)."""
    # A merged old Centre (issue 25) is a second Centre-level office: a Centre is itself.
    own = find_office(session, own_office_code(session))
    if own is not None and own.level is OfficeLevel.CENTRE:
        return own
    office = session.scalars(select(Office).where(Office.level == OfficeLevel.CENTRE)).first()
    if office is None:
        raise NotFoundError("Chưa có Trung tâm trong cơ sở dữ liệu; hãy nhận khóa đơn vị trước.")
    return office


def secret_for(session: Session, code: str) -> str | None:
    office = find_office(session, code)
    return office.exchange_secret if office is not None and office.active else None


def list_offices(session: Session) -> list[Office]:
    return list(session.scalars(select(Office).order_by(Office.level, Office.code)))


def _check_code(code: str) -> str:
    code = nfc(code.strip())
    if not code or len(code) > 32 or any(ch.isspace() for ch in code):
        raise ValidationError(
            "Mã đơn vị phải có từ 1 đến 32 ký tự, không có dấu cách.", {"code": "Mã không hợp lệ"}
        )
    return code


def add_office(
    session: Session,
    actor: Actor,
    code: str,
    name: str,
    *,
    level: OfficeLevel = OfficeLevel.LOCAL,
    commune: str = "",
) -> OfficeKey:
    """Register a local office at the Centre and issue its key (cấp khóa)."""
    require(actor, OFFICES_ADMIN)
    code = _check_code(code)
    name = nfc(name.strip())
    if not name:
        raise ValidationError("Cần nhập tên đơn vị.", {"name": "Nhập tên đơn vị"})
    if level is OfficeLevel.CENTRE:
        raise ValidationError("Chỉ đăng ký đơn vị địa phương hoặc Sở, không đăng ký Trung tâm.")
    centre = own_office(session)
    if centre.level is not OfficeLevel.CENTRE:
        raise UserError("Chỉ máy của Trung tâm mới đăng ký đơn vị và cấp khóa.")
    province = str(settings.get(session, "org.province"))
    existing = find_office(session, code)
    if existing is not None and existing.level is OfficeLevel.CENTRE:
        raise ValidationError(f"{code} là mã của Trung tâm, không phải của một đơn vị.")
    if existing is not None and existing.exchange_secret:
        raise ValidationError(
            f"Đơn vị {code} đã được đăng ký và cấp khóa; không cấp khóa thứ hai.",
            {"code": "Mã đã có"},
        )
    secret = secrets.token_hex(32)
    if existing is None:
        existing = Office(code=code, origin_office=centre.code)
        session.add(existing)
    existing.name = name
    existing.level = level
    existing.province = province
    existing.commune = nfc(commune)
    existing.exchange_secret = secret
    existing.active = True
    session.flush()
    audit.record(
        session,
        actor,
        entity="office",
        entity_uuid=existing.uuid,
        entity_label=code,
        action="register",
        changes={"name": {"old": None, "new": name}, "level": {"old": None, "new": level.value}},
    )
    return OfficeKey(code, name, level, province, centre.code, centre.name, secret)


def write_key_file(key: OfficeKey, target: Path) -> None:
    data = json.dumps(key.to_json(), ensure_ascii=False, indent=2).encode("utf-8")
    target = output_path.check_output(target)
    # The key signs for the office: readable by its owner only, from the first byte.
    output_path.prepare_private(target)
    atomic_write_bytes(target, data)
    output_path.make_private(target)


def read_key_file(path: Path) -> OfficeKey:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != KEY_FORMAT:
            raise ValueError("format")
        office, centre = data["office"], data["centre"]
        secret = str(data["secret"])
        if len(bytes.fromhex(secret)) < 16:
            raise ValueError("secret")
        return OfficeKey(
            code=_check_code(str(office["code"])),
            name=nfc(str(office["name"])),
            level=OfficeLevel(office["level"]),
            province=nfc(str(office.get("province", ""))),
            centre_code=_check_code(str(centre["code"])),
            centre_name=nfc(str(centre.get("name", ""))),
            secret=secret,
        )
    except OSError as exc:
        raise UserError(f"Không đọc được tệp khóa {Path(path).name}: {exc.strerror}.") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UserError(f"Tệp {Path(path).name} không phải tệp khóa đơn vị kcdesk hợp lệ.") from exc


def join_office(session: Session, actor: Actor, key: OfficeKey) -> Office:
    """On an office PC: store the office and the Centre, and work as that office."""
    require(actor, OFFICES_ADMIN)
    centre = find_office(session, key.centre_code)
    if centre is None:
        centre = Office(code=key.centre_code, origin_office=key.centre_code)
        session.add(centre)
    centre.name = key.centre_name or centre.name or key.centre_code
    centre.level = OfficeLevel.CENTRE
    centre.province = key.province
    own = find_office(session, key.code)
    if own is None:
        own = Office(code=key.code, origin_office=key.centre_code)
        session.add(own)
    own.name, own.level, own.province = key.name, key.level, key.province
    own.exchange_secret = key.secret
    own.active = True
    session.flush()
    _demote_other_centres(session, centre)
    settings.put_trusted(session, actor, "office.code", key.code)
    if key.province and settings.get(session, "org.province") != key.province:
        settings.put_trusted(session, actor, "org.province", key.province)
    audit.record(
        session,
        actor,
        entity="office",
        entity_uuid=own.uuid,
        entity_label=key.code,
        action="join",
        changes={"centre": {"old": None, "new": key.centre_code}},
    )
    return own


def _demote_other_centres(session: Session, centre: Office) -> None:
    """One Centre only: a default Centre row made at first run no longer counts."""
    for office in session.scalars(select(Office).where(Office.level == OfficeLevel.CENTRE)):
        if office.id != centre.id:
            office.level = OfficeLevel.LOCAL
            office.active = False

"""Signature images and trusted roots kept in the database's settings (Cài đặt → Ký số).

The images are PNGs stored as base64 (so a backup carries them); the trusted roots are
the CA certificates the Centre has imported, as PEM text. Nothing here imports
pyHanko, so the Settings screen opens fast. Changing them is audited and
needs the settings permission, like every other setting.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from asn1crypto import pem
from sqlalchemy.orm import Session

from kcdesk.services.core import settings
from kcdesk.services.security.actor import Actor
from kcdesk.services.signing.certs import VIETNAM, load_roots
from kcdesk.services.signing.errors import SigningError

SIGNER_IMAGE = "signing.signer_image"
SEAL_IMAGE = "signing.seal_image"
TRUSTED_ROOTS = "signing.trusted_roots"
MAX_IMAGE_BYTES = 2_000_000
IMAGE_LABELS = {SIGNER_IMAGE: "Hình chữ ký", SEAL_IMAGE: "Hình con dấu"}
DEFAULT_LOOK = "signing.default_look"
# The kinds of signature (ND 30/2020 Phụ lục I, mục II), by ``appearance.Look`` value.
LOOK_LABELS = {
    "signer": "Chữ ký số của người có thẩm quyền (hình chữ ký)",
    "organisation": "Chữ ký số của cơ quan, tổ chức (hình con dấu)",
    "invisible": "Ký số không hiển thị",
}


@dataclass(frozen=True)
class SignatureImages:
    """PNG images from Settings: the signer's signature and the organisation's seal."""

    signer: bytes | None = None
    seal: bytes | None = None


@dataclass(frozen=True)
class RootInfo:
    """A trusted root as the Settings panel lists it."""

    subject: str
    organisation: str
    valid_to: date


def _values(session: Session) -> dict[str, object]:
    return settings.get_all(session)


def _decode(value: object) -> bytes | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return None


def images(session: Session) -> SignatureImages:
    values = _values(session)
    return SignatureImages(
        signer=_decode(values.get(SIGNER_IMAGE)), seal=_decode(values.get(SEAL_IMAGE))
    )


def set_image(session: Session, actor: Actor, key: str, data: bytes | None) -> None:
    """Store (or with ``None`` clear) the signer's or the seal's image; PNG only."""
    if key not in IMAGE_LABELS:
        raise KeyError(key)
    if data is not None:
        if len(data) > MAX_IMAGE_BYTES:
            raise SigningError(f"{IMAGE_LABELS[key]} quá lớn (tối đa 2 MB).")
        if not data.startswith(b"\x89PNG"):
            raise SigningError(f"{IMAGE_LABELS[key]} phải là tệp PNG (nền trong suốt).")
        from PIL import Image

        try:
            Image.open(BytesIO(data)).load()
        except Exception as exc:
            raise SigningError(f"{IMAGE_LABELS[key]}: tệp PNG bị hỏng.") from exc
    text = base64.b64encode(data).decode("ascii") if data else ""
    settings.put(session, actor, key, text)


def default_look(session: Session) -> str:
    """The kind of signature the dialog and ``kcdesk sign`` start with."""
    value = _values(session).get(DEFAULT_LOOK)
    return value if isinstance(value, str) and value in LOOK_LABELS else "signer"


def set_default_look(session: Session, actor: Actor, value: str) -> None:
    if value not in LOOK_LABELS:
        raise SigningError("Kiểu chữ ký không hợp lệ.")
    settings.put(session, actor, DEFAULT_LOOK, value)


def trusted_roots(session: Session) -> list[bytes]:
    value = _values(session).get(TRUSTED_ROOTS)
    if not isinstance(value, list):
        return []
    return [item.encode("ascii") for item in value if isinstance(item, str)]


def root_infos(session: Session) -> list[RootInfo]:
    out = []
    for cert in load_roots(trusted_roots(session)):
        native = cert.subject.native
        out.append(
            RootInfo(
                subject=str(native.get("common_name", "")),
                organisation=str(native.get("organization_name", "")),
                valid_to=cert["tbs_certificate"]["validity"]["not_after"]
                .native.astimezone(VIETNAM)
                .date(),
            )
        )
    return out


def add_trusted_root(session: Session, actor: Actor, data: bytes) -> int:
    """Import the certificate(s) in ``data`` (PEM or DER); returns how many were new."""
    certs = load_roots([data])
    if not certs:
        raise SigningError("Tệp không có chứng thư nào.")
    current = [item.decode("ascii") for item in trusted_roots(session)]
    added = 0
    for cert in certs:
        text = pem.armor("CERTIFICATE", cert.dump()).decode("ascii")
        if text not in current:
            current.append(text)
            added += 1
    if added:
        settings.put(session, actor, TRUSTED_ROOTS, current)
    return added


def remove_trusted_root(session: Session, actor: Actor, index: int) -> None:
    current = [item.decode("ascii") for item in trusted_roots(session)]
    if not 0 <= index < len(current):
        raise SigningError("Không có chứng thư gốc này.")
    del current[index]
    settings.put(session, actor, TRUSTED_ROOTS, current)

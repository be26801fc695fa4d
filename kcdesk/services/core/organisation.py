"""The organisation on every letterhead (cơ quan ban hành): which settings a document needs.

Three issuers print kcdesk's documents (docs/official-documents.md): the Centre
(Trung tâm Khuyến công), the Department (Sở Công Thương) and the provincial
People's Committee (UBND tỉnh, its chairman signs the catalogue's decision). Each
needs its own names; a document refuses to print while one is unset rather than
print another province's name. The demo database gets the Cao Bằng organisation
of its seed programme (Quyết định 2036/QĐ-UBND ngày 28/11/2025).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from sqlalchemy.orm import Session

from kcdesk.services.core import settings
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.security import permissions
from kcdesk.services.security.actor import Actor

Issuer = Literal["centre", "department", "committee"]

# Settings a first run asks for, in the order of the form.
ORGANISATION_KEYS: tuple[str, ...] = (
    "org.province",
    "org.place_name",
    "org.province_committee",
    "org.department_parent",
    "org.department_name",
    "org.department_abbrev",
    "org.centre_parent",
    "org.centre_name",
    "org.centre_abbrev",
    "signer.centre_post",
    "signer.centre_name",
    "signer.department_post",
    "signer.department_name",
    "signer.committee_post",
    "signer.committee_name",
)

_COMMON = ("org.province", "org.place_name")
REQUIRED: dict[Issuer, tuple[str, ...]] = {
    "centre": (
        *_COMMON,
        "org.centre_parent",
        "org.centre_name",
        "org.centre_abbrev",
        "signer.centre_post",
    ),
    "department": (
        *_COMMON,
        "org.department_parent",
        "org.department_name",
        "org.department_abbrev",
        "signer.department_post",
    ),
    "committee": (*_COMMON, "org.province_committee", "signer.committee_post"),
}

# The name under each issuer's signature. Not needed to print a draft (DỰ THẢO: the
# signer fills in a dotted line); a final document refuses to print without it
# (``require_signer``).
SIGNER_NAME: dict[Issuer, str] = {
    "centre": "signer.centre_name",
    "department": "signer.department_name",
    "committee": "signer.committee_name",
}

# Cao Bằng, as its programme's decision names it (seed 001). That decision names only
# the chairman; the Centre's and the Department's directors are demo names, like the
# demo's council members and participants, so that every document prints complete.
DEMO_ORGANISATION: dict[str, str] = {
    "org.province": "Cao Bằng",
    "org.place_name": "Cao Bằng",
    "org.province_committee": "Ủy ban nhân dân tỉnh Cao Bằng",
    "org.department_parent": "UBND tỉnh Cao Bằng",
    "org.department_name": "Sở Công Thương",
    "org.department_abbrev": "SCT",
    "org.centre_parent": "Sở Công Thương tỉnh Cao Bằng",
    "org.centre_name": "Trung tâm Khuyến công và Xúc tiến thương mại",
    "org.centre_abbrev": "TTKC&XTTM",
    "signer.centre_post": "Giám đốc",
    "signer.centre_name": "Nông Văn Đức",
    "signer.department_post": "Giám đốc",
    "signer.department_name": "Hoàng Thị Thu Hà",
    "signer.committee_post": "Chủ tịch",
    "signer.committee_name": "Lê Hải Hòa",
}


def label(key: str) -> str:
    spec = settings.spec(key)
    return spec.label if spec is not None else key


def missing(values: Mapping[str, Any], issuer: Issuer) -> list[str]:
    """Keys the issuer's letterhead needs that are empty."""
    return [key for key in REQUIRED[issuer] if not str(values.get(key) or "").strip()]


def require(values: Mapping[str, Any], issuer: Issuer) -> None:
    """Refuse (one line) when a setting the issuer's letterhead needs is unset."""
    keys = missing(values, issuer)
    if keys:
        names = ", ".join(f"«{label(k)}» ({k})" for k in keys)
        raise ValidationError(
            f"Chưa in được: chưa cài đặt {names}. Nhập trong Cài đặt → Cơ quan, "
            "hoặc: kcdesk settings set KHÓA GIÁ_TRỊ."
        )


def require_signer(issuer: Issuer) -> None:
    """Refuse (one line) to print a final document whose signer's name is unset."""
    key = SIGNER_NAME[issuer]
    raise ValidationError(
        f"Chưa in được bản chính thức: chưa cài đặt «{label(key)}» ({key}); chỉ bản "
        "dự thảo mới để trống họ tên người ký. Nhập trong Cài đặt → Cơ quan, hoặc: "
        f'kcdesk settings set {key} "HỌ TÊN".'
    )


def is_configured(session: Session) -> bool:
    """Whether every issuer's letterhead can be printed."""
    values = settings.get_all(session)
    return not any(missing(values, issuer) for issuer in REQUIRED)


def apply(session: Session, actor: Actor, values: Mapping[str, str]) -> int:
    """Store the given organisation settings (audited), for a role that may edit
    settings; returns how many changed."""
    permissions.require(actor, permissions.SETTINGS_EDIT)
    return apply_trusted(session, actor, values)


def apply_trusted(session: Session, actor: Actor, values: Mapping[str, str]) -> int:
    """The same without a role check: only the demo database's set-up calls it."""
    current = settings.get_all(session)
    changed = 0
    for key, value in values.items():
        if current.get(key) != value:
            settings.put_trusted(session, actor, key, value)
            changed += 1
    return changed

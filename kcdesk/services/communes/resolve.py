"""The commune stored on a record: official code and name, or free text left to fix.

Every save goes through :func:`resolve`: a code chosen from the list wins and brings
its official name; free text is matched only where certain (``matching``), otherwise
it is kept as typed with no code and shows up in :mod:`reconcile`'s list.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcdesk.services.communes import matching
from kcdesk.services.communes.official import OfficialProvince, commune, find_province
from kcdesk.services.core import settings
from kcdesk.services.core.errors import ValidationError
from kcdesk.text import nfc


def centre_province(session: Session) -> OfficialProvince | None:
    """The province of this Centre (setting "Tỉnh"), or None when it is not on the list."""
    return find_province(str(settings.get(session, "org.province") or ""))


def resolve(session: Session, code: str | None, text: str | None) -> tuple[str | None, str]:
    """(official code or None, name to store) for a commune chosen or typed."""
    if nfc(code):
        found = commune(code)
        if found is None:
            raise ValidationError(
                f"Mã xã, phường «{nfc(code)}» không có trong danh mục đơn vị hành chính.",
                {"commune": "Xã, phường không có trong danh mục."},
            )
        return found.code, found.name
    province = centre_province(session)
    if province is not None and (found := matching.match(text, province)) is not None:
        return found.code, found.name
    return None, nfc(text)

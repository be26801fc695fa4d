"""The Department's tờ trình to the provincial chairman (tờ trình của Sở Công Thương
đề nghị phê duyệt danh mục): its number and date, stored on the catalogue version it
sends, printed on the letter ("Số: 12/TTr-SCT") and cited by the approval decision.

The Department compiles the catalogue and submits it to the chairman (seed
procedure, bước 4); until its number and date are recorded the letter prints dotted
blanks for them.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session

from kcdesk.formatting import format_date
from kcdesk.models.catalogue import CatalogueVersion
from kcdesk.services.catalogue.versions import get_catalogue, pick_version
from kcdesk.services.core import audit, settings
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import CATALOGUE_EDIT, require

# "12/TTr-SCT": the number, "TTr" (tờ trình) and the issuer's abbreviation (NĐ 30/2020,
# Phụ lục VI); the abbreviation may hold a hyphen ("SCT-QLCN").
_FULL = re.compile(r"^(\d{1,6})/TTr-([A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)$")
_BARE = re.compile(r"^\d{1,6}$")


def letter_number(text: str, abbrev: str) -> str:
    """``text`` as the letter's number: "12" → "12/TTr-SCT"; a malformed one refused."""
    value = text.strip()
    if _BARE.match(value):
        return f"{int(value)}/TTr-{abbrev}"
    if _FULL.match(value):
        return value
    raise ValidationError(
        f"Số tờ trình của Sở «{value}» không đúng dạng: ghi số (ví dụ 12) hoặc 12/TTr-{abbrev}.",
        {"department_letter_no": "Ghi số tờ trình, ví dụ 12"},
    )


def set_department_letter(
    session: Session,
    actor: Actor,
    plan_year: int,
    funding_source: str,
    *,
    number: str,
    when: date | None,
    version: int | None = None,
) -> CatalogueVersion:
    """Record the Department's tờ trình on ``version`` (default: the latest one)."""
    require(actor, CATALOGUE_EDIT)
    abbrev = str(settings.get(session, "org.department_abbrev") or "SCT").strip() or "SCT"
    full = letter_number(number, abbrev)
    if when is None:
        raise ValidationError(
            "Cần ngày của tờ trình của Sở (dd/mm/yyyy).",
            {"department_letter_date": "Nhập ngày tờ trình"},
        )
    catalogue = get_catalogue(session, plan_year, funding_source)
    if catalogue is None or not catalogue.versions:
        raise ValidationError(
            f"Danh mục năm {plan_year} chưa trình (chưa có phiên bản nào): trình danh mục "
            "trước khi ghi tờ trình của Sở."
        )
    chosen = pick_version(catalogue, version)
    old = chosen.department_letter_no
    chosen.department_letter_no = full
    chosen.department_letter_date = when
    audit.record(
        session,
        actor,
        entity="catalogue",
        entity_uuid=catalogue.uuid,
        entity_label=f"Danh mục {plan_year} (phiên bản {chosen.number})",
        action="update",
        changes={
            "department_letter": {"old": old, "new": f"{full} ngày {format_date(when)}"},
        },
    )
    session.flush()
    return chosen

"""The sections of a periodic report people write (đánh giá, phương hướng, kiến nghị).

A report to the Department has, after the computed figures, an assessment of the
results, the shortcomings and their causes, the directions for the next period and
the proposals (docs/official-documents.md, "Báo cáo định kỳ"). The user types them;
they are kept with the report (programme, period) so printing it again prints
them again. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models.reports import PeriodicReportText
from kcdesk.services.core import audit
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import IMPLEMENTATION_EDIT, require
from kcdesk.text import nfc

# Section code → its heading in the printed report.
SECTIONS: dict[str, str] = {
    "ket_qua": "Kết quả đạt được",
    "ton_tai": "Tồn tại, hạn chế",
    "nguyen_nhan": "Nguyên nhân",
    "phuong_huong": "Phương hướng, nhiệm vụ kỳ tới",
    "kien_nghi": "Kiến nghị, đề xuất",
}


def get_texts(session: Session, programme: str, start: date, end: date) -> dict[str, str]:
    """The typed sections of the report (absent ones are not in the dict)."""
    rows = session.scalars(
        select(PeriodicReportText).where(
            PeriodicReportText.programme_code == programme,
            PeriodicReportText.date_from == start,
            PeriodicReportText.date_to == end,
        )
    )
    return {row.section: row.text for row in rows if row.text.strip()}


def save_texts(
    session: Session,
    actor: Actor,
    programme: str,
    start: date,
    end: date,
    texts: Mapping[str, str],
) -> int:
    """Store the given sections (empty text clears one); returns how many changed."""
    require(actor, IMPLEMENTATION_EDIT)
    unknown = set(texts) - set(SECTIONS)
    if unknown:
        raise ValidationError(
            f"Không có mục «{', '.join(sorted(unknown))}» trong báo cáo. Các mục: "
            f"{', '.join(SECTIONS)}."
        )
    existing = {
        row.section: row
        for row in session.scalars(
            select(PeriodicReportText).where(
                PeriodicReportText.programme_code == programme,
                PeriodicReportText.date_from == start,
                PeriodicReportText.date_to == end,
            )
        )
    }
    changes: dict[str, dict[str, object]] = {}
    for section, raw in texts.items():
        text = nfc(raw).strip()
        row = existing.get(section)
        old = row.text if row is not None else ""
        if old == text:
            continue
        if row is None:
            row = PeriodicReportText(
                programme_code=programme, date_from=start, date_to=end, section=section
            )
            session.add(row)
        row.text = text
        row.updated_by = actor.username
        changes[section] = {"old": old, "new": text}
    if changes:
        audit.record(
            session,
            actor,
            entity="periodic_report",
            entity_uuid="",
            entity_label=f"{programme} {start:%d/%m/%Y}-{end:%d/%m/%Y}",
            action="update",
            changes=changes,
        )
        session.flush()
    return len(changes)

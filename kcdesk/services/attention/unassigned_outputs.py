""" "Cần chú ý": outputs recorded before targets existed that two targets or more of the
proposal's programme could count (migration 0010 left them unassigned, so nothing is
counted twice). They count toward no target until assigned with
``kcdesk programme assign`` (docs/rules.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcdesk.services.attention.item import AttentionItem
from kcdesk.services.forms.load import load_measures
from kcdesk.services.programmes import membership

KIND = "target_unassigned"
LIMIT = 500


def items(session: Session) -> list[AttentionItem]:
    measures = load_measures()
    out: list[AttentionItem] = []
    for programme in membership.centre_programmes(session):
        for row in membership.unassigned(session, programme.code):
            label = measures[row.measure].label if row.measure in measures else row.measure
            out.append(
                AttentionItem(
                    KIND,
                    row.proposal_code,
                    f"Kết quả «{label}» ({row.planned}) chưa tính vào chỉ tiêu nào của chương "
                    f"trình {programme.code}: chọn một trong {', '.join(row.candidates)} "
                    f"(kcdesk programme assign {row.proposal_code} {row.measure} MÃ_CHỈ_TIÊU).",
                    None,
                    1,
                )
            )
            if len(out) >= LIMIT:
                return out
    return out

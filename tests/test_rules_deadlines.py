"""Deadlines and dates (issue 18 §4): the 30/10 catalogue deadline on the catalogue
screen and in "Cần chú ý"; the 30/6 dossier deadline warned in the wizard; schedule
items inside the proposal's months."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from kcdesk.models.catalogue import CatalogueState
from kcdesk.models.db import Database
from kcdesk.services.attention import catalogue_deadline
from kcdesk.services.attention.collect import collect
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.deadline import deadline_warning
from kcdesk.services.core import settings
from kcdesk.services.proposals.draft import ScheduleInput
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.proposals.validation import (
    dossier_deadline_warning,
    errors,
    validate,
    validate_all,
)
from kcdesk.services.security.actor import SYSTEM
from tests.proposal_factory import machine_input, make_facility

# --- catalogue deadline --------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 9, 29), None),  # 31 days before: not yet
        (date(2026, 9, 30), ("còn 30 ngày", 2)),
        (date(2026, 10, 30), ("còn 0 ngày", 2)),
        (date(2026, 10, 31), ("đã quá hạn 30/10/2026 1 ngày", 3)),
    ],
)
def test_catalogue_deadline_approaches_and_passes(
    today: date, expected: tuple[str, int] | None
) -> None:
    found = deadline_warning("30-10", 2027, CatalogueState.DRAFT, today)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert expected[0] in found[0] and found[1] == expected[1]
        assert "Danh mục đề án năm 2027" in found[0]


@pytest.mark.parametrize("state", [CatalogueState.APPROVED, CatalogueState.AMENDED])
def test_an_approved_catalogue_is_never_flagged(state: CatalogueState) -> None:
    assert deadline_warning("30-10", 2027, state, date(2026, 12, 1)) is None


def test_the_deadline_setting_is_read(db: Database) -> None:
    with db.session() as s:
        facility = make_facility(s)
        create_proposal(s, SYSTEM, machine_input(facility.uuid))
        settings.put(s, SYSTEM, "deadline.catalogue", "15-11")
    with db.session() as s:
        assert catalogue_deadline.items(s, date(2026, 11, 15))[0].severity == 2
        items = [i for i in collect(s, date(2026, 11, 16)) if i.kind == "catalogue_deadline"]
    assert len(items) == 1
    assert "15/11/2026" in items[0].message and "Khuyến công địa phương" in items[0].message
    assert items[0].severity == 3


def test_attention_stops_once_the_catalogue_is_approved(db: Database) -> None:
    with db.session() as s:
        facility = make_facility(s)
        create_proposal(s, SYSTEM, machine_input(facility.uuid))
    with db.session() as s:
        assert catalogue_deadline.items(s, date(2026, 11, 2))
        cat = catalogue.ensure_catalogue(s, SYSTEM, 2027, "dia_phuong")
        cat.state = CatalogueState.APPROVED
    with db.session() as s:
        assert catalogue_deadline.items(s, date(2026, 11, 2)) == []


def test_catalogue_screen_shows_the_deadline(db: Database, qtbot: QtBot) -> None:
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.catalogue.view import CataloguePanel

    with db.session() as s:
        facility = make_facility(s)
        create_proposal(s, SYSTEM, machine_input(facility.uuid))
    ctx = AppContext(db, SYSTEM)
    panel = CataloguePanel(ctx, year=2027)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.current is not None)
    assert panel.current is not None
    expected = deadline_warning("30-10", 2027, panel.current.state, date.today())
    if expected is None:  # before 30/9/2026 on this machine's clock
        assert not panel.deadline_label.isVisible()
    else:
        assert panel.deadline_label.isVisible()
        assert panel.deadline_label.text() == expected[0]
        assert "Danh mục đề án năm 2027 chưa được phê duyệt" in expected[0]
    ctx.worker.wait()


# --- dossier deadline and schedule ------------------------------------------------------


def test_a_dossier_filed_after_30_june_is_warned_not_refused(db: Database) -> None:
    with db.session() as s:
        facility = make_facility(s)
        data = machine_input(facility.uuid)
        data.received_date = date(2026, 6, 30)
        assert dossier_deadline_warning(s, data) == []
        data.received_date = date(2026, 7, 1)
        found = dossier_deadline_warning(s, data)
        assert len(found) == 1 and not found[0].is_error
        assert "30/06/2026" in found[0].message and "01/07/2026" in found[0].message
        assert found[0] in validate_all(s, data)
        assert not errors(validate_all(s, data))
        create_proposal(s, SYSTEM, data)  # saved all the same


def test_schedule_items_outside_the_proposals_months_are_refused() -> None:
    data = machine_input("u")
    data.start_month, data.end_month = date(2027, 3, 1), date(2027, 11, 1)
    data.schedule = [
        ScheduleInput("Khảo sát", date(2027, 2, 1), date(2027, 3, 1), "TTKC"),
        ScheduleInput("Lắp đặt", date(2027, 4, 1), date(2027, 12, 1), "HTX"),
        ScheduleInput("Nghiệm thu", date(2027, 11, 1), date(2027, 11, 1), "TTKC"),
    ]
    found = {p.field: p.message for p in errors(validate(data, check_files=False))}
    assert "trước tháng bắt đầu của đề án 03/2027" in found["schedule[0].start"]
    assert "sau tháng kết thúc của đề án 11/2027" in found["schedule[1].end"]
    assert not [f for f in found if f.startswith("schedule[2]")]

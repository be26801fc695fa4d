"""The agenda's choices read a page at a time (ui/appraisal/choice_model.py, issue 24):
the box shows the same choices, texts, codes and order as ``available_choices`` (the
list it was filled from before), its first filling reads one page, not every choice,
and "Đưa vào chương trình" / "Thêm mọi đề án chờ thẩm định" act on the same codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.appraisal import AgendaItem
from kcdesk.models.db import Database
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.appraisal.choice_model import ChoiceModel
from kcdesk.ui.appraisal.view import AppraisalView


@pytest.fixture
def ctx(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    with demo_db.session() as session:  # more awaiting appraisal than a page of 4
        on_agenda = select(AgendaItem.proposal_id)
        free = session.scalars(
            select(Proposal).where(Proposal.id.not_in(on_agenda)).order_by(Proposal.title)
        ).all()
        for proposal in free[::3]:
            proposal.status = ProposalStatus.AWAITING_APPRAISAL
    monkeypatch.setattr(ChoiceModel, "PAGE", 4)
    context = AppContext(demo_db, SYSTEM)
    yield context
    context.worker.wait()


def _expected(ctx: AppContext, view: AppraisalView) -> list[tuple[str, str]]:
    with ctx.db.session() as session:
        s = appraisal.get_session(session, view.session_id)
        return [
            (f"{code} — {title}", code) for code, title in appraisal.available_choices(session, s)
        ]


def test_pages_show_the_whole_list(qtbot: Any, ctx: AppContext) -> None:
    view = AppraisalView(ctx)
    qtbot.addWidget(view)
    box = view.setup.candidates
    expected = _expected(ctx, view)
    assert len(expected) > 2 * ChoiceModel.PAGE, "the demo should fill several pages"
    # The first filling counted the choices and read the first page only.
    assert view.setup.choices._pages.keys() == {0}
    assert box.count() == len(expected)
    assert (box.currentIndex(), box.currentData()) == (0, expected[0][1])
    shown = [(box.itemText(i), box.itemData(i)) for i in range(box.count())]
    assert shown == expected
    # Read backwards too (a page dropped and read again gives the same lines).
    assert [(box.itemText(i), box.itemData(i)) for i in reversed(range(box.count()))] == (
        expected[::-1]
    )
    assert box.findData(expected[-1][1]) == len(expected) - 1
    assert box.itemData(len(expected)) is None


def test_adding_acts_on_the_same_codes(qtbot: Any, ctx: AppContext) -> None:
    view = AppraisalView(ctx)
    qtbot.addWidget(view)
    setup = view.setup
    expected = _expected(ctx, view)
    first = expected[0][1]
    assert setup.add_item() is True
    assert setup.message.text() == f"Đã đưa {first} vào chương trình họp."
    rest = _expected(ctx, view)
    assert rest == expected[1:]
    assert [setup.candidates.itemData(i) for i in range(setup.candidates.count())] == [
        code for _text, code in rest
    ]
    before = setup.agenda.rowCount()
    assert setup.add_all_items() is True
    assert setup.message.text() == f"Đã đưa {len(rest)} đề án vào chương trình họp."
    assert setup.agenda.rowCount() == before + len(rest)
    agenda_codes = [setup.agenda.item(r, 1).text() for r in range(setup.agenda.rowCount())]
    assert set(agenda_codes) >= {first, *(code for _text, code in rest)}
    assert setup.candidates.count() == 0 and setup.candidates.currentData() is None
    assert setup.add_all_items() is False
    assert setup.message.text() == "Không còn đề án chờ thẩm định để thêm."

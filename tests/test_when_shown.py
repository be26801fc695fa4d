"""A hidden section reloads when it is shown again, not behind every save (issue 24)."""

from __future__ import annotations

from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.catalogue.view import CataloguePanel
from kcdesk.ui.when_shown import WhenShown
from tests.test_catalogue_service import add_proposal


def test_reload_now_when_visible_else_once_on_show(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[int] = []
    reload = WhenShown(widget, lambda: calls.append(1))
    reload()
    reload()
    assert calls == [] and reload.stale
    widget.show()
    assert calls == [1] and not reload.stale
    reload()
    assert calls == [1, 1]
    widget.hide()
    widget.show()  # nothing changed while hidden: no reload
    assert calls == [1, 1]


def test_hidden_catalogue_shows_the_saved_proposal_when_opened(qtbot, db) -> None:
    with db.session() as s:
        add_proposal(s, 1, activity="may_moc_thiet_bi", support=300_000_000)
    ctx = AppContext(db, SYSTEM)
    panel = CataloguePanel(ctx, year=2027)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.current is not None)
    assert panel.model.entry_count() == 1
    panel.hide()
    with db.session() as s:  # what the wizard's save does, then its notice
        add_proposal(s, 2, activity="dao_tao_nghe", total=200_000_000, support=150_000_000)
    ctx.notify(DataKind.PROPOSAL)
    ctx.worker.wait()
    qtbot.wait(10)
    assert panel.model.entry_count() == 1  # not reloaded
    panel.show()
    qtbot.waitUntil(lambda: panel.model.entry_count() == 2)
    ctx.worker.wait()

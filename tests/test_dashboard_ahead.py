"""The dashboard's opening figures computed ahead once the window is up (ui/dashboard/
ahead.py): taken by the first opening when nothing changed, computed again otherwise,
never a second computing of the same figures, never stale figures shown."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from kcdesk.models import Proposal
from kcdesk.models.db import Database
from kcdesk.services.dashboard import board
from kcdesk.services.programmes import store as programmes
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.dashboard import ahead
from kcdesk.ui.dashboard.view import DashboardView


@pytest.fixture
def ctx(demo_db: Database) -> Iterator[AppContext]:
    context = AppContext(demo_db, SYSTEM)
    yield context
    context.worker.wait()


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int | None]]:
    """Every real computing of the figures: (programme, year)."""
    calls: list[tuple[str, int | None]] = []
    real = board.compute

    def spy(session: Any, code: str, *, year: int | None = None, **k: Any) -> board.Dashboard:
        calls.append((code, year))
        return real(session, code, year=year, **k)

    monkeypatch.setattr(board, "compute", spy)
    return calls


def _open(qtbot, ctx: AppContext) -> DashboardView:
    view = DashboardView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitUntil(lambda: view.current is not None and not view.loading, timeout=10_000)
    return view


def _first_programme(db: Database) -> str:
    with db.session() as s:
        return programmes.list_programmes(s)[0].code


def test_the_first_opening_takes_the_figures_computed_ahead(
    qtbot, ctx: AppContext, computed: list[tuple[str, int | None]]
) -> None:
    ahead.start(ctx)
    ctx.worker.wait()
    code = _first_programme(ctx.db)
    assert computed == [(code, None)]
    view = _open(qtbot, ctx)
    assert computed == [(code, None)]  # not computed a second time
    assert view.current is not None and view.current.programme_code == code
    # Taken once: the next refresh computes.
    view.refresh()
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    assert computed == [(code, None), (code, None)]


def test_a_change_meanwhile_means_the_figures_are_computed_again(
    qtbot, ctx: AppContext, computed: list[tuple[str, int | None]]
) -> None:
    ahead.start(ctx)
    ctx.worker.wait()
    with ctx.db.session() as s:
        proposal = s.scalars(select(Proposal).order_by(Proposal.id)).first()
        assert proposal is not None
        proposal.title = "Sửa sau khi tính trước"
    ctx.notify(DataKind.PROPOSAL)
    view = _open(qtbot, ctx)
    assert len(computed) == 2  # the figures of before the change were not shown
    assert view.current is not None and view.current.programme_code == computed[1][0]


def test_a_change_during_the_computing_is_not_missed(
    qtbot, ctx: AppContext, computed: list[tuple[str, int | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save on the UI thread while the worker computes: those figures are not kept."""
    real = board.compute
    computing, release = threading.Event(), threading.Event()

    def slow(*a: Any, **k: Any) -> board.Dashboard:
        result = real(*a, **k)
        computing.set()
        release.wait(10)
        return result

    monkeypatch.setattr(board, "compute", slow)
    ahead.start(ctx)
    assert computing.wait(10)
    ctx.notify(DataKind.PROPOSAL)  # the UI thread, as a save does
    release.set()
    ctx.worker.wait()
    assert ahead.take(ctx, ctx.db, _first_programme(ctx.db), None) is None


def test_old_figures_another_programme_or_database_are_not_taken(
    ctx: AppContext, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = _first_programme(ctx.db)
    ahead.start(ctx)
    ctx.worker.wait()
    assert ahead.take(ctx, ctx.db, code, 2027) is None  # another period: and now gone
    ahead.start(ctx)
    ctx.worker.wait()
    monkeypatch.setattr(ahead, "MAX_AGE_S", -1.0)  # older than allowed
    assert ahead.take(ctx, ctx.db, code, None) is None
    monkeypatch.setattr(ahead, "MAX_AGE_S", 60.0)
    ahead.start(ctx)
    ctx.worker.wait()
    # Another object for the same database, as a restore reopens it.
    reopened = copy.copy(ctx.db)
    assert reopened is not ctx.db and ahead.take(ctx, reopened, code, None) is None
    ahead.start(ctx)
    ctx.worker.wait()
    assert ahead.take(ctx, ctx.db, code, None) is not None


def test_the_main_window_computes_them_once_it_is_up(
    qtbot,
    demo_db: Database,
    computed: list[tuple[str, int | None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kcdesk.ui import warm_up
    from kcdesk.ui.main_window import MainWindow

    monkeypatch.setattr(warm_up, "start", lambda owner, *a, **k: None)
    context = AppContext(demo_db, SYSTEM)
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert computed == []
    window.show()
    assert computed == []  # not inside show(): start-up ends when the window is up
    qtbot.waitUntil(lambda: bool(computed), timeout=10_000)
    context.worker.wait()
    section = window.show_section("dashboard")
    view = section.findChild(DashboardView)
    assert view is not None
    qtbot.waitUntil(lambda: view.current is not None and not view.loading, timeout=10_000)
    assert computed == [(_first_programme(demo_db), None)]

"""The dashboard's first figures computed ahead (tính trước số liệu bảng điều khiển).

At 100,000 proposals the dashboard's first opening spent ~70 ms of its ~140 ms
computing its figures on the worker. Once the main window is up, the worker computes
the figures the dashboard opens on (the first programme, the whole period), once; the
dashboard's first refresh takes them instead of computing if they still hold:

- nothing changed since the computing began (any ``data_changed``, a restore
  included, or another workstation's save on a server, throws them away);
- the same database, programme and period, and the same day;
- at most ``MAX_AGE_S`` old (a second copy of kcdesk writing the same file sends no
  signal: figures older than a minute are computed again).

They are taken once; every later refresh computes as before. Both the computing and
the taking run on the context's one worker, one after the other, so the dashboard
never computes the same figures a second time while the first are on their way.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from kcdesk.models.db import Database
from kcdesk.ui.app_context import AppContext

if TYPE_CHECKING:
    from kcdesk.services.dashboard.board import Dashboard

log = logging.getLogger(__name__)

#: Figures older than this (seconds) are computed again.
MAX_AGE_S = 60.0


@dataclass
class _Ahead:
    lock: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 0  # raised by every data change
    db: Database | None = None  # the very object: a restore reopens an equal one
    key: tuple[str, int | None] | None = None
    result: Dashboard | None = None
    at: float = 0.0


_STATES: weakref.WeakKeyDictionary[AppContext, _Ahead] = weakref.WeakKeyDictionary()


def _state(ctx: AppContext) -> _Ahead:
    state = _STATES.get(ctx)
    if state is None:
        state = _STATES[ctx] = _Ahead()
        ctx.data_changed.connect(lambda _kind: _forget(state))
    return state


def _forget(state: _Ahead) -> None:
    with state.lock:
        state.generation += 1
        state.db, state.key, state.result = None, None, None


def start(ctx: AppContext) -> None:
    """Queue the computing of the dashboard's opening figures on ``ctx``'s worker."""
    state = _state(ctx)
    with state.lock:
        began = state.generation
    db = ctx.db

    def work(_job: Any) -> None:
        # Imported here, on the worker: the window's start-up does not wait for them.
        from kcdesk.services.dashboard import board
        from kcdesk.services.programmes import store as programmes

        with db.session() as session:
            listed = programmes.list_programmes(session)
            if not listed:
                return
            code = listed[0].code
            result = board.compute(session, code, year=None)
        with state.lock:
            if state.generation == began:  # nothing changed meanwhile
                state.db, state.key = db, (code, None)
                state.result, state.at = result, time.monotonic()

    ctx.worker.run(work, lambda _none: None, lambda exc: log.warning("dashboard ahead: %r", exc))


def take(ctx: AppContext, db: Database, code: str, year: int | None) -> Dashboard | None:
    """The figures computed ahead for ``code`` and ``year`` on ``db`` if they still hold
    (then forgotten: they serve once); None: compute them. Called on the worker."""
    state = _STATES.get(ctx)
    if state is None:
        return None
    with state.lock:
        made_on, key, result, at = state.db, state.key, state.result, state.at
        state.db, state.key, state.result = None, None, None
    if result is None or made_on is not db or key != (code, year):
        return None
    if time.monotonic() - at > MAX_AGE_S or result.today != date.today():
        return None
    return result

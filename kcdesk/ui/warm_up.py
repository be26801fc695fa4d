"""Section modules imported while the clerk has not asked for anything yet (nạp trước
lúc rảnh).

A section's modules are imported the first time it opens (``ui/sections``): start-up
stays short, but the first opening of the programme dashboard paid ~30–60 ms of
imports (QtCharts, the dashboard's services and widgets; issue 24). Once the main
window is up and its first events are through, :func:`start` imports them one module
after another for up to ~20 ms per turn of the event loop, then lets the loop turn:
a click that comes meanwhile waits for that slice (and the module under way) at most,
never for the whole list. A module already imported (the clerk opened its
section first) costs a dictionary look-up. A table the section builds at its first
use and keeps (``functools.cache``) can be named ``"module:function"``: it is built
then too. Nothing runs before the window is shown,
so cold start does not change; the quitting application stops the chain. Opening a
section holds the warm-up for a moment (:func:`hold`): the clerk waits for that
section, not for the others' modules.
"""

from __future__ import annotations

import importlib
import logging
import sys
import time
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from kcdesk.ui.sections import SECTIONS

log = logging.getLogger(__name__)

#: Import for about this long (seconds) in one turn of the event loop, then yield.
SLICE_S = 0.02

#: After the clerk opens a section, no warm-up for this long (seconds): the section's
#: own work (its query's answer, its first painting) must not wait behind an import
#: (the settings section's modules take ~30 ms in one piece). Measured at 100,000
#: proposals, the dashboard's first opening took ~140 ms with imports landing in it,
#: ~105 ms without.
HOLD_S = 0.3

_held_until = 0.0


def hold(seconds: float = HOLD_S) -> None:
    """The clerk is busy (a section opening): the warm-up waits until ``seconds`` have
    passed since the last such moment."""
    global _held_until
    _held_until = max(_held_until, time.monotonic() + seconds)


#: In import order (each one's own imports mostly done by the ones before it): the
#: programme dashboard, the first section after the register in the navigation, then
#: the others in the navigation's order.
MODULES: tuple[str, ...] = (
    "PySide6.QtCharts",
    "kcdesk.services.programmes.store",
    "kcdesk.services.dashboard.board",
    "kcdesk.services.dashboard.drill",
    "kcdesk.ui.row_table",
    "kcdesk.ui.dashboard.target_model",
    "kcdesk.ui.dashboard.charts",
    "kcdesk.ui.dashboard.drill",
    "kcdesk.ui.dashboard.view",
    "kcdesk.ui.sections.dashboard",
    # The official communes (3,321 of them, ~13 ms to load): the dashboard names its
    # communes' groups with them on its first computing.
    "vietnam_provinces.lookup",
    # ... through this table of them by code, built at its first call (~7 ms).
    "kcdesk.services.communes.official:communes_by_code",
    # Then every other section, in the navigation's order: each one's first opening
    # imported its modules (6-29 ms, ~100 ms for the six).
    *(
        f"kcdesk.ui.sections.{info.key}"
        for info in SECTIONS
        if info.key not in ("proposals", "dashboard")  # open at start / listed above
    ),
)


def start(owner: QObject, modules: Sequence[str] = MODULES) -> None:
    """Import ``modules``, a slice of ~20 ms per idle turn of the event loop, while
    ``owner`` lives; ``"module:function"`` also calls that function (no arguments: a
    table cached at its first call)."""
    pending = list(modules)

    def step() -> None:
        app = QCoreApplication.instance()
        if app is None or app.closingDown():
            return
        wait = _held_until - time.monotonic()
        if wait > 0:  # the clerk is busy: come back when the hold is over
            QTimer.singleShot(int(wait * 1000) + 1, owner, step)
            return
        began = time.perf_counter()
        imported = False  # at least one module per turn, then until the slice is used
        while pending and (not imported or time.perf_counter() - began < SLICE_S):
            name = pending.pop(0)
            module, _, call = name.partition(":")
            if module in sys.modules and not call:
                continue  # already there (its section was opened first)
            imported = True
            try:
                # "module:function": a cached table the section builds at first use.
                loaded = importlib.import_module(module)
                if call:
                    getattr(loaded, call)()
            except Exception:  # a warm-up must never break the window: the section
                log.exception("warm-up of %s failed", name)  # does it again itself
        if pending:
            QTimer.singleShot(0, owner, step)

    QTimer.singleShot(0, owner, step)

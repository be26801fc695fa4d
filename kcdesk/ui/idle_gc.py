"""Full garbage collections between the clerk's actions (thu gom bộ nhớ lúc rảnh).

Python frees most objects at once (reference counts); its cyclic collector also runs
"full" collections that look at every object it tracks. At 100,000 proposals, with
the sections open, that is about 280,000 objects and 130 ms, and the collection fell
in the middle of whatever the clerk had just asked for: one proposal window in ten
took 150–200 ms to open instead of 20 (docs/benchmarks.md, issue 24). The young
generations are still collected automatically (cheap); the full collection waits for
a timer on the interface thread, which fires when the event loop is idle, and runs
when CPython's own rule would: more than ten middle collections since the last one,
and the oldest generation grown by a quarter since then (else full collections of
280,000 objects ran every few seconds of work).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: A third threshold the collector never reaches on its own: full collections are ours.
_NEVER = 1 << 30
#: How often the idle check runs (ms): often enough that garbage does not pile up.
INTERVAL_MS = 1000


class IdleCollector(QObject):
    """Installed once per application; :meth:`uninstall` gives the thresholds back."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._before = gc.get_threshold()
        # CPython's count of middle collections that calls for a full one (10).
        self._full_after = self._before[2]
        gc.set_threshold(self._before[0], self._before[1], _NEVER)
        self._long_lived = len(gc.get_objects(generation=2))
        self._frozen = False
        # A full collection run elsewhere (gc.collect()) shrinks the oldest generation:
        # the size it left is the next baseline, as CPython keeps it.
        gc.callbacks.append(self._after_collection)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def _after_collection(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info.get("generation") == 2:
            self._long_lived = len(gc.get_objects(generation=2))

    def tick(self) -> bool:
        """A full collection when CPython's own rule calls for one; True if run."""
        if gc.get_count()[2] <= self._full_after:
            return False
        # Walking the oldest generation's list costs a few ms, only past the count.
        grown = len(gc.get_objects(generation=2)) - self._long_lived
        if grown <= self._long_lived // 4:
            return False
        gc.collect(2)  # the callback above takes the new baseline
        return True

    def freeze_startup(self) -> None:
        """Leave what start-up made out of every later full collection (once).

        When the window is first up, the objects alive are mostly the program itself
        (modules, classes, mappers, the window's widgets): some 130,000 at any database
        size, and the first full collection walked them all (50–80 ms) inside whatever
        the clerk did first, usually the first section he opened (issue 24). Frozen
        (``gc.freeze``), later collections walk only what came after. Cycles that were
        already garbage at that moment stay until :meth:`uninstall`: a one-time cost
        bounded by start-up, never growing with the clerk's work.
        """
        if self._frozen:
            return
        gc.freeze()
        self._frozen = True
        self._long_lived = len(gc.get_objects(generation=2))

    def uninstall(self) -> None:
        self.timer.stop()
        if self._frozen:
            gc.unfreeze()
            self._frozen = False
        gc.set_threshold(*self._before)
        if self._after_collection in gc.callbacks:
            gc.callbacks.remove(self._after_collection)
        self.setParent(None)  # a later install starts afresh


def install(parent: QObject) -> IdleCollector:
    """Move full collections to idle moments, until :meth:`IdleCollector.uninstall`
    (one collector at a time: a second install gives back the first)."""
    existing = parent.findChild(IdleCollector)
    return existing if isinstance(existing, IdleCollector) else IdleCollector(parent)


def window_shown(app: QObject | None) -> None:
    """The main window is up: freeze start-up's objects if a collector is installed
    (:meth:`IdleCollector.freeze_startup`); nothing otherwise (tests, scripts)."""
    collector = app.findChild(IdleCollector) if app is not None else None
    if isinstance(collector, IdleCollector):
        collector.freeze_startup()

"""Full garbage collections wait for the interface to be idle (ui/idle_gc.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kcdesk.ui import idle_gc


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


@pytest.fixture
def collector(qapp: QApplication) -> Iterator[idle_gc.IdleCollector]:
    before = gc.get_threshold()
    made = idle_gc.install(qapp)
    yield made
    made.uninstall()
    assert gc.get_threshold() == before  # the process's collector as it was


def test_full_collections_wait_for_the_idle_tick(collector: idle_gc.IdleCollector) -> None:
    assert gc.get_threshold()[2] > 1_000_000  # never reached by the collector itself
    assert idle_gc.install(collector.parent()) is collector  # one at a time
    gc.collect()
    node = _Node()
    gone = weakref.ref(node)
    gc.collect(1)  # the cycle reaches the oldest generation
    del node
    assert gone() is not None
    assert collector.tick() is False  # too few middle collections yet: nothing run
    assert gone() is not None
    for _ in range(gc.get_threshold()[1] + 11):
        gc.collect(1)  # what allocating work does to the oldest generation's count
    assert collector.tick() is False  # ...but the oldest generation has hardly grown
    assert gone() is not None
    kept = [[] for _ in range(len(gc.get_objects(generation=2)) // 3 + 1000)]
    gc.collect(1)  # a load's survivors: the oldest generation grows by a third
    assert collector.tick() is True
    assert gone() is None and gc.get_count()[2] == 0
    assert len(kept) > 1000


def test_the_timer_runs_on_the_interface_thread(collector: idle_gc.IdleCollector) -> None:
    assert collector.timer.isActive() and collector.timer.interval() == idle_gc.INTERVAL_MS
    assert collector.thread() is QApplication.instance().thread()


def test_a_full_collection_elsewhere_gives_the_baseline(qapp: QApplication) -> None:
    """Dead cycles counted when the collector started, then freed by someone else's
    gc.collect(): the next growth is measured from what that collection left."""
    junk = [_Node() for _ in range(200_000)]
    gc.collect(1)
    gc.collect(1)  # the junk reaches the oldest generation
    del junk
    collector = idle_gc.install(qapp)
    try:
        gc.collect()  # frees the junk: the oldest generation shrinks
        for _ in range(gc.get_threshold()[1] + 11):
            gc.collect(1)
        kept = [[] for _ in range(len(gc.get_objects(generation=2)) // 3 + 1000)]
        gc.collect(1)
        assert collector.tick() is True
        assert len(kept) > 1000
    finally:
        collector.uninstall()
    assert collector._after_collection not in gc.callbacks


def test_the_window_shown_freezes_start_up_once(qapp: QApplication, qtbot) -> None:
    """Start-up's objects leave the full collections when the main window is first up;
    uninstalling gives them back (ui/idle_gc.py, issue 24)."""
    assert gc.get_freeze_count() == 0
    idle_gc.window_shown(qapp)  # no collector installed: nothing frozen
    assert gc.get_freeze_count() == 0
    collector = idle_gc.install(qapp)
    try:
        gc.collect()
        alive = len(gc.get_objects(generation=2))
        idle_gc.window_shown(qapp)
        assert gc.get_freeze_count() >= alive > 0
        assert len(gc.get_objects(generation=2)) == 0  # a full collection walks none of them
        frozen = gc.get_freeze_count()
        idle_gc.window_shown(qapp)  # once only
        assert gc.get_freeze_count() == frozen
        # Garbage made after start-up is still collected at the idle tick.
        node = _Node()
        gone = weakref.ref(node)
        del node
        for _ in range(gc.get_threshold()[1] + 11):
            gc.collect(1)
        kept = [[] for _ in range(1000)]
        gc.collect(1)
        assert collector.tick() is True
        assert gone() is None and len(kept) == 1000
    finally:
        collector.uninstall()
    assert gc.get_freeze_count() == 0

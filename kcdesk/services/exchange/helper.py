"""A second process preparing a large pack's proposals while this one writes them
(tiến trình phụ khi nhập gói).

The importer reads the pack's proposal lines a few chunks ahead and hands each chunk
to the helper (``prepare.prepare_chunk``); when it comes to a chunk, it takes the
helper's result if there is one, or prepares the chunk itself as before:

- a chunk the helper has not begun (it is still starting: about half a second for a
  new Python and the modules it needs; or it is behind) the importer takes itself,
  and the helper skips it; a chunk the helper is working on, the importer waits for.
  So the two share the chunks, and a helper never makes an import slower than
  without it;
- if the helper fails or stops (it cannot start, it is killed, it answers nothing
  within ``WAIT_S``), the importer takes every remaining chunk itself.

The helper is a spawned process (the same on Windows and Linux: no fork of a process
that has Qt's and the worker's threads), stopped when the import ends.
"""

from __future__ import annotations

import logging
import marshal
import multiprocessing
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from kcdesk.services.exchange import prepare

log = logging.getLogger(__name__)

# Chunks read ahead and handed to the helper (each ~3 MB of lines for 500 proposals).
AHEAD = 4
# Longest wait for a chunk the helper is working on (it takes ~0.15 s).
WAIT_S = 30.0
# Whether the importer leaves every chunk to the helper (the tests: so that the
# helper's path is the one taken, whatever the machine's speed).
LEAVE_ALL = False
# The function the helper runs (a test replaces it to make the helper fail).
TARGET: Callable[..., list[prepare.Line]] = prepare.prepare_chunk

# In the helper: the chunk it works on and the last chunk the importer took itself,
# shared with the importer (``PrepareHelper._take``), under one lock.
_working: Any = None
_taken: Any = None
_lock: Any = None


def _share(working: Any, taken: Any, lock: Any) -> None:
    """The helper's start: the counters it shares with the importer."""
    global _working, _taken, _lock
    _working, _taken, _lock = working, taken, lock


def _prepare_unless_taken(
    target: Callable[..., list[prepare.Line]], index: int, lines: bytes, *args: Any
) -> bytes | None:
    """In the helper: chunk ``index`` prepared by ``target``, or None if the importer
    took it. Sent back marshalled: plain values only, and quicker to make and read
    again than pickled (~10 of the ~140 ms a chunk takes)."""
    with _lock:
        if index <= _taken.value:
            return None
        _working.value = index
    return marshal.dumps(target(lines.split(b"\n"), *args))


class PrepareHelper:
    """One helper process for one import; use as a context manager."""

    def __init__(self) -> None:
        self._args: tuple[str, bool] = ("", False)
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False
        self._next = 0
        self.prepared_chunks = 0  # chunks whose prepared lines were used
        self.own_chunks = 0  # chunks the importer prepared itself

    def __enter__(self) -> PrepareHelper:
        try:
            context = multiprocessing.get_context("spawn")
            lock = context.Lock()
            self._working = context.Value("q", -1, lock=False)
            self._taken = context.Value("q", -1, lock=False)
            self._lock = lock
            self._pool = ProcessPoolExecutor(
                1,
                mp_context=context,
                initializer=_share,
                initargs=(self._working, self._taken, lock),
            )
            # Started now, not at the first chunk: its Python and modules load while
            # this process reads the pack's facilities.
            self._pool.submit(prepare.warm_up)
        except (OSError, ValueError, RuntimeError) as exc:
            log.warning("import helper not started: %s", exc)
            self._broken = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def feed(
        self, chunks: Iterable[list[bytes]], office: str, at_centre: bool
    ) -> Generator[tuple[list[bytes], list[prepare.Line] | None], None, None]:
        """Each chunk with its prepared lines (None: prepare it here), in order: the
        proposals of ``office``'s pack, held to its rights if ``at_centre``."""
        self._args = (office, at_centre)
        pending: deque[tuple[int, list[bytes], Future[Any] | None]] = deque()
        source = iter(chunks)

        def top_up() -> None:
            while len(pending) < AHEAD:
                raws = next(source, None)
                if raws is None:
                    return
                index, self._next = self._next, self._next + 1
                pending.append((index, raws, self._submit(index, raws)))

        try:
            top_up()
            while pending:
                index, raws, future = pending.popleft()
                top_up()
                lines = self._take(index, future)
                if lines is None:
                    self.own_chunks += 1
                else:
                    self.prepared_chunks += 1
                yield raws, lines
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def _submit(self, index: int, raws: list[bytes]) -> Future[Any] | None:
        if self._broken or self._pool is None:
            return None
        if index == 0 and not LEAVE_ALL:
            # The first chunk is the importer's: it comes to it about when the helper
            # has started, and the helper then begins with the second, not the first
            # (which the importer would wait for, with one chunk more on the helper).
            return None
        try:
            # One block of bytes: sent as it is, where a list of lines is pickled one
            # by one (~3 ms each way for a chunk).
            block = b"\n".join(raws)
            return self._pool.submit(_prepare_unless_taken, TARGET, index, block, *self._args)
        except Exception as exc:  # a broken pool: go on without it
            self._stop(exc)
            return None

    def _take(self, index: int, future: Future[Any] | None) -> list[prepare.Line] | None:
        """The helper's lines for chunk ``index``, or None: the importer takes it."""
        if future is None or self._broken:
            return None
        if not future.done() and not LEAVE_ALL:
            with self._lock:
                if self._working.value < index:
                    # Not begun: the importer takes it, the helper will skip it.
                    self._taken.value = index
                    future.cancel()
                    return None
        try:
            sent = future.result(timeout=WAIT_S)
            return None if sent is None else list(marshal.loads(sent))
        except Exception as exc:  # failed, killed, too slow: go on alone
            future.cancel()
            self._stop(exc)
            return None

    def _stop(self, exc: BaseException) -> None:
        log.warning("import helper stopped, the import goes on without it: %r", exc)
        self._broken = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

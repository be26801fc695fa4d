"""A large pack's proposals prepared by a second process write exactly what the
import writes alone (issue 24; ``exchange/helper.py``, ``exchange/prepare.py``).

Each pack is imported into the Centre twice, each time in a transaction rolled back:
alone (``chunks.PARALLEL`` off) and with the helper process preparing every chunk of
two proposals (``helper.LEAVE_ALL``). Every row written is dumped as
``test_exchange_rows`` does it, and both dumps, the counts and the report lines must
be equal. The helper is used only on SQLite; on PostgreSQL the test checks that it
is not started.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import pytest

from kcdesk.models.db import Database
from kcdesk.services.core import id_lists
from kcdesk.services.exchange import chunks, helper, importer
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.security.actor import SYSTEM
from tests.exchange_support import (
    OFFICE,
    add_facility,
    add_proposal,
    export_forged,
    office_joined_to,
)
from tests.pack_forge import Rows, forge
from tests.test_exchange_rows import PROPOSALS, TABLES, _dump, _first_difference, _vary


def _pack(centre: Database, tmp_path: Path, proposals: int) -> tuple[Path, Path, str]:
    """An office known to ``centre`` with ``proposals`` proposals, its full pack varied
    as in ``test_exchange_rows`` (NFD text, control characters, older records…) and
    with values only the Centre may set."""
    office = office_joined_to(centre, tmp_path / "office.sqlite")
    files = tmp_path / "office files"
    with office.session() as s:
        shared = add_facility(s, OFFICE, 90)
        for n in range(1, proposals + 1):
            add_proposal(
                s,
                OFFICE,
                n,
                files=files if n % 3 == 1 else None,
                facility=shared if n % 4 == 0 else None,
            )
    pack, secret = export_forged(
        office, files, tmp_path / "gói.kcpack", tmp_path / "gói sửa.kcpack", _vary_more
    )
    return pack, files, secret


def _vary_more(rows: Rows) -> None:
    """``_vary``, and values only the Centre sets (ignored, with a report line each)."""
    _vary(rows)
    rows[PROPOSALS][2]["approved_support"] = 1
    rows[PROPOSALS][4]["disbursed"] = 1


class _Watched(helper.PrepareHelper):
    """The helper, remembered after the import (how many chunks it prepared)."""

    last: _Watched | None = None

    def __enter__(self) -> _Watched:
        _Watched.last = self
        super().__enter__()
        return self


def _small_batches(
    items: Iterable[Any], size: int | None = None
) -> Generator[list[Any], None, None]:
    return id_lists.batches(items, 2)


def _import(
    centre: Database, pack: Path, store: Path, monkeypatch: pytest.MonkeyPatch, *, parallel: bool
) -> tuple[dict[str, list[str]], importer.ImportResult]:
    with monkeypatch.context() as m:
        m.setattr(chunks, "PARALLEL", parallel)
        m.setattr(chunks, "HELPER_MIN_BYTES", 0)
        m.setattr(chunks, "batches", _small_batches)
        m.setattr(chunks, "PrepareHelper", _Watched)
        m.setattr(helper, "LEAVE_ALL", True)
        _Watched.last = None
        session = centre.session_factory()
        try:
            result = importer.import_pack(session, SYSTEM, pack, attachments_root=store)
            session.flush()
            return _dump(session), result
        finally:
            session.rollback()
            session.close()


def _same(alone: dict[str, list[str]], helped: dict[str, list[str]]) -> None:
    for name, _parents in TABLES:
        assert helped[name] == alone[name], _first_difference(name, alone[name], helped[name])


def test_proposals_prepared_by_the_helper_are_written_as_without_it(
    db: Database, db_engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack, _files, _secret = _pack(db, tmp_path, 9)
    alone, first = _import(db, pack, tmp_path / "store 1", monkeypatch, parallel=False)
    assert _Watched.last is None
    helped, second = _import(db, pack, tmp_path / "store 2", monkeypatch, parallel=True)
    if db_engine == "sqlite":
        assert _Watched.last is not None
        # 9 proposals in chunks of 2: five chunks, all prepared by the helper.
        assert (_Watched.last.prepared_chunks, _Watched.last.own_chunks) == (5, 0)
    else:
        assert _Watched.last is None  # child rows are bound by SQLAlchemy there
    assert (
        first.counts()
        == second.counts()
        == {"new": 9, "updated": 0, "unchanged": 0, "conflicts": 0}
    )
    # The office's values the Centre ignores, reported in the same order.
    assert second.notes == first.notes and first.notes
    _same(alone, helped)
    assert len(helped["proposal"]) == 9 and len(helped["budget_line"]) == 10


def test_proposals_already_here_are_taken_by_the_importer_itself(
    db: Database, db_engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack, files, secret = _pack(db, tmp_path, 7)

    def first_four(rows: Rows) -> None:
        del rows[PROPOSALS][4:]

    earlier = forge(pack, tmp_path / "gói trước.kcpack", secret, first_four)
    with db.session() as s:
        importer.import_pack(s, SYSTEM, earlier, attachments_root=tmp_path / "store 0")

    def edited(rows: Rows) -> None:
        one = rows[PROPOSALS][3]
        one["title"] = "Tên đề án đã sửa ở đơn vị"
        one["revision"] += 1

    later = forge(pack, tmp_path / "gói sau.kcpack", secret, edited)
    alone, first = _import(db, later, tmp_path / "store 1", monkeypatch, parallel=False)
    helped, second = _import(db, later, tmp_path / "store 2", monkeypatch, parallel=True)
    assert first.counts() == second.counts()
    assert first.counts()["new"] == 3 and sum(first.counts().values()) == 7
    assert second.notes == first.notes
    if db_engine == "sqlite":
        assert _Watched.last is not None and _Watched.last.prepared_chunks == 4
    _same(alone, helped)


def test_a_bad_line_is_refused_with_the_same_message_with_the_helper(
    db: Database, db_engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack, _files, secret = _pack(db, tmp_path, 5)

    def bad_fourth(rows: Rows) -> None:
        rows[PROPOSALS][3]["plan_year"] = 1999

    bad = forge(pack, tmp_path / "gói hỏng.kcpack", secret, bad_fourth)
    messages = []
    for parallel in (False, True):
        with pytest.raises(PackRefused) as refused:
            _import(db, bad, tmp_path / f"store {parallel}", monkeypatch, parallel=parallel)
        messages.append(str(refused.value))
    assert messages[0] == messages[1]
    assert "ĐA-2027-004" in messages[0] and "plan_year" in messages[0]
    with db.session() as s:
        assert s.execute(importer.select(importer.SyncState)).first() is None


def _dies(raws: list[bytes], *args: Any) -> list[Any]:
    """In the helper: it stops at once, as if killed."""
    os._exit(3)


def test_a_helper_that_dies_leaves_the_import_to_finish_alone(
    db: Database, db_engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db_engine != "sqlite":
        pytest.skip("the helper is used on SQLite only")
    pack, _files, _secret = _pack(db, tmp_path, 5)
    alone, first = _import(db, pack, tmp_path / "store 1", monkeypatch, parallel=False)
    monkeypatch.setattr(helper, "TARGET", _dies)
    helped, second = _import(db, pack, tmp_path / "store 2", monkeypatch, parallel=True)
    assert _Watched.last is not None
    assert (_Watched.last.prepared_chunks, _Watched.last.own_chunks) == (0, 3)
    assert first.counts() == second.counts()
    _same(alone, helped)


def _open_files(name: str) -> list[str]:
    fds = Path("/proc/self/fd")
    found = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith(name):
            found.append(target)
    return found


@pytest.mark.parametrize("parallel", [False, True])
def test_a_refused_pack_is_closed_while_its_error_is_kept(
    db: Database, db_engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """The error's traceback kept the readers of the pack's members, and with them the
    file (on Windows the refused pack could not be moved or deleted meanwhile)."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("open files are listed from /proc")
    pack, _files, secret = _pack(db, tmp_path, 5)

    def bad_fourth(rows: Rows) -> None:
        rows[PROPOSALS][3]["plan_year"] = 1999

    bad = forge(pack, tmp_path / "gói bị từ chối.kcpack", secret, bad_fourth)
    with pytest.raises(PackRefused) as refused:
        _import(db, bad, tmp_path / "store", monkeypatch, parallel=parallel)
    assert refused.value.__traceback__ is not None
    assert _open_files("gói bị từ chối.kcpack") == []


def test_a_zip_the_size_hint_cannot_read_leaves_the_import_to_the_pack_checks(
    db: Database, db_engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper is started from the size the zip directory gives, read before the
    pack is verified: a damaged directory (zipfile raises what it likes, e.g.
    NotImplementedError for a bad version byte) means no helper, and the pack's own
    checks decide."""

    class Unreadable:
        @staticmethod
        def ZipFile(path: Any) -> Any:  # zipfile's name
            raise NotImplementedError("zip file version 10.9")

    pack, _files, _secret = _pack(db, tmp_path, 5)
    monkeypatch.setattr(chunks, "zipfile", Unreadable)
    _Watched.last = None
    helped, result = _import(db, pack, tmp_path / "store", monkeypatch, parallel=True)
    assert _Watched.last is None
    assert result.counts()["new"] == 5 and len(helped["proposal"]) == 5

"""Batches of ids for ``IN (…)`` statements: in order, none over the limit, none lost."""

from __future__ import annotations

import pytest

from kcdesk.services.core import id_lists


@pytest.mark.parametrize("n", [0, 1, 499, 500, 501, 1234])
def test_batches_cover_everything_in_order(n: int) -> None:
    items = list(range(n))
    got = list(id_lists.batches(items))
    assert [x for batch in got for x in batch] == items
    assert all(0 < len(batch) <= id_lists.ID_BATCH for batch in got)


def test_the_limit_is_read_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(id_lists, "ID_BATCH", 2)
    assert list(id_lists.batches(iter("abcde"))) == [["a", "b"], ["c", "d"], ["e"]]
    assert list(id_lists.batches("abc", 3)) == [["a", "b", "c"]]

"""A record's canonical JSON made by orjson is byte for byte the standard library's
(``canonical_json.canonical_record``, issue 24): a content hash never changes with
the path that computed it, and the hashes stored before it still match."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcdesk.services.core import canonical_json
from kcdesk.services.core.canonical_json import canonical, canonical_record
from kcdesk.services.exchange import fastpath
from kcdesk.services.exchange.errors import PackRefused


def _reference(data: Any) -> bytes:
    """The definition, written out (docs/exchange-format.md)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


_TEXT = st.text(
    st.characters(codec="utf-8", categories=None, exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(["", "lúc 10:30.5", "[1.5]", ",2e3", "Đề án «A» \u202e\x00\x1f\x7f"])
# A record's values: no floats (``fastpath.parse_line`` refuses them).
_SCALAR = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | _TEXT
_JSON = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(_JSON)
def test_the_bytes_are_the_standard_librarys(data: Any) -> None:
    assert canonical_record(data) == canonical(data) == _reference(data)


@pytest.mark.parametrize(
    "data",
    [
        {"big": 2**64, "small": -(2**63) - 1},  # past 64 bits: orjson refuses
        {1: "a key that is not text"},
        {"x": "\ud800"},  # a lone surrogate: both refuse
    ],
)
def test_what_orjson_will_not_write_takes_the_standard_path(data: Any) -> None:
    try:
        expected: bytes | type[Exception] = _reference(data)
    except UnicodeEncodeError:
        expected = UnicodeEncodeError
    if isinstance(expected, bytes):
        assert canonical_record(data) == expected
    else:
        with pytest.raises(expected):
            canonical_record(data)


def test_a_plain_record_takes_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is the one taken (else this module would be a slow copy of
    ``canonical``)."""
    taken: list[Any] = []
    real = canonical_json.canonical
    monkeypatch.setattr(canonical_json, "canonical", lambda d: taken.append(d) or real(d))
    record = {"code": "ĐA-2027-001", "support": 140_000_000, "outputs": [{"planned": 3}]}
    assert canonical_record(record) == _reference(record)
    assert taken == []


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1.5", "1e-05", "2E3"])
def test_a_pack_line_with_a_number_not_whole_is_refused(number: str) -> None:
    """A record's numbers are integers: a float anywhere in a line (here under a key
    kcdesk does not read) is refused as the line is read, with a message that says so;
    ``canonical_record`` relies on it."""
    line = f'{{"uuid": "x", "extra": [1, {{"deep": {number}}}]}}'.encode()
    with pytest.raises(PackRefused, match=f"có số {number}: kcdesk ghi số tiền"):
        fastpath.parse_line(line, "records/proposals.jsonl")
    assert fastpath.parse_line(b'{"uuid": "x", "extra": [1, "1.5"]}', "m")["extra"] == [1, "1.5"]
    # As json.loads reads bytes: UTF-16 with its mark too.
    assert fastpath.parse_line('{"a": "é"}'.encode("utf-16"), "m") == {"a": "é"}

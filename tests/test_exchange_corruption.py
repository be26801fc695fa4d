"""Broken packs are always refused, with a reason, and the database stays as it was."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcdesk.services.core.safe_write import atomic_write
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange import export, importer, keys
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.exchange.pack_writer import PackWriter
from kcdesk.services.security.actor import SYSTEM
from tests.exchange_support import OFFICE, Pair, add_proposal, dump, make_pair

REFUSAL_REASONS = {
    E.CORRUPT,
    E.UNSIGNED,
    E.BAD_SIGNATURE,
    E.ALTERED,
    E.MEMBERS,
    E.UNKNOWN_OFFICE,
    E.TOO_NEW,
}
# The same bytes on every run (CI must not try other ones each time); the extended
# run (`pytest -m extended`) draws new ones, many more of them.
_SETTINGS = settings(
    max_examples=int(os.environ.get("KCDESK_FUZZ_EXAMPLES", "60")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_EXTENDED = settings(
    _SETTINGS,
    max_examples=int(os.environ.get("KCDESK_FUZZ_EXTENDED_EXAMPLES", "600")),
    derandomize=False,
)
FUZZ = [
    pytest.param(_SETTINGS, id="fixed"),
    pytest.param(_EXTENDED, id="extended", marks=pytest.mark.extended),
]


@pytest.fixture
def setup_pack(tmp_path: Path) -> tuple[Pair, bytes]:
    pair = make_pair(tmp_path)
    with pair.office.db.session() as s:
        for n in range(1, 3):
            add_proposal(s, OFFICE, n, files=pair.office.files)
    pack = tmp_path / "gói.kcpack"
    with pair.office.db.session() as s:
        export.export_pack(s, SYSTEM, pack, attachments_root=pair.office.files)
    return pair, pack.read_bytes()


def _refused(pair: Pair, data: bytes, tmp_path: Path) -> PackRefused:
    target = tmp_path / "hỏng.kcpack"
    target.write_bytes(data)
    before = dump(pair.centre.db)
    with pytest.raises(PackRefused) as info, pair.centre.db.session() as s:
        importer.import_pack(s, SYSTEM, target, attachments_root=pair.centre.files)
    assert info.value.reason in REFUSAL_REASONS
    assert "không bị thay đổi" in str(info.value)
    assert dump(pair.centre.db) == before
    stored = list(pair.centre.files.rglob("*.bin")) if pair.centre.files.exists() else []
    assert stored == []
    return info.value


def test_the_intact_pack_imports(setup_pack: tuple[Pair, bytes], tmp_path: Path) -> None:
    """Control: the same bytes, unbroken, are accepted (so refusals below mean something)."""
    pair, data = setup_pack
    target = tmp_path / "nguyên.kcpack"
    target.write_bytes(data)
    with pair.centre.db.session() as s:
        result = importer.import_pack(s, SYSTEM, target, attachments_root=pair.centre.files)
    assert result.counts()["new"] == 2


@pytest.mark.parametrize("fuzz", FUZZ)
def test_truncated_anywhere_is_refused(
    setup_pack: tuple[Pair, bytes], tmp_path: Path, fuzz: settings
) -> None:
    pair, data = setup_pack

    @fuzz
    @given(st.integers(min_value=0, max_value=len(data) - 1))
    def check(cut: int) -> None:
        _refused(pair, data[:cut], tmp_path)

    check()


@pytest.mark.parametrize("fuzz", FUZZ)
def test_a_flipped_byte_anywhere_is_refused(
    setup_pack: tuple[Pair, bytes], tmp_path: Path, fuzz: settings
) -> None:
    pair, data = setup_pack

    @fuzz
    @given(st.integers(min_value=0, max_value=len(data) - 1), st.integers(1, 255))
    def check(position: int, mask: int) -> None:
        broken = bytearray(data)
        broken[position] ^= mask
        _refused(pair, bytes(broken), tmp_path)

    check()


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(n, archive.read(n)) for n in archive.namelist()]


def _rezip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in members:
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize("fuzz", FUZZ)
def test_reordered_or_extra_members_without_the_key_are_refused(
    setup_pack: tuple[Pair, bytes], tmp_path: Path, fuzz: settings
) -> None:
    pair, data = setup_pack
    members = _members(data)

    @fuzz
    @given(st.permutations(members), st.booleans())
    def check(order: list[tuple[str, bytes]], extra: bool) -> None:
        rebuilt = list(order) + ([("attachments/thêm.bin", b"x")] if extra else [])
        refusal = _refused(pair, _rezip(rebuilt), tmp_path)
        assert refusal.reason == E.UNSIGNED  # rebuilt without the seal

    check()


def test_unsigned_pack_is_refused_as_unsigned(
    setup_pack: tuple[Pair, bytes], tmp_path: Path
) -> None:
    pair, data = setup_pack
    without_signature = [(n, b) for n, b in _members(data) if n != "signature"]
    assert _refused(pair, _rezip(without_signature), tmp_path).reason == E.UNSIGNED


def _signed(
    pair: Pair,
    tmp_path: Path,
    secret: str,
    *,
    reorder: bool = False,
    extra: bool = False,
    office: str = OFFICE,
) -> bytes:
    """A pack built with a real key but a bad member list (what a buggy writer might do)."""
    target = tmp_path / "ký.kcpack"

    def write(handle) -> None:
        writer = PackWriter(handle, secret)
        writer.write_lines("records/facilities.jsonl", [])
        writer.write_lines("records/proposals.jsonl", [])
        if extra:
            writer._zip.writestr("attachments/lạ", b"unlisted")
        if reorder:
            writer.members.reverse()
        writer.close(
            {
                "format": "kcdesk-exchange-pack",
                "format_version": 1,
                "office": office,
                "kind": "office",
                "sender": {"code": office},
                "recipient": {"code": "TTKC"},
                "province": "Cao Bằng",
            }
        )

    atomic_write(target, write)
    return target.read_bytes()


def test_signed_but_reordered_or_extra_members_are_refused(
    setup_pack: tuple[Pair, bytes], tmp_path: Path
) -> None:
    pair, _data = setup_pack
    with pair.centre.db.session() as s:
        secret = keys.secret_for(s, OFFICE) or ""
    good = _signed(pair, tmp_path, secret)
    target = tmp_path / "tốt.kcpack"
    target.write_bytes(good)
    with pair.centre.db.session() as s:  # control: the same writer, in order, is accepted
        importer.import_pack(s, SYSTEM, target, dry_run=True)
    assert _refused(pair, _signed(pair, tmp_path, secret, reorder=True), tmp_path).reason == (
        E.MEMBERS
    )
    refusal = _refused(pair, _signed(pair, tmp_path, secret, extra=True), tmp_path)
    assert refusal.reason == E.MEMBERS and "thừa" in str(refusal)


def test_a_pack_signed_with_another_key_is_refused(
    setup_pack: tuple[Pair, bytes], tmp_path: Path
) -> None:
    pair, _data = setup_pack
    refusal = _refused(pair, _signed(pair, tmp_path, "ab" * 32), tmp_path)
    assert refusal.reason == E.BAD_SIGNATURE
    assert f"khóa của đơn vị {OFFICE}" in str(refusal)


def test_not_a_pack_at_all(setup_pack: tuple[Pair, bytes], tmp_path: Path) -> None:
    pair, _data = setup_pack
    assert _refused(pair, "Biên bản họp".encode() * 20, tmp_path).reason == E.CORRUPT
    assert _refused(pair, b"", tmp_path).reason == E.CORRUPT

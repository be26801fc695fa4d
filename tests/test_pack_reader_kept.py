"""A verified pack's records are read from the bytes whose hash was checked (issue 24).

``open_pack`` keeps the records members it verified in memory (up to ``KEEP_BYTES``):
the import then reads those very bytes, not the file again — a file changed on the
stick after the check changes nothing imported — and inflates them once. Past the
limit, the members are read from the file as before, with the same lines.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kcdesk.services.exchange import export, keys, pack_reader
from kcdesk.services.exchange.export import FACILITIES_MEMBER, PROPOSALS_MEMBER
from kcdesk.services.security.actor import SYSTEM
from tests.exchange_support import OFFICE, Pair, add_facility, add_proposal, make_pair


def _pack(tmp_path: Path) -> tuple[Pair, Path]:
    pair = make_pair(tmp_path)
    with pair.office.db.session() as s:
        shared = add_facility(s, OFFICE, 90)
        for n in range(1, 5):
            add_proposal(s, OFFICE, n, facility=shared if n % 2 else None)
    pack = tmp_path / "gói.kcpack"
    with pair.office.db.session() as s:
        export.export_pack(s, SYSTEM, pack, attachments_root=pair.office.files)
    return pair, pack


def _open(pair: Pair, pack: Path) -> pack_reader.VerifiedPack:
    with pair.centre.db.session() as s:
        return pack_reader.open_pack(pack, lambda code: keys.secret_for(s, code))


def _lines(opened: pack_reader.VerifiedPack) -> dict[str, list[bytes]]:
    return {m: list(opened.iter_raw(m)) for m in (FACILITIES_MEMBER, PROPOSALS_MEMBER)}


def _zip_reads(opened: pack_reader.VerifiedPack, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The members read from the file from now on (by name)."""
    read: list[str] = []
    real = opened._zip.open

    def spying(name: str, *args: object, **kwargs: object) -> object:
        read.append(name)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(opened._zip, "open", spying)
    return read


def test_the_lines_read_are_those_verified_not_the_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair, pack = _pack(tmp_path)
    with zipfile.ZipFile(pack) as archive:
        expected = archive.read(PROPOSALS_MEMBER)
    with _open(pair, pack) as opened:
        read = _zip_reads(opened, monkeypatch)
        # The file is overwritten after the check (a stick written meanwhile).
        pack.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
        lines = _lines(opened)
        assert b"\n".join(lines[PROPOSALS_MEMBER]) + b"\n" == expected
        assert len(lines[PROPOSALS_MEMBER]) == 4 and lines[FACILITIES_MEMBER]
        with opened.open_member(PROPOSALS_MEMBER) as member:
            assert member.read() == expected
        assert [r["code"] for r in opened.iter_lines(PROPOSALS_MEMBER)] == [
            f"ĐA-2027-00{n}" for n in range(1, 5)
        ]
        assert read == []


def test_past_the_limit_the_members_are_read_from_the_file_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair, pack = _pack(tmp_path)
    with _open(pair, pack) as opened:
        kept = _lines(opened)
    monkeypatch.setattr(pack_reader, "KEEP_BYTES", 0)
    with _open(pair, pack) as opened:
        read = _zip_reads(opened, monkeypatch)
        assert _lines(opened) == kept
        assert read == [FACILITIES_MEMBER, PROPOSALS_MEMBER]

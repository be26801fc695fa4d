"""The checks behind the seal, each on its own: manifest signature and member hashes.

The seal (HMAC over the whole file, docs/exchange-format.md §3 step 4) runs first and
refuses any pack altered without the key, so it hides the later checks. Here the
packs are tampered and then *re-sealed correctly with the office's key* (what a key
holder or a faulty writer could produce): only the manifest signature (step 5) or
the member size and SHA-256 (step 7) stand between the pack and the database.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange import export, importer, keys
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.security.actor import SYSTEM
from tests.exchange_support import OFFICE, Pair, add_proposal, dump, make_pair

Members = list[tuple[zipfile.ZipInfo, bytes]]
PROPOSALS = "records/proposals.jsonl"


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    pair = make_pair(tmp_path)
    with pair.office.db.session() as s:
        for n in range(1, 3):
            add_proposal(s, OFFICE, n, files=pair.office.files)
    return pair


@pytest.fixture
def pack(pair: Pair, tmp_path: Path) -> bytes:
    path = tmp_path / "gói gốc.kcpack"
    with pair.office.db.session() as s:
        export.export_pack(s, SYSTEM, path, attachments_root=pair.office.files)
    return path.read_bytes()


def secret(pair: Pair) -> bytes:
    with pair.centre.db.session() as s:
        return bytes.fromhex(keys.secret_for(s, OFFICE) or "")


def members(data: bytes) -> Members:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def sealed(items: Members, key: bytes) -> bytes:
    """A zip of ``items`` in order, its comment the seal over every byte before it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, body in items:
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            archive.writestr(copy, body)
    data = bytearray(out.getvalue())
    assert data[-22:-18] == b"PK\x05\x06" and data[-2:] == b"\0\0"
    data[-2:] = (64).to_bytes(2, "little")  # the comment length: the 64-hex seal
    seal = hmac.new(key, bytes(data), hashlib.sha256).hexdigest()
    return bytes(data) + seal.encode("ascii")


def body(items: Members, name: str) -> bytes:
    return next(b for info, b in items if info.filename == name)


def replaced(items: Members, name: str, new: bytes) -> Members:
    return [(info, new if info.filename == name else b) for info, b in items]


def same_length_edit(data: bytes, old: str, new: str) -> bytes:
    a, b = old.encode(), new.encode()
    assert len(a) == len(b) and a in data
    return data.replace(a, b, 1)


def import_into_centre(pair: Pair, data: bytes, tmp_path: Path) -> dict:
    target = tmp_path / "gói nhận.kcpack"
    target.write_bytes(data)
    with pair.centre.db.session() as s:
        result = importer.import_pack(s, SYSTEM, target, attachments_root=pair.centre.files)
    return result.counts()


def refused(pair: Pair, data: bytes, tmp_path: Path) -> PackRefused:
    target = tmp_path / "gói nhận.kcpack"
    target.write_bytes(data)
    before = dump(pair.centre.db)
    with pytest.raises(PackRefused) as info, pair.centre.db.session() as s:
        importer.import_pack(s, SYSTEM, target, attachments_root=pair.centre.files)
    assert "không bị thay đổi" in str(info.value)
    assert dump(pair.centre.db) == before
    return info.value


def test_a_resealed_unchanged_pack_is_accepted(pair: Pair, pack: bytes, tmp_path: Path) -> None:
    """Control: re-sealing itself is right, so every refusal below comes from its check."""
    counts = import_into_centre(pair, sealed(members(pack), secret(pair)), tmp_path)
    assert counts["new"] == 2


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda key, manifest: "0" * 64, id="zeros"),
        pytest.param(
            lambda key, manifest: hmac.new(b"k" * 32, manifest, hashlib.sha256).hexdigest(),
            id="another-key",
        ),
        pytest.param(
            lambda key, manifest: hmac.new(key, manifest + b" ", hashlib.sha256).hexdigest(),
            id="other-bytes",
        ),
    ],
)
def test_a_wrong_manifest_signature_is_refused_behind_a_valid_seal(
    pair: Pair, pack: bytes, tmp_path: Path, forge: Callable[[bytes, bytes], str]
) -> None:
    key = secret(pair)
    items = members(pack)
    signature = forge(key, body(items, "manifest.json")).encode("ascii")
    refusal = refused(pair, sealed(replaced(items, "signature", signature), key), tmp_path)
    assert refusal.reason == E.BAD_SIGNATURE


def test_a_member_and_its_manifest_entry_changed_together_are_refused_by_the_signature(
    pair: Pair, pack: bytes, tmp_path: Path
) -> None:
    """The member hashes agree with the edited manifest: only its signature tells."""
    key = secret(pair)
    items = members(pack)
    edited = same_length_edit(
        body(items, PROPOSALS), "máy chẻ nan tre số 1", "máy chẻ nan tre số 9"
    )
    manifest = json.loads(body(items, "manifest.json"))
    for entry in manifest["members"]:
        if entry["name"] == PROPOSALS:
            entry["sha256"] = hashlib.sha256(edited).hexdigest()
    new_manifest = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    items = replaced(replaced(items, PROPOSALS, edited), "manifest.json", new_manifest)
    refusal = refused(pair, sealed(items, key), tmp_path)
    assert refusal.reason == E.BAD_SIGNATURE


def test_a_member_with_a_wrong_hash_is_refused_behind_a_valid_seal(
    pair: Pair, pack: bytes, tmp_path: Path
) -> None:
    """Same size, other bytes, manifest and signature untouched: the SHA-256 tells."""
    key = secret(pair)
    items = members(pack)
    edited = same_length_edit(
        body(items, PROPOSALS), "máy chẻ nan tre số 1", "máy chẻ nan tre số 9"
    )
    refusal = refused(pair, sealed(replaced(items, PROPOSALS, edited), key), tmp_path)
    assert refusal.reason == E.ALTERED
    assert PROPOSALS in str(refusal)


def test_an_attachment_with_a_wrong_hash_is_refused_behind_a_valid_seal(
    pair: Pair, pack: bytes, tmp_path: Path
) -> None:
    key = secret(pair)
    items = members(pack)
    name, data = next((i.filename, b) for i, b in items if i.filename.startswith("attachments/"))
    flipped = bytes([data[0] ^ 0x01]) + data[1:]
    refusal = refused(pair, sealed(replaced(items, name, flipped), key), tmp_path)
    assert refusal.reason == E.ALTERED
    assert name in str(refusal)


def test_a_member_of_another_size_is_refused_behind_a_valid_seal(
    pair: Pair, pack: bytes, tmp_path: Path
) -> None:
    key = secret(pair)
    items = members(pack)
    longer = body(items, PROPOSALS) + b"\n"
    refusal = refused(pair, sealed(replaced(items, PROPOSALS, longer), key), tmp_path)
    assert refusal.reason == E.ALTERED

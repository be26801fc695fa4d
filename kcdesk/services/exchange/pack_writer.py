"""Writing a pack: a zip streamed member by member, signed, sealed (docs/exchange-format.md).

Members are written in order (records, attachments), then ``manifest.json`` with the
SHA-256 and size of each, then ``signature`` = HMAC-SHA256(secret, manifest bytes).
Finally the zip comment holds the *seal*: HMAC-SHA256 over every byte of the file
before it, so any altered, added or removed byte anywhere is detected.
Nothing is held in memory beyond one chunk: attachments are copied 1 MB at a time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import zipfile
from pathlib import Path
from typing import IO, Any, BinaryIO

MANIFEST = "manifest.json"
SIGNATURE = "signature"
SEAL_SIZE = 64  # hex HMAC-SHA256 in the zip comment
EOCD_SIZE = 22
FORMAT = "kcdesk-exchange-pack"
FORMAT_VERSION = 1
CHUNK = 1 << 20
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class _SealingStream:
    """Write-only, non-seekable stream for ZipFile that HMACs what passes through.

    Non-seekable on purpose: zipfile then writes data descriptors instead of seeking
    back, so the bytes go out exactly once, in order. The last 22 bytes (the end of
    central directory record) are held back so the comment length can be patched.
    """

    def __init__(self, out: BinaryIO, key: bytes) -> None:
        self._out = out
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        self._tail = b""

    def write(self, data: bytes) -> int:
        buf = self._tail + bytes(data)
        head, self._tail = buf[:-EOCD_SIZE], buf[-EOCD_SIZE:]
        if head:
            self._mac.update(head)
            self._out.write(head)
        return len(data)

    def flush(self) -> None:
        pass

    def finish(self) -> str:
        eocd = bytearray(self._tail)
        if len(eocd) != EOCD_SIZE or eocd[:4] != b"PK\x05\x06" or eocd[20:22] != b"\0\0":
            raise RuntimeError("zip end record not where expected")
        eocd[20:22] = SEAL_SIZE.to_bytes(2, "little")
        self._mac.update(bytes(eocd))
        seal = self._mac.hexdigest()
        self._out.write(bytes(eocd))
        self._out.write(seal.encode("ascii"))
        return seal


class _MemberHash:
    """Wraps a member being written: counts and hashes its bytes."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.handle.write(data)


class PackWriter:
    """Streams members into ``out``; ``close(manifest)`` signs and seals."""

    def __init__(self, out: BinaryIO, secret: str) -> None:
        self._key = bytes.fromhex(secret)
        self._stream = _SealingStream(out, self._key)
        self._zip = zipfile.ZipFile(self._stream, "w")  # type: ignore[call-overload]
        self.members: list[dict[str, Any]] = []

    def _info(self, name: str, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    def write_lines(self, name: str, rows: Any) -> int:
        """A JSON-lines member, one record per line, written as the rows come."""
        count = 0
        info = self._info(name, compress=True)
        with self._zip.open(info, "w", force_zip64=True) as raw:
            member = _MemberHash(raw)
            batch: list[bytes] = []
            for row in rows:
                batch.append(
                    json.dumps(
                        row, ensure_ascii=False, sort_keys=True, separators=(",", ":")
                    ).encode("utf-8")
                    + b"\n"
                )
                count += 1
                if len(batch) >= 256:
                    member.write(b"".join(batch))
                    batch.clear()
            if batch:
                member.write(b"".join(batch))
        self.members.append(
            {"name": name, "size": member.size, "sha256": member.digest.hexdigest()}
        )
        return count

    def write_file(self, name: str, source: Path) -> None:
        """An attachment, copied in chunks (never whole in memory)."""
        info = self._info(name, compress=False)
        info.file_size = source.stat().st_size
        with self._zip.open(info, "w", force_zip64=True) as raw, source.open("rb") as handle:
            member = _MemberHash(raw)
            while chunk := handle.read(CHUNK):
                member.write(chunk)
        self.members.append(
            {"name": name, "size": member.size, "sha256": member.digest.hexdigest()}
        )

    def close(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Write manifest and signature, then the sealed end record."""
        manifest = {**manifest, "members": list(self.members)}
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        self._zip.writestr(self._info(MANIFEST, compress=True), data)
        signature = hmac.new(self._key, data, hashlib.sha256).hexdigest()
        self._zip.writestr(self._info(SIGNATURE, compress=False), signature.encode("ascii"))
        self._zip.close()
        self._stream.finish()
        return manifest

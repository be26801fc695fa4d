"""Forging signed packs in tests: what a hostile office holding a real key can send.

``forge`` reads a real pack, lets the test change its records (or members), and signs
the result with the office's secret, so every check that follows is past the
signature: the pack is authentic, only its content is hostile.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kcdesk.services.core.safe_write import atomic_write
from kcdesk.services.exchange.pack_writer import MANIFEST, SIGNATURE, PackWriter

Rows = dict[str, list[dict[str, Any]]]


def read_pack(path: Path) -> tuple[dict[str, Any], Rows, dict[str, bytes]]:
    """(manifest, records by member, attachments by member) of a pack."""
    rows: Rows = {}
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        for name in archive.namelist():
            if name.endswith(".jsonl"):
                rows[name] = [json.loads(line) for line in archive.read(name).splitlines()]
            elif name not in (MANIFEST, SIGNATURE):
                files[name] = archive.read(name)
    return manifest, rows, files


def write_pack(
    target: Path,
    secret: str,
    manifest: dict[str, Any],
    rows: Rows,
    files: dict[str, bytes],
    *,
    tweak: Callable[[PackWriter], None] | None = None,
) -> Path:
    """A pack with these members, signed and sealed with ``secret``."""
    scratch = target.parent / (target.name + ".files")
    scratch.mkdir(exist_ok=True)

    def write(handle: Any) -> None:
        writer = PackWriter(handle, secret)
        for name, lines in rows.items():
            writer.write_lines(name, lines)
        for n, (name, body) in enumerate(files.items()):
            source = scratch / f"{n}.bin"
            source.write_bytes(body)
            writer.write_file(name, source)
        if tweak is not None:
            tweak(writer)
        writer.close({k: v for k, v in manifest.items() if k != "members"})

    atomic_write(target, write)
    return target


def forge(
    source: Path,
    target: Path,
    secret: str,
    change: Callable[[Rows], None],
) -> Path:
    """``source`` with its records changed by ``change`` (in place), re-signed."""
    manifest, rows, files = read_pack(source)
    change(rows)
    return write_pack(target, secret, manifest, rows, files)

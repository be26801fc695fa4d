"""A pack with large scans is streamed: memory stays far below the attachments' size."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

from kcdesk.services.exchange import export, importer
from kcdesk.services.proposals import attachments
from kcdesk.services.security.actor import SYSTEM
from tests.exchange_support import OFFICE, add_proposal, get, make_pair

SCAN_BYTES = 8 << 20  # 8 MB per scan, 5 scans: 40 MB of attachments
SCANS = 5
LIMIT = 6 << 20  # peak Python allocations allowed (well below 40 MB)


def test_large_pack_export_and_import_stream(tmp_path: Path) -> None:
    pair = make_pair(tmp_path)
    hashes = []
    with pair.office.db.session() as s:
        for n in range(1, SCANS + 1):
            scan = tmp_path / f"bản quét {n}.pdf"
            with scan.open("wb") as handle:
                for _ in range(SCAN_BYTES >> 20):
                    handle.write(os.urandom(1 << 20))
            stored = attachments.store_file(scan, root=pair.office.files)
            scan.unlink()
            p = add_proposal(s, OFFICE, n)
            p.documents[0].file_hash = stored.hash
            p.documents[0].file_size = stored.size
            p.documents[0].file_name = stored.name
            hashes.append(stored.hash)
    pack = tmp_path / "gói lớn.kcpack"

    tracemalloc.start()
    try:
        with pair.office.db.session() as s:
            result = export.export_pack(s, SYSTEM, pack, attachments_root=pair.office.files)
        _size, export_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with pair.centre.db.session() as s:
            imported = importer.import_pack(s, SYSTEM, pack, attachments_root=pair.centre.files)
        _size, import_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.counts["attachments"] == SCANS
    assert pack.stat().st_size > SCANS * SCAN_BYTES
    assert imported.counts()["new"] == SCANS and imported.attachments_new == SCANS
    assert all(attachments.verify(h, pair.centre.files) for h in hashes)
    with pair.centre.db.session() as s:
        assert get(s, "ĐA-2027-003").documents[0].file_hash == hashes[2]
    assert export_peak < LIMIT, f"export peak {export_peak / 1e6:.1f} MB"
    assert import_peak < LIMIT, f"import peak {import_peak / 1e6:.1f} MB"

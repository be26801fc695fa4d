"""Packs between an office and a Centre when either database is on the server (issue 21).

Run through the CLI, each site on its own "PC" (its own per-user data folder), so an
attachment can only travel through the server's blob table and the pack: the office's
local copies are deleted before it exports, the Centre's before it sends the return
pack. Combinations: both on the test PostgreSQL server, office on SQLite with the
Centre on the server, and office on the server with the Centre on SQLite.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kcdesk import paths
from kcdesk.cli.main import main
from kcdesk.models import Document
from kcdesk.models.blobs import AttachmentBlob
from kcdesk.models.db import open_database
from kcdesk.services.proposals import attachments
from tests.exchange_support import OFFICE, add_proposal

pytestmark = pytest.mark.postgresql_only
PROPOSALS = 3


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class Pc:
    """One workstation: its per-user data folder and its database's address."""

    def __init__(self, tmp_path: Path, name: str, location: str) -> None:
        self.data = tmp_path / f"PC {name}"
        self.location = location

    def use(self, monkeypatch: pytest.MonkeyPatch) -> Pc:
        monkeypatch.setenv("KCDESK_DATA_DIR", str(self.data))
        return self

    @property
    def server(self) -> bool:
        return "://" in self.location


def _blob_hashes(location: str) -> set[str]:
    db = open_database(location)
    try:
        with db.session() as s:
            return set(s.scalars(select(AttachmentBlob.hash)))
    finally:
        db.dispose()


def _document_hashes(location: str) -> set[str]:
    db = open_database(location)
    try:
        with db.session() as s:
            return {h for h in s.scalars(select(Document.file_hash)) if h}
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "office_engine, centre_engine",
    [("postgresql", "postgresql"), ("sqlite", "postgresql"), ("postgresql", "sqlite")],
)
def test_packs_travel_both_ways_with_attachments_from_the_blob_store(
    office_engine: str,
    centre_engine: str,
    pg_database: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def where(engine: str, name: str) -> str:
        return pg_database() if engine == "postgresql" else str(tmp_path / f"{name}.sqlite")

    centre = Pc(tmp_path, "Trung tâm", where(centre_engine, "trung tâm"))
    office = Pc(tmp_path, "đơn vị", where(office_engine, "đơn vị"))
    key = tmp_path / "USB" / "khóa XA-HD.json"
    key.parent.mkdir()
    centre.use(monkeypatch)
    assert run(capsys, "--db", centre.location, "init")[0] == 0
    code, _, err = run(capsys, "--db", centre.location, "office", "add", OFFICE,
                       "--name", "UBND xã Hưng Đạo", "--key-out", str(key))  # fmt: skip
    assert code == 0, err
    office.use(monkeypatch)
    assert run(capsys, "--db", office.location, "init")[0] == 0
    assert run(capsys, "--db", office.location, "office", "join", str(key))[0] == 0

    # The office's clerk attaches scans: on a server they go to the blob table.
    db = open_database(office.location)
    with db.session() as s:
        for n in range(1, PROPOSALS + 1):
            proposal = add_proposal(s, OFFICE, n, files=paths.attachments_dir())
            s.flush()
            if office.server:
                attachments.upload(s, proposal.documents[0].file_hash)
    db.dispose()
    sent = _document_hashes(office.location)
    assert len(sent) == PROPOSALS
    if office.server:
        assert _blob_hashes(office.location) == sent
        # Another workstation of the office exports: no local copy on that PC.
        shutil.rmtree(paths.attachments_dir())

    pack = tmp_path / "USB" / "gói đi.kcpack"
    code, out, err = run(capsys, "--db", office.location, "pack", "export", "--out", str(pack),
                         "--json")  # fmt: skip
    assert code == 0, err
    exported = json.loads(out)
    assert exported["counts"]["attachments"] == PROPOSALS
    assert exported["missing_attachments"] == []

    centre.use(monkeypatch)
    code, out, err = run(capsys, "--db", centre.location, "pack", "import", str(pack), "--json")
    assert code == 0, err
    assert json.loads(out)["new"] == PROPOSALS
    assert _document_hashes(centre.location) == sent
    if centre.server:
        assert _blob_hashes(centre.location) == sent
        # Another Centre workstation: it checks and sends from the server alone.
        shutil.rmtree(paths.attachments_dir())
    code, out, err = run(capsys, "--db", centre.location, "check")
    assert code == 0, out + err

    back = tmp_path / "USB" / "gói về.kcpack"
    code, out, err = run(capsys, "--db", centre.location, "pack", "export", "--out", str(back),
                         "--office", OFFICE, "--all", "--json")  # fmt: skip
    assert code == 0, err
    returned = json.loads(out)
    assert returned["counts"]["proposals"] == PROPOSALS
    assert returned["counts"]["attachments"] == PROPOSALS
    assert returned["missing_attachments"] == []

    office.use(monkeypatch)
    shutil.rmtree(paths.attachments_dir(), ignore_errors=True)
    code, out, err = run(capsys, "--db", office.location, "pack", "import", str(back), "--json")
    assert code == 0, err
    assert json.loads(out)["unchanged"] == PROPOSALS
    # The office has every file again: in its blob table on a server, on this PC otherwise.
    db = open_database(office.location)
    with db.session() as s:
        assert all(attachments.verify(h, session=s) for h in sent)
        assert s.scalar(select(func.count()).select_from(Document)) == PROPOSALS
    db.dispose()
    code, out, err = run(capsys, "--db", office.location, "check")
    assert code == 0, out + err

"""Packs of an old province's office keep working after its Centre was merged (issue 25).

An office of Hải Dương joined Hải Dương's Centre with its key file. After Hải Dương's
Centre is merged into Hải Phòng's, the office (which still calls itself Hải Dương)
sends its next pack, signed with the same key, to the merged Centre: it is accepted,
and the merged Centre's return pack reaches the office. A pack of a province that
was never merged here is still refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from kcdesk.models import Proposal
from kcdesk.models.db import Database, open_database
from kcdesk.services.core import settings
from kcdesk.services.exchange import export, importer, keys
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.merge import run
from kcdesk.services.merge.describe import describe
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.setup import first_run as setup
from tests import merge_support as ms
from tests.exchange_support import add_proposal

OFFICE = "XA-TK"


def _centre(path: Path, province: str) -> Database:
    db = open_database(path, create=True)
    setup.init_database(db)
    setup.set_demo_organisation(db)
    with db.session() as s:
        settings.put_trusted(s, SYSTEM, "org.province", province)
    return db


def _send(db: Database, target: Path, files: Path, office_code: str | None = None) -> Path:
    with db.session() as s:
        export.export_pack(s, SYSTEM, target, office_code=office_code, attachments_root=files)
    return target


def _receive(db: Database, pack: Path, files: Path) -> importer.ImportResult:
    with db.session() as s:
        return importer.import_pack(s, SYSTEM, pack, attachments_root=files)


def test_an_old_office_pack_is_imported_by_the_merged_centre(tmp_path: Path) -> None:
    ms.use_data_dir(tmp_path / "data")
    old = _centre(tmp_path / "hai-duong.sqlite", "Hải Dương")
    with old.session() as s:
        key = keys.add_office(s, SYSTEM, OFFICE, "UBND xã Thanh Kỳ (cũ)")
    key_file = tmp_path / "khoa.json"
    keys.write_key_file(key, key_file)
    office = open_database(tmp_path / "don-vi.sqlite", create=True)
    setup.init_database(office)
    with office.session() as s:
        keys.join_office(s, SYSTEM, keys.read_key_file(key_file))
        add_proposal(s, OFFICE, 1, year=2025)
    _receive(old, _send(office, tmp_path / "goi-1.zip", tmp_path / "tep-don-vi"), tmp_path / "t")
    old.dispose()

    new = _centre(tmp_path / "hai-phong.sqlite", "Hải Phòng")
    result = run.merge(new, tmp_path / "hai-duong.sqlite", ms.ADMIN)
    assert result is not None and result.plan.count("proposals") == 1
    lines = describe(result.plan)
    assert f"  {OFFICE}: UBND xã Thanh Kỳ (cũ)" in lines

    # The office works on, still as an office of Hải Dương, with the same key.
    with office.session() as s:
        add_proposal(s, OFFICE, 2, year=2025)
    pack = _send(office, tmp_path / "goi-2.zip", tmp_path / "tep-don-vi")
    _receive(new, pack, tmp_path / "tep-trung-tam")
    with new.session() as s:
        codes = set(s.scalars(select(Proposal.code).where(Proposal.office_code == OFFICE)))
    assert codes == {"ĐA-2025-001", "ĐA-2025-002"}

    # The merged Centre's return pack (province Hải Phòng) reaches the office.
    back = _send(new, tmp_path / "tra-ve.zip", tmp_path / "tep-trung-tam", office_code=OFFICE)
    _receive(office, back, tmp_path / "tep-don-vi")

    # An office of a province never merged here is still refused.
    with office.session() as s:
        settings.put_trusted(s, SYSTEM, "org.province", "Cao Bằng")
    stray = _send(office, tmp_path / "goi-3.zip", tmp_path / "tep-don-vi")
    with pytest.raises(PackRefused, match="tỉnh Cao Bằng"):
        _receive(new, stray, tmp_path / "tep-trung-tam")
    new.dispose()
    office.dispose()


def test_offices_of_an_old_centre_with_another_code_are_told_to_rejoin(tmp_path: Path) -> None:
    """The old Centre was «TTKC-HD», this one «TTKC»: its offices' packs are addressed to
    the old code. The preview says they must re-join; their pack is refused saying so,
    with nothing written."""
    from sqlalchemy import update

    from kcdesk.models.organisation import Office

    ms.use_data_dir(tmp_path / "data")
    old = _centre(tmp_path / "hai-duong.sqlite", "Hải Dương")
    with old.session() as s:
        centre = keys.own_office(s)
        s.execute(update(Office).where(Office.id == centre.id).values(code="TTKC-HD"))
        settings.put_trusted(s, SYSTEM, "office.code", "TTKC-HD")
    with old.session() as s:
        key = keys.add_office(s, SYSTEM, OFFICE, "UBND xã Thanh Kỳ (cũ)")
    key_file = tmp_path / "khoa.json"
    keys.write_key_file(key, key_file)
    office = open_database(tmp_path / "don-vi.sqlite", create=True)
    setup.init_database(office)
    with office.session() as s:
        keys.join_office(s, SYSTEM, keys.read_key_file(key_file))
        add_proposal(s, OFFICE, 1, year=2025)
    old.dispose()

    new = _centre(tmp_path / "hai-phong.sqlite", "Hải Phòng")
    result = run.merge(new, tmp_path / "hai-duong.sqlite", ms.ADMIN)
    assert result is not None
    text = "\n".join(describe(result.plan))
    assert "Trung tâm cũ mang mã TTKC-HD" in text and f"  {OFFICE}: UBND xã Thanh Kỳ (cũ)" in text
    assert "vẫn nhập được ở đây" not in text
    with new.session() as s:
        assert keys.centre_office(s).code == keys.own_office_code(s)  # this Centre, not the old
        before = s.scalar(select(func.count()).select_from(Proposal))
    pack = _send(office, tmp_path / "goi.zip", tmp_path / "tep-don-vi")
    with pytest.raises(PackRefused, match="cần tham gia lại"):
        _receive(new, pack, tmp_path / "tep-trung-tam")
    with new.session() as s:
        assert s.scalar(select(func.count()).select_from(Proposal)) == before

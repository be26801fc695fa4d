"""Two demo Centres of provinces joined in 2025, for the merge tests (issue 25).

Hải Phòng (the new province) and Hải Dương (the old one), both built by the demo
generator, so their proposal codes collide (ĐA-2025-001 …). The old Centre then gets
what a real pair has: one facility shared by tax code (the other tax codes made
distinct — the demo derives them from the row number), a commune that is a ward of
the new province, a login used in both, an office with its exchange key, and an
attached scan. Each Centre keeps its attachments in its own data folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from kcdesk.models import (
    Base,
    Document,
    Facility,
    Office,
    OfficeLevel,
    Programme,
    Proposal,
    ProposalFacility,
    Role,
    Target,
)
from kcdesk.models.db import Database, open_database
from kcdesk.services.backup import backup_restore
from kcdesk.services.core import settings
from kcdesk.services.proposals import attachments
from kcdesk.services.security import users
from kcdesk.services.security.actor import SYSTEM, Actor
from kcdesk.services.setup import first_run as setup

ADMIN = Actor("quantri", Role.ADMIN, "TTKC", "Quản trị viên")
SHARED_TAX = "0800000001"
SHARED_LOGIN = "lan"
WARD_OF_NEW_PROVINCE = "Phường Hải Dương"
# District-era communes of Hải Dương (vietnamadminunits' conversion table): one that went
# whole into one new commune, and one that was split between two.
OLD_WHOLE = ("Thị trấn Kẻ Sặt, huyện Bình Giang", "10945", "Xã Kẻ Sặt")
OLD_SPLIT = ("Xã Tân Hồng, huyện Bình Giang", {"Xã Đường An", "Xã Thượng Hồng"})
OLD_OF_PROPOSAL = ("Xã Cẩm Vũ", "10909", "Xã Tuệ Tĩnh")
KEY_OFFICE = "UB-HD-TP"
SECRET = "5e" * 32
PROGRAMME_CODE = "KC-2023-2025"
SCAN = b"%PDF-1.4 bien ban nghiem thu (ban scan) " * 50

_CACHE: dict[str, bytes] = {}


@dataclass
class Centres:
    target: Path  # Hải Phòng's database (the Centre that stays)
    target_data: Path
    source_backup: Path  # Hải Dương's backup zip
    source_db: Path
    source_data: Path


def use_data_dir(path: Path) -> None:
    os.environ["KCDESK_DATA_DIR"] = str(path)


def _build(path: Path, province: str, proposals: int, seed: int) -> Database:
    db = open_database(path, create=True)
    setup.init_database(db)
    setup.add_demo_data(db, proposals=proposals, seed=seed, year=2025)
    # After the demo data, which names the demo's (Cao Bằng) organisation.
    with db.session() as s:
        settings.put_trusted(s, SYSTEM, "org.province", province)
    return db


def _programme(province: str, decision: str) -> Programme:
    return Programme(
        code=PROGRAMME_CODE,
        name=f"Chương trình khuyến công tỉnh {province} 2023–2025",
        province=province,
        start_year=2023,
        end_year=2025,
        decision_no=decision,
        targets=[Target(code="1", name="Đào tạo nghề", unit="lớp", quantity=10)],
    )


def _target(path: Path) -> None:
    db = _build(path, "Hải Phòng", 40, 1)
    with db.session() as s:
        first = s.scalars(select(Facility).order_by(Facility.id)).first()
        assert first is not None
        first.tax_code = SHARED_TAX
        s.add(_programme("Hải Phòng", "QĐ 11/QĐ-UBND"))
        # The Centre's proposals count toward its own programme (issue 18 §2).
        s.execute(update(Proposal).values(programme=PROGRAMME_CODE))
        users.add_user(
            s,
            SYSTEM,
            username=SHARED_LOGIN,
            full_name="Nguyễn Thị Lan (Hải Phòng)",
            role=Role.CENTRE_STAFF,
            password="mat-khau-hp-1",
        )
    db.dispose()


def _source(path: Path) -> None:
    db = _build(path, "Hải Dương", 30, 2)
    with db.session() as s:
        facilities = list(s.scalars(select(Facility).order_by(Facility.id)))
        for i, facility in enumerate(facilities):
            facility.tax_code = f"08{i + 100:08d}"
        # The shared one is a beneficiary of a proposal, so the link is tested too.
        link = s.scalars(select(ProposalFacility).order_by(ProposalFacility.id)).first()
        assert link is not None
        link.facility.tax_code = SHARED_TAX
        facilities[1].commune = WARD_OF_NEW_PROVINCE
        facilities[-1].commune, facilities[-1].commune_code = OLD_WHOLE[0], None
        facilities[-2].commune, facilities[-2].commune_code = OLD_SPLIT[0], None
        last = s.scalars(select(Proposal).order_by(Proposal.id.desc())).first()
        assert last is not None
        last.commune, last.commune_code = OLD_OF_PROPOSAL[0], None
        s.add(
            Office(
                code=KEY_OFFICE,
                name="UBND thành phố Hải Dương (cũ)",
                level=OfficeLevel.LOCAL,
                province="Hải Dương",
                exchange_secret=SECRET,
            )
        )
        s.flush()
        users.add_user(
            s,
            SYSTEM,
            username=SHARED_LOGIN,
            full_name="Trần Thị Lan (Hải Dương)",
            role=Role.CENTRE_STAFF,
            password="mat-khau-hd-1",
        )
        users.add_user(
            s,
            SYSTEM,
            username="hd.quantri",
            full_name="Phạm Văn Hùng",
            role=Role.ADMIN,
            password="mat-khau-hd-2",
            office_code="TTKC",  # the old Centre: its code is used here too
        )
        # Its own programme under a code Hải Phòng uses too (→ HD-KC-2023-2025).
        s.add(_programme("Hải Dương", "QĐ 22/QĐ-UBND"))
        s.execute(update(Proposal).values(programme=PROGRAMME_CODE))
        stored = attachments.store_bytes(SCAN, "bien-ban.pdf")
        doc = s.scalars(select(Document).order_by(Document.id)).first()
        assert doc is not None
        doc.file_hash, doc.file_name, doc.file_size = stored.hash, "bien-ban.pdf", stored.size
        doc.received = True
    db.dispose()


def build(tmp: Path) -> Centres:
    """Both Centres under ``tmp`` (built once per test session, then copied)."""
    centres = Centres(
        target=tmp / "hai-phong.sqlite",
        target_data=tmp / "du-lieu-hai-phong",
        source_backup=tmp / "hai-duong.zip",
        source_db=tmp / "hai-duong.sqlite",
        source_data=tmp / "du-lieu-hai-duong",
    )
    if not _CACHE:
        work = tmp / "build"
        work.mkdir()
        use_data_dir(work / "hd-data")
        _source(work / "hd.sqlite")
        db = open_database(work / "hd.sqlite")
        backup_restore._create_backup(db, work / "hd.zip", SYSTEM)
        db.dispose()
        use_data_dir(work / "hp-data")
        _target(work / "hp.sqlite")
        for name in ("hd.sqlite", "hd.zip", "hp.sqlite"):
            _CACHE[name] = (work / name).read_bytes()
        # The audit chains' keys (the key stores, never in a backup): Hải Phòng's admin
        # imported Hải Dương's key too ('kcdesk audit key import'), so the tests can
        # keep writing to the old Centre's database here.
        for data in ("hd-data", "hp-data"):
            for key in sorted((work / data / "keys").glob("audit-*.key")):
                _CACHE[f"{data}/{key.name}"] = key.read_bytes()
    centres.source_db.write_bytes(_CACHE["hd.sqlite"])
    centres.source_backup.write_bytes(_CACHE["hd.zip"])
    centres.target.write_bytes(_CACHE["hp.sqlite"])
    centres.target_data.mkdir()
    for name, data in _CACHE.items():
        if name.startswith(("hd-data/", "hp-data/")):
            for folder in (centres.target_data, centres.source_data):
                (folder / "keys").mkdir(parents=True, exist_ok=True)
                (folder / "keys" / name.split("/")[1]).write_bytes(data)
    use_data_dir(centres.target_data)
    return centres


def row_counts(db: Database) -> dict[str, int]:
    """Rows of every table (the dashboard sums aside): "nothing changed" is all equal."""
    with db.session() as s:
        return _row_counts(s)


def _row_counts(session: Session) -> dict[str, int]:
    out = {}
    for table in Base.metadata.sorted_tables:
        out[table.name] = int(session.scalar(select(func.count()).select_from(table)) or 0)
    out["alembic_version"] = len(list(session.execute(text("SELECT * FROM alembic_version"))))
    return out


def proposal_uuid(path: Path, code: str) -> str:
    db = open_database(path)
    try:
        with db.session() as s:
            return str(s.scalar(select(Proposal.uuid).where(Proposal.code == code)))
    finally:
        db.dispose()

"""Helpers for the exchange tests: a Centre and an office database, proposals, dumps."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select, text

from kcdesk.models import (
    BudgetLine,
    Document,
    Facility,
    FacilityKind,
    OutputMeasure,
    Proposal,
    ProposalFacility,
    ProposalStatus,
    ScheduleItem,
    StatusChange,
    new_uuid,
)
from kcdesk.models.db import Database, open_database
from kcdesk.services.exchange import export, keys
from kcdesk.services.proposals import attachments
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.setup import first_run as setup
from tests.pack_forge import Rows, forge

OFFICE = "XA-HD"


@dataclass
class Site:
    db: Database
    files: Path  # attachment store of this PC


@dataclass
class Pair:
    centre: Site
    office: Site
    key_file: Path


def make_pair(tmp_path: Path, office_code: str = OFFICE) -> Pair:
    centre = open_database(tmp_path / "Trung tâm.sqlite", create=True)
    setup.init_database(centre)
    # The Centre's organisation is set (no province is a default since issue 17); the
    # office takes the province from the key file when it joins.
    setup.set_demo_organisation(centre)
    key_file = tmp_path / "khóa-đơn-vị.json"
    with centre.session() as s:
        key = keys.add_office(s, SYSTEM, office_code, "UBND xã Hưng Đạo")
    keys.write_key_file(key, key_file)
    office = open_database(tmp_path / "Đơn vị.sqlite", create=True)
    setup.init_database(office)
    with office.session() as s:
        keys.join_office(s, SYSTEM, keys.read_key_file(key_file))
    return Pair(
        Site(centre, tmp_path / "tệp Trung tâm"), Site(office, tmp_path / "tệp đơn vị"), key_file
    )


def office_joined_to(centre: Database, path: Path) -> Database:
    """An office database at ``path``, added at ``centre`` and joined with its key."""
    with centre.session() as s:
        key = keys.add_office(s, SYSTEM, OFFICE, "UBND xã Hưng Đạo")
    office = open_database(path, create=True)
    setup.init_database(office)
    with office.session() as s:
        keys.join_office(s, SYSTEM, key)
    return office


def export_forged(
    office: Database, files: Path, pack: Path, forged: Path, vary: Callable[[Rows], None]
) -> tuple[Path, str]:
    """``office``'s full pack written to ``pack``, then re-signed as ``forged`` with its
    rows changed by ``vary``; the office is closed. Returns the forged pack and the
    office's exchange secret."""
    with office.session() as s:
        secret = keys.own_office(s).exchange_secret or ""
        export.export_pack(s, SYSTEM, pack, attachments_root=files)
    office.dispose()
    return forge(pack, forged, secret, vary), secret


def add_facility(session: Any, office_code: str, n: int) -> Facility:
    facility = Facility(
        name=f"Hợp tác xã Mây tre đan số {n}",
        kind=FacilityKind.COOPERATIVE,
        tax_code=f"48000{n:05d}",
        address=f"Thôn {n}, xã Hưng Đạo",
        commune="Hưng Đạo",
        province="Cao Bằng",
        origin_office=office_code,
        workers=10 + n,
    )
    session.add(facility)
    return facility


def add_proposal(
    session: Any,
    office_code: str,
    n: int,
    *,
    facility: Facility | None = None,
    files: Path | None = None,
    year: int = 2027,
) -> Proposal:
    """A complete proposal of ``office_code`` (with a scanned file when ``files`` is set)."""
    facility = facility or add_facility(session, office_code, n)
    p = Proposal(
        code=f"ĐA-{year}-{n:03d}",
        title=f"Hỗ trợ máy chẻ nan tre số {n} cho HTX Hưng Đạo",
        plan_year=year,
        activity="may_moc_thiet_bi",
        status=ProposalStatus.RECEIVED,
        office_code=office_code,
        origin_office=office_code,
        commune="Hưng Đạo",
        location="xã Hưng Đạo",
        start_month=date(year, 3, 1),
        end_month=date(year, 9, 1),
        received_date=date(year - 1, 5, 20),
        necessity="Sản xuất thủ công, năng suất thấp.",
        created_by="vanthu",
    )
    p.facility_links = [ProposalFacility(facility=facility, position=0)]
    p.budget_lines = [
        BudgetLine(
            position=0,
            item="Máy chẻ nan",
            unit="chiếc",
            quantity=Decimal(2),
            unit_price=150_000_000 + n,
            amount=300_000_000 + 2 * n,
            support=150_000_000,
            counterpart=150_000_000 + 2 * n,
        )
    ]
    p.total_cost, p.support, p.counterpart = 300_000_000 + 2 * n, 150_000_000, 150_000_000 + 2 * n
    p.schedule = [ScheduleItem(position=0, task="Lắp đặt", start=date(year, 3, 1), end=None)]
    p.outputs = [OutputMeasure(measure="machines", planned=2)]
    doc = Document(position=0, code="don_de_nghi", label="Đơn đề nghị hỗ trợ", received=True)
    if files is not None:
        stored = attachments.store_bytes(
            f"Bản quét đơn đề nghị số {n}".encode() * 50, f"don-{n}.pdf", root=files
        )
        doc.file_hash, doc.file_name, doc.file_size = stored.hash, stored.name, stored.size
    p.documents = [doc]
    p.status_changes = [
        StatusChange(
            uuid=new_uuid(),
            from_status=None,
            to_status="received",
            username="vanthu",
            office_code=office_code,
        )
    ]
    session.add(p)
    return p


def get(session: Any, code: str) -> Proposal:
    p = session.scalars(select(Proposal).where(Proposal.code == code)).one()
    return p


DATA_TABLES = (
    "proposal",
    "proposal_facility",
    "facility",
    "budget_line",
    "schedule_item",
    "output_measure",
    "document",
    "status_change",
    "office",
    "setting",
)


def dump(db: Database, *, everything: bool = True) -> str:
    """SHA-256 of every row of every table (or of the data tables only)."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        names = sorted(inspect(conn).get_table_names()) if everything else DATA_TABLES
        for name in names:
            if name == "alembic_version":
                continue
            rows = conn.execute(text(f'SELECT * FROM "{name}" ORDER BY 1')).all()
            digest.update(name.encode())
            digest.update(json.dumps([list(r) for r in rows], default=str).encode())
    return digest.hexdigest()

"""First-run set-up of a database: the Centre's office, the presets, demo data.

A Centre's working database gets the presets only; demo proposals go only into a
database marked as demo, which the title bar shows as DEMO
(docs/architecture.md#organisation-settings-and-demo-data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import Office, OfficeLevel, Proposal
from kcdesk.models.db import Database
from kcdesk.services.core import organisation, settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.security.actor import SYSTEM, Actor

if TYPE_CHECKING:
    from kcdesk.services.demo import generator as demo_data


@dataclass(frozen=True)
class InitResult:
    programmes_loaded: list[str]
    office_created: bool


def ensure_own_office(session: Session, actor: Actor) -> bool:
    """Create this PC's office (the Centre by default) if it does not exist."""
    code = str(settings.get(session, "office.code"))
    office = session.scalars(select(Office).where(Office.code == code)).first()
    if office is not None:
        # Created before the organisation was set: take its names now.
        if not office.province and settings.get(session, "org.province"):
            office.province = str(settings.get(session, "org.province"))
            office.name = str(settings.get(session, "org.centre_name") or office.name)
        return False
    # Named after the Centre once its organisation is set; "Trung tâm Khuyến công"
    # until then (the first-run step asks for the names).
    name = str(settings.get(session, "org.centre_name") or "").strip() or "Trung tâm Khuyến công"
    session.add(
        Office(
            code=code,
            name=name,
            level=OfficeLevel.CENTRE,
            province=str(settings.get(session, "org.province")),
            origin_office=code,
        )
    )
    return True


def init_database(db: Database, actor: Actor = SYSTEM) -> InitResult:
    """Presets and own office; safe to run again (loads only what is missing)."""
    # Imported here: ``kcdesk --db FILE`` opens without the presets' reader (issue 24).
    from kcdesk.services.programmes import store as programmes

    with db.session() as session:
        created = ensure_own_office(session, actor)
        loaded = programmes.load_presets(session, actor)
    return InitResult(programmes_loaded=loaded, office_created=created)


def is_demo(session: Session) -> bool:
    return bool(settings.get(session, "app.demo"))


def add_demo_data(
    db: Database, *, proposals: int, seed: int, year: int, actor: Actor = SYSTEM
) -> demo_data.DemoContext:
    """Demo proposals, only into a demo database or an empty one (which becomes demo)."""
    # Imported here: the generator (and the commune tables it draws from) would cost
    # every start of the app a quarter of a second (issue 24).
    from kcdesk.services.demo import generator as demo_data
    from kcdesk.services.programmes import store as programmes

    with db.session() as session:
        if not is_demo(session):
            existing = session.scalar(select(func.count(Proposal.id))) or 0
            if existing:
                raise UserError(
                    f"Cơ sở dữ liệu này đang có {existing} đề án thật: không thêm dữ liệu "
                    "trình diễn vào cơ sở dữ liệu làm việc. Hãy dùng một tệp riêng (--db)."
                )
            settings.put_trusted(session, actor, "app.demo", True)
        # The demo prints as the Centre of its seed province, consistently (issue 17).
        if not organisation.is_configured(session):
            organisation.apply_trusted(session, actor, organisation.DEMO_ORGANISATION)
        ensure_own_office(session, actor)
        if not programmes.list_programmes(session):
            programmes.load_presets(session, actor)
        return demo_data.generate(session, actor, proposals=proposals, seed=seed, year=year)


def set_demo_organisation(db: Database, actor: Actor = SYSTEM) -> None:
    """The demo's Cao Bằng organisation on any database (tests, a look at the app)."""
    with db.session() as session:
        organisation.apply_trusted(session, actor, organisation.DEMO_ORGANISATION)

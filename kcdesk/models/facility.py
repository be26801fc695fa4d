"""Beneficiary facilities (đơn vị thụ hưởng, cơ sở công nghiệp nông thôn)."""

from __future__ import annotations

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, SyncedMixin
from kcdesk.models.enums import FacilityKind
from kcdesk.models.types import enum_column

# The beneficiaries' folded-name index (see Facility.__table_args__).
NAME_INDEX = Index("ix_facility_search_text", "search_text")


class Facility(SyncedMixin, Base):
    """Cơ sở CNNT: a business, cooperative or household that receives support.

    ``search_text`` holds the folded name, tax code and commune (kcdesk.text.fold)
    so that search ignores diacritics on any database engine.
    """

    __tablename__ = "facility"
    # The duplicate-support check finds a beneficiary by its folded name, the start
    # of ``search_text`` (services/proposals/duplicates.py); ``text_pattern_ops`` lets
    # PostgreSQL use the index for ``LIKE 'name%'`` whatever the database's collation
    # (migration 0027 creates it so; ``use_postgresql_ops`` gives the model the same
    # option once a PostgreSQL database is opened: declared here, the option would
    # import SQLAlchemy's PostgreSQL dialect at every start, SQLite ones too).
    __table_args__ = (NAME_INDEX,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[FacilityKind] = mapped_column(enum_column(FacilityKind))
    tax_code: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    commune: Mapped[str] = mapped_column(String(128), default="")
    # Official code of the commune (danh mục ĐVHC từ 01/7/2025); None while the text
    # typed before the list is not matched (services.communes.reconcile).
    commune_code: Mapped[str | None] = mapped_column(String(5), nullable=True, index=True)
    province: Mapped[str] = mapped_column(String(64), default="")
    representative: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    sector: Mapped[str] = mapped_column(String(255), default="")
    workers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # ND 235/2025 priority facts.
    woman_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    ethnic_minority_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    craft_village: Mapped[bool] = mapped_column(Boolean, default=False)
    search_text: Mapped[str] = mapped_column(Text, default="")


def use_postgresql_ops() -> None:
    """The facility name index's operator class on PostgreSQL (``text_pattern_ops``),
    set on the model's index when a PostgreSQL database is opened (idempotent)."""
    NAME_INDEX.dialect_options["postgresql"]["ops"] = {"search_text": "text_pattern_ops"}

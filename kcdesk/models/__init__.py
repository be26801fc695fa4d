"""Persistence: SQLAlchemy mapped classes, enums, database access. No Qt here.

Every model module is imported here so ``Base.metadata`` is complete for Alembic.
"""

from kcdesk.models import (  # noqa: F401  (imported for their mapped classes)
    amendment,
    appraisal,
    blobs,
    catalogue,
    dashboard,
    drafts,
    exchange,
    implementation,
    merge,
    reports,
    security,
    signed_document,
)
from kcdesk.models.audit import AuditEvent
from kcdesk.models.base import Base, SyncedMixin, new_uuid, utcnow
from kcdesk.models.enums import (
    APPROVED_OR_LATER,
    FacilityKind,
    OfficeLevel,
    ProposalStatus,
    Role,
)
from kcdesk.models.facility import Facility
from kcdesk.models.organisation import Office, Setting, User
from kcdesk.models.programme import Programme, Target
from kcdesk.models.proposal import (
    BudgetLine,
    Document,
    OutputMeasure,
    Proposal,
    ProposalFacility,
    ScheduleItem,
    StatusChange,
)

__all__ = [
    "APPROVED_OR_LATER",
    "AuditEvent",
    "Base",
    "BudgetLine",
    "Document",
    "Facility",
    "FacilityKind",
    "Office",
    "OfficeLevel",
    "OutputMeasure",
    "Programme",
    "Proposal",
    "ProposalFacility",
    "ProposalStatus",
    "Role",
    "ScheduleItem",
    "Setting",
    "StatusChange",
    "SyncedMixin",
    "Target",
    "User",
    "new_uuid",
    "utcnow",
]

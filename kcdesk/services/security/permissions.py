"""Role permissions (phân quyền), checked in the services, not only hidden in the UI.

Every write service calls ``require(actor, PERMISSION)`` before it writes. Roles:

- ``admin`` (quản trị): everything, including users, settings and restore.
- ``centre_staff`` (cán bộ Trung tâm): the daily work of the Centre.
- ``secretary`` (thư ký hội đồng thẩm định): appraisal records and the statuses
  around appraisal.
- ``leader`` (lãnh đạo): reads everything; writes only where the procedure gives
  leadership the power to decide — approving proposals, the catalogue and amendments
  (the Department approves small amendments, the chairman the rest:
  docs/architecture.md#the-yearly-cycle).
- ``office_clerk`` (cán bộ đơn vị địa phương): intake at a local office, own office
  only (see ``kcdesk.services.security.scope``).
"""

from __future__ import annotations

from kcdesk.models import ProposalStatus, Role
from kcdesk.services.core.errors import PermissionDenied
from kcdesk.services.security.actor import Actor

# Permission names used by the services (stable: other modules import them).
PROPOSAL_EDIT = "proposal.edit"
PROPOSAL_STATUS = "proposal.status"
PROPOSAL_APPROVE = "proposal.approve"
PROGRAMME_EDIT = "programme.edit"
APPRAISAL_EDIT = "appraisal.edit"
CATALOGUE_EDIT = "catalogue.edit"
CATALOGUE_APPROVE = "catalogue.approve"
AMENDMENT_EDIT = "amendment.edit"
AMENDMENT_APPROVE = "amendment.approve"
EXCHANGE = "exchange"
# Registering offices and issuing or installing their exchange keys: a key signs for a
# whole office, so an office clerk (who has EXCHANGE) never handles one.
OFFICES_ADMIN = "offices.admin"
IMPLEMENTATION_EDIT = "implementation.edit"
SETTINGS_EDIT = "settings.edit"
USERS_ADMIN = "users.admin"
BACKUP = "backup"
RESTORE = "restore"
INTEGRITY_CHECK = "integrity.check"
AUDIT_VIEW = "audit.view"

ALL_PERMISSIONS = frozenset(
    {
        PROPOSAL_EDIT,
        PROPOSAL_STATUS,
        PROPOSAL_APPROVE,
        PROGRAMME_EDIT,
        APPRAISAL_EDIT,
        CATALOGUE_EDIT,
        CATALOGUE_APPROVE,
        AMENDMENT_EDIT,
        AMENDMENT_APPROVE,
        EXCHANGE,
        OFFICES_ADMIN,
        IMPLEMENTATION_EDIT,
        SETTINGS_EDIT,
        USERS_ADMIN,
        BACKUP,
        RESTORE,
        INTEGRITY_CHECK,
        AUDIT_VIEW,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: ALL_PERMISSIONS,
    Role.CENTRE_STAFF: frozenset(
        {
            PROPOSAL_EDIT,
            PROPOSAL_STATUS,
            PROPOSAL_APPROVE,
            PROGRAMME_EDIT,
            APPRAISAL_EDIT,
            CATALOGUE_EDIT,
            AMENDMENT_EDIT,
            EXCHANGE,
            OFFICES_ADMIN,
            IMPLEMENTATION_EDIT,
            BACKUP,
            INTEGRITY_CHECK,
            AUDIT_VIEW,
        }
    ),
    Role.SECRETARY: frozenset({APPRAISAL_EDIT, PROPOSAL_STATUS, INTEGRITY_CHECK}),
    Role.LEADER: frozenset(
        {PROPOSAL_APPROVE, CATALOGUE_APPROVE, AMENDMENT_APPROVE, INTEGRITY_CHECK, AUDIT_VIEW}
    ),
    Role.OFFICE_CLERK: frozenset({PROPOSAL_EDIT, PROPOSAL_STATUS, EXCHANGE}),
}

PERMISSION_LABELS = {
    PROPOSAL_EDIT: "sửa đề án",
    PROPOSAL_STATUS: "chuyển trạng thái đề án",
    PROPOSAL_APPROVE: "phê duyệt hoặc ngừng đề án (theo quyết định)",
    PROGRAMME_EDIT: "sửa chương trình",
    APPRAISAL_EDIT: "nhập thẩm định",
    CATALOGUE_EDIT: "lập danh mục",
    CATALOGUE_APPROVE: "phê duyệt danh mục",
    AMENDMENT_EDIT: "lập đề nghị điều chỉnh",
    AMENDMENT_APPROVE: "phê duyệt điều chỉnh",
    EXCHANGE: "trao đổi dữ liệu",
    OFFICES_ADMIN: "đăng ký đơn vị và cấp khóa trao đổi",
    IMPLEMENTATION_EDIT: "theo dõi thực hiện",
    SETTINGS_EDIT: "sửa cài đặt",
    USERS_ADMIN: "quản lý người dùng",
    BACKUP: "sao lưu dữ liệu",
    RESTORE: "khôi phục dữ liệu từ bản sao lưu",
    INTEGRITY_CHECK: "kiểm tra toàn vẹn dữ liệu",
    AUDIT_VIEW: "xem nhật ký thao tác",
}

# Status changes that follow a decision (quyết định phê duyệt / ngừng triển khai), not a
# clerical step: they need PROPOSAL_APPROVE (leaders; Centre staff who enter the signed
# decision with its number) rather than PROPOSAL_STATUS.
DECISION_STATUSES = frozenset({ProposalStatus.APPROVED, ProposalStatus.STOPPED})


def allowed(actor: Actor, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(actor.role, frozenset())


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied (with a clear message) unless the actor may do this."""
    if not allowed(actor, permission):
        what = PERMISSION_LABELS.get(permission, permission)
        raise PermissionDenied(
            f"Tài khoản {actor.username} ({actor.role.label}) không có quyền {what}."
        )


def status_permission(to: ProposalStatus) -> str:
    """The permission a move to ``to`` needs: a decision status needs approval power."""
    return PROPOSAL_APPROVE if to in DECISION_STATUSES else PROPOSAL_STATUS


def may_change_status(actor: Actor, to: ProposalStatus) -> bool:
    """Whether the actor may record a move to ``to`` (the UI greys out the rest)."""
    return allowed(actor, status_permission(to))


def require_status_change(actor: Actor, to: ProposalStatus) -> None:
    """For the workflow: clerical moves need PROPOSAL_STATUS, decisions PROPOSAL_APPROVE."""
    require(actor, status_permission(to))


def permissions_of(role: Role) -> list[str]:
    """Sorted permission names of a role (``user list --json``, the settings screen)."""
    return sorted(ROLE_PERMISSIONS.get(role, frozenset()))

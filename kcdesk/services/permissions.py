"""Role permissions, checked in the services (not only hidden in the UI).

Issue 9 (users and roles) owns the full matrix; every service calls
``require(actor, PERMISSION)`` before it writes.
"""

from __future__ import annotations

from kcdesk.models import Role
from kcdesk.services.actor import Actor
from kcdesk.services.errors import PermissionDenied

# Permission names used by the services.
PROPOSAL_EDIT = "proposal.edit"
PROPOSAL_STATUS = "proposal.status"
PROPOSAL_APPROVE = "proposal.approve"
PROGRAMME_EDIT = "programme.edit"
APPRAISAL_EDIT = "appraisal.edit"
CATALOGUE_EDIT = "catalogue.edit"
CATALOGUE_APPROVE = "catalogue.approve"
EXCHANGE = "exchange"
IMPLEMENTATION_EDIT = "implementation.edit"
SETTINGS_EDIT = "settings.edit"
USERS_ADMIN = "users.admin"
BACKUP = "backup"

ALL_PERMISSIONS = frozenset(
    {
        PROPOSAL_EDIT,
        PROPOSAL_STATUS,
        PROPOSAL_APPROVE,
        PROGRAMME_EDIT,
        APPRAISAL_EDIT,
        CATALOGUE_EDIT,
        CATALOGUE_APPROVE,
        EXCHANGE,
        IMPLEMENTATION_EDIT,
        SETTINGS_EDIT,
        USERS_ADMIN,
        BACKUP,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: ALL_PERMISSIONS,
    Role.CENTRE_STAFF: frozenset(
        {
            PROPOSAL_EDIT,
            PROPOSAL_STATUS,
            PROGRAMME_EDIT,
            APPRAISAL_EDIT,
            CATALOGUE_EDIT,
            EXCHANGE,
            IMPLEMENTATION_EDIT,
            BACKUP,
        }
    ),
    Role.SECRETARY: frozenset({APPRAISAL_EDIT, PROPOSAL_STATUS}),
    Role.LEADER: frozenset({PROPOSAL_APPROVE, CATALOGUE_APPROVE}),
    Role.OFFICE_CLERK: frozenset({PROPOSAL_EDIT, PROPOSAL_STATUS, EXCHANGE}),
}

PERMISSION_LABELS = {
    PROPOSAL_EDIT: "sửa đề án",
    PROPOSAL_STATUS: "chuyển trạng thái đề án",
    PROPOSAL_APPROVE: "phê duyệt đề án",
    PROGRAMME_EDIT: "sửa chương trình",
    APPRAISAL_EDIT: "nhập thẩm định",
    CATALOGUE_EDIT: "lập danh mục",
    CATALOGUE_APPROVE: "phê duyệt danh mục",
    EXCHANGE: "trao đổi dữ liệu",
    IMPLEMENTATION_EDIT: "theo dõi thực hiện",
    SETTINGS_EDIT: "sửa cài đặt",
    USERS_ADMIN: "quản lý người dùng",
    BACKUP: "sao lưu, khôi phục",
}


def allowed(actor: Actor, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(actor.role, frozenset())


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied (with a clear message) unless the actor may do this."""
    if not allowed(actor, permission):
        what = PERMISSION_LABELS.get(permission, permission)
        raise PermissionDenied(
            f"Tài khoản {actor.username} ({actor.role.label}) không có quyền {what}."
        )

"""Why a pack was refused (gói bị từ chối): a reason code and a Vietnamese message."""

from __future__ import annotations

from kcdesk.services.core.errors import UserError

# Reason codes, stable for scripts and tests.
CORRUPT = "corrupt"  # not a zip, truncated, unreadable structure
UNSIGNED = "unsigned"  # no signature / no seal
BAD_SIGNATURE = "bad_signature"  # altered bytes or another key
ALTERED = "altered"  # a member's hash or size differs from the manifest
MEMBERS = "members"  # missing, extra, duplicated or reordered members
UNKNOWN_OFFICE = "unknown_office"
OTHER_PROVINCE = "other_province"
WRONG_RECIPIENT = "wrong_recipient"
TOO_NEW = "too_new"  # made by a newer kcdesk with a format this one cannot read
BAD_RECORD = "bad_record"  # records that do not parse


class PackRefused(UserError):
    """The pack cannot be imported; nothing in the database was changed."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message + " Cơ sở dữ liệu không bị thay đổi.")
        self.reason = reason

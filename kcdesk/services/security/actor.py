"""Who is acting: every service call is made on behalf of an Actor."""

from __future__ import annotations

from dataclasses import dataclass

from kcdesk.models import Role


@dataclass(frozen=True)
class Actor:
    """The person (or system job) a service acts for; recorded in the audit trail.

    ``office_code`` is the office this PC works as; a local-office clerk only sees
    that office's records.
    """

    username: str
    role: Role = Role.ADMIN
    office_code: str = ""
    full_name: str = ""

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


# The actor used by headless commands and first-run set-up before any log-in exists.
SYSTEM = Actor(username="system", role=Role.ADMIN, full_name="Hệ thống")

"""Errors that carry a message for the user (Vietnamese), never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix; the message says what to fix."""


class NotFoundError(UserError):
    """The record named does not exist."""


class PermissionDenied(UserError):
    """The actor's role does not allow this action."""


class ValidationError(UserError):
    """Input breaks a rule; ``problems`` maps a field to its message."""

    def __init__(self, message: str, problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or {}


class ConflictError(UserError):
    """The record was changed by someone else since it was read."""

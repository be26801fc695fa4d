"""The signing services' one error (no pyHanko import, so screens load fast)."""

from __future__ import annotations

from kcdesk.services.core.errors import UserError


class SigningError(UserError):
    """Signing or verifying could not be done; the message says why (one line)."""

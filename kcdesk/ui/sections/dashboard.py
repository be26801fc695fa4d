"""Programme section: the programmes and their targets, read-only (foundation).

The programme-target dashboard (issue 6) grows from here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.programme_view import ProgrammeView


def create(ctx: AppContext) -> QWidget:
    return ProgrammeView(ctx)

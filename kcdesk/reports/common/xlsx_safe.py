"""Exports that cannot run code (ô Excel an toàn): the reports' name for the guard.

The guard itself lives in ``kcdesk.services.core.xlsx_safe`` so the services that
write a workbook (the programme template) use the same one without importing a
report; the reports keep importing it from here.
"""

from __future__ import annotations

from kcdesk.services.core.xlsx_safe import (
    PROGRAM_FUNCTIONS,
    RISKY_START,
    guard_cell,
    is_program_formula,
    needs_guard,
    secure_workbook,
)

__all__ = [
    "PROGRAM_FUNCTIONS",
    "RISKY_START",
    "guard_cell",
    "is_program_formula",
    "needs_guard",
    "secure_workbook",
]

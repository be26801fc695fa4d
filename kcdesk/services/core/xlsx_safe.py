"""Exports that cannot run code: user text is written as text, never as a formula.

openpyxl stores any string that begins with ``=`` as a formula, so a proposal titled
``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` became a live formula in the register and
catalogue exports. Every XLSX writer passes its workbook through ``secure_workbook``
before saving (streamed sheets pass each cell through ``guard_cell``):

- a formula the program itself writes has a fixed shape — totals and ratios over cell
  ranges (``=SUM(D7:D20)``, ``=IF(COUNT(E5:H5)=0,"",ROUND(AVERAGE(E5:H5),2))``); it
  is kept;
- any other cell value that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is stored as a text cell marked "quote prefix" (what Excel does when a user
  types an apostrophe first), so no spreadsheet program evaluates it.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook

# Functions the program's own formulas use; nothing that reaches outside the sheet
# (HYPERLINK, WEBSERVICE, DDE, INDIRECT…) is ever in this list.
PROGRAM_FUNCTIONS = frozenset({"SUM", "COUNT", "IF", "ROUND", "AVERAGE", "AND", "ISNUMBER"})
_TOKEN = re.compile(
    r'\s*(?:(?P<fn>[A-Z]+)\(|(?P<ref>\$?[A-Z]{1,3}\$?\d{1,7})|(?P<num>\d+(?:\.\d+)?)|(?P<op>[-+*/<>=,:()&])|(?P<str>""))'
)
RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def is_program_formula(text: str) -> bool:
    """True for a formula of the shapes the exports write (see the module docstring)."""
    if not text.startswith("="):
        return False
    body, position, refs = text[1:], 0, 0
    while position < len(body):
        match = _TOKEN.match(body, position)
        if match is None or match.end() == position:
            return False
        if match.group("fn") and match.group("fn") not in PROGRAM_FUNCTIONS:
            return False
        refs += bool(match.group("ref"))
        position = match.end()
    # Every formula the program writes works on cells; "=1+1" typed as a title is text.
    return refs > 0


def _risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_START)


def needs_guard(value: Any) -> bool:
    """True for a value :func:`guard_cell` would turn into text (not the program's own
    formulas)."""
    if not _risky(value):
        return False
    return not (isinstance(value, str) and value.startswith("=") and is_program_formula(value))


def guard_cell(cell: Cell) -> Cell:
    """Make ``cell`` a text cell if its value is user text that could be read as code."""
    value = cell.value
    if not _risky(value) or (cell.data_type == "f" and is_program_formula(str(value))):
        return cell
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def secure_workbook(workbook: Workbook) -> Workbook:
    """Guard every cell of every (normal) sheet; call it right before saving."""
    for ws in workbook.worksheets:
        cells = getattr(ws, "_cells", None)
        if cells is None:  # a streamed sheet: its cells were guarded as appended
            continue
        for cell in cells.values():
            if _risky(cell.value):
                guard_cell(cell)
    return workbook

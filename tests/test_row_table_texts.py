"""The read-only tables answer every role as before while their texts are kept
(ui/row_table.py, issue 24: sizing the dashboard's targets asked each cell ~8 times)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from kcdesk.ui.row_table import ROW_ROLE, Column, RowTableModel


@dataclass
class _Row:
    code: str
    amount: int


def _columns(calls: list[str]) -> tuple[Column, ...]:
    def text(row: _Row) -> str:
        calls.append(row.code)
        return row.code

    return (
        Column("Mã", text),
        Column("Tiền", lambda r: f"{r.amount:,}", True),
        Column("Màu", lambda r: "x", foreground=lambda r: QColor("red") if r.amount else None),
    )


def _old_answer(model: RowTableModel, row: int, column: int, role: int) -> object:
    """What ``data`` answered before the texts were kept: ``cell`` asked every time."""
    if not 0 <= row < len(model.rows):
        return None
    return model.cell(model.rows[row], column, role)


def test_every_role_of_every_cell_is_answered_as_before(qapp: QApplication) -> None:
    calls: list[str] = []
    model = RowTableModel(
        _columns(calls), tooltip=lambda r: f"đề án {r.code}", rows=[_Row("A", 0), _Row("B", 5)]
    )
    roles = [*range(0, 14), ROW_ROLE, int(Qt.ItemDataRole.UserRole)]
    for _ in range(3):  # asked again and again, as a view sizing its columns does
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                for role in roles:
                    assert model.data(model.index(row, column), role) == _old_answer(
                        model, row, column, role
                    ), (row, column, role)
    # The kept text is made once per cell (the reference calls above made the others).
    calls.clear()
    for _ in range(3):
        assert model.data(model.index(1, 0)) == "B"
    assert calls == []


def test_new_rows_show_their_own_texts(qapp: QApplication) -> None:
    calls: list[str] = []
    model = RowTableModel(_columns(calls), rows=[_Row("A", 1)])
    assert model.data(model.index(0, 1)) == "1"
    model.set_rows([_Row("C", 12345), _Row("D", 0)])
    assert [model.data(model.index(r, 0)) for r in range(2)] == ["C", "D"]
    assert model.data(model.index(0, 1)) == "12,345"
    assert model.data(model.index(2, 0)) is None  # past the rows
    assert model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole) is not None

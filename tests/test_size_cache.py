"""Cells measured once per width give the sizes Qt computes (ui/size_cache.py, issue 24):
the dashboard's targets table with and without the kept sizes has the same column
widths and row heights, before and after its rows change."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QHeaderView, QStyledItemDelegate, QTableView

from kcdesk.ui.row_table import Column, RowTableModel
from kcdesk.ui.size_cache import SizeKeepingDelegate
from kcdesk.ui.wrapped_rows import wrap_rows

COLUMNS = (
    Column("Mã", lambda r: r[0]),
    Column("Chỉ tiêu", lambda r: r[1]),
    Column("Kế\nhoạch", lambda r: r[2], True),
)
FIRST = [
    ("I.1", "Số cơ sở công nghiệp nông thôn được hỗ trợ máy móc thiết bị tiên tiến", "1.200"),
    ("I.2", "Đào tạo nghề", "35"),
    ("II.10", "Hỗ trợ xây dựng mô hình trình diễn kỹ thuật " * 3, "12.345.678"),
]
SECOND = [("III.1-2", "Tư vấn " * 30, "7"), ("IV", "Ngắn", "100.000.000.000")]


def _table(qapp: QApplication, keep: bool) -> tuple[QTableView, RowTableModel]:
    model = RowTableModel(COLUMNS, rows=FIRST)
    table = QTableView()
    table.setModel(model)
    table.setItemDelegate(SizeKeepingDelegate(table) if keep else QStyledItemDelegate(table))
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    wrap_rows(table, 1)
    table.resize(420, 300)
    table.show()
    return table, model


def _sizes(qapp: QApplication, table: QTableView) -> tuple[list[int], list[int]]:
    for _ in range(3):
        qapp.processEvents()
    model = table.model()
    return (
        [table.columnWidth(c) for c in range(model.columnCount())],
        [table.rowHeight(r) for r in range(model.rowCount())],
    )


def test_kept_sizes_are_qts_sizes(qapp: QApplication) -> None:
    plain, plain_model = _table(qapp, keep=False)
    kept, kept_model = _table(qapp, keep=True)
    try:
        first = _sizes(qapp, plain)
        assert _sizes(qapp, kept) == first
        assert max(first[1]) > min(first[1])  # a long name wraps on several lines
        for table in (plain, kept):  # a narrower table: names wrap on more lines
            table.resize(300, 300)
        assert _sizes(qapp, kept) == _sizes(qapp, plain)
        plain_model.set_rows(SECOND)
        kept_model.set_rows(SECOND)
        second = _sizes(qapp, plain)
        assert _sizes(qapp, kept) == second != first
    finally:
        plain.close()
        kept.close()

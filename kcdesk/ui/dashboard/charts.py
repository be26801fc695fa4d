"""Bar charts of the dashboard (QtCharts): approved support and disbursed money per key.

Each chart shows one category per row of a breakdown (year, activity, commune);
clicking a bar emits ``bar_clicked(key)`` so the view can list the proposals behind it.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QShowEvent
from PySide6.QtWidgets import QWidget

from kcdesk.formatting import format_money
from kcdesk.services.dashboard.board import MoneyRow

MILLION = 1_000_000


class MoneyBarChart(QChartView):
    """Horizontal bars in million đồng: «Phê duyệt» and «Giải ngân» per category."""

    bar_clicked = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None, *, limit: int = 12) -> None:
        super().__init__(parent)
        self.limit = limit
        self._keys: list[str] = []
        self.title = title
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self._approved_set: QBarSet | None = None
        self._disbursed_set: QBarSet | None = None
        self._empty = True
        self._tick_labels: list[str] = []
        # Rows given while the chart is hidden (a chart tab not chosen yet), drawn when
        # it is shown or looked at: the dashboard's first opening built five charts
        # nobody saw (the three empty ones, then the two hidden tabs; issue 24).
        self._pending: list[MoneyRow] | None = []

    # What the chart shows, drawn first if rows are waiting.
    @property
    def keys(self) -> list[str]:
        self._draw_pending()
        return self._keys

    @property
    def approved_set(self) -> QBarSet | None:
        self._draw_pending()
        return self._approved_set

    @property
    def disbursed_set(self) -> QBarSet | None:
        self._draw_pending()
        return self._disbursed_set

    @property
    def empty(self) -> bool:
        self._draw_pending()
        return self._empty

    @property
    def tick_labels(self) -> list[str]:
        self._draw_pending()
        return self._tick_labels

    def chart(self) -> QChart:
        self._draw_pending()
        return super().chart()

    def showEvent(self, event: QShowEvent) -> None:
        self._draw_pending()
        super().showEvent(event)

    def _draw_pending(self) -> None:
        rows, self._pending = self._pending, None
        if rows is not None:
            self._draw(rows)

    def set_rows(self, rows: list[MoneyRow]) -> None:
        """Show ``rows`` (the first ``limit``): now if the chart is visible, else when it
        is shown or looked at."""
        if self.isVisible():
            self._pending = None
            self._draw(rows)
        else:
            self._pending = list(rows)

    def _draw(self, rows: list[MoneyRow]) -> None:
        shown = rows[: self.limit]
        # Horizontal bars draw the first category at the bottom: reverse for reading order.
        shown = list(reversed(shown))
        self._keys = [r.key for r in shown]
        chart = QChart()
        chart.setTitle(self.title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        # The last value label is centred on the axis end: room on the right for its
        # second half, or "6.000" is cut to "6.00" (seen at 1366×768).
        chart.setMargins(QMargins(2, 2, 22, 2))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        # Short legend entries: the unit is on the axis (the legend must fit).
        approved = QBarSet("Phê duyệt")
        approved.setColor(QColor("#1e88e5"))
        disbursed = QBarSet("Đã giải ngân")
        disbursed.setColor(QColor("#43a047"))
        for r in shown:
            approved.append(r.approved_support / MILLION)
            disbursed.append(r.disbursed / MILLION)
        approved.clicked.connect(self._clicked)
        disbursed.clicked.connect(self._clicked)
        series = QHorizontalBarSeries()
        series.append(approved)
        series.append(disbursed)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([_short(r.label) for r in shown] or [""])
        font = categories.labelsFont()
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        categories.setLabelsFont(font)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        self._empty = not shown
        if self._empty:
            # No figures yet: a sentence, not an axis of "0 0 1 1 1".
            chart.setTitle(f"{self.title}<br><i>{EMPTY_TEXT}</i>")
            chart.legend().hide()
            categories.setVisible(False)
        else:
            step, ticks = nice_ticks(
                max([r.approved_support for r in shown] + [r.disbursed for r in shown]) / MILLION
            )
            values = QCategoryAxis()
            values.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
            values.setRange(0, step * ticks)
            for n in range(ticks + 1):
                values.append(format_axis(step * n), step * n)
            values.setTitleText("triệu đồng")
            chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
            series.attachAxis(values)
            self._tick_labels = list(values.categoriesLabels())
        old = super().chart()
        self.setChart(chart)
        self._approved_set, self._disbursed_set = approved, disbursed
        if old is not None and old is not chart:
            old.deleteLater()

    def _clicked(self, index: int) -> None:
        if 0 <= index < len(self._keys):
            self.bar_clicked.emit(self._keys[index])


EMPTY_TEXT = "Chưa có đề án được phê duyệt trong giai đoạn này."


def nice_ticks(top: float, most: int = 6) -> tuple[float, int]:
    """A round step (1, 2 or 5 × 10ⁿ) and how many steps reach past ``top``."""
    if top <= 0:
        return 1.0, 1
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step, max(1, math.ceil(top / step))


def format_axis(value: float) -> str:
    """Axis labels with thousands separators and no needless decimals: 1.500; 0,5."""
    if value == int(value):
        return format_money(int(value))
    return f"{value:.1f}".replace(".", ",")


def _short(label: str, width: int = 20) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"

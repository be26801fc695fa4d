"""Dashboard charts (issue 20 §4): round ticks with thousands separators, an empty
database shows a sentence, the legend entries are short."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kcdesk.services.dashboard.board import MoneyRow
from kcdesk.ui.dashboard.charts import EMPTY_TEXT, MoneyBarChart, format_axis, nice_ticks


def _row(key: str, approved: int, disbursed: int) -> MoneyRow:
    import dataclasses

    fields = {f.name for f in dataclasses.fields(MoneyRow)}
    values = {
        "key": key,
        "label": key,
        "approved_support": approved,
        "disbursed": disbursed,
        "approved_count": 1,
        "implemented_count": 0,
        "planned": None,
    }
    return MoneyRow(**{k: v for k, v in values.items() if k in fields})


def test_round_ticks() -> None:
    assert nice_ticks(1234) == (500, 3)
    assert nice_ticks(7.3) == (2, 4)
    assert format_axis(1500) == "1.500" and format_axis(0.5) == "0,5"


def test_chart_labels_and_empty_state(qtbot: QtBot) -> None:
    chart = MoneyBarChart("Theo năm")
    qtbot.addWidget(chart)
    assert chart.empty and EMPTY_TEXT in chart.chart().title()
    chart.set_rows([_row("2026", 1_234_000_000, 400_000_000)])
    assert not chart.empty
    assert chart.tick_labels == ["0", "500", "1.000", "1.500"]
    names = [m.label() for m in chart.chart().legend().markers()]
    assert names == ["Phê duyệt", "Đã giải ngân"]


def _drawn(chart: MoneyBarChart) -> tuple[object, ...]:
    qchart = chart.chart()
    assert chart.approved_set is not None and chart.disbursed_set is not None
    axes = [[a.categories() if hasattr(a, "categories") else None] for a in qchart.axes()]
    return (
        chart.keys,
        chart.empty,
        chart.tick_labels,
        qchart.title(),
        [chart.approved_set.at(i) for i in range(chart.approved_set.count())],
        [chart.disbursed_set.at(i) for i in range(chart.disbursed_set.count())],
        axes,
    )


def test_hidden_chart_is_drawn_when_shown_as_a_visible_one_is(qtbot: QtBot) -> None:
    """Issue 24: rows given to a hidden chart are drawn when it is shown (or looked
    at), with the same bars, labels and ticks as a chart drawn at once."""
    rows = [_row(f"K{n}", (n + 1) * 300_000_000, n * 100_000_000) for n in range(10)]
    visible = MoneyBarChart("Theo xã", limit=8)
    qtbot.addWidget(visible)
    visible.show()
    visible.set_rows(rows)
    hidden = MoneyBarChart("Theo xã", limit=8)
    qtbot.addWidget(hidden)
    first = hidden.chart()
    hidden.set_rows(rows[:3])
    hidden.set_rows(rows)  # only the last rows given are drawn
    drawn = hidden.chart()  # looked at: drawn, and only once
    assert drawn is not first and hidden.chart() is drawn
    shown = MoneyBarChart("Theo xã", limit=8)
    qtbot.addWidget(shown)
    shown.set_rows(rows)
    shown.show()  # drawn by its showing
    assert _drawn(hidden) == _drawn(visible) == _drawn(shown)
    assert visible.keys == ["K7", "K6", "K5", "K4", "K3", "K2", "K1", "K0"]

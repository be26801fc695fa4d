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

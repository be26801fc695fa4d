"""No internal code or raw program output in any view (issue 20 §2).

Walks the model data (display text and tooltips) of every table, list and combo box
of every section on the demo database — plus one proposal's own window with its
history and audit tabs — and fails on codes a clerk should never read: activity,
source, status and measure codes, audit action names, built-in user names, ISO dates
and months, Python reprs.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.forms import load as forms
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext

ROWS = 60  # per model: enough to meet every kind of row, fast enough for the suite
_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{4}-(0[1-9]|1[0-2])\b(?!-)|\bT\d{2}:\d{2}")
_RAW = re.compile(r"\bNone\b|\{'|\['|\bdemo-data\b|\d\.\d MB|\d\.\d giây")


def _codes() -> set[str]:
    codes = set(forms.load_activities()) | set(forms.load_funding_sources())
    codes |= set(forms.load_measures())
    codes |= {s.value for s in ProposalStatus}
    codes |= {"create", "update", "import", "system", "demo", "scores"}
    return codes


def _bad(text: str, codes: set[str]) -> str | None:
    for line in text.splitlines() or [text]:
        words = set(re.findall(r"[A-Za-z0-9_\-]+", line))
        hit = words & codes
        if hit:
            return f"code {sorted(hit)}"
        for pattern in (_SNAKE, _ISO, _RAW):
            if m := pattern.search(line):
                return f"raw «{m.group(0)}»"
    return None


def _model_texts(
    model: QAbstractItemModel, parent: QModelIndex | None = None, *, tree: bool = False
) -> list[str]:
    parent = parent or QModelIndex()
    out: list[str] = []
    try:
        columns = model.columnCount(parent)
    except TypeError:  # a list model keeps columnCount private in PySide
        columns = 1
    for row in range(min(model.rowCount(parent), ROWS)):
        for col in range(columns):
            index = model.index(row, col, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                if isinstance(value, str) and value:
                    out.append(value)
            if tree and col == 0 and model.rowCount(index) > 0:
                out.extend(_model_texts(model, index, tree=True))
    for col in range(columns):
        header = model.headerData(col, Qt.Orientation.Horizontal)
        if isinstance(header, str):
            out.append(header)
    return out


def _texts(root: QWidget) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    views = root.findChildren(QAbstractItemView)
    combos = root.findChildren(QComboBox)
    for view in views:
        if isinstance(view, QHeaderView):  # its model is the table's, read once
            continue
        model = view.model()
        if model is not None:
            tree = isinstance(view, QTreeView)
            name = view.objectName() or type(view).__name__
            found += [(name, t) for t in _model_texts(model, tree=tree)]
    for combo in combos:
        found += [(combo.objectName() or "combo", combo.itemText(i)) for i in range(combo.count())]
    for label in root.findChildren(QLabel):
        if label.isVisibleTo(root) and label.text():
            found.append((label.objectName() or "label", label.text()))
    return found


def test_no_view_shows_an_internal_code(demo_db: Database, qtbot: QtBot) -> None:
    from kcdesk.ui.main_window import MainWindow
    from kcdesk.ui.register.proposal_view import ProposalView

    ctx = AppContext(demo_db, SYSTEM)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    codes = _codes()
    problems: list[str] = []
    for key in window.section_keys():
        section = window.show_section(key)
        for where, text in _texts(section):
            if (why := _bad(text, codes)) is not None:
                problems.append(f"{key}/{where}: {why} in «{text[:120]}»")
    with demo_db.session() as s:
        # one proposal with a long history (approved or later)
        code = s.scalars(
            select(Proposal.code)
            .where(Proposal.status == ProposalStatus.SETTLED)
            .order_by(Proposal.code)
        ).first()
    assert code is not None
    view = ProposalView(ctx, code)
    qtbot.addWidget(view)
    for where, text in _texts(view):
        if (why := _bad(text, codes)) is not None:
            problems.append(f"proposal view/{where}: {why} in «{text[:120]}»")
    info = view.findChild(QWidget, "info")
    plain = info.toPlainText() if hasattr(info, "toPlainText") else ""
    if (why := _bad(plain, codes)) is not None:
        problems.append(f"proposal view/info: {why}")
    assert not problems, "\n".join(sorted(set(problems))[:200])


def test_proposal_view_names_its_place_once(demo_db: Database, qtbot: QtBot) -> None:
    """One "Địa điểm" row with the commune in it once, in normal case (issue 20 §1)."""
    from kcdesk.services.communes.official import commune
    from kcdesk.ui.register.proposal_view import ProposalView

    with demo_db.session() as s:
        p = s.scalars(
            select(Proposal).where(Proposal.commune_code.is_not(None)).order_by(Proposal.code)
        ).first()
        assert p is not None
        code, official = p.code, commune(p.commune_code)
    assert official is not None
    view = ProposalView(AppContext(demo_db, SYSTEM), code)
    qtbot.addWidget(view)
    plain = view.findChild(QWidget, "info").toPlainText()
    assert "Xã, phường" not in plain
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    assert lines.count("Địa điểm") == 1
    place = lines[lines.index("Địa điểm") + 1]  # the row's value cell
    assert place.count(official.bare_name) == 1 and official.address_name.lower() in place.lower()

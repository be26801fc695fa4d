"""Programme section: the progress dashboard and the programmes' targets.

Tab «Tiến độ thực hiện» is the dashboard; tab «Chương trình và chỉ tiêu» lists a
programme's targets, imports programme files and edits targets. Both tabs follow
the same chosen programme. The second tab is built the first time it is shown (or
asked for): the section opens on the dashboard, and building and filling the hidden
list of targets was part of every first opening (issue 24).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.dashboard.view import DashboardView

if TYPE_CHECKING:
    from kcdesk.ui.programme_view import ProgrammeView

PROGRAMMES_TAB = 1


class ProgrammeSection(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.dashboard = DashboardView(ctx)
        self._programmes: ProgrammeView | None = None
        # The programmes tab's page; its view goes in when the tab is first shown.
        self._programmes_page = QWidget()
        page_layout = QVBoxLayout(self._programmes_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.dashboard, "Tiến độ thực hiện")
        self.tabs.addTab(self._programmes_page, "Chương trình và chỉ tiêu")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.dashboard.chooser.currentIndexChanged.connect(self._follow_dashboard)
        self.tabs.currentChanged.connect(self._tab_shown)

    @property
    def programmes(self) -> ProgrammeView:
        """The programmes tab's view, built (and filled) on first use."""
        if self._programmes is None:
            from kcdesk.ui.programme_view import ProgrammeView

            view = ProgrammeView(self.ctx)
            self._programmes = view
            layout = self._programmes_page.layout()
            assert layout is not None
            layout.addWidget(view)
            view.chooser.currentIndexChanged.connect(self._follow_programmes)
            self._follow_dashboard()
        return self._programmes

    def _tab_shown(self, index: int) -> None:
        if index == PROGRAMMES_TAB:
            self.programmes  # noqa: B018 - built when first shown

    def _follow_dashboard(self) -> None:
        view = self._programmes
        if view is None:
            return  # not built yet: it follows the dashboard when it is
        code = self.dashboard.chooser.currentData()
        index = view.chooser.findData(code)
        if code and index >= 0 and index != view.chooser.currentIndex():
            view.chooser.setCurrentIndex(index)

    def _follow_programmes(self) -> None:
        view = self._programmes
        code = view.chooser.currentData() if view is not None else None
        if code:
            self.dashboard.select_programme(code)


def create(ctx: AppContext) -> QWidget:
    return ProgrammeSection(ctx)

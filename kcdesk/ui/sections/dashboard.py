"""Programme section: the progress dashboard and the programmes' targets.

Tab «Tiến độ thực hiện» is the dashboard; tab «Chương trình và chỉ tiêu» lists a
programme's targets, imports programme files and edits targets. Both tabs follow
the same chosen programme.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.dashboard.view import DashboardView
from kcdesk.ui.programme_view import ProgrammeView


class ProgrammeSection(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.dashboard = DashboardView(ctx)
        self.programmes = ProgrammeView(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.dashboard, "Tiến độ thực hiện")
        self.tabs.addTab(self.programmes, "Chương trình và chỉ tiêu")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.dashboard.chooser.currentIndexChanged.connect(self._follow_dashboard)
        self.programmes.chooser.currentIndexChanged.connect(self._follow_programmes)
        self._follow_dashboard()

    def _follow_dashboard(self) -> None:
        code = self.dashboard.chooser.currentData()
        index = self.programmes.chooser.findData(code)
        if code and index >= 0 and index != self.programmes.chooser.currentIndex():
            self.programmes.chooser.setCurrentIndex(index)

    def _follow_programmes(self) -> None:
        code = self.programmes.chooser.currentData()
        if code:
            self.dashboard.select_programme(code)


def create(ctx: AppContext) -> QWidget:
    return ProgrammeSection(ctx)

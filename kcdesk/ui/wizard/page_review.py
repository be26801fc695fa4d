"""Page 8 — Kiểm tra và lưu: every section summarised; errors and warnings, clickable."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QTextBrowser, QVBoxLayout

from kcdesk.formatting import format_money
from kcdesk.services.forms import load as forms
from kcdesk.services.proposals.draft import ProposalInput
from kcdesk.services.proposals.validation import Problem
from kcdesk.ui.wizard.common import WizardHost, WizardPageBase, format_month_text

_FIELD = Qt.ItemDataRole.UserRole


class ReviewPage(WizardPageBase):
    key = "review"

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        layout = QVBoxLayout(self)
        self.summary = QTextBrowser()
        self.summary.setObjectName("review_summary")
        self.status = QLabel()
        self.status.setObjectName("review_status")
        self.status.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setObjectName("review_problems")
        self.problems.setMaximumHeight(170)
        # A message is a sentence the clerk must read whole: wrap, never scroll sideways.
        self.problems.setWordWrap(True)
        self.problems.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.itemActivated.connect(self._go)
        self.problems.itemClicked.connect(self._go)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.problems)
        self.current: list[Problem] = []

    def _go(self, item: QListWidgetItem) -> None:
        field = item.data(_FIELD)
        if isinstance(field, str):
            self.wiz.go_to_field(field)

    def load(self, data: ProposalInput) -> None:
        self.summary.setHtml(self.summary_html(data))
        self.set_problems(self.wiz.all_problems())

    def set_problems(self, problems: list[Problem]) -> None:
        self.current = problems
        self.problems.clear()
        errors = [p for p in problems if p.is_error]
        warnings = [p for p in problems if not p.is_error]
        for problem in errors + warnings:
            page = self.template.page(self.template.page_of(problem.field)).title
            prefix = "Lỗi" if problem.is_error else "Cảnh báo"
            item = QListWidgetItem(f"{prefix} — {page}: {problem.message}")
            item.setData(_FIELD, problem.field)
            item.setToolTip("Bấm để đến trường này")
            item.setForeground(QBrush(QColor("#b00020" if problem.is_error else "#8a5a00")))
            self.problems.addItem(item)
        if errors:
            self.status.setText(
                f"<b>Còn {len(errors)} lỗi</b> phải sửa trước khi lưu"
                + (f" và {len(warnings)} cảnh báo." if warnings else ".")
            )
        elif warnings:
            self.status.setText(
                f"Không có lỗi. {len(warnings)} cảnh báo cần xem lại (không chặn việc lưu). "
                "Bấm «Lưu đề án» để lưu."
            )
        else:
            self.status.setText("Không có lỗi hay cảnh báo. Bấm «Lưu đề án» để lưu.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not any(p.is_error for p in self.current)

    def validatePage(self) -> bool:
        return True

    def summary_html(self, data: ProposalInput) -> str:
        t = self.template
        activity = self.wiz.activities.get(data.activity)
        sources = forms.load_funding_sources()
        source = sources[data.funding_source].label if data.funding_source in sources else ""
        measures = forms.load_measures()
        rows = [
            (t.label("title"), data.title),
            (t.label("plan_year"), str(data.plan_year)),
            (t.label("activity"), activity.label if activity else ""),
            (t.label("funding_source"), source),
            (t.label("implementing_unit"), data.implementing_unit),
            (t.label("partner_unit"), data.partner_unit),
            (t.label("location"), f"{data.location}, {data.commune}".strip(", ")),
            (
                "Thời gian",
                f"{format_month_text(data.start_month)} – {format_month_text(data.end_month)}",
            ),
            (t.label("facilities"), "; ".join(f.name for f in data.facilities) or "không có"),
            (t.label("schedule"), f"{len(data.schedule)} công việc"),
            (
                t.label("budget_lines"),
                f"{len(data.budget_lines)} khoản; tổng {format_money(data.total_cost)} đồng, "
                f"hỗ trợ {format_money(data.support)} đồng, đối ứng "
                f"{format_money(data.counterpart)} đồng, khác {format_money(data.other_funds)} đồng",
            ),
            (
                t.label("outputs"),
                ", ".join(
                    f"{measures[k].label if k in measures else k}: {v}"
                    for k, v in data.outputs.items()
                )
                or "chưa nhập",
            ),
            (
                t.label("documents"),
                f"đã nhận {sum(d.received for d in data.documents)}/{len(data.documents)}",
            ),
        ]
        for key in ("necessity", "objectives", "scale", "organisation", "effect_economic"):
            text = str(getattr(data, key))
            rows.append((t.label(key), text[:200] + ("…" if len(text) > 200 else "")))
        body = "".join(
            f"<tr><td style='padding-right:8px'><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table>{body}</table>"

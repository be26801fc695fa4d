"""Lập hội đồng: session details, members, agenda and conflicts of interest.

Each action is one service call in one transaction; a refusal is shown in the
message line under the panel, never as a modal box.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kcdesk.models.appraisal import AgendaItem, AppraisalSession, CouncilMember, MemberRole
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.core.errors import UserError
from kcdesk.services.proposals import lookup as proposals
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.appraisal.choice_model import ChoiceModel
from kcdesk.ui.appraisal.common import date_field, message_label, read_date, say, show_date

# The agenda's choice list shows at least this many characters ("ĐA-2027-0001 — …").
CANDIDATE_MIN_CHARS = 40


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    return table


class SetupPanel(QWidget):
    """Details, members, agenda, conflicts of the selected session."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id: int | None = None
        self.message = message_label("setup_message")

        details = self._build_details()
        members_box = self._build_members()
        agenda_box = self._build_agenda()
        conflicts_box = self._build_conflicts()

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(details, 2)
        top.addWidget(members_box, 3)
        layout.addLayout(top, 2)
        layout.addWidget(agenda_box, 2)
        layout.addWidget(conflicts_box)
        layout.addWidget(self.message)

    def _build_details(self) -> QGroupBox:
        """The council's name, founding decision, meeting and criteria set."""
        self.name = QLineEdit()
        self.name.setObjectName("session_name")
        self.decision_no = QLineEdit()
        self.decision_no.setObjectName("decision_no")
        self.decision_date = date_field("decision_date")
        self.meeting_date = date_field("meeting_date")
        self.place = QLineEdit()
        self.place.setObjectName("place")
        self.criteria = QLineEdit()
        self.criteria.setReadOnly(True)
        save = QPushButton("Lưu thông tin hội đồng")
        save.setObjectName("save_details")
        save.clicked.connect(self.save_details)
        form = QFormLayout()
        form.addRow("Tên hội đồng:", self.name)
        form.addRow("Quyết định thành lập số:", self.decision_no)
        form.addRow("Ngày quyết định:", self.decision_date)
        form.addRow("Ngày họp:", self.meeting_date)
        form.addRow("Địa điểm họp:", self.place)
        form.addRow("Bộ tiêu chí:", self.criteria)
        form.addRow("", save)
        details = QGroupBox("Hội đồng")
        details.setLayout(form)
        return details

    def _build_members(self) -> QGroupBox:
        """Members with their roles and posts; add and remove."""
        self.members = _table("members_table", ["TT", "Họ và tên", "Vai trò", "Chức vụ, đơn vị"])
        self.member_name = QLineEdit()
        self.member_name.setObjectName("member_name")
        self.member_name.setPlaceholderText("Họ và tên")
        self.member_post = QLineEdit()
        self.member_post.setObjectName("member_post")
        self.member_post.setPlaceholderText("Chức vụ, đơn vị")
        self.member_role = QComboBox()
        self.member_role.setObjectName("member_role")
        for role in MemberRole:
            self.member_role.addItem(role.label, role.value)
        self.member_role.setCurrentIndex(list(MemberRole).index(MemberRole.MEMBER))
        add_member = QPushButton("Thêm")
        add_member.setObjectName("add_member")
        add_member.clicked.connect(self.add_member)
        self.member_name.returnPressed.connect(self.add_member)
        remove_member = QPushButton("Xoá thành viên chọn")
        remove_member.clicked.connect(self.remove_member)
        member_row = QHBoxLayout()
        member_row.addWidget(self.member_name, 2)
        member_row.addWidget(self.member_post, 3)
        member_row.addWidget(self.member_role)
        member_row.addWidget(add_member)
        member_row.addWidget(remove_member)
        members_box = QGroupBox("Thành viên")
        members_layout = QVBoxLayout(members_box)
        members_layout.addWidget(self.members, 1)
        members_layout.addLayout(member_row)
        return members_box

    def _build_agenda(self) -> QGroupBox:
        """The proposals on the meeting's agenda (chương trình họp)."""
        self.agenda = _table("agenda_table", ["TT", "Mã đề án", "Tên đề án", "Kết quả"])
        self.agenda.horizontalHeader().setStretchLastSection(False)
        self.agenda.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.agenda.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.ResizeToContents
        )
        self.candidates = QComboBox()
        self.candidates.setObjectName("agenda_candidates")
        # Sized by the row, not by its widest choice: a plan year can hold thousands
        # awaiting appraisal, and measuring every text cost the section's first opening
        # 100+ ms at 100,000 proposals (issue 24). The row stretches it either way.
        self.candidates.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.candidates.setMinimumContentsLength(CANDIDATE_MIN_CHARS)
        # Read a page at a time; every line is one text high, so the list does not ask
        # every choice to lay itself out when it opens (issue 24).
        self.choices = ChoiceModel(self.ctx.db, self)
        self.candidates.setModel(self.choices)
        popup = self.candidates.view()
        if isinstance(popup, QListView):
            popup.setUniformItemSizes(True)
        add_item = QPushButton("Đưa vào chương trình")
        add_item.setObjectName("add_item")
        add_item.clicked.connect(self.add_item)
        add_all = QPushButton("Thêm mọi đề án chờ thẩm định")
        add_all.setObjectName("add_all_items")
        add_all.clicked.connect(self.add_all_items)
        remove_item = QPushButton("Bỏ đề án chọn")
        remove_item.clicked.connect(self.remove_item)
        agenda_row = QHBoxLayout()
        agenda_row.addWidget(self.candidates, 1)
        agenda_row.addWidget(add_item)
        agenda_row.addWidget(add_all)
        agenda_row.addWidget(remove_item)
        agenda_box = QGroupBox("Chương trình họp (đề án)")
        agenda_layout = QVBoxLayout(agenda_box)
        agenda_layout.addWidget(self.agenda, 1)
        agenda_layout.addLayout(agenda_row)
        return agenda_box

    def _build_conflicts(self) -> QGroupBox:
        """Conflicts of interest: a member does not score a related proposal."""
        self.conflict_member = QComboBox()
        self.conflict_member.setObjectName("conflict_member")
        self.conflict_item = QComboBox()
        self.conflict_item.setObjectName("conflict_item")
        self.conflict_reason = QLineEdit()
        self.conflict_reason.setObjectName("conflict_reason")
        self.conflict_reason.setPlaceholderText("Lý do (quan hệ với đơn vị thụ hưởng …)")
        declare = QPushButton("Ghi xung đột lợi ích")
        declare.setObjectName("declare_conflict")
        declare.clicked.connect(self.declare_conflict)
        clear = QPushButton("Bỏ")
        clear.clicked.connect(self.clear_conflict)
        conflict_row = QHBoxLayout()
        conflict_row.addWidget(self.conflict_member, 1)
        conflict_row.addWidget(self.conflict_item, 1)
        conflict_row.addWidget(self.conflict_reason, 2)
        conflict_row.addWidget(declare)
        conflict_row.addWidget(clear)
        conflicts_box = QGroupBox("Xung đột lợi ích (thành viên không chấm đề án liên quan)")
        conflicts_box.setLayout(conflict_row)
        return conflicts_box

    # -- loading ----------------------------------------------------------------

    def set_session(self, session_id: int | None) -> None:
        if session_id is None:
            self.show_session(None, None)
            return
        with self.ctx.db.session() as session:
            self.show_session(session, appraisal.get_session(session, session_id))

    def show_session(self, session: Session | None, s: AppraisalSession | None) -> None:
        """Fill from a council already loaded (the section loads it once for its tabs)."""
        self.session_id = s.id if s is not None else None
        self.setEnabled(s is not None)
        if session is None or s is None:
            for table in (self.members, self.agenda):
                table.setRowCount(0)
            return
        self._fill(session, s)

    def _fill(self, session: Session, s: AppraisalSession) -> None:
        self.name.setText(s.name)
        self.decision_no.setText(s.decision_no)
        show_date(self.decision_date, s.decision_date)
        show_date(self.meeting_date, s.meeting_date)
        self.place.setText(s.place)
        spec = appraisal.criteria_of(s)
        self.criteria.setText(f"{spec.label} — tổng {spec.total}, đạt từ {spec.pass_mark}")
        # A long name shows from its beginning (setText leaves the cursor at the end),
        # and reads whole in the tooltip.
        for edit in (self.name, self.decision_no, self.place, self.criteria):
            edit.setCursorPosition(0)
            edit.setToolTip(edit.text())
        self.members.setRowCount(len(s.members))
        self.conflict_member.clear()
        for row, m in enumerate(s.members):
            for col, text in enumerate((str(row + 1), m.name, m.role.label, m.post)):
                self.members.setItem(row, col, QTableWidgetItem(text))
            self.conflict_member.addItem(m.name, m.id)
        self.members.resizeColumnsToContents()
        self.agenda.setRowCount(len(s.items))
        self.conflict_item.clear()
        for row, item in enumerate(s.items):
            conflicts = [sh.member.name for sh in item.sheets if sh.conflict]
            result = "Chưa ghi"
            if item.recorded_at is not None:
                result = "Đạt" if item.passed else "Không đạt"
            if conflicts:
                result += f" · xung đột: {', '.join(conflicts)}"
            cells = (str(row + 1), item.proposal.code, item.proposal.title, result)
            for col, text in enumerate(cells):
                self.agenda.setItem(row, col, QTableWidgetItem(text))
            self.conflict_item.addItem(item.proposal.code, item.id)
        self.agenda.resizeColumnToContents(1)
        self.choices.load(session, s.plan_year)
        self.candidates.setCurrentIndex(0 if self.choices.rowCount() else -1)

    # -- actions ----------------------------------------------------------------

    def _run(self, fn: Callable[[Session, AppraisalSession], object], done: str) -> bool:
        if self.session_id is None:
            return False
        try:
            with self.ctx.db.session() as session:
                fn(session, appraisal.get_session(session, self.session_id))
        except (UserError, ValueError) as exc:
            say(self.message, str(exc), error=True)
            return False
        say(self.message, done)
        self.set_session(self.session_id)
        self.ctx.notify(DataKind.APPRAISAL)
        self.changed.emit()
        return True

    def save_details(self) -> bool:
        def fn(session: Session, s: AppraisalSession) -> None:
            appraisal.update_session(
                session,
                self.ctx.actor,
                s,
                name=self.name.text(),
                decision_no=self.decision_no.text(),
                decision_date=read_date(self.decision_date, "Ngày quyết định"),
                meeting_date=read_date(self.meeting_date, "Ngày họp"),
                place=self.place.text(),
            )

        return self._run(fn, "Đã lưu thông tin hội đồng.")

    def add_member(self) -> bool:
        name = self.member_name.text()
        role = MemberRole(self.member_role.currentData())

        def fn(session: Session, s: AppraisalSession) -> None:
            appraisal.add_member(
                session, self.ctx.actor, s, name=name, post=self.member_post.text(), role=role
            )

        if self._run(fn, f"Đã thêm {name.strip()}."):
            self.member_name.clear()
            self.member_post.clear()
            self.member_name.setFocus()
            return True
        return False

    def remove_member(self) -> bool:
        row = self.members.currentRow()
        if row < 0:
            say(self.message, "Chọn một thành viên trong bảng.", error=True)
            return False

        def fn(session: Session, s: AppraisalSession) -> None:
            appraisal.remove_member(session, self.ctx.actor, s.members[row])

        return self._run(fn, "Đã xoá thành viên.")

    def add_item(self) -> bool:
        code = self.candidates.currentData()
        if not code:
            say(self.message, "Không còn đề án chờ thẩm định để thêm.", error=True)
            return False

        def fn(session: Session, s: AppraisalSession) -> None:
            appraisal.add_item(session, self.ctx.actor, s, proposals.get_proposal(session, code))

        return self._run(fn, f"Đã đưa {code} vào chương trình họp.")

    def add_all_items(self) -> bool:
        codes = [self.candidates.itemData(i) for i in range(self.candidates.count())]
        if not codes:
            say(self.message, "Không còn đề án chờ thẩm định để thêm.", error=True)
            return False

        def fn(session: Session, s: AppraisalSession) -> None:
            for code in codes:
                appraisal.add_item(
                    session, self.ctx.actor, s, proposals.get_proposal(session, code)
                )

        return self._run(fn, f"Đã đưa {len(codes)} đề án vào chương trình họp.")

    def remove_item(self) -> bool:
        row = self.agenda.currentRow()
        if row < 0:
            say(self.message, "Chọn một đề án trong chương trình họp.", error=True)
            return False

        def fn(session: Session, s: AppraisalSession) -> None:
            appraisal.remove_item(session, self.ctx.actor, s.items[row])

        return self._run(fn, "Đã bỏ đề án khỏi chương trình họp.")

    def _conflict_pair(self, s: AppraisalSession) -> tuple[CouncilMember, AgendaItem]:
        member_id, item_id = self.conflict_member.currentData(), self.conflict_item.currentData()
        member = next((m for m in s.members if m.id == member_id), None)
        item = next((i for i in s.items if i.id == item_id), None)
        if member is None or item is None:
            raise UserError("Chọn thành viên và đề án.")
        return member, item

    def declare_conflict(self) -> bool:
        reason = self.conflict_reason.text()

        def fn(session: Session, s: AppraisalSession) -> None:
            member, item = self._conflict_pair(s)
            appraisal.declare_conflict(session, self.ctx.actor, item, member, reason)

        if self._run(fn, "Đã ghi xung đột lợi ích."):
            self.conflict_reason.clear()
            return True
        return False

    def clear_conflict(self) -> bool:
        def fn(session: Session, s: AppraisalSession) -> None:
            member, item = self._conflict_pair(s)
            appraisal.clear_conflict(session, self.ctx.actor, item, member)

        return self._run(fn, "Đã bỏ xung đột lợi ích.")

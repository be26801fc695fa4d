"""Ghi kết quả / Huỷ kết quả đã ghi from the appraisal section (issue 20 §5).

Both act on the proposals the user chose: the rows selected in the "Kết quả" table,
or the proposal on screen in "Nhập điểm". "Ghi kết quả" with nothing chosen offers
every proposal that is ready and says how many and which before asking. A proposal
without any member's conclusion is refused by name: the minutes need the council's
conclusion, not only points. Undo is refused, with the service's one-line reason,
once a submitted or approved catalogue lists the proposal.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.results import record_results
from kcdesk.services.appraisal.undo import undo_results
from kcdesk.services.core.errors import UserError
from kcdesk.ui import vi
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.appraisal.common import say
from kcdesk.ui.appraisal.results_panel import ResultsPanel
from kcdesk.ui.appraisal.score_panel import ScorePanel


class AppraisalView(Protocol):
    """What these actions need of the appraisal section (kcdesk.ui.appraisal.view),
    named here so that the section imports this module and not the reverse."""

    ctx: AppContext
    message: QLabel
    tabs: QTabWidget
    results: ResultsPanel
    scores: ScorePanel

    @property
    def session_id(self) -> int | None: ...

    def refresh_panels(self) -> None: ...

    def window(self) -> QWidget: ...


def chosen_codes(view: AppraisalView) -> list[str]:
    """Codes the user chose on the current tab, in agenda order (may be empty)."""
    if view.tabs.currentWidget() is view.results:
        return view.results.selected_codes()
    if view.tabs.currentWidget() is view.scores:
        code = view.scores.current_code()
        return [code] if code else []
    return []


def _names(codes: list[str]) -> str:
    return ", ".join(codes)


def record(view: AppraisalView, *, confirm: bool = True, codes: list[str] | None = None) -> bool:
    """Ghi kết quả of the chosen proposals (or, with none chosen, of every ready one)."""
    sid = view.session_id
    if sid is None:
        say(view.message, "Chưa chọn hội đồng.", error=True)
        return False
    chosen = chosen_codes(view) if codes is None else list(codes)
    with view.ctx.db.session() as session:
        items = appraisal.get_session(session, sid).items
        by_code = {i.proposal.code: i for i in items}
        pool = [by_code[c] for c in chosen if c in by_code] if chosen else items
        pending = [i for i in pool if i.recorded_at is None]
        already = [i.proposal.code for i in pool if i.recorded_at is not None]
        unscored = [i.proposal.code for i in pending if not any(sh.scores for sh in i.sheets)]
        scored = [i for i in pending if any(sh.scores for sh in i.sheets)]
        no_conclusion = [
            i.proposal.code for i in scored if not any(sh.conclusion for sh in i.sheets)
        ]
        ready = [i.proposal.code for i in scored if any(sh.conclusion for sh in i.sheets)]
    if chosen:
        problems = []
        if already:
            problems.append(f"đã ghi kết quả trước đó: {_names(already)}")
        if unscored:
            problems.append(f"chưa có điểm: {_names(unscored)}")
        if no_conclusion:
            problems.append(f"chưa có kết luận của thành viên: {_names(no_conclusion)}")
        if problems:
            say(
                view.message,
                "Chưa ghi kết quả. Đề án " + "; ".join(problems) + ". Bỏ chọn hoặc nhập đủ rồi "
                "ghi lại.",
                error=True,
            )
            return False
    elif not ready:
        why = (
            f" Đề án chưa có kết luận của thành viên: {_names(no_conclusion)}."
            if no_conclusion
            else ""
        )
        say(view.message, "Chưa có đề án nào đã chấm mà chưa ghi kết quả." + why, error=True)
        return False
    if confirm:
        if chosen:
            question = f"Ghi kết quả {len(ready)} đề án đã chọn: {_names(ready)}"
        else:
            question = (
                f"Chưa chọn đề án nào trong bảng. Ghi kết quả cả {len(ready)} đề án đã chấm: "
                f"{_names(ready)}"
            )
        skipped = (
            f"\n\nChưa ghi (chưa có kết luận của thành viên): {_names(no_conclusion)}."
            if no_conclusion
            else ""
        )
        if not vi.ask(
            view.window(),
            "Ghi kết quả thẩm định",
            f"{question} và chuyển sang 'Đã thẩm định'? Sau khi ghi, muốn sửa điểm phải "
            f"«Huỷ kết quả đã ghi» (được khi danh mục chưa trình).{skipped}",
        ):
            return False
    try:
        with view.ctx.db.session() as session:
            s = appraisal.get_session(session, sid)
            count = len(record_results(session, view.ctx.actor, s, codes=ready))
    except UserError as exc:
        say(view.message, str(exc), error=True)
        return False
    say(
        view.message,
        f"Đã ghi kết quả {count} đề án ({_names(ready)}); đề án chuyển sang 'Đã thẩm định'.",
    )
    _changed(view)
    return True


def undo(view: AppraisalView, *, confirm: bool = True, codes: list[str] | None = None) -> bool:
    """Huỷ kết quả đã ghi of the chosen proposals, after asking."""
    sid = view.session_id
    if sid is None:
        say(view.message, "Chưa chọn hội đồng.", error=True)
        return False
    chosen = chosen_codes(view) if codes is None else list(codes)
    if not chosen:
        say(
            view.message,
            "Chọn trong bảng «Kết quả» các đề án đã ghi kết quả muốn huỷ, rồi bấm lại.",
            error=True,
        )
        return False
    if confirm and not vi.ask(
        view.window(),
        "Huỷ kết quả đã ghi",
        f"Huỷ kết quả thẩm định đã ghi của {len(chosen)} đề án: {_names(chosen)}? Đề án trở "
        "lại 'Chờ thẩm định', phiếu điểm giữ nguyên và sửa được; lịch sử đề án ghi lại việc "
        "huỷ.",
    ):
        return False
    try:
        with view.ctx.db.session() as session:
            s = appraisal.get_session(session, sid)
            done = undo_results(session, view.ctx.actor, s, chosen)
    except UserError as exc:
        say(view.message, str(exc), error=True)
        return False
    say(
        view.message,
        f"Đã huỷ kết quả đã ghi của {len(done)} đề án ({_names(done)}); đề án trở lại "
        "'Chờ thẩm định', có thể sửa điểm.",
    )
    _changed(view)
    return True


def _changed(view: AppraisalView) -> None:
    view.ctx.notify(DataKind.APPRAISAL)
    view.ctx.notify(DataKind.PROPOSAL)
    view.refresh_panels()

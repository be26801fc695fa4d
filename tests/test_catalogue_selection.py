"""The catalogue lists the proposals that passed appraisal (issue 17 §1), and says why
every other proposal of the year is not in it — in the CLI's JSON and on the screen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.appraisal import AgendaItem
from kcdesk.models.db import Database
from kcdesk.services.catalogue import selection
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.catalogue.view import CataloguePanel

S = ProposalStatus


def _show(db_file: Path | str, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    capsys.readouterr()
    assert (
        main(["--db", str(db_file), "catalogue", "show", "--year", "2027", "--json", *extra]) == 0
    )
    return json.loads(capsys.readouterr().out)


def test_draft_holds_what_passed_appraisal_and_says_why_not(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _show(demo_db.url, capsys)
    judged = {p["code"]: p for p in data["proposals"]}
    with demo_db.session() as s:
        year = list(s.scalars(select(Proposal).where(Proposal.plan_year == 2027)))
        assert set(judged) == {p.code for p in year}  # every proposal of the year
        items = {
            i.proposal.code: i
            for i in s.scalars(select(AgendaItem).where(AgendaItem.recorded_at.is_not(None)))
        }
        in_rows = {r["code"] for g in data["groups"] for r in g["rows"]}
        for p in year:
            verdict = judged[p.code]
            assert verdict["in"] == (p.code in in_rows), p.code
            if p.funding_source != "dia_phuong":
                assert not verdict["in"] and "nguồn kinh phí khác" in verdict["reason"]
            elif p.status in (S.SUBMITTED, S.APPROVED):
                assert verdict["in"], p.code
            elif p.status is S.APPRAISED:
                item = items[p.code]
                passed = bool(item.passed) and item.conclusion != "khong_ho_tro"
                assert verdict["in"] == passed, p.code
                if not item.passed:
                    assert verdict["reason"].startswith("Không đạt thẩm định: điểm bình quân")
            else:
                assert not verdict["in"], p.code
                if p.status is S.WITHDRAWN:
                    assert verdict["reason"] == "Đã rút hồ sơ"
                if p.status is S.AWAITING_APPRAISAL:
                    assert "Chưa thẩm định" in verdict["reason"]
    statuses = {judged[c]["status"] for c in in_rows}
    assert "appraised" in statuses and "submitted" in statuses
    failed = [p for p in judged.values() if p["reason"].startswith("Không đạt")]
    assert failed, "the demo has proposals that failed appraisal"


def test_frozen_version_holds_its_rows(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with demo_db.session() as s:
        version = catalogue.submit(s, SYSTEM, 2027, "dia_phuong", letter_no="12/TTr-TTKC")
        frozen = {row.proposal_code for row in version.rows}
        # A proposal that passes appraisal after the submission is not silently added.
        late = s.scalars(
            select(Proposal).where(
                Proposal.plan_year == 2027,
                Proposal.funding_source == "dia_phuong",
                Proposal.status == S.AWAITING_APPRAISAL,
            )
        ).first()
        assert late is not None
        late.status = S.SUBMITTED
        late_code = late.code
    data = _show(demo_db.url, capsys)
    judged = {p["code"]: p for p in data["proposals"]}
    assert {c for c, p in judged.items() if p["in"]} == frozen
    assert not judged[late_code]["in"]
    assert "chưa có trong phiên bản 1" in judged[late_code]["reason"]


def test_failed_or_unfavourable_appraisal_is_out(demo_db: Database) -> None:
    with demo_db.session() as s:
        item = s.scalars(
            select(AgendaItem).where(AgendaItem.recorded_at.is_not(None), AgendaItem.passed)
        ).first()
        assert item is not None
        code = item.proposal.code
        assert code in {p.code for p in selection.selected_proposals(s, 2027, "dia_phuong")}
        item.conclusion = "khong_ho_tro"
        s.flush()
        judged = {c.proposal.code: c for c in selection.candidates(s, 2027, "dia_phuong")}
        assert not judged[code].included
        assert judged[code].reason == "Hội đồng thẩm định kết luận: Không đề nghị hỗ trợ"


@pytest.fixture
def ctx(demo_db: Database) -> Iterator[AppContext]:
    context = AppContext(demo_db, SYSTEM)
    yield context
    context.worker.wait()


def test_screen_lists_every_proposal_with_its_reason(qtbot, ctx: AppContext) -> None:
    panel = CataloguePanel(ctx, year=2027)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.current is not None)
    panel.tabs.setCurrentIndex(1)  # the list is made when its tab is shown
    qtbot.waitUntil(lambda: panel.selection.rowCount() > 0)
    with ctx.db.session() as s:
        judged = selection.candidates(s, 2027, "dia_phuong", all_sources=True)
        out = next(c for c in judged if not c.included)
        inside = next(c for c in judged if c.included)
        expected_out = ("Không", out.reason)
        expected_in = ("Có", inside.reason)
        out_code, in_code = out.proposal.code, inside.proposal.code
    assert panel.selection.rowCount() == len(judged)
    assert panel.selection.reason_of(out_code) == expected_out
    assert panel.selection.reason_of(in_code) == expected_in
    left_out = sum(1 for c in judged if not c.included)
    assert panel.tabs.tabText(1) == f"Đề án của năm ({left_out} không có trong danh mục)"

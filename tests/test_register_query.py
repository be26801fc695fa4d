"""Register queries: filters, sort on every column, windows by offset, office scope,
duplicate-support flags, attention items, XLSX export of a selection."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import Proposal, ProposalStatus, Role
from kcdesk.services.attention import collect as attention
from kcdesk.services.core import settings
from kcdesk.services.proposals import register_query as rq
from kcdesk.services.proposals import search
from kcdesk.services.security.actor import Actor
from tests.register_helpers import ADMIN, document, facility, proposal

S = ProposalStatus


def _all(session) -> list[Proposal]:
    return list(session.scalars(select(Proposal)))


def test_filters_match_a_plain_python_filter(demo_db) -> None:
    search.ensure_index(demo_db.engine)
    with demo_db.session() as session:
        everything = _all(session)
        some = everything[5]
        cases = [
            (rq.RegisterFilter(plan_year=2026), lambda p: p.plan_year == 2026),
            (
                rq.RegisterFilter(statuses=(S.IMPLEMENTING, S.SETTLED)),
                lambda p: p.status in (S.IMPLEMENTING, S.SETTLED),
            ),
            (rq.RegisterFilter(activity=some.activity), lambda p: p.activity == some.activity),
            (
                rq.RegisterFilter(funding_source="quoc_gia"),
                lambda p: p.funding_source == "quoc_gia",
            ),
            (
                rq.RegisterFilter(office_code=some.office_code),
                lambda p: p.office_code == some.office_code,
            ),
            (rq.RegisterFilter(commune=some.commune), lambda p: p.commune == some.commune),
            (
                rq.RegisterFilter(plan_year=2027, search="hop tac xa"),
                lambda p: p.plan_year == 2027
                and all(w in p.search_text for w in ("hop", "tac", "xa")),
            ),
        ]
        for flt, keep in cases:
            expected = sorted(p.code for p in everything if keep(p))
            assert expected, flt
            assert rq.count(session, flt) == len(expected)
            assert sorted(r.code for r in rq.window(session, flt, limit=10_000)) == expected


@pytest.mark.parametrize("key", rq.COLUMN_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_on_every_column(demo_db, key: str, descending: bool) -> None:
    with demo_db.session() as session:
        rows = rq.window(
            session, rq.RegisterFilter(), sort=key, descending=descending, limit=10_000
        )
        assert len(rows) == 120

        def sort_key(r: rq.RegisterRow):
            value = r.facility.split("; ")[0] if key == "facility" else r.value(key)
            return value.value if key == "status" else value

        values = [sort_key(r) for r in rows]
        assert values == sorted(values, reverse=descending)
        ids = rq.matching_ids(session, rq.RegisterFilter(), key, descending)
        assert ids == [r.id for r in rows]


def test_windows_by_offset_tile_the_result(demo_db) -> None:
    flt = rq.RegisterFilter(plan_year=2027)
    with demo_db.session() as session:
        whole = [r.code for r in rq.window(session, flt, sort="title", limit=10_000)]
        tiles: list[str] = []
        for offset in range(0, len(whole) + 7, 7):
            tiles += [r.code for r in rq.window(session, flt, sort="title", offset=offset, limit=7)]
        assert tiles == whole
        assert rq.window(session, flt, offset=len(whole), limit=7) == []
        ids = rq.matching_ids(session, flt, "title")
        assert [r.code for r in rq.rows_by_ids(session, ids[3:9])] == whole[3:9]
        assert rq.codes_for_ids(session, ids) == whole


def test_support_column_is_the_approved_support(db) -> None:
    with db.session() as session:
        proposal(session, "ĐA-2027-001", support=100, approved_support=80, status=S.APPROVED)
        proposal(session, "ĐA-2027-002", support=90)
        rows = rq.window(session, rq.RegisterFilter(), sort="support")
        assert [(r.code, r.support) for r in rows] == [("ĐA-2027-001", 80), ("ĐA-2027-002", 90)]


def test_office_clerk_sees_own_office_only(db) -> None:
    with db.session() as session:
        proposal(session, "ĐA-2027-001", office_code="UB-HD")
        proposal(session, "ĐA-2027-002", office_code="UB-QT")
    clerk = Actor("xa", Role.OFFICE_CLERK, "UB-HD")
    with db.session() as session:
        assert [r.code for r in rq.window(session, rq.RegisterFilter(), actor=clerk)] == [
            "ĐA-2027-001"
        ]
        assert rq.count(session, rq.RegisterFilter()) == 2


def test_duplicate_support_flag(db) -> None:
    with db.session() as session:
        f = facility(session, "HTX Miến dong Bình An", tax_code="4800000111")
        same_name = facility(session, "HTX Miến dong Bình An", tax_code=None, commune="Xã Hưng Đạo")
        other = facility(session, "HTX Chè Tân Tiến", tax_code="4800000999")
        proposal(session, "ĐA-2025-001", plan_year=2025, status=S.SETTLED, facilities=[f])
        proposal(session, "ĐA-2021-001", plan_year=2021, status=S.SETTLED, facilities=[f])
        proposal(session, "ĐA-2027-001", facilities=[f])
        proposal(session, "ĐA-2027-002", facilities=[other])
        proposal(session, "ĐA-2027-003", facilities=[f], activity="dao_tao_nghe")
        proposal(session, "ĐA-2027-004", facilities=[same_name])
        rows = rq.window(session, rq.RegisterFilter(plan_year=2027))
        flags = {
            r.code: v
            for r in rows
            for k, v in rq.duplicate_support(session, rows).items()
            if k == r.id
        }
    # Same tax code, same activity, within three years; not another activity, not 2021.
    assert flags == {"ĐA-2027-001": ["ĐA-2025-001 (2025)"], "ĐA-2027-004": ["ĐA-2025-001 (2025)"]}


def test_choices(demo_db) -> None:
    with demo_db.session() as session:
        assert rq.choices(session, "plan_year") == [2027, 2026, 2025]
        communes = rq.choices(session, "commune")
        assert communes == sorted(set(communes)) and "" not in communes


# -- attention ------------------------------------------------------------------------
def test_attention_items(db) -> None:
    today = date(2026, 11, 21)
    with db.session() as session:
        late = proposal(session, "ĐA-2027-001", received=date(2026, 7, 2))
        proposal(session, "ĐA-2027-002", received=date(2026, 6, 30))  # on the deadline
        proposal(
            session, "ĐA-2026-003", plan_year=2026, received=date(2025, 7, 9), status=S.SETTLED
        )
        waiting = proposal(session, "ĐA-2027-004", status=S.AWAITING_APPRAISAL)
        waiting.status_changed_at = datetime(2026, 9, 1, 8)
        busy = proposal(session, "ĐA-2026-005", plan_year=2026, status=S.IMPLEMENTING)
        busy.status_changed_at = datetime(2026, 1, 1)
        fresh = proposal(session, "ĐA-2027-006", status=S.FORWARDED)
        fresh.status_changed_at = datetime(2026, 11, 1)
        document(session, fresh, "Dự toán kinh phí", required=True, received=False)
        document(session, fresh, "Ảnh hiện trạng", required=False, received=False)
        document(session, late, "Đơn đề nghị", required=True, received=True)
        items = attention.collect(session, today, ADMIN)
        found = {(i.kind, i.code) for i in items}
        assert ("late_dossier", "ĐA-2027-001") in found
        assert ("long_wait", "ĐA-2027-004") in found  # 81 days > 60
        assert ("missing_documents", "ĐA-2027-006") in found
        # The catalogue deadline (issue 18) has its own tests (test_rules_deadlines.py).
        mine = {
            (k, c)
            for k, c in found
            if k in attention.KIND_LABELS and not k.startswith(("settle", "catalogue"))
        }
        assert mine == {
            ("late_dossier", "ĐA-2027-001"),
            ("long_wait", "ĐA-2027-004"),
            ("missing_documents", "ĐA-2027-006"),
        }
        missing = next(i for i in items if i.kind == "missing_documents")
        assert "Dự toán kinh phí" in missing.message and "Ảnh" not in missing.message
        # The deadlines are settings.
        settings.put(session, ADMIN, "deadline.dossier", "15-07")
        settings.put(session, ADMIN, "deadline.status_days", 90)
        again = {(i.kind, i.code) for i in attention.collect(session, today, ADMIN)}
        assert ("late_dossier", "ĐA-2027-001") not in again
        assert ("long_wait", "ĐA-2027-004") not in again
        assert ("long_wait", "ĐA-2027-004") in {
            (i.kind, i.code) for i in attention.long_waits(session, today + timedelta(days=10))
        }


def test_every_attention_kind_has_a_vietnamese_label() -> None:
    from kcdesk.services.attention import settlement

    kinds = {"late_dossier", "long_wait", "missing_documents", settlement.KIND}
    assert kinds <= set(attention.KIND_LABELS)
    assert all(attention.KIND_LABELS[k][0].isupper() for k in kinds)


def test_attention_cli_json(db, capsys) -> None:
    with db.session() as session:
        proposal(session, "ĐA-2027-001", received=date(2026, 7, 2))
    assert main(["--db", db.url, "attention", "--today", "2026-11-21", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    # The 2027 catalogue is also overdue on 21/11/2026 (issue 18): it comes first.
    assert items[0]["kind"] == "catalogue_deadline" and items[0]["code"] == ""
    assert {"kind": "late_dossier", "code": "ĐA-2027-001"}.items() <= items[1].items()


# -- export ---------------------------------------------------------------------------
def test_xlsx_export_of_a_selection(demo_db, capsys, tmp_path: Path) -> None:
    target = tmp_path / "Xuất đề án.xlsx"
    rc = main(
        [
            "--db",
            demo_db.url,
            "proposal",
            "export",
            "--xlsx",
            str(target),
            "--year",
            "2026",
            "--search",
            "hop tac xa",
        ]
    )
    assert rc == 0
    with demo_db.session() as session:
        expected = sorted(
            (
                p.code,
                p.total_cost,
                p.approved_support if p.approved_support is not None else p.support,
            )
            for p in _all(session)
            if p.plan_year == 2026 and all(w in p.search_text for w in ("hop", "tac", "xa"))
        )
    ws = load_workbook(target).active
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "STT")
    rows = []
    r = header + 1
    while isinstance(ws.cell(r, 1).value, int):
        rows.append((ws.cell(r, 2).value, ws.cell(r, 9).value, ws.cell(r, 10).value))
        assert ws.cell(r, 9).number_format == "#,##0"
        r += 1
    assert sorted(rows) == expected
    assert ws.cell(r, 9).value == f"=SUM(I{header + 1}:I{r - 1})"
    assert ws.cell(r, 3).value == f"Tổng cộng ({len(expected)} đề án)"

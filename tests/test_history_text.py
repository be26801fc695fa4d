"""History and audit entries as sentences, in the GUI's words and the CLI's (issue 20 §2)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.services.history.events import describe_event, status_change_text
from kcdesk.services.history.values import format_value

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}")
_SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_creation_reads_as_a_sentence() -> None:
    text = describe_event(
        {
            "at": "2026-12-06T10:11:12",
            "user": "system",
            "entity": "proposal",
            "label": "ĐA-2027-001",
            "action": "create",
            "changes": {
                "activity": {"old": None, "new": "may_moc_thiet_bi"},
                "budget_lines": {"old": None, "new": [{"item": "a"}, {"item": "b"}, {"item": "c"}]},
                "start_month": {"old": None, "new": "2027-03-01"},
                "partner_unit": {"old": None, "new": ""},
            },
        }
    )
    assert (text.when, text.who, text.what) == (
        "06/12/2026 10:11",
        "Hệ thống",
        "Tạo đề án ĐA-2027-001",
    )
    assert "Dự toán kinh phí: 3 dòng" in text.changes
    assert "Máy móc thiết bị" in text.changes and "03/2027" in text.changes
    assert "đơn vị phối hợp" not in text.changes.lower()  # empty at creation: not listed


def test_edit_shows_old_and_new_values_formatted() -> None:
    text = describe_event(
        {
            "at": "2026-12-06T10:11:12",
            "user": "lan",
            "entity": "proposal",
            "label": "ĐA-2027-001",
            "action": "update",
            "changes": {
                "funding_source": {"old": "dia_phuong", "new": "quoc_gia"},
                "budget_lines": {"old": [1, 2], "new": [1, 2, 3]},
                "approved_support": {"old": None, "new": 150_000_000},
                "some_internal_key": {"old": 1, "new": 2},
            },
        }
    )
    assert text.what == "Sửa đề án ĐA-2027-001"
    assert "Dự toán kinh phí: 2 → 3 dòng" in text.changes
    assert "— → 150.000.000 đồng" in text.changes
    assert "Khuyến công quốc gia" in text.changes
    assert not _SNAKE.search(text.changes) and "Thông tin khác" in text.changes


def test_values() -> None:
    assert format_value("plan_year", 2027) == "2027"
    assert format_value("decision_date", "2026-09-08") == "08/09/2026"
    from kcdesk.models import ProposalStatus as S

    assert status_change_text({"from": "received", "to": "forwarded"}) == (
        f"{S.RECEIVED.label} → {S.FORWARDED.label}"
    )
    assert "phu_hop" not in format_value("note", "phu_hop=14,5, nang_luc=8")


@pytest.fixture
def vietnam_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This PC's clock on Vietnam's time (UTC+7), as the Centres' PCs are."""
    import time

    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_stored_times_read_in_the_pcs_time(vietnam_clock: None) -> None:
    # Stored times are UTC (models.base.utcnow): 21:30 UTC is 04:30 the next day.
    from datetime import datetime

    from kcdesk.services.history.values import format_when

    assert format_when("2026-12-06T21:30:05") == "07/12/2026 04:30"
    assert format_when(datetime(2026, 12, 6, 21, 30)) == "07/12/2026 04:30"
    assert format_value("sent_at", "2026-12-06T01:00:00") == "06/12/2026 08:00"


def test_audit_day_filter_uses_the_pcs_days(vietnam_clock: None, db) -> None:
    from datetime import date, datetime

    from sqlalchemy import update

    from kcdesk.models import AuditEvent
    from kcdesk.services.core import audit
    from kcdesk.services.security.actor import SYSTEM

    with db.session() as session:
        rows = audit.append(
            session, SYSTEM, [{"entity": "proposal", "entity_uuid": "u-1", "action": "update"}]
        )
        # 20:00 UTC on the 6th is 03:00 on the 7th in Hà Nội.
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.uuid == rows[0]["uuid"])
            .values(at=datetime(2026, 12, 6, 20, 0))
        )
        on_7th = audit.list_events(session, since=date(2026, 12, 7), until=date(2026, 12, 7))
        on_6th = audit.list_events(session, since=date(2026, 12, 6), until=date(2026, 12, 6))
        assert rows[0]["uuid"] in [e.uuid for e in on_7th]
        assert rows[0]["uuid"] not in [e.uuid for e in on_6th]
        session.rollback()


def test_cli_human_output_is_vietnamese_json_keeps_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "demo.sqlite")
    assert main(["--db", db, "demo-data", "--proposals", "30", "--seed", "3"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "proposal", "list", "--json"]) == 0
    code = json.loads(capsys.readouterr().out)[0]["code"]
    assert main(["--db", db, "proposal", "history", code]) == 0
    out = capsys.readouterr().out
    assert out.strip() and not _ISO.search(out), out
    for status in ("received", "forwarded", "submitted"):
        assert not re.search(rf"\b{status}\b", out), out
    assert main(["--db", db, "proposal", "history", code, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["to"] == "received"
    assert main(["--db", db, "proposal", "list"]) == 0
    out = capsys.readouterr().out
    assert out.strip() and not _SNAKE.search(out), out
    assert main(["--db", db, "proposal", "show", code]) == 0
    assert not _SNAKE.search(capsys.readouterr().out)
    assert main(["--db", db, "audit", "list", "--limit", "50"]) == 0
    out = capsys.readouterr().out
    assert out.strip() and not _ISO.search(out), out
    assert not _SNAKE.search(out), out
    assert "create" not in out.split()

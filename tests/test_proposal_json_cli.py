"""``kcdesk proposal check|add --json FILE`` (issue 18 §6): the show --json shape read
back, exactly the wizard's checks, every problem with its field and citation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kcdesk.cli.main import main
from kcdesk.models import Proposal
from kcdesk.models.db import Database
from kcdesk.services.proposals import json_entry
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.proposals.validation import validate_all
from kcdesk.services.security.actor import SYSTEM
from tests.proposal_factory import machine_input, make_facility


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def exported(db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """A saved proposal, printed by ``proposal show --json`` into a file."""
    with db.session() as s:
        facility = make_facility(s)
        data = machine_input(facility.uuid)
        data.target_outputs = {"IV.3.c": 1}
        code = create_proposal(s, SYSTEM, data).code
    status, out, _err = run(capsys, "--db", db.url, "proposal", "show", code, "--json")
    assert status == 0
    path = tmp_path / "đề án.json"
    path.write_text(out, encoding="utf-8")
    return path


def _edit(path: Path, **changes: object) -> Path:
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw.update(changes)
    target = path.with_name("sửa.json")
    target.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return target


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Proposal.id))) or 0)


def test_exported_proposal_checks_clean_and_is_added_again(
    db: Database, exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "--db", db.url, "proposal", "check", "--json", str(exported))
    assert code == 0 and "không có lỗi" in out
    # The local-funds notice is a warning with its citation, not an error.
    assert "Chưa có mức tối đa của tỉnh cho nguồn này" in out and "26/2014" in out
    code, out, _err = run(capsys, "--db", db.url, "proposal", "add", "--json", str(exported))
    assert code == 0
    new_code = out.strip().splitlines()[-1]
    assert new_code == "ĐA-2027-002"
    _status, shown, _err = run(capsys, "--db", db.url, "proposal", "show", new_code, "--json")
    again = json.loads(shown)
    before = json.loads(exported.read_text(encoding="utf-8"))
    # System fields are set anew; the content is the same.
    assert again["uuid"] != before["uuid"] and again["status"] == "received"
    for key in ("title", "budget_lines", "schedule", "outputs", "target_outputs", "programme"):
        assert again[key] == before[key], key


def test_errors_are_listed_with_field_and_citation_and_nothing_is_saved(
    db: Database, exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = json.loads(exported.read_text(encoding="utf-8"))
    line = raw["budget_lines"][0]
    line["support"], line["counterpart"] = 350_000_000, line["amount"] - 350_000_000
    bad = _edit(exported, funding_source="quoc_gia", title="", budget_lines=raw["budget_lines"])
    before = _count(db)
    for command in ("check", "add"):
        code, out, _err = run(capsys, "--db", db.url, "proposal", command, "--json", str(bad))
        assert code == 2
        lines = out.splitlines()
        assert any(x.startswith("LỖI title:") and "Phụ lục II" in x for x in lines)
        cap = next(x for x in lines if x.startswith("LỖI budget_lines:"))
        assert "Khoản 4 Điều 8 Thông tư 28/2018/TT-BTC" in cap
        assert "chưa lưu" in out
    assert _count(db) == before


def test_checks_are_exactly_the_wizards(db: Database, exported: Path) -> None:
    raw = json.loads(exported.read_text(encoding="utf-8"))
    raw["funding_source"] = "quoc_gia"
    raw["whole_line"] = True
    raw["target_outputs"] = {"II.2-6": {"planned": 2}}
    with db.session() as s:
        data, shape = json_entry.to_input(s, raw)
        assert shape == []
        _data, problems = json_entry.check(s, raw)
        assert problems == validate_all(s, data)
        assert any(p.field == "target_outputs.II.2-6" for p in problems)


def test_wrong_shapes_are_problems_with_their_field(db: Database, exported: Path) -> None:
    raw = json.loads(exported.read_text(encoding="utf-8"))
    raw["plan_year"] = "2027"
    raw["start_month"] = "tháng ba"
    raw["budget_lines"][0]["unit_price"] = 1.5
    with db.session() as s:
        _data, problems = json_entry.check(s, raw)
    fields = {p.field for p in problems if p.is_error}
    assert {"plan_year", "start_month", "budget_lines[0].unit_price"} <= fields


@pytest.mark.parametrize("content", ["{không phải json", "[1, 2]", ""])
def test_bad_json_gets_one_line(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    path = tmp_path / "hỏng.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "--db", db.url, "proposal", "add", "--json", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err

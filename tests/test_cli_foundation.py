"""The foundation's CLI commands, run in-process through kcdesk.cli.main.main."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from kcdesk import paths
from kcdesk.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def preset(name: str) -> dict:
    return tomllib.loads((paths.resources_dir() / "programmes" / name).read_text("utf-8"))


@pytest.fixture
def inited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    db = str(tmp_path / "cli.sqlite")
    code, out, _ = run(capsys, "--db", db, "init")
    assert code == 0 and "sẵn sàng" in out
    return db


def test_init_loads_the_three_presets_and_is_idempotent(inited: str, capsys) -> None:
    code, out, _ = run(capsys, "--db", inited, "programme", "list", "--json")
    rows = json.loads(out)
    assert {r["code"] for r in rows} == {"CB-2026-2030", "KH-2026-2030", "HD-2023-2025"}
    assert set(rows[0]) == {"code", "name", "province", "start_year", "end_year"}
    code, out, _ = run(capsys, "--db", inited, "init")
    assert code == 0 and "không có chương trình mới" in out
    _, out, _ = run(capsys, "--db", inited, "programme", "list", "--json")
    assert len(json.loads(out)) == 3


def test_programme_show_matches_the_preset_file(inited: str, capsys) -> None:
    data = preset("cao-bang-2026-2030.toml")
    code, out, _ = run(capsys, "--db", inited, "programme", "show", "CB-2026-2030", "--json")
    shown = json.loads(out)
    assert code == 0
    assert shown["decision_no"] == data["decision_no"]
    assert [t["code"] for t in shown["targets"]] == [t["code"] for t in data["target"]]
    assert [t.get("quantity") for t in shown["targets"]] == [
        t.get("quantity") for t in data["target"]
    ]


def test_programme_check_reports_warnings_in_vietnamese_money(inited: str, capsys) -> None:
    code, out, _ = run(capsys, "--db", inited, "programme", "check", "KH-2026-2030", "--json")
    result = json.loads(out)
    assert code == 0 and result["code"] == "KH-2026-2030"
    kinds = {w["kind"] for w in result["warnings"]}
    assert "budget_sources" in kinds
    message = next(w["message"] for w in result["warnings"] if w["kind"] == "budget_sources")
    assert "36.383.000.000" in message  # the stated total, Vietnamese grouping


def test_unknown_programme_is_one_line_error(inited: str, capsys) -> None:
    code, out, err = run(capsys, "--db", inited, "programme", "show", "NOPE")
    assert code == 2 and out == ""
    assert err.startswith("kcdesk: Không có chương trình mã NOPE")
    assert "Traceback" not in err and err.count("\n") == 1


def test_demo_data_is_deterministic_and_covers_statuses(tmp_path: Path, capsys) -> None:
    outs = []
    for name in ("a.sqlite", "b.sqlite"):
        db = str(tmp_path / name)
        assert run(capsys, "--db", db, "demo-data", "--proposals", "80", "--seed", "5")[0] == 0
        _, out, _ = run(capsys, "--db", db, "proposal", "list", "--json")
        outs.append(json.loads(out))
    assert outs[0] == outs[1]
    rows = outs[0]
    assert len(rows) == 80
    assert len({r["status"] for r in rows}) >= 10
    assert len({r["activity"] for r in rows}) >= 10
    assert all(0 <= r["support"] <= r["total"] for r in rows)


def test_demo_data_refuses_a_working_database(inited: str, tmp_path: Path, capsys) -> None:
    from kcdesk.models.db import open_database
    from kcdesk.services.core import settings

    db = open_database(inited)
    with db.session() as session:
        assert settings.get(session, "app.demo") is False
    db.dispose()
    # An empty working database becomes demo; one with real proposals is refused.
    assert run(capsys, "--db", inited, "demo-data", "--proposals", "3")[0] == 0
    db = open_database(inited)
    with db.session() as session:
        settings.put_trusted(session, settings_actor(), "app.demo", False)
    db.dispose()
    code, _, err = run(capsys, "--db", inited, "demo-data", "--proposals", "3")
    assert code == 2 and "đề án thật" in err


def settings_actor():
    from kcdesk.services.security.actor import SYSTEM

    return SYSTEM


def test_proposal_list_filters_and_show(demo_cli: str, capsys) -> None:
    _, out, _ = run(capsys, "--db", demo_cli, "proposal", "list", "--json")
    rows = json.loads(out)
    year = rows[0]["plan_year"]
    _, out, _ = run(capsys, "--db", demo_cli, "proposal", "list", "--year", str(year), "--json")
    assert json.loads(out) == [r for r in rows if r["plan_year"] == year]
    status = rows[0]["status"]
    _, out, _ = run(capsys, "--db", demo_cli, "proposal", "list", "--status", status, "--json")
    assert json.loads(out) == [r for r in rows if r["status"] == status]
    code, out, _ = run(capsys, "--db", demo_cli, "proposal", "show", rows[0]["code"], "--json")
    detail = json.loads(out)
    assert code == 0 and detail["code"] == rows[0]["code"]
    assert sum(line["amount"] for line in detail["budget_lines"]) == detail["total"]
    assert sum(line["support"] for line in detail["budget_lines"]) == detail["support"]
    assert detail["history"][-1]["to"] == detail["status"]


def test_proposal_search_ignores_diacritics(demo_cli: str, capsys) -> None:
    _, out, _ = run(capsys, "--db", demo_cli, "proposal", "list", "--json")
    rows = json.loads(out)
    target = next(r for r in rows if r["facility"])
    word = target["facility"].split()[-1]
    from kcdesk.text import fold

    _, out, _ = run(capsys, "--db", demo_cli, "proposal", "list", "--search", fold(word), "--json")
    found = json.loads(out)
    assert target["code"] in {r["code"] for r in found}


def test_bad_status_and_missing_db(tmp_path: Path, demo_cli: str, capsys) -> None:
    code, _, err = run(capsys, "--db", demo_cli, "proposal", "list", "--status", "done")
    assert code == 2 and "Trạng thái 'done' không có" in err
    code, _, err = run(capsys, "--db", str(tmp_path / "none.sqlite"), "proposal", "list")
    assert code == 2 and "Không tìm thấy cơ sở dữ liệu" in err
    assert not (tmp_path / "none.sqlite").exists()


def test_words(capsys) -> None:
    code, out, _ = run(capsys, "words", "36383000000")
    assert code == 0 and out.strip() == "Ba mươi sáu tỷ ba trăm tám mươi ba triệu đồng"
    code, _, err = run(capsys, "words", "12,5abc")
    assert code == 2 and "không phải số" in err


def test_unknown_command_exits_non_zero(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


@pytest.fixture
def demo_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    db = str(tmp_path / "demo.sqlite")
    assert run(capsys, "--db", db, "demo-data", "--proposals", "60", "--seed", "3")[0] == 0
    return db

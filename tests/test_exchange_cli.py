"""Exchange commands run in-process: office add/join, pack export/import --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.models.db import open_database
from tests.exchange_support import OFFICE, add_proposal, dump, get


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str, Path]:
    centre, office = str(tmp_path / "trung tâm.sqlite"), str(tmp_path / "đơn vị.sqlite")
    key = tmp_path / "USB" / "khóa XA-HD.json"
    key.parent.mkdir()
    assert run(capsys, "--db", centre, "init")[0] == 0
    assert run(capsys, "--db", office, "init")[0] == 0
    code, out, err = run(
        capsys,
        "--db",
        centre,
        "office",
        "add",
        OFFICE,
        "--name",
        "UBND xã Hưng Đạo",
        "--key-out",
        str(key),
    )
    assert code == 0, err
    assert json.loads(key.read_text("utf-8"))["office"]["code"] == OFFICE
    code, out, err = run(capsys, "--db", office, "office", "join", str(key))
    assert code == 0 and OFFICE in out
    return centre, office, key


def test_pack_export_and_import_json(
    sites: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    centre, office, _key = sites
    db = open_database(office)
    with db.session() as s:
        for n in range(1, 5):
            add_proposal(s, OFFICE, n)
    db.dispose()
    pack = tmp_path / "USB" / "gói.kcpack"
    code, out, err = run(capsys, "--db", office, "pack", "export", "--out", str(pack), "--json")
    assert code == 0, err
    assert json.loads(out)["counts"]["proposals"] == 4

    code, out, err = run(capsys, "--db", centre, "pack", "import", str(pack), "--dry-run", "--json")
    assert code == 0, err
    preview = json.loads(out)
    assert {k: preview[k] for k in ("new", "updated", "unchanged", "conflicts")} == {
        "new": 4,
        "updated": 0,
        "unchanged": 0,
        "conflicts": 0,
    }
    assert preview["dry_run"] is True
    code, out, _ = run(capsys, "--db", centre, "proposal", "list", "--json")
    assert json.loads(out) == []

    code, out, err = run(capsys, "--db", centre, "pack", "import", str(pack), "--json")
    assert code == 0, err
    assert json.loads(out)["new"] == 4 and json.loads(out)["facilities"]["new"] == 4
    code, out, _ = run(capsys, "--db", centre, "pack", "import", str(pack), "--json")
    again = json.loads(out)
    assert (again["new"], again["updated"], again["unchanged"], again["conflicts"]) == (0, 0, 4, 0)

    # Return pack from the Centre: needs the office; --all sends every proposal.
    back = tmp_path / "USB" / "trả về.kcpack"
    code, _out, err = run(capsys, "--db", centre, "pack", "export", "--out", str(back))
    assert code == 2 and "--office" in err
    code, out, err = run(
        capsys, "--db", centre, "pack", "export", "--out", str(back), "--office", OFFICE, "--all"
    )
    assert code == 0, err
    code, out, err = run(capsys, "--db", office, "pack", "import", str(back), "--json")
    assert code == 0, err
    assert json.loads(out)["unchanged"] == 4


def test_a_broken_pack_is_one_clear_line_and_no_change(
    sites: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    centre, office, _key = sites
    pack = tmp_path / "gói.kcpack"
    assert run(capsys, "--db", office, "pack", "export", "--out", str(pack), "--all")[0] == 0
    pack.write_bytes(pack.read_bytes()[:-100])
    db = open_database(centre)
    before = dump(db)
    code, out, err = run(capsys, "--db", centre, "pack", "import", str(pack), "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "bị cắt cụt" in err and "Traceback" not in err
    assert dump(db) == before
    db.dispose()


def test_office_add_twice_is_refused(
    sites: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    centre, office, _key = sites
    code, _out, err = run(
        capsys,
        "--db",
        centre,
        "office",
        "add",
        OFFICE,
        "--name",
        "X",
        "--key-out",
        str(tmp_path / "k2.json"),
    )
    assert code == 2 and "đã được đăng ký" in err
    code, _out, err = run(
        capsys,
        "--db",
        office,
        "office",
        "add",
        "XA-2",
        "--name",
        "X",
        "--key-out",
        str(tmp_path / "k3.json"),
    )
    assert code == 2 and "Trung tâm" in err
    code, _out, err = run(
        capsys,
        "--db",
        centre,
        "office",
        "add",
        "TTKC",
        "--name",
        "X",
        "--key-out",
        str(tmp_path / "k4.json"),
    )
    assert code == 2 and "mã của Trung tâm" in err
    assert not (tmp_path / "k4.json").exists()
    code, out, _ = run(capsys, "--db", centre, "office", "list", "--json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows[OFFICE]["has_key"] is True and rows["TTKC"]["level"] == "centre"


def test_conflict_list_and_resolve(
    sites: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    centre, office, _key = sites
    db = open_database(office)
    with db.session() as s:
        add_proposal(s, OFFICE, 1)
    db.dispose()
    pack = tmp_path / "1.kcpack"
    assert run(capsys, "--db", office, "pack", "export", "--out", str(pack))[0] == 0
    assert run(capsys, "--db", centre, "pack", "import", str(pack))[0] == 0
    for path, title in ((centre, "Tên sửa ở Trung tâm"), (office, "Tên sửa ở xã")):
        db = open_database(path)
        with db.session() as s:
            p = get(s, "ĐA-2027-001")
            p.title = title
            p.revision += 1
        db.dispose()
    assert (
        run(capsys, "--db", office, "pack", "export", "--out", str(tmp_path / "2.kcpack"))[0] == 0
    )
    code, out, _ = run(
        capsys, "--db", centre, "pack", "import", str(tmp_path / "2.kcpack"), "--json"
    )
    assert json.loads(out)["conflicts"] == 1
    code, out, _ = run(capsys, "--db", centre, "conflict", "list", "--json")
    (row,) = json.loads(out)
    assert row["fields"] == ["title"] and row["from"] == OFFICE
    code, out, err = run(
        capsys, "--db", centre, "conflict", "resolve", str(row["id"]), "--incoming", "title"
    )
    assert code == 0, err
    code, out, _ = run(capsys, "--db", centre, "proposal", "show", "ĐA-2027-001", "--json")
    assert json.loads(out)["title"] == "Tên sửa ở xã"
    code, out, _ = run(capsys, "--db", centre, "conflict", "list", "--json")
    assert json.loads(out) == []

"""Every CLI command × every role (issue 19 §3): roles hold on the command line.

Each role logs in (``--login``) on its own copy of a small Centre database with
proposals of two offices, and runs every command. For each command the table below
says which permission it needs (``None``: any logged-in user). A role without it gets
one line "… không có quyền …" and exit 2; a role with it is never refused for its
role. No command ever ends in a traceback, and an office clerk never sees another
office's proposal.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kcdesk.cli.main import build_parser, main
from kcdesk.models import Role
from kcdesk.models.db import Database, open_database
from kcdesk.paths import data_dir
from kcdesk.services.core import settings
from kcdesk.services.exchange import keys
from kcdesk.services.security import passwords, users
from kcdesk.services.security import permissions as P
from kcdesk.services.security.actor import SYSTEM, Actor
from kcdesk.services.setup import first_run as setup
from tests.exchange_support import add_proposal

PW = "mật khẩu thử 2027"
OWN, OTHER = "XA-A", "XA-B"
OTHER_CODE = "ĐA-2027-009"  # the other office's proposal
CODE = "ĐA-2027-001"  # the clerk's own office's proposal

# command → (arguments after the command, permission needed or None)
MATRIX: dict[str, tuple[list[str], str | None]] = {
    "appraisal criteria": ([], None),
    "appraisal list": ([], None),
    "appraisal create": (["--year", "2027", "--name", "Hội đồng 1"], P.APPRAISAL_EDIT),
    "appraisal member-add": (["--session", "1", "--name", "Ông A"], P.APPRAISAL_EDIT),
    "appraisal agenda-add": (["--session", "1", CODE], P.APPRAISAL_EDIT),
    "appraisal conflict": (
        ["--session", "1", "--member", "Ông A", "--proposal", CODE, "--reason", "x"],
        P.APPRAISAL_EDIT,
    ),
    "appraisal scores": (["--session", "1", "--csv", "{tmp}/điểm.csv"], P.APPRAISAL_EDIT),
    "appraisal record": (["--session", "1", CODE], P.APPRAISAL_EDIT),
    "appraisal undo": (["--session", "1", CODE], P.APPRAISAL_EDIT),
    "proposal import-xlsx": (["{tmp}/không có.xlsx"], P.PROPOSAL_EDIT),
    "proposal list": ([], None),
    "settings set": (["org.place", "Cao Bằng"], P.SETTINGS_EDIT),
    "proposal add": (["--json", "{tmp}/không có.json"], P.PROPOSAL_EDIT),
    "programme assign": ([CODE, "machines", "IV.3.c"], P.PROPOSAL_EDIT),
    "commune set": (["proposal", "1", "04351"], P.PROPOSAL_EDIT),
    "merge": (["{tmp}/không có.zip", "--dry-run"], P.RESTORE),
    "proposal show": ([CODE], None),
    "proposal pdf": ([CODE, "--out", "{tmp}/đề án.pdf"], None),
    "proposal status": ([CODE, "--to", "forwarded"], P.PROPOSAL_STATUS),
    "proposal history": ([CODE], None),
    "proposal export": (["--xlsx", "{tmp}/sổ.xlsx"], None),
    "catalogue submit": (["--year", "2027"], P.CATALOGUE_EDIT),
    "catalogue approve": (
        ["--year", "2027", "--decision-no", "1/QĐ", "--decision-date", "2026-10-01"],
        P.CATALOGUE_APPROVE,
    ),
    "catalogue reopen": (["--year", "2027", "--reason", "sửa"], P.CATALOGUE_EDIT),
    "catalogue department-letter": (
        ["--year", "2027", "--number", "12", "--date", "20/10/2026"],
        P.CATALOGUE_EDIT,
    ),
    "programme import": (["{tmp}/không có.json"], P.PROGRAMME_EDIT),
    "programme edit-target": (["CB-2026-2030", "x"], P.PROGRAMME_EDIT),
    "programme list": ([], None),
    "office add": (["XA-C", "--name", "Xã C", "--key-out", "{tmp}/khóa.json"], P.OFFICES_ADMIN),
    "office join": (["{tmp}/khóa lạ.json"], P.OFFICES_ADMIN),
    "office list": ([], None),
    "pack export": (["--out", "{tmp}/gói.kcpack", "--office", OTHER], P.EXCHANGE),
    "pack import": (["{tmp}/không có.kcpack"], P.EXCHANGE),
    "conflict list": ([], None),
    "conflict resolve": (["1"], P.EXCHANGE),
    "implementation start": ([CODE], P.IMPLEMENTATION_EDIT),
    "disbursement add": ([CODE, "--kind", "advance", "--amount", "1000"], P.IMPLEMENTATION_EDIT),
    "settlement record": ([CODE, "--amount", "1", "--reference", "x"], P.IMPLEMENTATION_EDIT),
    "audit verify": ([], P.INTEGRITY_CHECK),
    "audit list": ([], P.AUDIT_VIEW),
    "audit key": (["export", "{tmp}/khóa nhật ký.key"], P.RESTORE),
    "user add": (
        ["moi", "--role", "admin", "--full-name", "Người mới", "--password-stdin"],
        P.USERS_ADMIN,
    ),
    "user list": ([], None),
    "user reset": (["nhanvien", "--password-stdin"], P.USERS_ADMIN),
    "user disable": (["nhanvien"], P.USERS_ADMIN),
    "user enable": (["nhanvien"], P.USERS_ADMIN),
    "backup": (["--out", "{tmp}/sao lưu.zip"], P.BACKUP),
    "restore": (["{tmp}/không có.zip", "--yes"], P.RESTORE),
    "check": ([], P.INTEGRITY_CHECK),
}
# Commands whose output lists or shows proposals: a clerk never sees OTHER_CODE there.
READS_PROPOSALS = ("proposal list", "proposal show", "proposal history", "audit list")
# Commands with no database or no role question (version, arithmetic, the self-test).
# Outside the roles: no database user acts (words, self-test), or the database's own
# credentials do (init, upgrade of a server's schema, the server password in the OS
# keyring: the IT officer's steps, docs/server.md).
NOT_ROLE_COMMANDS = {"words", "self-test", "init", "demo-data", "upgrade", "server-password"}


def _all_commands() -> set[str]:
    import argparse

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    out: set[str] = set()
    for name, child in sub.choices.items():
        groups = [a for a in child._actions if isinstance(a, argparse._SubParsersAction)]
        if groups:
            out |= {f"{name} {leaf}" for leaf in groups[0].choices}
        else:
            out.add(name)
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("mẫu")
    path = folder / "trung tâm.sqlite"
    patch = pytest.MonkeyPatch()
    patch.setattr(passwords, "N", 2**4)  # fast hashes: this test is about roles
    # The template's own data folder: its key store holds the audit chain's key, which
    # each test copies into its data folder with the database.
    patch.setenv("KCDESK_DATA_DIR", str(folder / "dữ liệu"))
    db: Database = open_database(path, create=True)
    setup.init_database(db)
    with db.session() as s:
        for code in (OWN, OTHER):
            keys.add_office(s, SYSTEM, code, f"UBND {code}")
        add_proposal(s, OWN, 1)
        add_proposal(s, OTHER, 9)
        for role in Role:
            users.add_user(
                s,
                SYSTEM,
                username=role.value.replace("_", ""),
                full_name=role.label,
                role=role,
                password=PW,
                office_code=OWN if role is Role.OFFICE_CLERK else None,
            )
        users.add_user(
            s,
            SYSTEM,
            username="nhanvien",
            full_name="Nhân viên",
            role=Role.CENTRE_STAFF,
            password=PW,
        )
        settings.put(s, SYSTEM, "app.single_user", False)
    db.dispose()
    yield path
    patch.undo()


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_command_for_every_role(
    role: Role,
    template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(passwords, "N", 2**4)
    db = tmp_path / "cơ sở dữ liệu.sqlite"
    shutil.copyfile(template, db)
    shutil.copytree(template.parent / "dữ liệu" / "keys", data_dir() / "keys")
    monkeypatch.setenv("KCDESK_PASSWORD", PW)
    login = role.value.replace("_", "")
    assert set(MATRIX) | NOT_ROLE_COMMANDS >= _all_commands() - _read_only_extra()
    wrong: list[str] = []
    for command, (rest, needed) in MATRIX.items():
        argv = ["--db", str(db), "--login", login, *command.split(), *rest]
        argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
        monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n" + PW + "\n"))
        code = main(argv)
        out, err = capsys.readouterr()
        where = f"{command} as {role.value}: exit {code}, {err!r}"
        allowed = needed is None or P.allowed(Actor(login, role), needed)
        refused = "không có quyền" in err
        if (
            "Traceback" in err
            or code not in (0, 1, 2)
            or (code == 2 and err.count("\n") != 1)
            or (not allowed and not (code == 2 and refused))
            or (allowed and refused)
            or (role is Role.OFFICE_CLERK and command in READS_PROPOSALS and OTHER_CODE in out)
        ):
            wrong.append(where)
    assert wrong == [], "\n".join(wrong)


def _read_only_extra() -> set[str]:
    """Read-only commands outside the table: reports and views any user may run."""
    return {
        "appraisal sheets",
        "settings list",
        "settings get",
        "proposal check",
        "proposal docx",
        "acceptance docx",
        "programme unassigned",
        "commune list",
        "commune match",
        "sign",
        "verify",
        "appraisal results",
        "appraisal minutes",
        "appraisal xlsx",
        "proposal amend",
        "proposal decide",
        "proposal amendments",
        "catalogue show",
        "catalogue export",
        "catalogue compare",
        "dashboard",
        "report periodic",
        "programme export-xlsx",
        "programme show",
        "programme check",
        "implementation list",
        "implementation show",
        "progress add",
        "evidence list",
        "evidence set",
        "acceptance record",
        "acceptance pdf",
        "disbursement list",
        "settlement summary",
        "attention",
        "user passwd",
    }

"""One date parser for every command: empty means not given, a bad date names the option."""

from __future__ import annotations

from datetime import date

import pytest

from kcdesk.cli.context import cli_date, cli_date_or_today, cli_required_date
from kcdesk.services.core.errors import UserError


def test_dates_in_both_forms() -> None:
    assert cli_date("05/01/2027", "--date") == date(2027, 1, 5)
    assert cli_date("2027-01-05", "--date") == date(2027, 1, 5)


def test_empty_is_not_given() -> None:
    assert cli_date(None, "--date") is None
    assert cli_date("", "--date") is None
    assert cli_date_or_today(None, "--date") == date.today()
    with pytest.raises(UserError, match="--from"):
        cli_required_date("", "--from")


@pytest.mark.parametrize("bad", ["31/02/2027", "2027-13-01", "hôm qua"])
def test_a_bad_date_names_the_option(bad: str) -> None:
    with pytest.raises(UserError, match=r"^--decision-date: "):
        cli_date(bad, "--decision-date")


def test_commands_report_a_bad_date_in_one_line(tmp_path, capsys) -> None:
    from kcdesk.cli.main import main

    db = tmp_path / "c.sqlite"
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    code = main(["--db", str(db), "attention", "--today", "32/01/2027"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and "--today" in err

"""The organisation on every letterhead is the user's own (issue 17 §5).

A new working database has no province-specific names: documents refuse to print
with a message naming the missing setting; ``kcdesk settings list|get|set`` sets
them headless and a first-run step in the GUI asks for them; the demo database is
consistently Cao Bằng's (seed 001).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.models.db import Database, open_database
from kcdesk.reports.common.org import BLANK_NAME
from kcdesk.services.core import organisation, settings
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.setup import first_run as setup
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.settings.first_run_dialog import OrganisationDialog
from tests.pdftext import pdf_text
from tests.test_catalogue_service import add_proposal


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Path]:
    """A working database as ``kcdesk init`` makes it, with one approved proposal."""
    path = tmp_path / "trung-tam.sqlite"
    db = open_database(path, create=True)
    setup.init_database(db)
    with db.session() as s:
        add_proposal(s, 1)
    db.dispose()
    yield path


def test_new_database_refuses_to_print_and_names_the_setting(
    fresh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "de-an.pdf"
    assert main(["--db", str(fresh), "proposal", "pdf", "ĐA-2027-001", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "«Tên Trung tâm» (org.centre_name)" in err and "«Tỉnh» (org.province)" in err
    assert not out.exists()
    letter = tmp_path / "to-trinh.pdf"
    code = main(
        ["--db", str(fresh), "catalogue", "export", "--year", "2027", "--letter", str(letter)]
    )
    assert code == 2 and "Chưa in được" in capsys.readouterr().err
    assert not letter.exists()


def test_settings_cli_lists_gets_and_sets(
    fresh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", str(fresh), "settings"]
    capsys.readouterr()
    assert main([*base, "list", "--json"]) == 0
    rows = {r["key"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["org.centre_name"]["value"] == "" and rows["org.centre_name"]["organisation"]
    assert rows["org.province"]["label"] == "Tỉnh"
    for key, value in organisation.DEMO_ORGANISATION.items():
        assert main([*base, "set", key, value]) == 0
    assert main([*base, "set", "signer.centre_name", "Nông Văn Đức"]) == 0
    capsys.readouterr()
    assert main([*base, "get", "org.centre_name"]) == 0
    assert capsys.readouterr().out.strip() == "Trung tâm Khuyến công và Xúc tiến thương mại"
    assert main([*base, "set", "deadline.status_days", "45"]) == 0
    assert main([*base, "set", "app.single_user", "có"]) == 0
    db = open_database(fresh)
    with db.session() as s:
        assert settings.get(s, "deadline.status_days") == 45
        assert settings.get(s, "app.single_user") is True
        assert organisation.is_configured(s)
    db.dispose()
    # Now it prints, with the organisation typed.
    out = tmp_path / "de-an.pdf"
    assert main(["--db", str(fresh), "proposal", "pdf", "ĐA-2027-001", "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI" in text
    assert "SỞ CÔNG THƯƠNG TỈNH CAO BẰNG" in text and "Nông Văn Đức" in text
    # Mistakes: one line, exit 2.
    capsys.readouterr()
    assert main([*base, "set", "org.khong_co", "x"]) == 2
    assert main([*base, "set", "deadline.status_days", "bốn"]) == 2
    assert main([*base, "get", "org.khong_co"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err


def test_demo_is_cao_bang_throughout(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session() as s:
        values = settings.get_all(s)
    for key, value in organisation.DEMO_ORGANISATION.items():
        assert values[key] == value
    letter = tmp_path / "to-trinh.pdf"
    assert (
        main(
            [
                "--db",
                demo_db.url,
                "catalogue",
                "export",
                "--year",
                "2027",
                "--letter",
                str(letter),
            ]
        )
        == 0
    )
    text = pdf_text(letter)
    assert "TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI" in text
    assert "Cao Bằng" in text
    for other in ("Lạng Sơn", "TƯ VẤN PHÁT TRIỂN", "Tư vấn phát triển", "Khánh Hòa"):
        assert other not in text


def test_first_run_step_asks_for_the_organisation(qtbot, fresh: Path) -> None:
    db = open_database(fresh)
    ctx = AppContext(db, SYSTEM)
    dialog = OrganisationDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.fields["org.centre_name"].text() == ""
    assert "Ví dụ" in dialog.fields["org.centre_name"].placeholderText()
    dialog.fields["org.province"].setText("Cao Bằng")
    assert not dialog.save()  # saved, but the dialog says what is still missing
    assert "Còn thiếu" in dialog.message.text() and "«Tên Trung tâm»" in dialog.message.text()
    for key, value in organisation.DEMO_ORGANISATION.items():
        dialog.fields[key].setText(value)
    assert dialog.save()
    with db.session() as s:
        assert organisation.is_configured(s)
        assert settings.get(s, "org.centre_abbrev") == "TTKC&XTTM"
    ctx.worker.wait()
    db.dispose()


def test_a_signer_name_is_left_blank_only_on_a_draft(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the Department's (or the Centre's) signer name, a DỰ THẢO prints a dotted
    line for the signer to fill in; a final document refuses, naming the setting."""
    with db.session() as s:
        add_proposal(s, 1)
        settings.put_trusted(s, SYSTEM, "signer.department_name", "")
        settings.put_trusted(s, SYSTEM, "signer.centre_name", "")
    base = ["--db", db.url]

    def export(issuer: str, letter: Path) -> int:
        args = ["catalogue", "export", "--year", "2027", "--issuer", issuer]
        return main([*base, *args, "--letter", str(letter)])

    draft = tmp_path / "to-trinh-so-du-thao.pdf"
    assert export("department", draft) == 0
    text = pdf_text(draft)
    assert "DỰ THẢO" in text and "GIÁM ĐỐC" in text
    assert BLANK_NAME in text.split("GIÁM ĐỐC")[-1]
    demo = organisation.DEMO_ORGANISATION
    assert demo["signer.department_name"] not in text

    # The proposal is a final document: the Centre's signer must be named.
    proposal = tmp_path / "de-an.pdf"
    capsys.readouterr()
    assert main([*base, "proposal", "pdf", "ĐA-2027-001", "--out", str(proposal)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "«Họ tên người ký (Trung tâm)» (signer.centre_name)" in err
    assert not proposal.exists()

    # Approved, the Department's tờ trình is no longer a draft: it refuses.
    assert main([*base, "catalogue", "submit", "--year", "2027", "--letter-no", "5/TTr-TTKC"]) == 0
    approve = ["--decision-no", "1875/QĐ-UBND", "--decision-date", "28/10/2026"]
    assert main([*base, "catalogue", "approve", "--year", "2027", *approve]) == 0
    final = tmp_path / "to-trinh-so.pdf"
    capsys.readouterr()
    assert export("department", final) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(signer.department_name)" in err and "dự thảo" in err
    assert not final.exists()

    # Once named, it prints with the name under the post.
    with db.session() as s:
        settings.put_trusted(s, SYSTEM, "signer.department_name", "Hoàng Thị Thu Hà")
    assert export("department", final) == 0
    text = pdf_text(final)
    assert "DỰ THẢO" not in text and BLANK_NAME not in text
    assert "Hoàng Thị Thu Hà" in text.split("GIÁM ĐỐC")[-1]


def test_demo_organisation_names_every_signer() -> None:
    demo = organisation.DEMO_ORGANISATION
    for issuer, key in organisation.SIGNER_NAME.items():
        assert demo[key].strip(), issuer
        assert all(demo[k].strip() for k in organisation.REQUIRED[issuer]), issuer


def test_demo_centre_director_is_one_person(demo_db: Database, tmp_path: Path) -> None:
    """The council's "Giám đốc Trung tâm" is the Centre's signer, not another name."""
    name = organisation.DEMO_ORGANISATION["signer.centre_name"]
    minutes = tmp_path / "bien-ban.pdf"
    args = ["appraisal", "minutes", "--session", "1", "--pdf", str(minutes)]
    assert main(["--db", demo_db.url, *args]) == 0
    assert f"{name}, Giám đốc Trung tâm Khuyến công" in pdf_text(minutes)

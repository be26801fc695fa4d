"""Programme files as XLSX, import by code, and target editing (permission, audit, checks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from kcdesk.models import AuditEvent, Role
from kcdesk.models.db import Database
from kcdesk.services.core.errors import PermissionDenied, ValidationError
from kcdesk.services.programmes import store as programmes
from kcdesk.services.programmes.file import ProgrammeFileError, preset_paths
from kcdesk.services.programmes.xlsx import read_programme_xlsx, write_programme_xlsx
from kcdesk.services.security.actor import SYSTEM, Actor

LEADER = Actor(username="lanhdao", role=Role.LEADER, office_code="TTKC", full_name="Lãnh đạo")


@pytest.mark.parametrize("path", preset_paths(), ids=lambda p: p.stem)
def test_xlsx_round_trip_equals_the_preset(path: Path, tmp_path: Path) -> None:
    spec = programmes.read_programme_file(path)
    xlsx = tmp_path / f"{path.stem}.xlsx"
    write_programme_xlsx(spec, xlsx)
    assert read_programme_xlsx(xlsx) == spec
    assert programmes.read_programme_file(xlsx) == spec


def test_xlsx_errors_name_the_target_and_field(tmp_path: Path) -> None:
    spec = programmes.read_programme_file(preset_paths()[0])
    xlsx = tmp_path / "sai.xlsx"
    write_programme_xlsx(spec, xlsx)
    wb = load_workbook(xlsx)
    ws = wb["Chỉ tiêu"]
    ws.cell(row=3, column=7, value="cái")  # measure of the second target
    second = ws.cell(row=3, column=1).value
    wb.save(xlsx)
    with pytest.raises(ProgrammeFileError) as caught:
        read_programme_xlsx(xlsx)
    assert f"«{second}»" in str(caught.value) and "measure" in str(caught.value)
    del wb["Chỉ tiêu"]
    wb.save(xlsx)
    with pytest.raises(ProgrammeFileError, match="Chỉ tiêu"):
        read_programme_xlsx(xlsx)
    (tmp_path / "rác.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ProgrammeFileError, match="rác.xlsx"):
        read_programme_xlsx(tmp_path / "rác.xlsx")


def test_decision_date_typed_as_text(tmp_path: Path) -> None:
    spec = programmes.read_programme_file(preset_paths()[0])
    xlsx = tmp_path / "ngày.xlsx"
    write_programme_xlsx(spec, xlsx)
    wb = load_workbook(xlsx)
    ws = wb["Chương trình"]
    row = next(r for r in ws.iter_rows() if r[0].value == "decision_date")
    row[1].value = "28/11/2025"
    wb.save(xlsx)
    assert read_programme_xlsx(xlsx).decision_date == spec.decision_date


def test_import_needs_programme_edit(db: Database) -> None:
    with db.session() as s, pytest.raises(PermissionDenied):
        programmes.import_programme(s, LEADER, preset_paths()[0])


def test_import_replaces_by_code(db: Database) -> None:
    with db.session() as s:
        programme, action = programmes.import_programme(s, SYSTEM, preset_paths()[0])
        assert action == "update" and programme.revision == 2
        assert len(programmes.list_programmes(s)) == 3


def test_update_target_records_only_changed_fields(db: Database) -> None:
    with db.session() as s:
        target = programmes.update_target(
            s, SYSTEM, "CB-2026-2030", "IV.3.c", quantity=20, name="Hỗ trợ 20 cơ sở"
        )
        assert target.revision == 2
    with db.session() as s:
        t = next(
            t for t in programmes.get_programme(s, "CB-2026-2030").targets if t.code == "IV.3.c"
        )
        assert (t.quantity, t.name) == (20, "Hỗ trợ 20 cơ sở")
        event = s.query(AuditEvent).filter_by(action="update-target").one()
        assert set(event.changes) == {"quantity", "name"}
        assert event.changes["quantity"] == {"old": 19, "new": 20}
        # Saving the same values changes nothing and records nothing more.
        programmes.update_target(s, SYSTEM, "CB-2026-2030", "IV.3.c", quantity=20)
        assert s.query(AuditEvent).filter_by(action="update-target").count() == 1


def test_update_target_checks_values_and_permission(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            programmes.update_target(s, LEADER, "CB-2026-2030", "IV.3.c", quantity=1)
        with pytest.raises(ValidationError) as caught:
            programmes.update_target(
                s,
                SYSTEM,
                "CB-2026-2030",
                "II.2-1",
                activities=["khong_co"],
                parts=["IV.3.a", "IV.9"],
                measure="cái",
                quantity=-1,
                name=" ",
            )
        assert set(caught.value.problems) == {"activities", "parts", "measure", "quantity", "name"}
        # A target cannot be its own part.
        with pytest.raises(ValidationError):
            programmes.update_target(s, SYSTEM, "CB-2026-2030", "II.2-1", parts=["II.2-1"])


def test_programme_xlsx_writes_user_text_as_text_not_formulas(tmp_path: Path) -> None:
    """A target named like a formula is stored as a text cell (issue 19, section 6)."""
    import dataclasses

    spec = programmes.read_programme_file(preset_paths()[0])
    link = '=HYPERLINK("http://ke-gian.example/x","Bấm vào đây")'
    first = dataclasses.replace(spec.targets[0], name=link, note="=cmd|' /C calc'!A0")
    spec = dataclasses.replace(spec, note="+1+2", targets=(first, *spec.targets[1:]))
    xlsx = tmp_path / "chương trình.xlsx"
    write_programme_xlsx(spec, xlsx)
    wb = load_workbook(xlsx)
    target_row = wb["Chỉ tiêu"][2]
    name_cell, note_cell = target_row[2], target_row[9]
    assert (name_cell.data_type, name_cell.value) == ("s", link)
    assert (note_cell.data_type, note_cell.value) == ("s", "=cmd|' /C calc'!A0")
    note = next(r[1] for r in wb["Chương trình"].iter_rows() if r[0].value == "note")
    assert (note.data_type, note.value) == ("s", "+1+2")
    assert read_programme_xlsx(xlsx).targets[0].name == link

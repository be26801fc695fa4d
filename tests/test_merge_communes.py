"""District-era communes onto the new units by the official conversion (issue 25).

Real names of Hải Dương (joined to Hải Phòng on 1 July 2025), converted by the
``vietnamadminunits`` table: a commune that went whole into one new unit gets its
code and keeps its old name; a commune split between two is listed with both, never
guessed — in the merge preview and in ``kcdesk commune match`` for legacy imports.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import Facility, Proposal
from kcdesk.models.db import open_database
from kcdesk.services.communes import conversion
from kcdesk.services.communes.official import find_province
from kcdesk.services.core import settings
from kcdesk.services.merge import run
from kcdesk.services.merge.describe import describe
from kcdesk.services.security.actor import SYSTEM
from tests import merge_support as ms
from tests.proposal_factory import make_facility


def _hai_phong():  # type: ignore[no-untyped-def]
    province = find_province("Hải Phòng")
    assert province is not None
    return province


def test_conversion_of_real_hai_duong_communes() -> None:
    hp = _hai_phong()
    whole = conversion.convert(ms.OLD_WHOLE[0], hp, old_province="Hải Dương")
    assert whole.certain and whole.commune is not None
    assert (whole.commune.code, whole.commune.name) == ms.OLD_WHOLE[1:]
    split = conversion.convert(ms.OLD_SPLIT[0], hp, old_province="Hải Dương")
    assert not split.certain and split.known
    assert {c.name for c in split.candidates} == ms.OLD_SPLIT[1]
    # Without the district the same name is found; with a district it has not: unknown.
    assert conversion.convert("Xã Tân Hồng", hp).candidates == split.candidates
    assert not conversion.convert("Xã Tân Hồng, huyện Thanh Miện", hp).known
    # Hải Dương's communes belong to Hải Phòng, not to another province.
    assert not conversion.convert(ms.OLD_WHOLE[0], find_province("Cao Bằng")).known  # type: ignore[arg-type]
    assert conversion.new_province_of("Hải Dương") == hp
    # The package's geocoder (network) is never loaded.
    assert not {"vietnamadminunits", "geopy", "shapely"} & set(sys.modules)


def test_merge_preview_maps_old_communes_and_the_merge_keeps_the_old_name(
    tmp_path: Path,
) -> None:
    centres = ms.build(tmp_path)
    db = open_database(centres.target)
    plan = run.preview(db, centres.source_backup, ms.ADMIN)
    by_name = {m.old_name: m for m in plan.communes}
    whole = by_name[ms.OLD_WHOLE[0]]
    assert (whole.new_code, whole.new_name) == ms.OLD_WHOLE[1:]
    split = by_name[ms.OLD_SPLIT[0]]
    assert split.new_code is None and {n for _c, n in split.candidates} == ms.OLD_SPLIT[1]
    assert by_name[ms.OLD_OF_PROPOSAL[0]].new_code == ms.OLD_OF_PROPOSAL[1]
    lines = describe(plan)
    assert f"  {ms.OLD_WHOLE[0]} → {ms.OLD_WHOLE[2]} (mã {ms.OLD_WHOLE[1]})" in lines
    line = next(x for x in lines if x.startswith(f"  {ms.OLD_SPLIT[0]} ("))
    assert "cần người dùng chọn" in line
    assert all(name in line for name in ms.OLD_SPLIT[1])

    run.merge(db, centres.source_backup, ms.ADMIN)
    with db.session() as s:
        whole_row = s.scalars(select(Facility).where(Facility.commune == ms.OLD_WHOLE[0])).one()
        assert whole_row.commune_code == ms.OLD_WHOLE[1]
        split_row = s.scalars(select(Facility).where(Facility.commune == ms.OLD_SPLIT[0])).one()
        assert split_row.commune_code is None
        proposal = s.scalars(
            select(Proposal).where(Proposal.commune == ms.OLD_OF_PROPOSAL[0])
        ).one()
        assert proposal.commune_code == ms.OLD_OF_PROPOSAL[1]
    db.dispose()


def test_commune_match_converts_legacy_names(db, capsys: pytest.CaptureFixture[str]) -> None:
    with db.session() as s:
        settings.put_trusted(s, SYSTEM, "org.province", "Hải Phòng")
        whole = make_facility(s, "HTX Gốm Cẩm Vũ", "0800111001")
        split = make_facility(s, "HTX Tân Hồng", "0800111002")
        # As a legacy Excel import holds them: district-era names, no code.
        whole.commune, whole.commune_code = ms.OLD_WHOLE[0], None
        split.commune, split.commune_code = ms.OLD_SPLIT[0], None
        ids = whole.id, split.id
    assert main(["--db", db.url, "commune", "match", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["matched"] == 1
    left = {r["id"]: r for r in out["unmatched"] if r["kind"] == "facility"}
    assert ids[0] not in left
    assert {c["name"] for c in left[ids[1]]["candidates"]} == ms.OLD_SPLIT[1]
    with db.session() as s:
        row = s.get(Facility, ids[0])
        assert row is not None and (row.commune, row.commune_code) == (
            ms.OLD_WHOLE[0],
            ms.OLD_WHOLE[1],
        )
    assert main(["--db", db.url, "commune", "match"]) == 0
    text = capsys.readouterr().out
    assert "cần người dùng chọn" in text and all(n in text for n in ms.OLD_SPLIT[1])


def test_the_commune_fix_dialog_shows_the_candidates_of_a_split_commune(db, qtbot) -> None:
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.register.commune_fix_dialog import CommuneFixDialog

    with db.session() as s:
        settings.put_trusted(s, SYSTEM, "org.province", "Hải Phòng")
        split = make_facility(s, "HTX Tân Hồng", "0800111002")
        split.commune, split.commune_code = ms.OLD_SPLIT[0], None
    dialog = CommuneFixDialog(AppContext(db, SYSTEM))
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.horizontalHeaderItem(3).text() == "Cần người dùng chọn"
    row = next(r for r in range(table.rowCount()) if table.item(r, 2).text() == ms.OLD_SPLIT[0])
    choices = table.item(row, 3).text()
    assert all(name in choices for name in ms.OLD_SPLIT[1]) and "(mã " in choices
    dialog.close()

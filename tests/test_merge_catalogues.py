"""Catalogues of the same plan year and funding source in both Centres (issue 25).

Hải Dương's approved 2025 catalogue and Hải Phòng's are two catalogues after the
merge: the old one labelled with its origin, exactly as it was approved, beside
ours, which is unchanged — in the preview, in ``catalogue show`` and on the catalogue
screen. Migration 0023 keeps every catalogue, version and row (SQLite rebuilds the
table, whose dependants it keeps aside).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from kcdesk.cli.main import main
from kcdesk.models.db import alembic_config, make_engine, migrate, open_database, resolve_url
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.merge import run
from kcdesk.services.merge.describe import describe
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.catalogue.view import CataloguePanel
from tests import merge_support as ms

ORIGIN = "tỉnh Hải Dương (cũ)"
YEAR, SOURCE = 2025, "dia_phuong"


def _approve(path: Path, decision: str) -> list[str]:
    db = open_database(path)
    with db.session() as s:
        catalogue.approve(
            s, SYSTEM, YEAR, SOURCE, decision_no=decision, decision_date=date(2025, 1, 15)
        )
    with db.session() as s:
        codes = [e.proposal_code for e in catalogue.view(s, YEAR, SOURCE).entries]
    db.dispose()
    return codes


def test_colliding_catalogues_stay_two_labelled_with_their_origin(
    qtbot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    centres = ms.build(tmp_path)
    theirs_codes = _approve(centres.source_db, "15/QĐ-UBND (Hải Dương)")
    ours_codes = _approve(centres.target, "9/QĐ-UBND (Hải Phòng)")
    assert theirs_codes and ours_codes

    db = open_database(centres.target)
    plan = run.preview(db, centres.source_db, ms.ADMIN)
    assert plan.catalogue_conflicts == [
        {
            "plan_year": YEAR,
            "funding_source": SOURCE,
            "decision_no": "15/QĐ-UBND (Hải Dương)",
            "origin": ORIGIN,
        }
    ]
    assert any(f"giữ thành danh mục riêng ghi «{ORIGIN}»" in line for line in describe(plan))
    assert plan.table_counts()["catalogue"] == 1
    run.merge(db, centres.source_db, ms.ADMIN)

    with db.session() as s:
        ours = catalogue.view(s, YEAR, SOURCE)
        theirs = catalogue.view(s, YEAR, SOURCE, origin=ORIGIN)
        assert catalogue.merged_origins(s, YEAR, SOURCE) == [ORIGIN]
    assert (ours.origin, ours.decision_no) == ("", "9/QĐ-UBND (Hải Phòng)")
    assert [e.proposal_code for e in ours.entries] == ours_codes  # ours unchanged
    assert (theirs.origin, theirs.decision_no) == (ORIGIN, "15/QĐ-UBND (Hải Dương)")
    assert [e.proposal_code for e in theirs.entries] == theirs_codes  # as approved there

    url = str(centres.target)
    capsys.readouterr()
    assert main(["--db", url, "catalogue", "show", "--year", str(YEAR), "--source", SOURCE]) == 0
    out = capsys.readouterr().out
    assert f"còn có danh mục riêng của {ORIGIN}" in out and f'--origin "{ORIGIN}"' in out
    show = ["--db", url, "catalogue", "show", "--year", str(YEAR), "--source", SOURCE]
    args = [*show, "--origin", ORIGIN]
    assert main(args) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"Danh mục năm {YEAR} — ") and f"— {ORIGIN} — " in first
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["origin"] == ORIGIN and data["count"] == len(theirs_codes)
    assert main([*args[:-1], "tỉnh Không Có (cũ)"]) != 0

    # The catalogue screen names the origin and shows the old catalogue read-only.
    panel = CataloguePanel(AppContext(db, ms.ADMIN), year=YEAR)
    qtbot.addWidget(panel)
    panel.source.setCurrentIndex(panel.source.findData(SOURCE))
    qtbot.waitUntil(lambda: panel.current is not None and panel.origin.count() == 2, timeout=20_000)
    assert panel.origin.itemText(1) == f"Danh mục riêng của {ORIGIN}"
    panel.origin.setCurrentIndex(1)
    panel.reload(keep_version=False)
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.origin == ORIGIN)
    assert ORIGIN in panel.state_label.text()
    assert not panel.approve_button.isEnabled() and not panel.submit_button.isEnabled()
    panel.ctx.worker.wait()
    db.dispose()


def _counts(engine) -> list[int]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return [
            int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0)
            for t in ("catalogue", "catalogue_version", "catalogue_row")
        ]


@pytest.mark.sqlite_only  # the table rebuild is SQLite's
def test_migration_0023_keeps_catalogue_versions_and_rows(tmp_path: Path) -> None:
    centres = ms.build(tmp_path)
    _approve(centres.target, "9/QĐ-UBND")
    engine = make_engine(resolve_url(centres.target))
    before = _counts(engine)
    assert before[0] == 1 and before[1] == 1 and before[2] > 0
    config = alembic_config()
    before_0023 = ScriptDirectory.from_config(config).get_revision("0023_catalogue_origin")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, str(before_0023.down_revision))
    assert _counts(engine) == before
    migrate(engine)
    assert _counts(engine) == before
    engine.dispose()

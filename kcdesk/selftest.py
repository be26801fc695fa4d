"""``kcdesk self-test``: prove a build works, headless, in a throw-away data folder.

Creates and migrates a database, loads the presets, makes demo data, renders the
documents (proposal PDF, appraisal sheets, catalogue XLSX) and opens the main window
offscreen. Exit 0 when every step passes; otherwise the failing step is named.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class SelfTest:
    folder: Path
    state: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def log(self, text: str) -> None:
        self.lines.append(text)
        sys.stderr.write(text + "\n")


def _check_pdf(path: Path) -> None:
    data = path.read_bytes()
    if not data.startswith(b"%PDF") or b"%%EOF" not in data[-1024:]:
        raise AssertionError(f"{path.name} is not a complete PDF")
    if b"LiberationSerif" not in data or b"/FontFile2" not in data:
        raise AssertionError(f"{path.name} does not embed the Liberation Serif font")


def step_database(t: SelfTest) -> str:
    from kcdesk.models.db import current_revision, head_revision, open_database
    from kcdesk.services.programmes import store as programmes
    from kcdesk.services.setup import first_run as setup

    db = open_database(t.folder / "selftest.sqlite", create=True)
    setup.init_database(db)
    assert current_revision(db.engine) == head_revision()
    with db.session() as session:
        codes = [p.code for p in programmes.list_programmes(session)]
    if len(codes) < 3:
        raise AssertionError(f"expected the 3 programme presets, found {codes}")
    t.state["db"] = db
    return f"schema {head_revision()}, programmes {', '.join(codes)}"


def step_demo(t: SelfTest) -> str:
    from kcdesk.services.proposals import lookup as proposals
    from kcdesk.services.setup import first_run as setup

    db = t.state["db"]
    ctx = setup.add_demo_data(db, proposals=60, seed=11, year=2027)
    with db.session() as session:
        count = proposals.count_proposals(session)
    assert count == 60 == len(ctx.proposals)
    t.state["codes"] = [p.code for p in ctx.proposals]
    return f"{count} demo proposals"


def step_proposal_pdf(t: SelfTest) -> str:
    from kcdesk.reports.proposals.pdf import write_proposal_pdf

    target = t.folder / "Đề án.pdf"
    with t.state["db"].session() as session:
        write_proposal_pdf(session, t.state["codes"][0], target)
    _check_pdf(target)
    return f"{target.name} {target.stat().st_size} bytes"


def step_appraisal_sheets(t: SelfTest) -> str:
    from kcdesk.cli.main import main

    target = t.folder / "Phiếu thẩm định.pdf"
    code = main(
        [
            "--db",
            str(t.state["db"].path),
            "appraisal",
            "sheets",
            "--year",
            "2027",
            "--pdf",
            str(target),
        ]
    )
    if code != 0:
        raise AssertionError(f"appraisal sheets exited {code}")
    _check_pdf(target)
    return f"{target.name} {target.stat().st_size} bytes"


def step_catalogue_xlsx(t: SelfTest) -> str:
    from openpyxl import load_workbook

    from kcdesk.cli.main import main

    target = t.folder / "Danh mục.xlsx"
    code = main(
        [
            "--db",
            str(t.state["db"].path),
            "catalogue",
            "export",
            "--year",
            "2026",
            "--xlsx",
            str(target),
        ]
    )
    if code != 0:
        raise AssertionError(f"catalogue export exited {code}")
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.max_row > 3
    return f"{target.name} {sheet.max_row} rows"


def step_main_window(t: SelfTest) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.ui import fonts, vi
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["kcdesk"])
    families = fonts.register_fonts()
    if "Liberation Sans" not in families or "Liberation Serif" not in families:
        raise AssertionError(f"bundled fonts not registered: {families}")
    vi.install_translator(app)
    ctx = AppContext(t.state["db"], SYSTEM)
    window = MainWindow(ctx, demo=True)
    window.show()
    for key in window.section_keys():
        window.show_section(key)
        app.processEvents()
    window.close()
    ctx.worker.wait()
    return f"{len(window.section_keys())} sections opened, fonts {', '.join(families)}"


def step_communes(t: SelfTest) -> str:
    """The official list of communes ships with the bundle (a data file of a library)."""
    from kcdesk.services.communes.matching import match
    from kcdesk.services.communes.official import communes_by_code, find_province

    province = find_province("Cao Bằng")
    if province is None:
        raise AssertionError("no official province Cao Bằng")
    found = match("Trùng Khánh", province)
    if found is None:
        raise AssertionError("Trùng Khánh not matched in Cao Bằng")
    # The conversion table of district-era communes (another library's data file).
    from kcdesk.services.communes.conversion import convert

    new_province = find_province("Hải Phòng")
    if new_province is None:
        raise AssertionError("no official province Hải Phòng")
    converted = convert("Thị trấn Kẻ Sặt, huyện Bình Giang", new_province).commune
    if converted is None:
        raise AssertionError("Thị trấn Kẻ Sặt (Hải Dương) not converted")
    return (
        f"{len(communes_by_code())} units; {found.name} = {found.code}; "
        f"Thị trấn Kẻ Sặt (cũ) → {converted.name} = {converted.code}"
    )


STEPS: list[tuple[str, Callable[[SelfTest], str]]] = [
    ("database", step_database),
    ("demo data", step_demo),
    ("official communes", step_communes),
    ("proposal PDF", step_proposal_pdf),
    ("appraisal sheets", step_appraisal_sheets),
    ("catalogue XLSX", step_catalogue_xlsx),
    ("main window", step_main_window),
]


def run() -> int:
    with tempfile.TemporaryDirectory(prefix="kcdesk-selftest-") as tmp:
        folder = Path(tmp) / "Dữ liệu thử"
        folder.mkdir()
        os.environ["KCDESK_DATA_DIR"] = str(folder)
        test = SelfTest(folder)
        started = time.perf_counter()
        try:
            for name, step in STEPS:
                t0 = time.perf_counter()
                try:
                    detail = step(test)
                except Exception as exc:
                    test.log(f"FAIL {name}: {type(exc).__name__}: {exc}")
                    test.log(traceback.format_exc())
                    return 1
                test.log(f"ok   {name} ({time.perf_counter() - t0:.2f} s): {detail}")
        finally:
            db = test.state.get("db")
            if db is not None:
                db.dispose()
        test.log(f"self-test passed in {time.perf_counter() - started:.1f} s")
        return 0

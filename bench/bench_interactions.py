"""What a clerk waits for in the window, measured with the real widgets offscreen.

Each figure is the time from the user's action to the window shown and filled, with
the event loop turned and the worker's jobs for it delivered (``_settle``):

- ``open_view_ms``: a proposal's view window (all tabs filled), p95 over proposals
  spread through the database;
- ``wizard_open_ms`` / ``wizard_next_ms`` / ``wizard_save_ms``: the wizard opened on an
  existing proposal, each "Tiếp", and "Hoàn tất" until the wizard has closed (saved,
  closed, the event loop turned once); ``wizard_save_refreshed_ms`` goes on until the
  lists behind it have reloaded on the worker too (the window stays usable meanwhile);
- ``section_switch_ms``: the first opening of each section (the slowest is the figure;
  every section is in ``sections``);
- ``proposal_pdf_ms``: one proposal's PDF written, p95.

Everything runs in one child process on a copy of the cached database (saving writes).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import CACHE

CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from sqlalchemy import text
from kcdesk.models.db import open_database
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui import fonts, vi
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.main_window import MainWindow

app = QApplication(sys.argv[:1])
fonts.register_fonts(); fonts.apply_ui_font(app); vi.install_translator(app)
from kcdesk.ui import idle_gc; idle_gc.install(app)  # as kcdesk.app.run_gui does
db = open_database(sys.argv[1])
samples = int(sys.argv[2])
ctx = AppContext(db, SYSTEM)

def settle():
    for _ in range(4):
        ctx.worker.wait(); app.processEvents()

def ms(t0):
    return (time.perf_counter() - t0) * 1000

def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

window = MainWindow(ctx); window.resize(1366, 768); window.show(); settle()
out = {"sections": {}}
for key in window.section_keys():
    if key == "proposals":
        continue  # the window opens on it
    t0 = time.perf_counter(); window.show_section(key); settle()
    out["sections"][key] = ms(t0)
out["section_switch_ms"] = max(out["sections"].values())
worst = max(out["sections"], key=out["sections"].get)
out["section_switch_worst"] = worst

with db.engine.connect() as conn:
    total = conn.execute(text("SELECT count(*) FROM proposal")).scalar_one()
    stride = max(1, total // samples)
    codes = [c for (c,) in conn.execute(
        text("SELECT code FROM proposal ORDER BY id LIMIT :n OFFSET 0"), {"n": total}
    )][::stride][:samples]
    # The wizard saves only proposals not yet approved (services/proposals/save.py
    # EDIT_LOCKED): its samples are spread through those, or most saves are refusals.
    from kcdesk.services.proposals.save import EDIT_LOCKED
    locked = ", ".join(f"'{s.value}'" for s in EDIT_LOCKED)
    editable = [c for (c,) in conn.execute(
        text(f"SELECT code FROM proposal WHERE status NOT IN ({locked}) ORDER BY id")
    )]
    wizard_codes = editable[:: max(1, len(editable) // max(3, samples // 2))][: max(3, samples // 2)]

from kcdesk.ui.register.proposal_view import ProposalView
views = []
for code in codes:
    t0 = time.perf_counter(); view = ProposalView(ctx, code, window); view.show(); settle()
    views.append(ms(t0)); view.close(); view.deleteLater()
out["open_view_ms"] = p95(views); out["open_view_median_ms"] = statistics.median(views)

from kcdesk.ui.wizard.wizard import ProposalWizard
opens, nexts, saves, refreshed, refused = [], [], [], [], 0
for code in wizard_codes:
    t0 = time.perf_counter(); wizard = ProposalWizard(ctx, window, code); wizard.show(); settle()
    opens.append(ms(t0))
    while wizard.currentPage() is not None and not wizard.currentPage().isFinalPage():
        before = wizard.currentId()
        t0 = time.perf_counter(); wizard.next(); settle()
        if wizard.currentId() == before:
            break  # the page refused (demo data the validator now rejects)
        nexts.append(ms(t0))
    t0 = time.perf_counter(); wizard.accept(); app.processEvents()
    closed = ms(t0); settle()
    if wizard.isVisible():
        refused += 1
        wizard.dirty = False; wizard.done(0)
    else:
        saves.append(closed); refreshed.append(ms(t0))
    wizard.deleteLater(); settle()
out["wizard_open_ms"] = p95(opens)
out["wizard_next_ms"] = p95(nexts) if nexts else None
out["wizard_save_ms"] = p95(saves) if saves else None
out["wizard_save_refreshed_ms"] = p95(refreshed) if refreshed else None
out["wizard_refused"] = refused

from kcdesk.reports.proposals.pdf import write_proposal_pdf
pdfs = []
for code in codes:
    target = Path(sys.argv[3]) / "p.pdf"
    t0 = time.perf_counter()
    with db.session() as session:
        write_proposal_pdf(session, code, target)
    pdfs.append(ms(t0))
out["proposal_pdf_ms"] = p95(pdfs); out["proposal_pdf_median_ms"] = statistics.median(pdfs)
window.close(); settle(); db.dispose()
print("JSON:" + json.dumps(out))
"""


def measure(db: Path, samples: int = 15) -> dict[str, object]:
    """Run the interactions in a child process on a copy of ``db``."""
    with tempfile.TemporaryDirectory(prefix="kcdesk-bench-ui-") as tmp:
        copy = Path(tmp) / "copy.sqlite"
        shutil.copyfile(db, copy)
        # The cached database's audit chain is keyed: without its key in the data
        # folder every save is refused ("Thiếu khóa nhật ký") and nothing is measured.
        keys = CACHE / "data" / "keys"
        if keys.is_dir():
            shutil.copytree(keys, Path(tmp) / "keys")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KCDESK_DATA_DIR=tmp)
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(copy), str(samples), tmp],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("JSON:")]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"interactions child failed: {proc.stderr[-2000:]}")
        return dict(json.loads(lines[-1][5:]))


if __name__ == "__main__":
    from bench.common import cached_db

    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(json.dumps(measure(cached_db(scale)), indent=2))

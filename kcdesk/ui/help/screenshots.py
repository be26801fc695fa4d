"""Pictures of the app for the user guide, taken by the app itself (ảnh chụp màn hình).

``make screenshots`` (``python -m kcdesk.ui.help.screenshots``) opens each screen on a
fresh demo database, offscreen, in a 1366×768 window — the office laptop of
docs/huong-dan — and saves PNGs into ``docs/huong-dan/anh/``. Run it again after the
screens change so the guide shows what the user sees.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kcdesk import paths

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kcdesk.ui.app_context import AppContext

WIDTH, HEIGHT = 1366, 768
# (file name, what it shows): the images the guide uses, in the order they are taken.
SHOTS: tuple[tuple[str, str], ...] = (
    ("de-an.png", "Sổ đăng ký đề án"),
    ("bang-dieu-khien.png", "Bảng điều khiển chương trình"),
    ("tham-dinh.png", "Thẩm định"),
    ("danh-muc.png", "Danh mục"),
    ("thuc-hien.png", "Thực hiện"),
    ("trao-doi.png", "Trao đổi dữ liệu"),
    ("nhat-ky.png", "Nhật ký"),
    ("cai-dat.png", "Cài đặt"),
    ("trinh-huong-dan.png", "Trình hướng dẫn lập đề án"),
    ("xem-de-an.png", "Cửa sổ xem đề án"),
)
SECTION_SHOTS = dict(
    zip(
        ("proposals", "dashboard", "appraisal", "catalogue", "implementation", "exchange")
        + ("audit", "settings"),
        (name for name, _ in SHOTS[:8]),
        strict=True,
    )
)


def _settle(app: object, worker: object, rounds: int = 30) -> None:
    """Let the worker finish and the event loop draw (lists load on the worker)."""
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    for _ in range(rounds):
        worker.wait()  # type: ignore[attr-defined]
        app.processEvents()


def take(out_dir: Path, *, proposals: int = 300, only: set[str] | None = None) -> list[Path]:
    """Build a demo database in a temporary data folder and save the pictures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    previous = os.environ.get("KCDESK_DATA_DIR")
    from PySide6.QtCore import QRect

    from kcdesk.ui import screen_fit

    # The pictures show the office laptop's screen, whatever screen this machine has.
    real_geometry = screen_fit.available_geometry
    # (Plus the frame a window manager would draw: the picture is the window's content,
    # as maximised on that screen.)
    laptop = QRect(0, 0, WIDTH + screen_fit.FRAME.width(), HEIGHT + screen_fit.FRAME.height())
    screen_fit.available_geometry = lambda widget=None: laptop
    try:
        with tempfile.TemporaryDirectory(prefix="kcdesk-anh-") as tmp:
            os.environ["KCDESK_DATA_DIR"] = tmp
            return _take_in(Path(tmp), out_dir, proposals, only)
    finally:
        screen_fit.available_geometry = real_geometry
        if previous is None:
            os.environ.pop("KCDESK_DATA_DIR", None)
        else:
            os.environ["KCDESK_DATA_DIR"] = previous


def _take_in(tmp: Path, out_dir: Path, proposals: int, only: set[str] | None) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from kcdesk.app import DEMO_SEED, DEMO_YEAR
    from kcdesk.models.db import open_database
    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.services.setup import first_run as setup
    from kcdesk.ui import fonts, vi
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    fonts.register_fonts()
    fonts.apply_ui_font(app)
    translator = vi.install_translator(app)
    db = open_database(tmp / "kcdesk-demo.sqlite", create=True)
    setup.init_database(db)
    setup.add_demo_data(db, proposals=proposals, seed=DEMO_SEED, year=DEMO_YEAR)
    ctx = AppContext(db, SYSTEM)
    window = MainWindow(ctx, demo=True)
    window.resize(WIDTH, HEIGHT)
    window.show()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(widget: QWidget, name: str) -> None:
        if only is not None and name not in only:
            return
        _settle(app, ctx.worker)
        target = out_dir / name
        if not widget.grab().save(str(target), "PNG"):
            raise OSError(f"không ghi được {target}")
        written.append(target)

    try:
        for key, name in SECTION_SHOTS.items():
            if only is not None and name not in only:
                continue
            window.show_section(key)
            save(window, name)
        extra: list[tuple[str, Callable[[], QWidget]]] = [
            ("trinh-huong-dan.png", lambda: _wizard(ctx, window)),
            ("xem-de-an.png", lambda: _proposal_view(ctx, window)),
        ]
        for name, make in extra:
            if only is not None and name not in only:
                continue
            widget = make()
            widget.resize(min(WIDTH - 100, 1100), HEIGHT - 80)
            save(widget, name)
            widget.close()
    finally:
        window.close()
        _settle(app, ctx.worker, 3)
        db.dispose()
        app.removeTranslator(translator)  # the app may be a test's: leave it as found
    return written


def _first_code(ctx: AppContext) -> str:
    from kcdesk.services.proposals import register_query as rq

    with ctx.db.session() as session:
        ids = rq.matching_ids(session, rq.RegisterFilter())
        return str(rq.rows_by_ids(session, ids[:1])[0].code)


def _wizard(ctx: AppContext, parent: QWidget) -> QWidget:
    from kcdesk.ui.wizard.wizard import ProposalWizard

    wizard = ProposalWizard(ctx, parent, None)
    wizard.show()
    return wizard


def _proposal_view(ctx: AppContext, parent: QWidget) -> QWidget:
    from kcdesk.ui.register.proposal_view import ProposalView

    view = ProposalView(ctx, _first_code(ctx), parent)
    view.show()
    return view


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Chụp ảnh màn hình cho hướng dẫn sử dụng.")
    parser.add_argument("--out", type=Path, default=paths.guide_dir() / "anh")
    parser.add_argument("--proposals", type=int, default=300)
    args = parser.parse_args(argv)
    for path in take(args.out, proposals=args.proposals):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

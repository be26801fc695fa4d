"""The user guide (docs/huong-dan): its pictures exist and are the app's own, its links
resolve, F1 opens the page of the screen in front of the user, and it ships in the bundle."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QKeySequence

from kcdesk import paths
from kcdesk.models.db import Database
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.help import screenshots, topics
from kcdesk.ui.sections import SECTIONS

GUIDE = paths.guide_dir()


@pytest.fixture
def ctx(db: Database) -> Iterator[AppContext]:
    context = AppContext(db, SYSTEM)
    yield context
    context.worker.wait()


REPO = Path(__file__).resolve().parent.parent
_LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def _pages() -> list[Path]:
    return sorted(GUIDE.glob("*.md"))


def _links(page: Path) -> list[str]:
    return [m.group(1) for m in _LINK.finditer(page.read_text(encoding="utf-8"))]


def test_the_guide_has_every_page_the_app_opens() -> None:
    assert (GUIDE / topics.INDEX).is_file()
    assert {s.key for s in SECTIONS} == set(topics.SECTION_PAGES)
    for name in [*topics.SECTION_PAGES.values(), *topics.WINDOW_PAGES.values()]:
        assert (GUIDE / name).is_file(), name
    assert (GUIDE / "quan-tri.md").is_file()


def test_every_link_and_image_of_the_guide_resolves() -> None:
    missing = [
        f"{page.name}: {target}"
        for page in _pages()
        for target in _links(page)
        if not target.startswith(("http://", "https://", "mailto:"))
        and not (page.parent / target).exists()
    ]
    assert missing == []


def test_every_picture_the_guide_names_is_taken_by_the_script() -> None:
    named = {Path(t).name for page in _pages() for t in _links(page) if t.startswith("anh/")}
    taken = {name for name, _what in screenshots.SHOTS}
    assert named, "the guide shows no picture"
    assert named <= taken
    for name in named:
        image = QImage(str(GUIDE / "anh" / name))
        assert not image.isNull(), name
        assert image.width() >= 1000, name  # a whole screen, not a thumbnail


def test_the_guide_says_the_rules_sources() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in _pages())
    for source in ("Thông tư 36/2013/TT-BCT", "Thông tư 28/2018/TT-BTC", "30/10", "30/6"):
        assert source in text, source


def test_the_screenshot_script_takes_pictures_of_the_real_screens(qapp, tmp_path: Path) -> None:
    written = screenshots.take(tmp_path, proposals=12, only={"de-an.png", "trinh-huong-dan.png"})
    assert sorted(p.name for p in written) == ["de-an.png", "trinh-huong-dan.png"]
    main = QImage(str(tmp_path / "de-an.png"))
    assert (main.width(), main.height()) == (screenshots.WIDTH, screenshots.HEIGHT)
    # Not a blank picture: the window drew something in many colours.
    colours = {main.pixel(x, y) for x in range(0, main.width(), 37) for y in range(0, 700, 29)}
    assert len(colours) > 5


@pytest.mark.parametrize(
    ("section", "page"), [("appraisal", "03-tham-dinh.md"), ("catalogue", "04-danh-muc.md")]
)
def test_f1_opens_the_page_of_the_current_section(qtbot, ctx, section: str, page: str) -> None:
    from kcdesk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_section(section)
    guide_action = next(
        a
        for menu in window.menuBar().actions()
        for a in menu.menu().actions()
        if a.objectName() == "help_guide"
    )
    assert guide_action.text() == "&Hướng dẫn sử dụng"
    assert guide_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    guide_action.trigger()
    guide = window.guide
    qtbot.addWidget(guide)
    assert guide.current_page.name == page
    heading = (GUIDE / page).read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
    assert heading in guide.browser.toPlainText()
    ctx.worker.wait()


def test_links_between_pages_open_inside_the_guide(qtbot) -> None:
    from PySide6.QtCore import QUrl

    from kcdesk.ui.help.viewer import GuideWindow

    guide = GuideWindow()
    qtbot.addWidget(guide)
    guide.open_page(topics.page_for(None))
    assert guide.current_page.name == "README.md"
    guide._follow(QUrl("06-thuc-hien.md"))
    assert guide.current_page.name == "06-thuc-hien.md"
    assert "nghiệm thu" in guide.browser.toPlainText()
    guide.back_button.click()
    assert guide.current_page.name == "README.md"


def test_the_bundle_ships_the_guide() -> None:
    spec = (REPO / "installer.spec").read_text(encoding="utf-8")
    assert '"docs" / "huong-dan"' in spec and '"docs/huong-dan"' in spec

"""Which page of the guide belongs to which screen (trang hướng dẫn của từng màn hình)."""

from __future__ import annotations

from pathlib import Path

from kcdesk import paths

INDEX = "README.md"

# Section key (kcdesk/ui/sections) → the guide page that explains it.
SECTION_PAGES: dict[str, str] = {
    "proposals": "02-ho-so-va-de-an.md",
    "dashboard": "07-bang-dieu-khien-va-bao-cao.md",
    "appraisal": "03-tham-dinh.md",
    "catalogue": "04-danh-muc.md",
    "implementation": "06-thuc-hien.md",
    "exchange": "08-trao-doi-du-lieu.md",
    "audit": "12-nhat-ky.md",
    "settings": "01-bat-dau.md",
}
# Windows that are not sections.
WINDOW_PAGES: dict[str, str] = {
    "proposal_wizard": "02-ho-so-va-de-an.md",
    "proposal_view": "02-ho-so-va-de-an.md",
    "backup": "09-sao-luu-khoi-phuc.md",
    "pdf_preview": "13-ky-so-va-ban-word.md",
}


def page_for(key: str | None) -> Path:
    """The guide page for a section or window key; the table of contents otherwise."""
    name = SECTION_PAGES.get(key or "") or WINDOW_PAGES.get(key or "") or INDEX
    return paths.guide_dir() / name

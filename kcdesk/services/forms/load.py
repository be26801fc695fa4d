"""The official forms as data: load ``forms/*.toml`` (biểu mẫu của tỉnh), no Qt.

A province's own copy of a file in :func:`kcdesk.paths.user_forms_dir` wins over
the shipped one in :func:`kcdesk.paths.shipped_forms_dir`
(docs/architecture.md#rules-live-in-forms). Loaded definitions are cached per
resolved path and modification time, so an edit of the file is picked up on the
next call without restarting the app.

Typical use::

    activities = load_activities()
    problems = cap_check(activities["may_moc_thiet_bi"], total_cost, support)
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kcdesk import paths
from kcdesk.services.forms.caps import cap_check, support_ceiling
from kcdesk.services.forms.parse import parse_activities, parse_funding_sources, parse_measures
from kcdesk.services.forms.spec import (
    ActivitySpec,
    ChecklistItem,
    FormsError,
    FundingSource,
    MeasureSpec,
    SupportCap,
)

__all__ = [
    "ActivitySpec",
    "ChecklistItem",
    "FormsError",
    "FundingSource",
    "MeasureSpec",
    "SupportCap",
    "cap_check",
    "cached_form",
    "clear_cache",
    "forms_file",
    "load_activities",
    "load_funding_sources",
    "load_measures",
    "load_toml_form",
    "support_ceiling",
]

ACTIVITIES = "activities"
MEASURES = "measures"
FUNDING_SOURCES = "funding_sources"

T = TypeVar("T")
_Stamp = tuple[str, int, int]
_cache: dict[tuple[str, tuple[_Stamp, ...]], Any] = {}


def _file_name(name: str) -> str:
    file_name = name if name.endswith(".toml") else f"{name}.toml"
    if Path(file_name).name != file_name or file_name.startswith("."):
        raise FormsError(f"Tên biểu mẫu «{name}» không hợp lệ: chỉ ghi tên tệp, ví dụ activities.")
    return file_name


def forms_file(name: str) -> Path:
    """The province's copy of ``name`` if present, else the shipped file.

    ``name`` is the file name with or without ``.toml`` ("activities").
    """
    file_name = _file_name(name)
    own = paths.user_forms_dir() / file_name
    if own.is_file():
        return own
    shipped = paths.shipped_forms_dir() / file_name
    if shipped.is_file():
        return shipped
    raise FormsError(
        f"Không tìm thấy tệp biểu mẫu «{file_name}» trong «{paths.user_forms_dir()}» "
        f"lẫn «{paths.shipped_forms_dir()}». Hãy cài lại chương trình hoặc chép tệp gốc vào."
    )


def _nfc(value: Any) -> Any:
    """NFC-normalise every string, keys included, so comparisons and search agree."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {unicodedata.normalize("NFC", key): _nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    return value


def _read(path: Path) -> dict[str, Any]:
    try:
        # utf-8-sig: Windows Notepad may save the province's copy with a BOM.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormsError(
            f"Tệp biểu mẫu «{path}» không phải văn bản UTF-8 ({exc.reason}). "
            "Hãy mở tệp và lưu lại với bảng mã UTF-8."
        ) from exc
    except OSError as exc:
        raise FormsError(
            f"Không đọc được tệp biểu mẫu «{path}» ({exc.strerror or exc}). "
            "Hãy kiểm tra tệp còn tồn tại và có quyền đọc."
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormsError(
            f"Tệp biểu mẫu «{path}» sai cú pháp TOML ({exc}). Hãy sửa dòng được nêu, "
            "hoặc xoá bản sao của tỉnh để dùng lại tệp gốc."
        ) from exc
    normalised: dict[str, Any] = _nfc(data)
    return normalised


def load_toml_form(name: str) -> dict[str, Any]:
    """Read ``forms_file(name)``: every string NFC, ``FormsError`` on bad TOML."""
    return _read(forms_file(name))


def read_shipped(name: str) -> dict[str, Any]:
    """The shipped copy of ``name`` (not the province's), read like ``load_toml_form``."""
    return _read(paths.shipped_forms_dir() / _file_name(name))


def _stamp(path: Path) -> _Stamp:
    resolved = path.resolve()
    try:
        stat = resolved.stat()
    except OSError as exc:
        raise FormsError(f"Không đọc được tệp biểu mẫu «{path}» ({exc.strerror or exc}).") from exc
    # Size joins mtime: two quick edits within the clock's resolution still differ.
    return (str(resolved), stat.st_mtime_ns, stat.st_size)


def _cached(kind: str, files: list[Path], build: Callable[[], T]) -> T:
    key = (kind, tuple(_stamp(path) for path in files))
    if key not in _cache:
        # Drop older versions of the same form so the cache does not grow with edits.
        for old in [k for k in _cache if k[0] == kind]:
            del _cache[old]
        _cache[key] = build()
    result: T = _cache[key]
    return result


def cached_form(name: str, build: Callable[[dict[str, Any]], T]) -> T:
    """``build(load_toml_form(name))``, kept until the file changes (the wizard reads the
    proposal template at each opening and each page check: issue 24)."""
    path = forms_file(name)
    return _cached(f"form:{_file_name(name)}", [path], lambda: build(_read(path)))


def clear_cache() -> None:
    """Forget every loaded form (tests, or after restoring a backup of the forms folder)."""
    _cache.clear()


def load_measures() -> dict[str, MeasureSpec]:
    """Đơn vị đo kết quả from ``measures.toml``, in file order."""
    path = forms_file(MEASURES)
    specs = _cached(MEASURES, [path], lambda: parse_measures(_read(path), path))
    return dict(specs)


def load_funding_sources() -> dict[str, FundingSource]:
    """Nguồn kinh phí from ``funding_sources.toml``, in file order."""
    path = forms_file(FUNDING_SOURCES)
    specs = _cached(FUNDING_SOURCES, [path], lambda: parse_funding_sources(_read(path), path))
    return dict(specs)


def load_activities() -> dict[str, ActivitySpec]:
    """Nội dung hoạt động khuyến công, ordered by ``group_order``.

    Outputs are checked against the measures in force and caps against the funding
    sources, so the cache also keys on those files.
    """
    path = forms_file(ACTIVITIES)
    measures_path = forms_file(MEASURES)
    sources_path = forms_file(FUNDING_SOURCES)
    specs = _cached(
        ACTIVITIES,
        [path, measures_path, sources_path],
        lambda: parse_activities(_read(path), path, load_measures(), load_funding_sources()),
    )
    return dict(specs)

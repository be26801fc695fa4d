"""Programme preset files (tệp chương trình khuyến công giai đoạn) read from TOML.

A province's five-year programme — its decision, budget and targets (chỉ tiêu) —
ships as one TOML file under ``resources/programmes/``. This module reads such a
file into frozen specs and refuses a malformed one with a Vietnamese message that
names the file and the field to fix. Whether the figures *add up* is a separate
question, answered by :func:`kcdesk.services.programmes.check.check_programme`,
because a real decision can be internally inconsistent and
must still load exactly as published.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from kcdesk.paths import resources_dir
from kcdesk.services.core.errors import UserError

__all__ = [
    "FORMAT_VERSION",
    "KNOWN_ACTIVITIES",
    "KNOWN_MEASURES",
    "BudgetSpec",
    "ProgrammeFileError",
    "ProgrammeSpec",
    "TargetSpec",
    "load_programme_file",
    "parse_programme",
    "preset_paths",
]

FORMAT_VERSION = 1

# Nội dung hoạt động khuyến công: the activity codes a target may name.
KNOWN_ACTIVITIES: frozenset[str] = frozenset(
    {
        "dao_tao_nghe",
        "nang_cao_nang_luc_quan_ly",
        "mo_hinh_trinh_dien",
        "may_moc_thiet_bi",
        "binh_chon_san_pham",
        "hoi_cho_trien_lam",
        "phong_trung_bay",
        "thuong_hieu_nhan_hieu",
        "tu_van",
        "thong_tin_truyen_thong",
        "lien_doanh_lien_ket",
        "cum_cong_nghiep",
        "xu_ly_o_nhiem_moi_truong",
        "san_xuat_sach_hon",
        "chuyen_doi_so",
        "hop_tac_quoc_te",
        "nang_luc_khuyen_cong",
    }
)

# What a target counts (đề án, cơ sở, mô hình, ...).
KNOWN_MEASURES: frozenset[str] = frozenset(
    {
        "proposals",
        "facilities",
        "models",
        "machines",
        "classes",
        "learners",
        "products",
        "contests",
        "fairs",
        "booths",
        "showrooms",
        "events",
        "publications",
        "brands",
        "clusters",
        "jobs",
        "other",
    }
)


@dataclass(frozen=True)
class TargetSpec:
    """One target of the programme (chỉ tiêu / nội dung của chương trình)."""

    code: str
    group: str
    name: str
    unit: str
    quantity: int | None
    activities: tuple[str, ...]
    measure: str
    parts: tuple[str, ...]
    budget: int | None
    note: str


@dataclass(frozen=True)
class BudgetSpec:
    """Kinh phí thực hiện chương trình, int đồng; None where the decision says nothing."""

    national: int | None
    local: int | None
    other: int | None
    total: int | None
    by_year: dict[int, int]
    by_activity: dict[str, int]


@dataclass(frozen=True)
class ProgrammeSpec:
    """Chương trình khuyến công giai đoạn, as published in its decision."""

    code: str
    name: str
    province: str
    start_year: int
    end_year: int
    decision_no: str | None
    decision_date: date | None
    issuer: str
    source: str
    note: str
    budget: BudgetSpec
    targets: tuple[TargetSpec, ...]


class ProgrammeFileError(UserError, ValueError):
    """The programme file cannot be read; the message names the file and what to fix."""


_TOP_KEYS = frozenset(
    {
        "format",
        "code",
        "name",
        "province",
        "start_year",
        "end_year",
        "decision_no",
        "decision_date",
        "issuer",
        "source",
        "note",
        "budget",
        "target",
    }
)
_BUDGET_KEYS = frozenset({"national", "local", "other", "total", "by_year", "by_activity"})
# The fields of a [[target]] entry, in file order (the XLSX columns follow it).
TARGET_FIELDS = (
    "code",
    "group",
    "name",
    "unit",
    "quantity",
    "activities",
    "measure",
    "parts",
    "budget",
    "note",
)
_TARGET_KEYS = frozenset(TARGET_FIELDS)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


class _Reader:
    """Typed access to one table of the file; every error names the file and the field."""

    def __init__(self, data: Mapping[str, Any], source: str, where: str, allowed: frozenset[str]):
        self.data = data
        self.source = source
        self.where = where
        unknown = sorted(str(key) for key in data if key not in allowed)
        if unknown:
            self.fail(
                f"khóa không hợp lệ {', '.join(f'«{k}»' for k in unknown)}; "
                f"chỉ dùng các khóa: {', '.join(sorted(allowed))}"
            )

    def fail(self, what: str) -> NoReturn:
        place = f"Tệp chương trình «{self.source}»" if self.source else "Tệp chương trình"
        raise ProgrammeFileError(f"{place}: {self.where}{what}.")

    def _field(self, key: str) -> str:
        return f"«{key}»"

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(f"thiếu {self._field(key)} (chuỗi văn bản, bắt buộc)")
            return default
        if not isinstance(value, str):
            self.fail(f"{self._field(key)} phải là chuỗi văn bản trong dấu ngoặc kép")
        value = _nfc(value)
        if required and not value:
            self.fail(f"{self._field(key)} không được để trống")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) or None

    def integer(self, key: str, *, required: bool = False, money: bool = False) -> int | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(f"thiếu {self._field(key)} (số nguyên, bắt buộc)")
            return None
        return self.check_int(value, self._field(key), money=money)

    def check_int(self, value: object, label: str, *, money: bool = False) -> int:
        if isinstance(value, float):
            if money:
                self.fail(
                    f"{label} là số tiền nên phải là số nguyên đồng, không có phần thập phân "
                    f"(đang ghi {value!r}; hãy ghi ví dụ 36_383_000_000)"
                )
            self.fail(f"{label} phải là số nguyên, không có phần thập phân (đang ghi {value!r})")
        # bool is an int subclass in Python: refuse ``true`` where a number belongs.
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{label} phải là số nguyên (đang ghi {value!r})")
        if value < 0:
            self.fail(f"{label} không được âm (đang ghi {value})")
        return value

    def date(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None:
            return None
        # A TOML datetime loads as datetime (a date subclass); a decision has only a day.
        if isinstance(value, datetime) or not isinstance(value, date):
            self.fail(f"{self._field(key)} phải là ngày dạng NNNN-TT-NN, không có dấu ngoặc kép")
        return value

    def code_list(self, key: str, known: frozenset[str] | None = None) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(f'{self._field(key)} phải là danh sách chuỗi, ví dụ ["may_moc_thiet_bi"]')
        codes = tuple(_nfc(item) for item in value)
        if known is not None:
            unknown = [code for code in codes if code not in known]
            if unknown:
                self.fail(
                    f"mã hoạt động không có trong danh mục: {', '.join(f'«{c}»' for c in unknown)}; "
                    f"các mã hợp lệ: {', '.join(sorted(known))}"
                )
        return codes

    def table(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key, {})
        if not isinstance(value, Mapping):
            self.fail(f"{self._field(key)} phải là một bảng [{key}]")
        return value


def _parse_budget(data: Mapping[str, Any], source: str) -> BudgetSpec:
    reader = _Reader(data, source, "[budget]: ", _BUDGET_KEYS)
    by_year: dict[int, int] = {}
    for key, value in reader.table("by_year").items():
        if not re.fullmatch(r"[0-9]{4}", str(key)):
            reader.fail(f'trong [budget.by_year], khóa «{key}» phải là một năm, ví dụ "2026"')
        by_year[int(key)] = reader.check_int(value, f"«by_year.{key}»", money=True)
    by_activity: dict[str, int] = {}
    for key, value in reader.table("by_activity").items():
        code = _nfc(str(key))
        if code not in KNOWN_ACTIVITIES:
            reader.fail(
                f"trong [budget.by_activity], mã hoạt động «{code}» không có trong danh mục; "
                f"các mã hợp lệ: {', '.join(sorted(KNOWN_ACTIVITIES))}"
            )
        by_activity[code] = reader.check_int(value, f"«by_activity.{code}»", money=True)
    return BudgetSpec(
        national=reader.integer("national", money=True),
        local=reader.integer("local", money=True),
        other=reader.integer("other", money=True),
        total=reader.integer("total", money=True),
        by_year=by_year,
        by_activity=by_activity,
    )


def _parse_target(data: object, index: int, source: str) -> TargetSpec:
    where = f"chỉ tiêu thứ {index} ([[target]]): "
    if not isinstance(data, Mapping):
        _Reader({}, source, where, _TARGET_KEYS).fail("phải là một bảng [[target]]")
    code = data.get("code")
    if isinstance(code, str) and _nfc(code):
        where = f"chỉ tiêu thứ {index} (mã «{_nfc(code)}»): "
    reader = _Reader(data, source, where, _TARGET_KEYS)
    measure = reader.text("measure", required=True)
    if measure not in KNOWN_MEASURES:
        reader.fail(
            f"«measure» = «{measure}» không có trong danh mục; "
            f"các giá trị hợp lệ: {', '.join(sorted(KNOWN_MEASURES))}"
        )
    return TargetSpec(
        code=reader.text("code", required=True),
        group=reader.text("group"),
        name=reader.text("name", required=True),
        unit=reader.text("unit"),
        quantity=reader.integer("quantity"),
        activities=reader.code_list("activities", KNOWN_ACTIVITIES),
        measure=measure,
        parts=reader.code_list("parts"),
        budget=reader.integer("budget", money=True),
        note=reader.text("note"),
    )


def parse_programme(data: Mapping[str, Any], source: str = "") -> ProgrammeSpec:
    """Build a :class:`ProgrammeSpec` from loaded TOML data; ``source`` names the file in errors."""
    reader = _Reader(data, source, "", _TOP_KEYS)
    version = reader.integer("format", required=True)
    if version != FORMAT_VERSION:
        reader.fail(
            f"«format» = {version} không được hỗ trợ; phiên bản này đọc «format = {FORMAT_VERSION}»"
        )
    raw_targets = data.get("target", [])
    if not isinstance(raw_targets, list):
        reader.fail("«target» phải là danh sách các bảng [[target]]")
    targets = tuple(
        _parse_target(item, index, source) for index, item in enumerate(raw_targets, start=1)
    )
    seen: set[str] = set()
    for target in targets:
        if target.code in seen:
            reader.fail(f"mã chỉ tiêu «{target.code}» bị trùng; mỗi [[target]] cần một mã riêng")
        seen.add(target.code)
    return ProgrammeSpec(
        code=reader.text("code", required=True),
        name=reader.text("name", required=True),
        province=reader.text("province", required=True),
        start_year=_year(reader, "start_year"),
        end_year=_year(reader, "end_year"),
        decision_no=reader.optional_text("decision_no"),
        decision_date=reader.date("decision_date"),
        issuer=reader.text("issuer"),
        source=reader.text("source"),
        note=reader.text("note"),
        budget=_parse_budget(reader.table("budget"), source),
        targets=targets,
    )


def _year(reader: _Reader, key: str) -> int:
    year = reader.integer(key, required=True)
    if year is None or not 1900 <= year <= 2200:
        reader.fail(f"«{key}» = {year} không phải một năm hợp lệ")
    return year


def load_programme_file(path: Path) -> ProgrammeSpec:
    """Read a programme file (UTF-8 TOML); any problem raises :class:`ProgrammeFileError`."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProgrammeFileError(
            f"Không mở được tệp chương trình «{name}»: {exc.strerror or exc}."
        ) from exc
    try:
        # Notepad on Windows may prepend a BOM, which tomllib refuses.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgrammeFileError(
            f"Tệp chương trình «{name}» không phải văn bản UTF-8 (byte lỗi ở vị trí {exc.start}); "
            "hãy lưu lại tệp với bảng mã UTF-8."
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        position = f" ở dòng {match[1]}, cột {match[2]}" if match else ""
        raise ProgrammeFileError(
            f"Tệp chương trình «{name}» sai cú pháp TOML{position} ({exc}); "
            "hãy sửa dòng đó (chuỗi trong dấu ngoặc kép, mỗi khóa dạng ten = gia_tri)."
        ) from exc
    return parse_programme(data, name)


def preset_paths() -> list[Path]:
    """The shipped programme presets, ``resources/programmes/*.toml``, sorted by name."""
    folder = resources_dir() / "programmes"
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.toml"))

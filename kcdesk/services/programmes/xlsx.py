"""Programme files as XLSX (tệp chương trình dạng Excel), same columns as the TOML preset.

Sheet «Chương trình»: one row per key, column A the key (``code``, ``name``,
``province``, ``start_year``, ``end_year``, ``decision_no``, ``decision_date``,
``issuer``, ``source``, ``note``, ``budget.national``, ``budget.local``,
``budget.other``, ``budget.total``, ``budget.by_year.2026``,
``budget.by_activity.may_moc_thiet_bi`` …), column B the value.
Sheet «Chỉ tiêu»: a header row with the [[target]] keys (``code``, ``group``,
``name``, ``unit``, ``quantity``, ``activities``, ``measure``, ``parts``,
``budget``, ``note``), then one row per target; ``activities`` and ``parts`` are
comma-separated codes. The rows become the same data the TOML file gives, so the
same parser checks them and the same Vietnamese messages name what to fix.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kcdesk.formatting import parse_date
from kcdesk.services.core.xlsx_safe import secure_workbook
from kcdesk.services.programmes.file import (
    FORMAT_VERSION,
    TARGET_FIELDS,
    ProgrammeFileError,
    ProgrammeSpec,
    parse_programme,
)

PROGRAMME_SHEET = "Chương trình"
TARGET_SHEET = "Chỉ tiêu"
TARGET_COLUMNS = TARGET_FIELDS
_LIST_COLUMNS = frozenset({"activities", "parts"})


def _cell(value: Any) -> Any:
    """Excel gives floats for whole numbers typed in some locales and datetimes for dates."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _date_text(text: str, name: str) -> date:
    """A date typed as text in Excel ("28/11/2025")."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ProgrammeFileError(
            f"Tệp Excel chương trình «{name}»: «decision_date» = «{text}» không phải ngày "
            "hợp lệ; hãy ghi dạng NN/TT/NNNN, ví dụ 28/11/2025."
        ) from exc


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in str(value).replace(";", ",").split(",") if part.strip()]


def read_programme_xlsx(path: Path) -> ProgrammeSpec:
    """Read an XLSX programme file; problems raise :class:`ProgrammeFileError`."""
    name = str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
        raise ProgrammeFileError(
            f"Không mở được tệp Excel chương trình «{name}»: {exc}. "
            "Hãy lưu tệp dưới dạng .xlsx (Excel 2007 trở lên)."
        ) from exc
    try:
        for sheet in (PROGRAMME_SHEET, TARGET_SHEET):
            if sheet not in workbook.sheetnames:
                raise ProgrammeFileError(
                    f"Tệp Excel chương trình «{name}» thiếu trang «{sheet}»; "
                    f"cần hai trang «{PROGRAMME_SHEET}» và «{TARGET_SHEET}»."
                )
        data: dict[str, Any] = {"format": FORMAT_VERSION}
        budget: dict[str, Any] = {}
        for row in workbook[PROGRAMME_SHEET].iter_rows(values_only=True):
            if not row or row[0] is None:
                continue
            key = str(row[0]).strip()
            value = _cell(row[1]) if len(row) > 1 else None
            if value is None or key.startswith("#"):
                continue
            if key.startswith("budget."):
                parts = key.split(".")
                if len(parts) == 3 and parts[1] in ("by_year", "by_activity"):
                    budget.setdefault(parts[1], {})[parts[2]] = value
                else:
                    budget[parts[1]] = value
            elif key == "decision_date" and isinstance(value, str):
                data[key] = _date_text(value, name)
            else:
                data[key] = value
        data["budget"] = budget
        rows = list(workbook[TARGET_SHEET].iter_rows(values_only=True))
    finally:
        workbook.close()
    data["target"] = _targets(rows, name)
    return parse_programme(data, name)


def _targets(rows: list[tuple[Any, ...]], name: str) -> list[dict[str, Any]]:
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    if "code" not in header or "name" not in header:
        raise ProgrammeFileError(
            f"Tệp Excel chương trình «{name}»: dòng đầu trang «{TARGET_SHEET}» phải là tên "
            f"cột: {', '.join(TARGET_COLUMNS)}."
        )
    targets: list[dict[str, Any]] = []
    for row in rows[1:]:
        values = {key: _cell(value) for key, value in zip(header, row, strict=False) if key}
        if all(value is None for value in values.values()):
            continue
        target: dict[str, Any] = {}
        for key, value in values.items():
            if key in _LIST_COLUMNS:
                target[key] = _codes(value)
            elif value is not None:
                target[key] = str(value) if key in ("code", "unit") else value
        targets.append(target)
    return targets


def write_programme_xlsx(spec: ProgrammeSpec, path: Path | BinaryIO) -> None:
    """Write ``spec`` in the import layout (a template the user can edit and import)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = PROGRAMME_SHEET
    rows: list[tuple[str, Any]] = [
        ("code", spec.code),
        ("name", spec.name),
        ("province", spec.province),
        ("start_year", spec.start_year),
        ("end_year", spec.end_year),
        ("decision_no", spec.decision_no),
        ("decision_date", spec.decision_date),
        ("issuer", spec.issuer),
        ("source", spec.source),
        ("note", spec.note),
        ("budget.national", spec.budget.national),
        ("budget.local", spec.budget.local),
        ("budget.other", spec.budget.other),
        ("budget.total", spec.budget.total),
    ]
    rows += [(f"budget.by_year.{y}", v) for y, v in sorted(spec.budget.by_year.items())]
    rows += [(f"budget.by_activity.{k}", v) for k, v in spec.budget.by_activity.items()]
    for key, value in rows:
        sheet.append([key, value if value != "" else None])
        if isinstance(value, date):
            sheet.cell(row=sheet.max_row, column=2).number_format = "DD/MM/YYYY"
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 90
    targets = workbook.create_sheet(TARGET_SHEET)
    targets.append(list(TARGET_COLUMNS))
    for t in spec.targets:
        targets.append(
            [
                t.code,
                t.group or None,
                t.name,
                t.unit or None,
                t.quantity,
                ", ".join(t.activities) or None,
                t.measure,
                ", ".join(t.parts) or None,
                t.budget,
                t.note or None,
            ]
        )
    for letter, width in zip("ABCDEFGHIJ", (10, 40, 60, 14, 10, 40, 14, 30, 16, 40), strict=True):
        targets.column_dimensions[letter].width = width
    # Names and notes are user text: a target named "=HYPERLINK(…)" stays text.
    secure_workbook(workbook)
    workbook.save(path)

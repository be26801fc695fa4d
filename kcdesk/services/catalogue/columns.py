"""The catalogue's columns and titles as data (``forms/catalogue_columns.toml``).

The XLSX and PDF writers and the screen all read the same definitions, so a
province that renames or narrows a column changes every output at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from kcdesk.services.forms.load import FormsError, forms_file, load_toml_form

ColumnKind = Literal["index", "text", "money"]

# Every key a column may name: the fields of a catalogue entry.
KNOWN_KEYS = (
    "stt",
    "title",
    "implementing_unit",
    "beneficiary",
    "location",
    "period",
    "total_cost",
    "support",
    "counterpart",
    "other_funds",
    "note",
)
MONEY_KEYS = ("total_cost", "support", "counterpart", "other_funds")


@dataclass(frozen=True)
class ColumnSpec:
    """One printed column (cột danh mục)."""

    key: str
    label: str
    width: float
    pdf_width: float
    kind: ColumnKind


@dataclass(frozen=True)
class CatalogueForm:
    """Titles and columns of the catalogue."""

    title: str
    subtitle: str
    unit_note: str
    columns: tuple[ColumnSpec, ...]

    def title_for(self, year: int) -> str:
        return self.title.format(year=year)

    def subtitle_for(self, source_label: str) -> str:
        return self.subtitle.format(source=source_label) if self.subtitle else ""

    @property
    def money_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.kind == "money")


def _column(raw: dict[str, Any], where: str) -> ColumnSpec:
    key = str(raw.get("key", ""))
    if key not in KNOWN_KEYS:
        raise FormsError(
            f"{where}: cột có key «{key}» không hợp lệ. Các key dùng được: {', '.join(KNOWN_KEYS)}."
        )
    kind = str(raw.get("kind", "money" if key in MONEY_KEYS else "text"))
    if kind not in ("index", "text", "money"):
        raise FormsError(f"{where}: cột «{key}» có kind «{kind}»; chỉ dùng index, text, money.")
    if (kind == "money") != (key in MONEY_KEYS):
        raise FormsError(f'{where}: cột «{key}» phải có kind = "money" khi và chỉ khi là số tiền.')
    try:
        width = float(raw.get("width", 12))
        pdf_width = float(raw.get("pdf_width", width / 2))
    except (TypeError, ValueError) as exc:
        raise FormsError(f"{where}: độ rộng cột «{key}» phải là số.") from exc
    if width <= 0 or pdf_width <= 0:
        raise FormsError(f"{where}: độ rộng cột «{key}» phải lớn hơn 0.")
    return ColumnSpec(
        key=key,
        label=str(raw.get("label", key)),
        width=width,
        pdf_width=pdf_width,
        kind=kind,  # type: ignore[arg-type]
    )


def load_catalogue_form() -> CatalogueForm:
    """Read the (province's or shipped) ``catalogue_columns.toml``."""
    data = load_toml_form("catalogue_columns")
    where = str(forms_file("catalogue_columns"))
    head = data.get("catalogue", {})
    raw_columns = data.get("column", [])
    if not isinstance(raw_columns, list) or not raw_columns:
        raise FormsError(f"{where}: cần ít nhất một [[column]].")
    columns = tuple(_column(raw, where) for raw in raw_columns)
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        raise FormsError(f"{where}: một key cột xuất hiện hai lần.")
    if "title" not in keys:
        raise FormsError(f"{where}: danh mục phải có cột «title» (tên đề án).")
    return CatalogueForm(
        title=str(head.get("title", "Danh mục đề án khuyến công năm {year}")),
        subtitle=str(head.get("subtitle", "")),
        unit_note=str(head.get("unit_note", "Đơn vị tính: đồng")),
        columns=columns,
    )


def label_span(form: CatalogueForm) -> tuple[int, int]:
    """0-based columns a group label spans: the title column and the text columns after it."""
    keys = [c.key for c in form.columns]
    start = keys.index("title") if "title" in keys else 0
    end = start
    while end + 1 < len(keys) and form.columns[end + 1].kind == "text":
        end += 1
    return start, end

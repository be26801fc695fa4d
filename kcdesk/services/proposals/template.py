"""The Phụ lục II proposal template as data (``forms/proposal_template.toml``).

Pages, fields and printed sections with their Vietnamese labels, help texts and
required flags. The wizard, the validators and the printed proposal read these
objects, so a province's copy of the file changes all three
(docs/architecture.md#rules-live-in-forms).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kcdesk.services.forms import load as forms
from kcdesk.services.forms.spec import FormsError

TEMPLATE = "proposal_template"

# The keys the program knows: a province may relabel and reorder, never rename.
PAGE_KEYS = (
    "general",
    "beneficiaries",
    "need",
    "schedule",
    "budget",
    "outcomes",
    "dossier",
    "review",
)
FIELD_KEYS = (
    "title",
    "plan_year",
    "activity",
    "funding_source",
    "implementing_unit",
    "partner_unit",
    "location",
    "commune",
    "start_month",
    "end_month",
    "facilities",
    "necessity",
    "legal_basis",
    "objectives",
    "scale",
    "organisation",
    "schedule",
    "budget_lines",
    "outputs",
    "effect_economic",
    "effect_social",
    "effect_environment",
    "sustainability",
    "documents",
)


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    help: str


@dataclass(frozen=True)
class FieldSpec:
    key: str
    page: str
    label: str
    help: str
    required: bool


@dataclass(frozen=True)
class SectionSpec:
    key: str
    heading: str
    source: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ProposalTemplate:
    title: str
    source: str
    pages: tuple[PageSpec, ...]
    fields: dict[str, FieldSpec]
    sections: tuple[SectionSpec, ...]

    def page(self, key: str) -> PageSpec:
        for page in self.pages:
            if page.key == key:
                return page
        raise KeyError(key)

    def fields_of(self, page: str) -> list[FieldSpec]:
        return [f for f in self.fields.values() if f.page == page]

    def label(self, key: str) -> str:
        spec = self.fields.get(key)
        return spec.label if spec is not None else key

    def page_of(self, field_key: str) -> str:
        """The wizard page of a problem's field key (``budget_lines[2].support`` → budget)."""
        base = field_key.split("[", 1)[0].split(".", 1)[0]
        spec = self.fields.get(base)
        if spec is None and base in _EXTRA_PAGES:
            return _EXTRA_PAGES[base]
        return spec.page if spec is not None else "review"


# Fields of the cap and target rules (issue 18) that the template does not list: the
# wizard page that edits each.
_EXTRA_PAGES = {
    "whole_line": "budget",
    "cap_kind": "budget",
    "programme": "outcomes",
    "target_outputs": "outcomes",
}


def _text(entry: dict[str, Any], name: str, where: str, *, default: str | None = None) -> str:
    value = entry.get(name, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise FormsError(f"Mẫu đề án ({where}): thiếu «{name}» hoặc không phải chữ.")
    return value


def parse_template(data: dict[str, Any]) -> ProposalTemplate:
    """Check and type the raw TOML; Vietnamese FormsError naming what to fix."""
    pages: list[PageSpec] = []
    for n, entry in enumerate(data.get("page", []), 1):
        where = f"[[page]] thứ {n}"
        key = _text(entry, "key", where)
        if key not in PAGE_KEYS:
            raise FormsError(f"Mẫu đề án ({where}): trang «{key}» không có; dùng {PAGE_KEYS}.")
        pages.append(
            PageSpec(key, _text(entry, "title", where), _text(entry, "help", where, default=""))
        )
    missing_pages = [k for k in PAGE_KEYS if k not in {p.key for p in pages}]
    if missing_pages:
        raise FormsError(f"Mẫu đề án thiếu trang: {', '.join(missing_pages)}.")
    fields: dict[str, FieldSpec] = {}
    for n, entry in enumerate(data.get("field", []), 1):
        where = f"[[field]] thứ {n}"
        key = _text(entry, "key", where)
        if key not in FIELD_KEYS:
            raise FormsError(f"Mẫu đề án ({where}): trường «{key}» không có trong chương trình.")
        page = _text(entry, "page", where)
        if page not in PAGE_KEYS:
            raise FormsError(f"Mẫu đề án ({where}): trang «{page}» không có.")
        required = entry.get("required", False)
        if not isinstance(required, bool):
            raise FormsError(f"Mẫu đề án ({where}): «required» phải là true hoặc false.")
        fields[key] = FieldSpec(
            key,
            page,
            _text(entry, "label", where),
            _text(entry, "help", where, default=""),
            required,
        )
    _add_later_fields(data, fields)
    missing = [k for k in FIELD_KEYS if k not in fields]
    if missing:
        raise FormsError(f"Mẫu đề án thiếu trường: {', '.join(missing)}.")
    sections: list[SectionSpec] = []
    for n, entry in enumerate(data.get("section", []), 1):
        where = f"[[section]] thứ {n}"
        names = entry.get("fields", [])
        unknown = [f for f in names if f not in fields]
        if unknown:
            raise FormsError(f"Mẫu đề án ({where}): trường không có: {', '.join(unknown)}.")
        sections.append(
            SectionSpec(
                _text(entry, "key", where),
                _text(entry, "heading", where),
                _text(entry, "source", where, default=""),
                tuple(names),
            )
        )
    if not sections:
        raise FormsError("Mẫu đề án chưa có phần nào để in ([[section]]).")
    return ProposalTemplate(
        title=_text(data, "title", "đầu tệp"),
        source=_text(data, "source", "đầu tệp", default=""),
        pages=tuple(pages),
        fields=fields,
        sections=tuple(sections),
    )


# Fields added after provinces may have copied the file (sustainability, issue 17): a
# copy without one keeps working, the field and its place in print taken from the
# shipped template instead of refusing the whole form.
LATER_FIELDS = ("sustainability",)


def _add_later_fields(data: dict[str, Any], fields: dict[str, FieldSpec]) -> None:
    absent = [k for k in LATER_FIELDS if k not in fields]
    if not absent:
        return
    shipped = forms.read_shipped(TEMPLATE)
    for entry in shipped.get("field", []):
        key = entry.get("key")
        if key not in absent:
            continue
        fields[key] = FieldSpec(
            key,
            entry["page"],
            entry["label"],
            entry.get("help", ""),
            bool(entry.get("required", False)),
        )
        for section in shipped.get("section", []):
            if key not in section.get("fields", []):
                continue
            for own in data.get("section", []):
                if own.get("key") == section.get("key") and key not in own.get("fields", []):
                    own["fields"] = [*own.get("fields", []), key]


def load_template() -> ProposalTemplate:
    """The province's copy of the template if present, else the shipped one (parsed
    once per version of the file)."""
    return forms.cached_form(TEMPLATE, parse_template)

"""Import the Centre's old Excel lists of proposals (nhập danh sách Excel cũ).

``analyse`` reads a sheet, finds its header (one or two rows, merged cells), maps
the columns by their Vietnamese names (the user may correct any of them), reads
group rows as activities and skips total rows, and checks every row: nothing is
written. ``apply_import`` then creates the valid rows' proposals — with their
beneficiaries, reused by tax code or by folded name and commune — in the chosen
status, recording the status change and an audit event as history. Rows with
errors are never imported, and a row already imported (same identity, see
``xlsx_import_rows``) is skipped, so importing the same file twice creates nothing.

The plan year comes from a year column, else from the user, else from the title
("… NĂM 2026").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcdesk.models import (
    APPROVED_OR_LATER,
    BudgetLine,
    Facility,
    Proposal,
    ProposalFacility,
    ProposalStatus,
    StatusChange,
    new_uuid,
    utcnow,
)
from kcdesk.models.catalogue import ImportedRow
from kcdesk.services.communes.resolve import resolve
from kcdesk.services.core import audit, settings
from kcdesk.services.core.errors import UserError, ValidationError
from kcdesk.services.forms.load import load_activities, load_funding_sources
from kcdesk.services.imports.header import (
    FIELDS,
    REQUIRED_FIELDS,
    ColumnInfo,
    Header,
    apply_corrections,
    detect_header,
)
from kcdesk.services.imports.read import read_sheet, sheet_names
from kcdesk.services.imports.rows import ImportRow, identity_key, parse_rows
from kcdesk.services.imports.values import (
    facility_kind,
    text_value,
    unit_multiplier,
    year_in_text,
)
from kcdesk.services.proposals.lookup import format_code, next_code, recompute_totals
from kcdesk.services.proposals.search import facility_search_text, proposal_search_text
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import PROPOSAL_EDIT, require
from kcdesk.text import fold

__all__ = [
    "FIELDS",
    "ImportPreview",
    "ImportResult",
    "analyse",
    "apply_import",
    "sheet_names",
]

Progress = Callable[[int, int, str], None]
BUDGET_ITEM = "Kinh phí thực hiện đề án (theo danh sách Excel nhập vào)"


@dataclass
class ImportPreview:
    """What an import would do; nothing has been written."""

    path: Path
    sheet: str
    sheets: list[str]
    header_rows: tuple[int, ...]  # Excel row numbers
    columns: tuple[ColumnInfo, ...]
    rows: list[ImportRow]
    year_from_title: int | None
    multiplier: int
    group_rows: int
    total_rows: int

    @property
    def mapping(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.columns:
            if c.field is not None:
                out.setdefault(c.field, c.index)
        return out

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]

    def errors(self) -> list[dict[str, object]]:
        return [{"row": r.row, "message": "; ".join(r.errors)} for r in self.error_rows]


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    codes: list[str] = field(default_factory=list)
    facilities_created: int = 0


def analyse(
    path: Path,
    *,
    sheet: str | None = None,
    corrections: dict[str, int | None] | None = None,
    year: int | None = None,
    default_activity: str | None = None,
) -> ImportPreview:
    """Read and check ``path`` (no database access)."""
    activities = load_activities()
    if default_activity is not None and default_activity not in activities:
        raise ValidationError(f"Nội dung hoạt động «{default_activity}» không có trong danh mục.")
    data = read_sheet(path, sheet)
    header = detect_header(data)
    if header is None:
        if not corrections:
            raise UserError(
                f"Không tìm thấy dòng tiêu đề (có cột «Tên đề án») trong trang «{data.name}». "
                "Hãy chọn trang khác hoặc chỉ rõ các cột."
            )
        header = Header(rows=(), columns=(), first_data_row=0)
    if corrections:
        try:
            header = apply_corrections(header, corrections)
        except ValueError as exc:
            raise ValidationError(f"Không có trường «{exc}» để ghép cột.") from exc
    missing = [FIELDS[f][0] for f in REQUIRED_FIELDS if f not in header.mapping]
    if missing:
        raise ValidationError(f"Chưa ghép được cột: {', '.join(missing)}.")
    above = header.rows[0] if header.rows else header.first_data_row
    title_text = " ".join(text_value(v) for r in data.rows[:above] for v in r if v is not None)
    labels = " ".join(c.label for c in header.columns)
    # "Đơn vị tính: triệu đồng" above the table, or "(triệu đồng)" in a header label.
    multiplier = unit_multiplier(title_text)
    if multiplier == 1:
        multiplier = unit_multiplier(labels)
    title_year = year_in_text(title_text)
    parsed = parse_rows(
        data,
        header,
        activities,
        year=year if year is not None else title_year,
        default_activity=default_activity,
        multiplier=multiplier,
    )
    return ImportPreview(
        path=path,
        sheet=data.name,
        sheets=sheet_names(path),
        header_rows=tuple(r + 1 for r in header.rows),
        columns=header.columns,
        rows=parsed.rows,
        year_from_title=title_year,
        multiplier=multiplier,
        group_rows=parsed.group_rows,
        total_rows=parsed.total_rows,
    )


def _existing_keys(session: Session, years: set[int]) -> set[str]:
    """Identities already in the database: imported rows and proposals typed by hand."""
    keys = set(session.scalars(select(ImportedRow.key)))
    proposals = session.scalars(
        select(Proposal)
        .where(Proposal.plan_year.in_(sorted(years)))
        .options(selectinload(Proposal.facility_links).selectinload(ProposalFacility.facility))
    )
    for p in proposals:
        facilities: list[Facility | None] = [link.facility for link in p.facility_links] or [None]
        for f in facilities:
            fkey = (f.tax_code or fold(f.name)) if f is not None else ""
            keys.add(identity_key(f"{fold(p.title)}|{fkey}|{p.plan_year}"))
    return keys


class _Facilities:
    """Find or create beneficiaries: by tax code, else by folded name and commune."""

    def __init__(self, session: Session, actor: Actor, province: str) -> None:
        self.session, self.actor, self.province = session, actor, province
        self.by_tax: dict[str, Facility] = {}
        self.by_name: dict[tuple[str, str], Facility] = {}
        self.created = 0
        for f in session.scalars(select(Facility)):
            self._index(f)

    def _index(self, f: Facility) -> None:
        if f.tax_code:
            self.by_tax.setdefault(f.tax_code, f)
        self.by_name.setdefault((fold(f.name), fold(f.commune)), f)

    def get(self, row: ImportRow) -> Facility | None:
        if not row.beneficiary:
            return None
        found = self.by_tax.get(row.tax_code) if row.tax_code else None
        found = found or self.by_name.get((fold(row.beneficiary), fold(row.commune)))
        if found is not None:
            return found
        # District-era names are matched to the official list only where certain;
        # the rest keep their text for the user to fix (services.communes.reconcile).
        commune_code, commune = resolve(self.session, None, row.commune)
        facility = Facility(
            name=row.beneficiary,
            kind=facility_kind(row.beneficiary),
            tax_code=row.tax_code or None,
            address=row.address,
            commune=commune,
            commune_code=commune_code,
            province=self.province,
            origin_office=self.actor.office_code,
        )
        facility.search_text = facility_search_text(facility)
        self.session.add(facility)
        self.session.flush()
        audit.record(
            self.session,
            self.actor,
            entity="facility",
            entity_uuid=facility.uuid,
            entity_label=facility.name,
            action="import",
            changes={"name": {"old": None, "new": facility.name}},
        )
        self._index(facility)
        self.created += 1
        return facility


def apply_import(
    session: Session,
    actor: Actor,
    preview: ImportPreview,
    *,
    status: ProposalStatus = ProposalStatus.RECEIVED,
    funding_source: str = "dia_phuong",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Create the valid rows' proposals in ``status`` (historical: set directly)."""
    require(actor, PROPOSAL_EDIT)
    if funding_source not in load_funding_sources():
        raise ValidationError(f"Nguồn kinh phí «{funding_source}» không có.")
    rows = preview.valid_rows
    years = {r.plan_year for r in rows if r.plan_year is not None}
    existing = _existing_keys(session, years)
    facilities = _Facilities(session, actor, str(settings.get(session, "org.province") or ""))
    counters: dict[int, int] = {}
    result = ImportResult()
    now = utcnow()
    source_name = preview.path.name
    for done, row in enumerate(rows):
        if cancelled is not None and cancelled():
            raise UserError("Đã hủy nhập; chưa ghi gì vào cơ sở dữ liệu.")
        if progress is not None and done % 20 == 0:
            progress(done, len(rows), f"Đang nhập dòng {row.row}…")
        if row.key in existing:
            result.skipped += 1
            continue
        existing.add(row.key)
        assert row.plan_year is not None and row.activity is not None
        year = row.plan_year
        if year not in counters:
            counters[year] = int(next_code(session, year).rsplit("-", 1)[1])
        code = format_code(year, counters[year])
        counters[year] += 1
        commune_code, commune = resolve(session, None, row.commune)
        proposal = Proposal(
            code=code,
            title=row.title,
            plan_year=year,
            activity=row.activity,
            funding_source=funding_source,
            status=status,
            status_changed_at=now,
            office_code=actor.office_code,
            implementing_unit=row.implementing_unit,
            location=row.location or row.commune,
            commune=commune,
            commune_code=commune_code,
            start_month=row.start_month,
            end_month=row.end_month,
            created_by=actor.username,
            origin_office=actor.office_code,
        )
        proposal.budget_lines.append(
            BudgetLine(
                position=1,
                item=BUDGET_ITEM,
                unit="đề án",
                quantity=Decimal(1),
                unit_price=row.total_cost,
                amount=row.total_cost,
                support=row.support,
                counterpart=row.counterpart,
                other_funds=row.other_funds,
            )
        )
        recompute_totals(proposal)
        if status in APPROVED_OR_LATER:
            proposal.approved_support = proposal.support
        facility = facilities.get(row)
        if facility is not None:
            proposal.facility_links.append(ProposalFacility(facility=facility, position=1))
        proposal.search_text = proposal_search_text(proposal)
        reason = f"Nhập từ danh sách Excel «{source_name}», dòng {row.row}"
        if row.note:
            reason += f". Ghi chú: {row.note}"
        session.add(proposal)
        session.add(
            StatusChange(
                uuid=new_uuid(),
                proposal=proposal,
                from_status=None,
                to_status=status.value,
                at=now,
                username=actor.username,
                office_code=actor.office_code,
                reason=reason,
            )
        )
        session.flush()
        session.add(
            ImportedRow(
                key=row.key,
                proposal_uuid=proposal.uuid,
                source_file=source_name,
                source_row=row.row,
                username=actor.username,
            )
        )
        audit.record(
            session,
            actor,
            entity="proposal",
            entity_uuid=proposal.uuid,
            entity_label=code,
            action="import",
            changes={
                "status": {"old": None, "new": status.value},
                "source": {"old": None, "new": f"{source_name}:{row.row}"},
                "support": {"old": None, "new": proposal.support},
            },
        )
        result.created += 1
        result.codes.append(code)
    result.facilities_created = facilities.created
    if progress is not None:
        progress(len(rows), len(rows), "Xong.")
    return result


def existing_count(session: Session, preview: ImportPreview) -> int:
    """How many valid rows are already in the database (would be skipped)."""
    years = {r.plan_year for r in preview.valid_rows if r.plan_year is not None}
    keys = _existing_keys(session, years)
    return sum(1 for r in preview.valid_rows if r.key in keys)

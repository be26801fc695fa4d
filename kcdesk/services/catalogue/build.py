"""Build catalogue entries (dòng danh mục) from proposals, group them by activity.

Groups are the activities in ``group_order`` of ``forms/activities.toml``, numbered
I, II, III…; proposals are numbered 1, 2, 3… inside each group. Entries are plain
frozen values so a frozen version and the live register print the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kcdesk.models import Proposal
from kcdesk.models.catalogue import CatalogueRow, CatalogueState
from kcdesk.services.catalogue.columns import MONEY_KEYS
from kcdesk.services.communes.address import facility_address
from kcdesk.services.forms.load import load_activities, load_funding_sources

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)

# Fields of an entry compared between versions (everything printed).
ENTRY_FIELDS = (
    "activity",
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


def roman(number: int) -> str:
    """1 → I, 4 → IV, 14 → XIV (group numbers of the catalogue)."""
    if number < 1:
        raise ValueError("roman numerals start at 1")
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


@dataclass(frozen=True)
class Entry:
    """One proposal as the catalogue prints it."""

    proposal_uuid: str
    proposal_code: str
    activity: str
    title: str
    implementing_unit: str
    beneficiary: str
    location: str
    period: str
    total_cost: int
    support: int
    counterpart: int
    other_funds: int
    note: str = ""

    def value(self, key: str) -> str | int:
        value: str | int = getattr(self, key)
        return value


@dataclass(frozen=True)
class Group:
    """Nhóm nội dung hoạt động: numeral, activity and its entries."""

    numeral: str
    activity: str
    label: str
    entries: tuple[Entry, ...]

    def total(self, key: str) -> int:
        return sum(int(e.value(key)) for e in self.entries)


@dataclass(frozen=True)
class ProgrammeRef:
    """The programme a catalogue implements, cited in its "Căn cứ" (decision number, date)."""

    code: str
    name: str
    decision_no: str | None
    decision_date: date | None
    issuer: str

    def citation(self) -> str:
        """'Quyết định số 2036/QĐ-UBND ngày 28/11/2025 của Ủy ban nhân dân tỉnh Cao Bằng
        phê duyệt Chương trình …' (the parts the database holds)."""
        parts = ["Quyết định"]
        if self.decision_no:
            parts.append(f"số {self.decision_no}")
        if self.decision_date:
            parts.append(f"ngày {self.decision_date:%d/%m/%Y}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        name = self.name[:1].lower() + self.name[1:] if self.name else "chương trình khuyến công"
        return " ".join(parts) + f" phê duyệt {name}"


@dataclass(frozen=True)
class CatalogueView:
    """What is printed for one catalogue (live draft or a frozen version)."""

    plan_year: int
    funding_source: str
    source_label: str
    state: CatalogueState
    decision_no: str | None
    decision_date: date | None
    version_number: int | None
    version_kind: str | None
    groups: tuple[Group, ...]
    letter_no: str | None = None
    letter_date: date | None = None
    # The Department's tờ trình to the chairman (on the version that went with it).
    department_letter_no: str | None = None
    department_letter_date: date | None = None
    versions: tuple[int, ...] = field(default=())
    programme: ProgrammeRef | None = None
    # An amended version says what changed against the approved one, never silently:
    # the approved version's number and one line per added, removed or changed row.
    approved_version: int | None = None
    changes_since_approval: tuple[str, ...] = ()
    # A merged old province's catalogue: its origin ("tỉnh Hải Dương (cũ)"); "" = ours.
    origin: str = ""

    @property
    def entries(self) -> list[Entry]:
        return [e for g in self.groups for e in g.entries]

    @property
    def count(self) -> int:
        return sum(len(g.entries) for g in self.groups)

    def total(self, key: str) -> int:
        return sum(g.total(key) for g in self.groups)

    def totals(self) -> dict[str, int]:
        return {key: self.total(key) for key in MONEY_KEYS}


def period_text(start: date | None, end: date | None, plan_year: int) -> str:
    """'Tháng 03-10/2027', '11/2027-02/2028', or 'Năm 2027' when months are unknown."""
    if start is None and end is None:
        return f"Năm {plan_year}"
    if start is None or end is None:
        one = start or end
        assert one is not None
        return f"Tháng {one:%m/%Y}"
    if start.year == end.year:
        if start.month == end.month:
            return f"Tháng {start:%m/%Y}"
        return f"Tháng {start:%m}-{end:%m/%Y}"
    return f"{start:%m/%Y}-{end:%m/%Y}"


def beneficiary_text(
    facilities: Iterable[Any], addresses: dict[tuple[Any, ...], str] | None = None
) -> str:
    """The beneficiaries as printed, from facilities (or rows with their columns);
    ``addresses`` keeps the addresses written so far (a catalogue repeats them)."""
    parts = []
    for facility in facilities:
        # Street, commune and province once each (issue 20): "Thôn Nà Pò, xã Trùng
        # Khánh, tỉnh Cao Bằng".
        key = (facility.address, facility.commune_code, facility.commune, facility.province)
        address = addresses.get(key) if addresses is not None else None
        if address is None:
            address = facility_address(*key)
            if addresses is not None:
                addresses[key] = address
        parts.append(f"{facility.name} ({address})" if address else facility.name)
    return "; ".join(parts)


def entry_from_proposal(proposal: Proposal) -> Entry:
    return entry_from_columns(
        proposal, beneficiary_text(link.facility for link in proposal.facility_links)
    )


def entry_from_columns(proposal: Any, beneficiary: str) -> Entry:
    """The entry of a proposal, or of a row with its columns (``ENTRY_COLUMNS``)."""
    support = proposal.support
    counterpart = proposal.counterpart
    if proposal.approved_support is not None and proposal.approved_support != proposal.support:
        # The approved (or amended) support differs from the request: the facility's
        # own share (đối ứng) makes up the difference, so the row still adds up.
        support = proposal.approved_support
        counterpart = max(0, proposal.total_cost - support - proposal.other_funds)
    return Entry(
        proposal_uuid=proposal.uuid,
        proposal_code=proposal.code,
        activity=proposal.activity,
        title=proposal.title,
        implementing_unit=proposal.implementing_unit,
        beneficiary=beneficiary,
        location=proposal.location or proposal.commune,
        period=period_text(proposal.start_month, proposal.end_month, proposal.plan_year),
        total_cost=proposal.total_cost,
        support=support,
        counterpart=counterpart,
        other_funds=proposal.other_funds,
    )


def entry_from_row(row: CatalogueRow) -> Entry:
    return Entry(
        **{name: getattr(row, name) for name in ("proposal_uuid", "proposal_code", *ENTRY_FIELDS)}
    )


def row_from_entry(entry: Entry, position: int) -> CatalogueRow:
    return CatalogueRow(
        position=position,
        **{name: entry.value(name) for name in ("proposal_uuid", "proposal_code", *ENTRY_FIELDS)},
    )


def live_entries(
    session: Session, plan_year: int, funding_source: str, judged: list[Any] | None = None
) -> list[Entry]:
    """The draft's rows: proposals that passed appraisal, or were already submitted or
    approved in the cycle (``services.catalogue.selection``); ``judged``: the year's
    ``selection.candidates`` when the caller has them already."""
    from kcdesk.services.catalogue.selection import selected_entries

    return selected_entries(session, plan_year, funding_source, judged)


def source_label(code: str) -> str:
    source = load_funding_sources().get(code)
    return source.label if source is not None else code


def group_heads(activities: Iterable[str]) -> list[tuple[str, str, str]]:
    """(numeral, activity, label) of each group: the activities in ``group_order``,
    unknown activities last, by code."""
    specs = load_activities()

    def order(code: str) -> tuple[int, int, str]:
        spec = specs.get(code)
        return (0, spec.group_order, code) if spec is not None else (1, 0, code)

    heads = []
    for number, code in enumerate(sorted(set(activities), key=order), start=1):
        spec = specs.get(code)
        heads.append((roman(number), code, spec.label if spec is not None else code))
    return heads


def group_entries(entries: Iterable[Entry]) -> tuple[Group, ...]:
    """Group by activity in ``group_order``; unknown activities last, by code."""
    by_activity: dict[str, list[Entry]] = {}
    for entry in entries:
        by_activity.setdefault(entry.activity, []).append(entry)
    return tuple(
        Group(
            numeral=numeral,
            activity=code,
            label=label,
            entries=tuple(sorted(by_activity[code], key=lambda e: e.proposal_code)),
        )
        for numeral, code, label in group_heads(by_activity)
    )

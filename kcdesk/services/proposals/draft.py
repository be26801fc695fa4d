"""Everything the proposal wizard edits, as one plain object (dữ liệu đề án đang soạn).

:class:`ProposalInput` is what the wizard pages read and write, what drafts store
as JSON, what the validators check and what ``proposal_save`` writes in one
transaction. No Qt, no database session: conversion only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from kcdesk.models import Proposal
from kcdesk.services.forms.spec import ActivitySpec
from kcdesk.text import nfc

DRAFT_FORMAT = 1


@dataclass
class FacilityRef:
    """A beneficiary chosen in the wizard (the facility itself is already saved)."""

    uuid: str
    name: str
    tax_code: str = ""
    commune: str = ""


@dataclass
class BudgetLineInput:
    """One line of the dự toán; money in whole đồng, quantity a Decimal."""

    item: str = ""
    unit: str = ""
    quantity: Decimal = Decimal(1)
    unit_price: int = 0
    support: int = 0
    counterpart: int = 0
    other_funds: int = 0

    @property
    def exact_amount(self) -> Decimal:
        return self.quantity * self.unit_price

    @property
    def amount(self) -> int:
        """Thành tiền = số lượng × đơn giá (rounded half up when not whole đồng)."""
        return int(self.exact_amount.to_integral_value(rounding="ROUND_HALF_UP"))

    @property
    def split_total(self) -> int:
        return self.support + self.counterpart + self.other_funds


@dataclass
class ScheduleInput:
    task: str = ""
    start: date | None = None
    end: date | None = None
    responsible: str = ""


@dataclass
class DocumentInput:
    code: str
    label: str
    required: bool = True
    received: bool = False
    received_date: date | None = None
    file_hash: str | None = None
    file_name: str = ""
    file_size: int | None = None
    note: str = ""


@dataclass
class ProposalInput:
    """A whole đề án as typed; ``code``/``revision`` are set when editing one."""

    plan_year: int
    code: str | None = None
    revision: int | None = None
    title: str = ""
    activity: str = ""
    funding_source: str = "dia_phuong"
    # The programme counted toward ("" = the Centre's programme covering the plan year,
    # chosen when saved), a whole technology line, the cap variant (forms/activities.toml).
    programme: str = ""
    whole_line: bool = False
    cap_kind: str = ""
    implementing_unit: str = ""
    partner_unit: str = ""
    location: str = ""
    commune: str = ""
    commune_code: str = ""  # official code when picked from the list (services.communes)
    start_month: date | None = None
    end_month: date | None = None
    received_date: date | None = None
    necessity: str = ""
    legal_basis: str = ""
    objectives: str = ""
    scale: str = ""
    organisation: str = ""
    effect_economic: str = ""
    effect_social: str = ""
    effect_environment: str = ""
    sustainability: str = ""
    facilities: list[FacilityRef] = field(default_factory=list)
    budget_lines: list[BudgetLineInput] = field(default_factory=list)
    schedule: list[ScheduleInput] = field(default_factory=list)
    outputs: dict[str, int] = field(default_factory=dict)
    # Planned quantity per target code of the programme (each target counted on its own).
    target_outputs: dict[str, int] = field(default_factory=dict)
    documents: list[DocumentInput] = field(default_factory=list)
    # The wizard page the user was on when the draft was saved (not part of the
    # proposal): a recovered draft reopens there.
    last_page: str = ""

    # ------------------------------------------------------------------ sums
    @property
    def total_cost(self) -> int:
        return sum(line.amount for line in self.budget_lines)

    @property
    def support(self) -> int:
        return sum(line.support for line in self.budget_lines)

    @property
    def counterpart(self) -> int:
        return sum(line.counterpart for line in self.budget_lines)

    @property
    def other_funds(self) -> int:
        return sum(line.other_funds for line in self.budget_lines)

    def normalised(self) -> ProposalInput:
        """A copy with every text NFC and trimmed (what is saved)."""
        copy = from_json(to_json(self))
        for f in fields(copy):
            value = getattr(copy, f.name)
            if isinstance(value, str):
                setattr(copy, f.name, nfc(value))
        for line in copy.budget_lines:
            line.item, line.unit = nfc(line.item), nfc(line.unit)
        for item in copy.schedule:
            item.task, item.responsible = nfc(item.task), nfc(item.responsible)
        for doc in copy.documents:
            doc.note = nfc(doc.note)
        return copy


def documents_for(
    activity: ActivitySpec | None, current: list[DocumentInput]
) -> list[DocumentInput]:
    """The activity's dossier checklist, keeping what was already marked or attached.

    Items of another activity that carry a file or a tick are kept (never drop a
    scan the user attached) and go after the activity's own list.
    """
    by_code = {doc.code: doc for doc in current}
    out: list[DocumentInput] = []
    if activity is not None:
        for item in activity.documents:
            old = by_code.pop(item.code, None)
            if old is not None:
                old.label, old.required = item.label, item.required
                out.append(old)
            else:
                out.append(DocumentInput(code=item.code, label=item.label, required=item.required))
    for old in by_code.values():
        if old.received or old.file_hash:
            old.required = False
            out.append(old)
    return out


def clean_quantity(value: Decimal | None) -> Decimal:
    """Drop trailing zeros without scientific notation (Decimal("100.000") → 100)."""
    if value is None:
        return Decimal(1)
    value = Decimal(value)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# ---------------------------------------------------------------------- JSON
def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return default


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(1)


def to_json(data: ProposalInput) -> dict[str, Any]:
    """A JSON-safe dict (dates ISO, Decimal as text) for the draft table."""
    raw = asdict(data)
    raw["format"] = DRAFT_FORMAT
    for key in ("start_month", "end_month", "received_date"):
        raw[key] = _iso(getattr(data, key))
    for line in raw["budget_lines"]:
        line["quantity"] = str(line["quantity"])
    for item in raw["schedule"]:
        item["start"], item["end"] = _iso(item["start"]), _iso(item["end"])
    for doc in raw["documents"]:
        doc["received_date"] = _iso(doc["received_date"])
    return raw


def from_json(raw: dict[str, Any]) -> ProposalInput:
    """Read a draft back; unknown or damaged values fall back to empty, never crash."""
    plain = {f.name for f in fields(ProposalInput)} - {
        "facilities",
        "budget_lines",
        "schedule",
        "outputs",
        "target_outputs",
        "whole_line",
        "documents",
        "start_month",
        "end_month",
        "received_date",
        "plan_year",
        "revision",
    }
    data = ProposalInput(plan_year=_int(raw.get("plan_year"), date.today().year + 1))
    for name in plain:
        value = raw.get(name)
        if isinstance(value, str) or (name == "code" and value is None):
            setattr(data, name, value)
    revision = raw.get("revision")
    data.revision = revision if isinstance(revision, int) else None
    for key in ("start_month", "end_month", "received_date"):
        setattr(data, key, _date(raw.get(key)))
    data.facilities = [
        FacilityRef(
            uuid=str(f.get("uuid", "")),
            name=str(f.get("name", "")),
            tax_code=str(f.get("tax_code") or ""),
            commune=str(f.get("commune") or ""),
        )
        for f in raw.get("facilities", [])
        if isinstance(f, dict) and f.get("uuid")
    ]
    data.budget_lines = [
        BudgetLineInput(
            item=str(line.get("item", "")),
            unit=str(line.get("unit", "")),
            quantity=_decimal(line.get("quantity", 1)),
            unit_price=_int(line.get("unit_price")),
            support=_int(line.get("support")),
            counterpart=_int(line.get("counterpart")),
            other_funds=_int(line.get("other_funds")),
        )
        for line in raw.get("budget_lines", [])
        if isinstance(line, dict)
    ]
    data.schedule = [
        ScheduleInput(
            task=str(item.get("task", "")),
            start=_date(item.get("start")),
            end=_date(item.get("end")),
            responsible=str(item.get("responsible", "")),
        )
        for item in raw.get("schedule", [])
        if isinstance(item, dict)
    ]
    outputs = raw.get("outputs", {})
    data.outputs = (
        {str(k): _int(v) for k, v in outputs.items()} if isinstance(outputs, dict) else {}
    )
    targets = raw.get("target_outputs", {})
    data.target_outputs = (
        {str(k): _int(v) for k, v in targets.items()} if isinstance(targets, dict) else {}
    )
    data.whole_line = raw.get("whole_line") is True
    data.documents = [
        DocumentInput(
            code=str(doc.get("code", "")),
            label=str(doc.get("label", "")),
            required=bool(doc.get("required", True)),
            received=bool(doc.get("received", False)),
            received_date=_date(doc.get("received_date")),
            file_hash=doc.get("file_hash") or None,
            file_name=str(doc.get("file_name") or ""),
            file_size=doc.get("file_size") if isinstance(doc.get("file_size"), int) else None,
            note=str(doc.get("note") or ""),
        )
        for doc in raw.get("documents", [])
        if isinstance(doc, dict) and doc.get("code")
    ]
    return data


# ------------------------------------------------------------------ Proposal
def from_proposal(proposal: Proposal) -> ProposalInput:
    """What the wizard shows when it edits a saved proposal."""
    return ProposalInput(
        plan_year=proposal.plan_year,
        code=proposal.code,
        revision=proposal.revision,
        title=proposal.title,
        activity=proposal.activity,
        funding_source=proposal.funding_source,
        programme=proposal.programme,
        whole_line=proposal.whole_line,
        cap_kind=proposal.cap_kind,
        implementing_unit=proposal.implementing_unit,
        partner_unit=proposal.partner_unit,
        location=proposal.location,
        commune=proposal.commune,
        commune_code=proposal.commune_code or "",
        start_month=proposal.start_month,
        end_month=proposal.end_month,
        received_date=proposal.received_date,
        necessity=proposal.necessity,
        legal_basis=proposal.legal_basis,
        objectives=proposal.objectives,
        scale=proposal.scale,
        organisation=proposal.organisation,
        effect_economic=proposal.effect_economic,
        effect_social=proposal.effect_social,
        effect_environment=proposal.effect_environment,
        sustainability=proposal.sustainability,
        facilities=[
            FacilityRef(
                uuid=link.facility.uuid,
                name=link.facility.name,
                tax_code=link.facility.tax_code or "",
                commune=link.facility.commune,
            )
            for link in proposal.facility_links
        ],
        budget_lines=[
            BudgetLineInput(
                item=line.item,
                unit=line.unit,
                quantity=clean_quantity(line.quantity),
                unit_price=line.unit_price,
                support=line.support,
                counterpart=line.counterpart,
                other_funds=line.other_funds,
            )
            for line in proposal.budget_lines
        ],
        schedule=[
            ScheduleInput(task=s.task, start=s.start, end=s.end, responsible=s.responsible)
            for s in proposal.schedule
        ],
        outputs={o.measure: o.planned for o in proposal.outputs if not o.target},
        target_outputs={o.target: o.planned for o in proposal.outputs if o.target},
        documents=[
            DocumentInput(
                code=d.code,
                label=d.label,
                required=d.required,
                received=d.received,
                received_date=d.received_date,
                file_hash=d.file_hash,
                file_name=d.file_name,
                file_size=d.file_size,
                note=d.note,
            )
            for d in proposal.documents
        ],
    )

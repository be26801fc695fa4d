"""Danh mục đề án khuyến công: build, submit, approve, amend, compare versions.

A catalogue is one plan year and one funding source; its rows are the proposals
that passed appraisal or were already submitted or approved in the cycle
(``selection``), grouped by activity. States: draft → submitted →
approved (decision number and date) → amended. Submitting, approving and every
approved amendment freeze the rows into a new numbered version; a draft shows the
register live, any other state shows its latest version.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcdesk.formatting import format_money
from kcdesk.models import Programme, Proposal
from kcdesk.models.catalogue import Catalogue, CatalogueState, CatalogueVersion
from kcdesk.services.catalogue.build import (
    CatalogueView,
    Entry,
    ProgrammeRef,
    entry_from_row,
    group_entries,
    live_entries,
    row_from_entry,
    source_label,
)
from kcdesk.services.catalogue.compare import FIELD_LABELS, RowDiff, compare_entries
from kcdesk.services.core import audit, settings
from kcdesk.services.core.errors import NotFoundError, ValidationError
from kcdesk.services.forms.load import load_funding_sources
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import CATALOGUE_APPROVE, CATALOGUE_EDIT, require

__all__ = [
    "CatalogueView",
    "Entry",
    "RowDiff",
    "approve",
    "compare",
    "ensure_catalogue",
    "get_catalogue",
    "merged_origins",
    "list_catalogues",
    "pick_version",
    "record_amendment",
    "reopen",
    "submit",
    "version_entries",
    "view",
]

S = CatalogueState


def _check_source(funding_source: str) -> None:
    sources = load_funding_sources()
    if funding_source not in sources:
        raise ValidationError(
            f"Nguồn kinh phí «{funding_source}» không có. Các nguồn: {', '.join(sources)}."
        )


def get_catalogue(
    session: Session, plan_year: int, funding_source: str, origin: str = ""
) -> Catalogue | None:
    """This Centre's catalogue of the year and source (``origin`` "": ours), or that of
    a merged old province ("tỉnh Hải Dương (cũ)") — never one for the other."""
    return session.scalars(
        select(Catalogue)
        .where(
            Catalogue.plan_year == plan_year,
            Catalogue.funding_source == funding_source,
            Catalogue.origin == origin,
        )
        .options(selectinload(Catalogue.versions))
    ).first()


def merged_origins(session: Session, plan_year: int, funding_source: str) -> list[str]:
    """Origins of the merged old provinces' catalogues of the same year and source."""
    return list(
        session.scalars(
            select(Catalogue.origin)
            .where(
                Catalogue.plan_year == plan_year,
                Catalogue.funding_source == funding_source,
                Catalogue.origin != "",
            )
            .order_by(Catalogue.origin)
        )
    )


def list_catalogues(session: Session) -> list[Catalogue]:
    return list(
        session.scalars(
            select(Catalogue).order_by(Catalogue.plan_year.desc(), Catalogue.funding_source)
        )
    )


def ensure_catalogue(
    session: Session,
    actor: Actor,
    plan_year: int,
    funding_source: str,
    *,
    permission: str = CATALOGUE_EDIT,
) -> Catalogue:
    """The catalogue of the year and source, created as a draft on first use."""
    _check_source(funding_source)
    catalogue = get_catalogue(session, plan_year, funding_source)
    if catalogue is not None:
        return catalogue
    require(actor, permission)
    catalogue = Catalogue(
        plan_year=plan_year,
        funding_source=funding_source,
        state=S.DRAFT,
        origin_office=actor.office_code,
    )
    session.add(catalogue)
    session.flush()
    audit.record(
        session,
        actor,
        entity="catalogue",
        entity_uuid=catalogue.uuid,
        entity_label=_label(catalogue),
        action="create",
        changes={"state": {"old": None, "new": S.DRAFT.value}},
    )
    return catalogue


def _label(catalogue: Catalogue) -> str:
    origin = f", {catalogue.origin}" if catalogue.origin else ""
    return f"Danh mục {catalogue.plan_year} ({source_label(catalogue.funding_source)}{origin})"


def _latest(catalogue: Catalogue) -> CatalogueVersion | None:
    return catalogue.versions[-1] if catalogue.versions else None


def version_entries(version: CatalogueVersion) -> list[Entry]:
    return [entry_from_row(row) for row in version.rows]


def _freeze(
    session: Session,
    actor: Actor,
    catalogue: Catalogue,
    kind: str,
    *,
    summary: str = "",
    decision_no: str | None = None,
    decision_date: date | None = None,
) -> CatalogueVersion:
    entries = [
        e
        for g in group_entries(live_entries(session, catalogue.plan_year, catalogue.funding_source))
        for e in g.entries
    ]
    last = _latest(catalogue)
    number = (last.number if last is not None else 0) + 1
    version = CatalogueVersion(
        catalogue=catalogue,
        number=number,
        kind=kind,
        summary=summary,
        decision_no=decision_no,
        decision_date=decision_date,
        frozen_by=actor.username,
        origin_office=actor.office_code,
        rows=[row_from_entry(entry, i) for i, entry in enumerate(entries, start=1)],
    )
    session.add(version)
    session.flush()
    return version


def _transition(
    session: Session,
    actor: Actor,
    catalogue: Catalogue,
    to: CatalogueState,
    version: CatalogueVersion | None,
    extra: dict[str, object] | None = None,
) -> None:
    old = catalogue.state
    catalogue.state = to
    catalogue.revision += 1
    changes: dict[str, object] = {"state": {"old": old.value, "new": to.value}}
    if version is not None:
        changes["version"] = {"old": None, "new": version.number}
        changes["rows"] = {"old": None, "new": len(version.rows)}
    changes.update(extra or {})
    audit.record(
        session,
        actor,
        entity="catalogue",
        entity_uuid=catalogue.uuid,
        entity_label=_label(catalogue),
        action="state",
        changes=changes,
    )
    session.flush()


def _require_catalogue(session: Session, plan_year: int, funding_source: str) -> Catalogue:
    catalogue = get_catalogue(session, plan_year, funding_source)
    if catalogue is None:
        raise NotFoundError(
            f"Chưa có danh mục năm {plan_year}, nguồn {source_label(funding_source)}."
        )
    return catalogue


def submit(
    session: Session,
    actor: Actor,
    plan_year: int,
    funding_source: str,
    *,
    letter_no: str | None = None,
    letter_date: date | None = None,
) -> CatalogueVersion:
    """Dự thảo → đã trình: freeze the rows as they are sent with the tờ trình."""
    require(actor, CATALOGUE_EDIT)
    catalogue = ensure_catalogue(session, actor, plan_year, funding_source)
    if catalogue.state is not S.DRAFT:
        raise ValidationError(
            f"Danh mục đang ở trạng thái «{catalogue.state.label}»: chỉ trình được bản dự thảo."
        )
    if not live_entries(session, plan_year, funding_source):
        raise ValidationError(
            f"Danh mục năm {plan_year} chưa có đề án nào đạt thẩm định: không có gì để trình."
        )
    catalogue.letter_no = (letter_no or "").strip() or None
    catalogue.letter_date = letter_date
    version = _freeze(session, actor, catalogue, "submitted", summary="Dự thảo trình phê duyệt")
    _transition(
        session,
        actor,
        catalogue,
        S.SUBMITTED,
        version,
        {"letter": {"old": None, "new": f"{catalogue.letter_no} ({letter_date})"}}
        if catalogue.letter_no
        else None,
    )
    return version


def reopen(
    session: Session, actor: Actor, plan_year: int, funding_source: str, *, reason: str
) -> None:
    """Đã trình → dự thảo, e.g. when the Department returns it for changes."""
    require(actor, CATALOGUE_EDIT)
    catalogue = _require_catalogue(session, plan_year, funding_source)
    if catalogue.state is not S.SUBMITTED:
        raise ValidationError("Chỉ đưa về dự thảo được danh mục đang ở trạng thái «Đã trình».")
    if not reason.strip():
        raise ValidationError("Cần ghi lý do đưa danh mục về dự thảo.", {"reason": "Nhập lý do"})
    _transition(
        session, actor, catalogue, S.DRAFT, None, {"reason": {"old": None, "new": reason.strip()}}
    )


def approve(
    session: Session,
    actor: Actor,
    plan_year: int,
    funding_source: str,
    *,
    decision_no: str,
    decision_date: date | None,
) -> CatalogueVersion:
    """Record the chairman's decision (Quyết định phê duyệt danh mục); freeze a version."""
    require(actor, CATALOGUE_APPROVE)
    decision_no = decision_no.strip()
    if not decision_no or decision_date is None:
        raise ValidationError(
            "Phê duyệt danh mục cần số và ngày của quyết định.",
            {"decision_no": "Nhập số quyết định", "decision_date": "Nhập ngày quyết định"},
        )
    # A leader may record the decision on a catalogue nobody formally submitted.
    catalogue = ensure_catalogue(
        session, actor, plan_year, funding_source, permission=CATALOGUE_APPROVE
    )
    if catalogue.state not in (S.DRAFT, S.SUBMITTED):
        raise ValidationError(
            f"Danh mục đã ở trạng thái «{catalogue.state.label}»: thay đổi sau phê duyệt "
            "phải ghi thành quyết định điều chỉnh."
        )
    if not live_entries(session, plan_year, funding_source):
        raise ValidationError(f"Danh mục năm {plan_year} chưa có đề án nào đạt thẩm định.")
    catalogue.decision_no = decision_no
    catalogue.decision_date = decision_date
    version = _freeze(
        session,
        actor,
        catalogue,
        "approved",
        summary="Phê duyệt danh mục",
        decision_no=decision_no,
        decision_date=decision_date,
    )
    _transition(
        session,
        actor,
        catalogue,
        S.APPROVED,
        version,
        {"decision": {"old": None, "new": f"{decision_no} ({decision_date})"}},
    )
    return version


def record_amendment(session: Session, actor: Actor, proposal: Proposal, summary: str) -> None:
    """An amendment decision about ``proposal`` was recorded: make a new version.

    Called by the register/amendments service in its own transaction (it has
    already checked the actor's permission for the amendment). When the plan year
    and source of the proposal have no approved catalogue in kcdesk, there is no
    version to make and nothing happens. The new version holds the register as it
    now is, so the proposal appears with its amended values (or disappears from
    it when it was stopped).
    """
    catalogue = get_catalogue(session, proposal.plan_year, proposal.funding_source)
    if catalogue is None or catalogue.state not in (S.APPROVED, S.AMENDED):
        return
    session.flush()
    last = _latest(catalogue)
    version = _freeze(
        session,
        actor,
        catalogue,
        "amended",
        summary=f"{proposal.code}: {summary.strip()}" if summary.strip() else proposal.code,
        decision_no=None,
        decision_date=None,
    )
    _transition(
        session,
        actor,
        catalogue,
        S.AMENDED,
        version,
        {
            "amendment": {"old": None, "new": version.summary},
            "from_version": {"old": None, "new": last.number if last else None},
        },
    )


def pick_version(catalogue: Catalogue, number: int | None) -> CatalogueVersion:
    """Version ``number`` of the catalogue, or its latest when None (it has one)."""
    if number is None:
        return catalogue.versions[-1]
    return _version(catalogue, number)


def _version(catalogue: Catalogue, number: int) -> CatalogueVersion:
    for version in catalogue.versions:
        if version.number == number:
            return version
    have = ", ".join(str(v.number) for v in catalogue.versions) or "chưa có"
    raise NotFoundError(f"Danh mục không có phiên bản {number} (các phiên bản: {have}).")


def view(
    session: Session,
    plan_year: int,
    funding_source: str,
    version: int | None = None,
    origin: str = "",
    judged: list[Any] | None = None,
    live: bool = True,
) -> CatalogueView:
    """The catalogue as printed: live for a draft (or no catalogue yet), else frozen.

    ``origin``: a merged old province's catalogue, shown as it came (its versions only:
    this Centre's proposals are never read into it). ``judged``: the year's
    ``selection.candidates`` when the caller has them already. ``live=False``: a live
    draft without its groups (the screen reads ``outline.draft_outline``)."""
    _check_source(funding_source)
    catalogue = get_catalogue(session, plan_year, funding_source, origin)
    if origin and catalogue is None:
        raise NotFoundError(
            f"Không có danh mục năm {plan_year}, nguồn {source_label(funding_source)} của {origin}."
        )
    state = catalogue.state if catalogue is not None else S.DRAFT
    chosen: CatalogueVersion | None = None
    if catalogue is not None:
        if version is not None:
            chosen = _version(catalogue, version)
        elif state is not S.DRAFT:
            chosen = _latest(catalogue)
    elif version is not None:
        raise NotFoundError(f"Chưa có danh mục năm {plan_year} để xem phiên bản {version}.")
    if chosen is None and origin and catalogue is not None and catalogue.versions:
        chosen = _latest(catalogue)
    entries = (
        version_entries(chosen)
        if chosen is not None
        else []
        if origin or not live
        else live_entries(session, plan_year, funding_source, judged)
    )
    since = _since_approval(catalogue, chosen)
    department_no, department_date = (
        catalogue.department_letter(chosen)
        if catalogue is not None and chosen is not None
        else (None, None)
    )
    return CatalogueView(
        origin=origin,
        plan_year=plan_year,
        funding_source=funding_source,
        source_label=source_label(funding_source),
        state=state,
        decision_no=catalogue.decision_no if catalogue else None,
        decision_date=catalogue.decision_date if catalogue else None,
        version_number=chosen.number if chosen else None,
        version_kind=chosen.kind if chosen else None,
        groups=group_entries(entries),
        letter_no=catalogue.letter_no if catalogue else None,
        letter_date=catalogue.letter_date if catalogue else None,
        department_letter_no=department_no,
        department_letter_date=department_date,
        versions=tuple(v.number for v in catalogue.versions) if catalogue else (),
        programme=programme_for(session, plan_year),
        approved_version=since[0],
        changes_since_approval=since[1],
    )


def _since_approval(
    catalogue: Catalogue | None, chosen: CatalogueVersion | None
) -> tuple[int | None, tuple[str, ...]]:
    """For an amended version: the approved version it departs from and what changed."""
    if catalogue is None or chosen is None or chosen.kind != "amended":
        return None, ()
    approved = [v for v in catalogue.versions if v.kind == "approved" and v.number < chosen.number]
    if not approved:
        return None, ()
    base = approved[-1]
    lines = []
    for d in compare_entries(version_entries(base), version_entries(chosen)):
        if d.kind == "added":
            lines.append(f"Bổ sung: {d.proposal_code} — {d.title}")
        elif d.kind == "removed":
            lines.append(f"Ngừng, đưa ra khỏi danh mục: {d.proposal_code} — {d.title}")
        elif d.kind == "changed":
            parts = [
                f"{FIELD_LABELS.get(name, name)}: {_shown(old)} → {_shown(new)}"
                for name, (old, new) in d.changes.items()
            ]
            lines.append(f"Điều chỉnh {d.proposal_code}: " + "; ".join(parts))
    return base.number, tuple(lines)


def _shown(value: str | int) -> str:
    return format_money(value) if isinstance(value, int) else (value or "—")


def programme_for(session: Session, plan_year: int) -> ProgrammeRef | None:
    """The programme of the organisation's province covering ``plan_year`` (its decision is
    the catalogue's first ground), or None when the database has none."""
    province = str(settings.get(session, "org.province") or "").strip()
    if not province:
        return None
    for programme in session.scalars(
        select(Programme).where(Programme.start_year <= plan_year, Programme.end_year >= plan_year)
    ):
        if programme.province.strip().lower() == province.lower():
            return ProgrammeRef(
                code=programme.code,
                name=programme.name,
                decision_no=programme.decision_no,
                decision_date=programme.decision_date,
                issuer=programme.issuer,
            )
    return None


def compare(
    session: Session, plan_year: int, funding_source: str, old: int, new: int
) -> list[RowDiff]:
    """Row-by-row differences between two versions of the catalogue."""
    catalogue = _require_catalogue(session, plan_year, funding_source)
    return compare_entries(
        version_entries(_version(catalogue, old)), version_entries(_version(catalogue, new))
    )

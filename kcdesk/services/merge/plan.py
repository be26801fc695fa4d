"""The merge plan and its preview (xem trước): exactly what the merge will write.

Nothing is written here. The plan decides, row by row, what comes in and what it
becomes; ``apply`` then writes exactly these rows, so the preview's counts are the
merge's counts. Nothing is renumbered silently: a proposal or programme code that is
already used here gets the origin's prefix (``HD-ĐA-2024-012``) and is listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent, Base
from kcdesk.models.merge import MergeRecord
from kcdesk.services.core import settings
from kcdesk.services.merge.communes import CommuneMapping, map_communes
from kcdesk.services.merge.source import MergeRefused, MergeSource
from kcdesk.services.merge.tables import FILE_COLUMNS, GROUP_LABELS, TABLES, TableSpec
from kcdesk.services.proposals import attachments
from kcdesk.text import fold

_PREFIX = re.compile(r"^[A-Za-zĐđ0-9]{1,8}$")
_PROGRAMME_IDENTITY = ("code", "province", "start_year", "end_year", "decision_no")


@dataclass
class TablePlan:
    """Rows to insert (source values, ``id`` = the source id) and rows already here."""

    spec: TableSpec
    rows: list[dict[str, Any]] = field(default_factory=list)
    existing: dict[int, int] = field(default_factory=dict)
    skipped: int = 0
    ids: set[int] = field(default_factory=set)


@dataclass
class MergePlan:
    source_name: str
    source_key: str
    origin_province: str
    origin_label: str
    code_prefix: str
    new_province: str
    tables: dict[str, TablePlan] = field(default_factory=dict)
    code_changes: list[tuple[str, str]] = field(default_factory=list)
    programme_code_changes: list[tuple[str, str]] = field(default_factory=list)
    shared_facilities: list[dict[str, str]] = field(default_factory=list)
    communes: list[CommuneMapping] = field(default_factory=list)
    offices_rejoin: list[dict[str, str]] = field(default_factory=list)
    user_conflicts: list[dict[str, str]] = field(default_factory=list)
    # Users who come in without their office (it must re-join): to be given one.
    users_without_office: list[dict[str, str]] = field(default_factory=list)
    catalogue_conflicts: list[dict[str, Any]] = field(default_factory=list)
    attachments_to_copy: dict[str, str] = field(default_factory=dict)
    attachments_missing: list[str] = field(default_factory=list)
    audit_events: list[dict[str, Any]] = field(default_factory=list)
    chain_head: str = ""

    def count(self, group: str) -> int:
        if group == "attachments":
            return len(self.attachments_to_copy)
        if group == "audit_events":
            return len(self.audit_events)
        return sum(len(t.rows) for t in self.tables.values() if t.spec.group == group)

    def counts(self) -> dict[str, int]:
        return {group: self.count(group) for group in GROUP_LABELS}

    def already_here(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for plan in self.tables.values():
            out[plan.spec.group] = out.get(plan.spec.group, 0) + len(plan.existing)
        return {g: n for g, n in out.items() if n}

    def table_counts(self) -> dict[str, int]:
        return {name: len(t.rows) for name, t in self.tables.items()}

    @property
    def money_disbursed(self) -> int:
        return sum(int(r["amount"] or 0) for r in self.tables["disbursement"].rows)

    @property
    def support(self) -> int:
        return sum(int(r["support"] or 0) for r in self.tables["proposal"].rows)

    @property
    def nothing_new(self) -> bool:
        return not any(self.table_counts().values()) and not self.attachments_to_copy

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source_name,
            "origin_province": self.origin_province,
            "origin_label": self.origin_label,
            "code_prefix": self.code_prefix,
            "new_province": self.new_province,
            "counts": self.counts(),
            "tables": self.table_counts(),
            "already_here": self.already_here(),
            "money": {"support": self.support, "disbursed": self.money_disbursed},
            "code_changes": [{"old": o, "new": n} for o, n in self.code_changes],
            "programme_code_changes": [
                {"old": o, "new": n} for o, n in self.programme_code_changes
            ],
            "shared_facilities": self.shared_facilities,
            "communes": [m.as_dict() for m in self.communes],
            "offices_rejoin": self.offices_rejoin,
            "user_conflicts": self.user_conflicts,
            "users_without_office": self.users_without_office,
            "catalogue_conflicts": self.catalogue_conflicts,
            "attachments_missing": self.attachments_missing,
            "audit_chain_head": self.chain_head,
        }


def default_prefix(province: str) -> str:
    """The initials of the old province: "Hải Dương" → "HD", "Ninh Thuận" → "NT"."""
    words = re.sub(r"^(tỉnh|thành phố)\s+", "", province.strip(), flags=re.IGNORECASE).split()
    initials = "".join(w[0] for w in words if w[:1].isalpha()).upper()
    return initials or "CU"


def _check_prefix(prefix: str) -> str:
    prefix = prefix.strip().rstrip("-")
    if not _PREFIX.match(prefix):
        raise MergeRefused(
            f"Tiền tố mã «{prefix}» không dùng được: chỉ chữ và số, 1–8 ký tự (ví dụ HD)."
        )
    return prefix


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _read(conn: Connection, name: str) -> list[dict[str, Any]]:
    table = _table(name)
    return [dict(r) for r in conn.execute(select(table).order_by(table.c.id)).mappings()]


def _target_uuids(session: Session, table: Table) -> dict[str, int]:
    if "uuid" not in table.c:
        return {}
    return {u: i for u, i in session.execute(select(table.c.uuid, table.c.id)) if u}


def _fk_target(table: Table, column: str) -> str:
    (fk,) = table.c[column].foreign_keys
    return str(fk.column.table.name)


class _Planner:
    def __init__(self, session: Session, source: MergeSource, plan: MergePlan) -> None:
        self.session = session
        self.source = source
        self.plan = plan
        self.rejoining: dict[int, str] = {}

    # -- generic ---------------------------------------------------------------
    def _parent(self, table: Table, column: str, value: Any) -> tuple[str, int | None]:
        """("new", src id) / ("here", target id) / ("none", None) for one foreign key."""
        if value is None:
            return "none", None
        parent = self.plan.tables.get(_fk_target(table, column))
        if parent is None:
            return "none", None
        if value in parent.existing:
            return "here", parent.existing[value]
        if value in parent.ids:
            return "new", value
        return "none", None

    def table(self, spec: TableSpec, decide: Any = None) -> TablePlan:
        table = _table(spec.name)
        out = TablePlan(spec)
        self.plan.tables[spec.name] = out
        here = _target_uuids(self.session, table)
        with self.source.database.engine.connect() as conn:
            rows = _read(conn, spec.name)
        for row in rows:
            if row.get("uuid") and row["uuid"] in here:
                out.existing[row["id"]] = here[row["uuid"]]
                continue
            owners = [self._parent(table, c, row[c]) for c in spec.owners]
            if any(kind != "new" for kind, _ in owners):
                # Part of a record already here (or of one not coming): never a second copy.
                out.skipped += 1
                continue
            if decide is not None and not decide(row, out):
                continue
            out.rows.append(row)
            out.ids.add(row["id"])
        return out

    # -- special tables --------------------------------------------------------
    def offices(self) -> None:
        here = {
            c: n
            for c, n in self.session.execute(
                select(_table("office").c.code, _table("office").c.name)
            )
        }

        def decide(row: dict[str, Any], out: TablePlan) -> bool:
            if row["code"] in here:
                self.plan.offices_rejoin.append(
                    {"code": row["code"], "name": row["name"], "name_here": here[row["code"]]}
                )
                self.rejoining[row["id"]] = row["code"]
                out.skipped += 1
                return False
            return True

        self.table(TABLES[0], decide)

    def users(self) -> None:
        t = _table("user_account")
        here = {u: n for u, n in self.session.execute(select(t.c.username, t.c.full_name))}

        def decide(row: dict[str, Any], out: TablePlan) -> bool:
            if row["username"] in here:
                self.plan.user_conflicts.append(
                    {
                        "username": row["username"],
                        "full_name_here": here[row["username"]],
                        "full_name_there": row["full_name"],
                    }
                )
                out.skipped += 1
                return False
            if row["office_id"] in self.rejoining:
                self.plan.users_without_office.append(
                    {"username": row["username"], "office": self.rejoining[row["office_id"]]}
                )
            return True

        self.table(TABLES[1], decide)

    def facilities(self) -> None:
        t = _table("facility")
        by_tax = {
            tax: (i, name)
            for i, tax, name in self.session.execute(select(t.c.id, t.c.tax_code, t.c.name))
            if tax
        }

        def decide(row: dict[str, Any], out: TablePlan) -> bool:
            tax = (row["tax_code"] or "").strip()
            if tax and tax in by_tax:
                target_id, name_here = by_tax[tax]
                out.existing[row["id"]] = target_id
                self.plan.shared_facilities.append(
                    {"tax_code": tax, "name": row["name"], "name_here": name_here}
                )
                return False
            return True

        self.table(TABLES[2], decide)

    def coded(self, spec: TableSpec, changes: list[tuple[str, str]]) -> None:
        t = _table(spec.name)
        used = set(self.session.scalars(select(t.c.code)))
        width = t.c.code.type.length or 32  # type: ignore[attr-defined]
        same: dict[tuple[Any, ...], int] = {}
        if spec.name == "programme":
            # The same programme (code, province, period and decision) loaded in both
            # Centres — the shipped presets — is one programme, not a prefixed copy.
            same = {
                tuple(r[1:]): r[0]
                for r in self.session.execute(
                    select(t.c.id, *(t.c[c] for c in _PROGRAMME_IDENTITY))
                )
            }

        def decide(row: dict[str, Any], out: TablePlan) -> bool:
            if same:
                here = same.get(tuple(row[c] for c in _PROGRAMME_IDENTITY))
                if here is not None:
                    out.existing[row["id"]] = here
                    return False
            row["origin"] = row.get("origin") or self.plan.origin_label
            if spec.name == "proposal" and row.get("programme"):
                # The programme it counts toward keeps being its programme, renamed or not.
                renamed = dict(self.plan.programme_code_changes)
                row["programme"] = renamed.get(row["programme"], row["programme"])
            code = row["code"]
            if code in used:
                new = f"{self.plan.code_prefix}-{code}"
                if new in used or len(new) > width:
                    raise MergeRefused(
                        f"Mã {code} của Trung tâm kia đã có ở đây, và mã {new} cũng đã có "
                        "(hoặc quá dài): hãy chọn tiền tố khác (--code-prefix)."
                    )
                changes.append((code, new))
                row["code"] = new
                if "search_text" in row:
                    row["search_text"] = f"{row['search_text']} {fold(new)}".strip()
            used.add(row["code"])
            return True

        self.table(spec, decide)

    def catalogues(self) -> None:
        t = _table("catalogue")
        here = set(
            self.session.execute(select(t.c.plan_year, t.c.funding_source, t.c.origin)).tuples()
        )

        def decide(row: dict[str, Any], out: TablePlan) -> bool:
            # The old province's catalogues stay its own, labelled with their origin: one
            # of a year and source this Centre also has is kept beside ours, never merged.
            row["origin"] = row.get("origin") or self.plan.origin_label
            if (row["plan_year"], row["funding_source"], row["origin"]) in here:
                raise MergeRefused(
                    f"Không hợp nhất: đã có danh mục năm {row['plan_year']} của "
                    f"{row['origin']} ở đây (hợp nhất trước đó). Không có gì bị thay đổi."
                )
            if (row["plan_year"], row["funding_source"], "") in here:
                self.plan.catalogue_conflicts.append(
                    {
                        "plan_year": row["plan_year"],
                        "funding_source": row["funding_source"],
                        "decision_no": row["decision_no"] or "",
                        "origin": row["origin"],
                    }
                )
            return True

        self.table(next(s for s in TABLES if s.name == "catalogue"), decide)

    def imported_rows(self) -> None:
        t = _table("imported_row")
        here = set(self.session.scalars(select(t.c.key)))
        self.table(
            next(s for s in TABLES if s.name == "imported_row"),
            lambda row, out: row["key"] not in here,
        )

    # -- the rest --------------------------------------------------------------
    def files(self) -> None:
        wanted: set[str] = set()
        for name, column in FILE_COLUMNS.items():
            wanted |= {r[column] for r in self.plan.tables[name].rows if r[column]}
        for digest in sorted(wanted):
            if attachments.verify(digest):
                continue
            if digest in self.source.attachments:
                self.plan.attachments_to_copy[digest] = str(self.source.attachments[digest])
            else:
                self.plan.attachments_missing.append(digest)

    def communes(self) -> None:
        tables = [self.plan.tables[name].rows for name in ("proposal", "facility", "office")]
        names = [r["commune"] for rows in tables for r in rows]
        self.plan.communes = map_communes(
            self.plan.new_province, names, old_province=self.plan.origin_province
        )
        # The record keeps its district-era name and gets the new unit's code.
        codes = {m.old_name: m.new_code for m in self.plan.communes if m.new_code}
        for rows in tables:
            for row in rows:
                text = " ".join((row["commune"] or "").split())
                if not row.get("commune_code") and text in codes:
                    row["commune_code"] = codes[text]

    def audit_events(self) -> None:
        with self.source.database.engine.connect() as conn:
            self.plan.audit_events = _read(conn, AuditEvent.__tablename__)
        self.plan.chain_head = self.source.chain_head


def build_plan(
    session: Session, source: MergeSource, *, code_prefix: str | None = None
) -> MergePlan:
    """What merging ``source`` into this database would do (raises MergeRefused)."""
    previous = session.scalars(
        select(MergeRecord).where(MergeRecord.source_key == source.key)
    ).first()
    if previous is not None:
        raise MergeRefused(
            f"Không hợp nhất: dữ liệu này đã được hợp nhất ngày "
            f"{previous.at.strftime('%d/%m/%Y')} (người thực hiện: {previous.username or 'hệ thống'}, "
            f"{previous.origin_label}). Không có gì bị thay đổi."
        )
    province = source.province
    if not province:
        raise MergeRefused(
            "Không hợp nhất: cơ sở dữ liệu kia không ghi tỉnh (cài đặt «Tỉnh» để trống)."
        )
    new_province = str(settings.get(session, "org.province"))
    if fold(province) == fold(new_province):
        raise MergeRefused(
            f"Không hợp nhất: cơ sở dữ liệu kia cũng của tỉnh {province}. Hợp nhất dùng cho "
            "dữ liệu của tỉnh cũ đã nhập vào tỉnh này; dữ liệu của đơn vị trong tỉnh đi qua "
            "gói trao đổi."
        )
    prefix = _check_prefix(code_prefix if code_prefix else default_prefix(province))
    plan = MergePlan(
        source_name=source.path.name,
        source_key=source.key,
        origin_province=province,
        origin_label=f"tỉnh {province} (cũ)",
        code_prefix=prefix,
        new_province=new_province,
    )
    planner = _Planner(session, source, plan)
    planner.offices()
    planner.users()
    planner.facilities()
    for spec in TABLES[3:]:
        if spec.name == "programme":
            planner.coded(spec, plan.programme_code_changes)
        elif spec.name == "proposal":
            planner.coded(spec, plan.code_changes)
        elif spec.name == "catalogue":
            planner.catalogues()
        elif spec.name == "imported_row":
            planner.imported_rows()
        else:
            planner.table(spec)
    planner.files()
    planner.communes()
    planner.audit_events()
    return plan

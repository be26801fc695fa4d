"""Integrity check (kiểm tra toàn vẹn): the database, every attachment, the audit chain
and the sealed audit trails of old provinces' Centres merged here (services.merge.segment).

``check`` returns a list of problems (empty when everything is sound). It reads
only; nothing is repaired silently — the user restores from a backup.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kcdesk.models import BudgetLine, Document, Proposal
from kcdesk.models.blobs import AttachmentBlob
from kcdesk.models.db import Database, current_revision, head_revision, sqlite_readonly_uri
from kcdesk.models.implementation import EvidenceItem, ProgressEntry
from kcdesk.services.backup.anchors import verify_with_anchors
from kcdesk.services.merge.segment import verify_segments
from kcdesk.services.proposals import attachments
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import INTEGRITY_CHECK, require


@dataclass(frozen=True)
class Problem:
    kind: str  # "database", "attachment", "audit", "totals", "schema"
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


def _pragma_rows(path: Path, pragma: str) -> list[tuple[Any, ...]]:
    """A checking PRAGMA's rows, read on a read-only connection of its own."""
    conn = sqlite3.connect(sqlite_readonly_uri(path), uri=True)
    try:
        return conn.execute(f"PRAGMA {pragma}").fetchall()
    finally:
        conn.close()


def _session_rows(session: Session, pragma: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.execute(text(f"PRAGMA {pragma}"))]


def _integrity_problems(rows: list[tuple[Any, ...]]) -> list[Problem]:
    return [Problem("database", f"Cơ sở dữ liệu hỏng: {row}") for (row,) in rows if row != "ok"]


def _foreign_key_problems(rows: list[tuple[Any, ...]]) -> list[Problem]:
    return [
        Problem(
            "database",
            f"Bảng {row[0]}, dòng {row[1]}: trỏ tới bản ghi không còn trong bảng {row[2]}.",
        )
        for row in rows
    ]


def database_problems(session: Session) -> list[Problem]:
    """SQLite's own checks: page structure and foreign keys."""
    if session.get_bind().dialect.name != "sqlite":
        return []
    problems = _integrity_problems(_session_rows(session, "integrity_check"))
    return problems + _foreign_key_problems(_session_rows(session, "foreign_key_check"))


def _attached_files(session: Session) -> list[tuple[str, str, str, str]]:
    """(proposal code, what, file name, hash) of every attached file of every kind:
    dossier documents, acceptance evidence, progress files."""
    out: list[tuple[str, str, str, str]] = []
    for model, what in (
        (Document, Document.label),
        (EvidenceItem, EvidenceItem.code),
        (ProgressEntry, ProgressEntry.reported_on),
    ):
        rows = session.execute(
            select(Proposal.code, what, model.file_name, model.file_hash)
            .join(Proposal, model.proposal_id == Proposal.id)
            .where(model.file_hash.is_not(None), model.file_hash != "")
            .order_by(Proposal.code, model.id)
        )
        for code, label, file_name, file_hash in rows:
            if model is EvidenceItem:
                label = f"hồ sơ nghiệm thu '{label}'"
            elif model is ProgressEntry:
                label = f"báo cáo tiến độ ngày {label:%d/%m/%Y}"
            else:
                label = f"tài liệu '{label}'"
            out.append((code, label, file_name, file_hash))
    return out


def attachment_problems(session: Session) -> list[Problem]:
    """Every attached file must be in the store with its recorded SHA-256 (the
    database's blob table on a server, where every workstation reads it)."""
    problems: list[Problem] = []
    shared = attachments.shared_in_database(session)
    checked: dict[str, bool] = {}
    for code, label, file_name, file_hash in _attached_files(session):
        if file_hash not in checked:
            checked[file_hash] = attachments.verify(file_hash, session=session)
        if checked[file_hash]:
            continue
        if shared:
            present = session.get(AttachmentBlob, file_hash) is not None
        else:
            present = (
                attachments.is_valid_hash(file_hash) and attachments.path_for(file_hash).exists()
            )
        state = "bị sửa hoặc hỏng" if present else "bị mất"
        problems.append(
            Problem(
                "attachment",
                f"Đề án {code}, {label}: tệp {file_name or file_hash[:12]} {state}.",
            )
        )
    return problems


def totals_problems(session: Session) -> list[Problem]:
    """Cached proposal sums must equal their budget lines (nothing half-written)."""
    sums = (
        select(
            BudgetLine.proposal_id,
            func.coalesce(func.sum(BudgetLine.amount), 0).label("amount"),
            func.coalesce(func.sum(BudgetLine.support), 0).label("support"),
        )
        .group_by(BudgetLine.proposal_id)
        .subquery()
    )
    rows = session.execute(
        select(Proposal.code, Proposal.total_cost, Proposal.support, sums.c.amount, sums.c.support)
        .outerjoin(sums, sums.c.proposal_id == Proposal.id)
        .where(
            (Proposal.total_cost != func.coalesce(sums.c.amount, 0))
            | (Proposal.support != func.coalesce(sums.c.support, 0))
        )
    )
    return [
        Problem(
            "totals",
            f"Đề án {code}: tổng kinh phí/hỗ trợ ghi sẵn ({total}/{support}) khác tổng các "
            f"dòng dự toán ({lines_total or 0}/{lines_support or 0}).",
        )
        for code, total, support, lines_total, lines_support in rows
    ]


def check_session(session: Session, path: Path | None = None) -> list[Problem]:
    """Every check on the session's database; ``path`` (its SQLite file) lets the full
    ``PRAGMA integrity_check`` — most of the time — run in a thread beside the others
    (SQLite releases the GIL), the problems still listed in the same order."""
    if path is None or session.get_bind().dialect.name != "sqlite":
        return database_problems(session) + _other_problems(session)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="integrity-check") as pool:
        structure = pool.submit(_pragma_rows, path, "integrity_check")
        keys = _foreign_key_problems(_session_rows(session, "foreign_key_check"))
        others = _other_problems(session)
        try:
            rows = structure.result()
        except sqlite3.Error:
            # Not readable on a connection of its own (a read-only folder without the
            # -shm file): on the session, which raises or answers as the check always did.
            rows = _session_rows(session, "integrity_check")
    return _integrity_problems(rows) + keys + others


def _other_problems(session: Session) -> list[Problem]:
    problems = attachment_problems(session)
    problems += totals_problems(session)
    # The chain, then the anchors kept outside the database (the backups folder).
    broken = verify_with_anchors(session).problem
    if broken is not None:
        problems.append(Problem("audit", f"Nhật ký thao tác: {broken.message}"))
    # A merged Centre's trail is kept sealed: altered, cut or replaced, it is a problem.
    problems += [Problem("audit", p.message) for p in verify_segments(session)]
    return problems


def check(db: Database, actor: Actor | None = None) -> list[Problem]:
    """All checks on ``db``; an empty list means sound."""
    if actor is not None:
        require(actor, INTEGRITY_CHECK)
    problems: list[Problem] = []
    revision = current_revision(db.engine)
    if revision != head_revision():
        problems.append(
            Problem("schema", f"Lược đồ {revision} chưa được nâng cấp lên {head_revision()}.")
        )
    with db.session() as session:
        problems += check_session(session, db.path)
    return problems

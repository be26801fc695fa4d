"""Recognising lines already imported, without parsing them (re-import fast path).

When a record is imported, its base remembers the SHA-256 of the exact pack line
(``SyncState.line_hash``). A line with that hash is the content both sides last
agreed on, so it is *unchanged* whatever happened here since (incoming = base).
Any other line is parsed and goes through the full merge rules.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Facility, Proposal
from kcdesk.models.exchange import SyncState
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange import merge, records
from kcdesk.services.exchange.errors import PackRefused


def line_digest(raw: bytes) -> str:
    return hashlib.sha256(raw.rstrip(b"\r\n")).hexdigest()


class _FractionalNumber(ValueError):
    """A number with a fraction or an exponent, NaN or Infinity in a pack line."""


def _fractional(text: str) -> Any:
    raise _FractionalNumber(text)


# A record's numbers are integers: money in đồng, counts, years; a quantity is text
# ("2.500"). So a pack line with any other number is refused as it is read, NaN and
# Infinity too (not JSON, though Python's reader takes them): a record never holds a
# float, which ``canonical_record`` relies on to hash it through orjson.
_DECODER = json.JSONDecoder(parse_float=_fractional, parse_constant=_fractional)


def parse_line(raw: bytes, member: str) -> dict[str, Any]:
    try:
        # As ``json.loads`` reads bytes (UTF-8, or UTF-16/32 by their first bytes).
        row = _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))
    except _FractionalNumber as exc:
        raise PackRefused(
            E.BAD_RECORD,
            f"Một dòng của {member} có số {str(exc)[:20]}: kcdesk ghi số tiền, số lượng "
            "bằng số nguyên hoặc chữ số, nên gói này không do kcdesk tạo ra hoặc đã bị sửa.",
        ) from None
    except ValueError as exc:
        raise PackRefused(E.BAD_RECORD, f"Một dòng của {member} không đọc được.") from exc
    if not isinstance(row, dict):
        raise PackRefused(E.BAD_RECORD, f"Một dòng của {member} sai dạng.")
    return row


def _labels(session: Session, kind: str, uuids: list[str]) -> dict[str, str]:
    if not uuids:
        return {}
    if kind == records.PROPOSAL:
        stmt: Any = select(Proposal.uuid, Proposal.code, Proposal.title).where(
            Proposal.uuid.in_(uuids)
        )
        return {r.uuid: f"{r.code} — {r.title}" for r in session.execute(stmt)}
    stmt = select(Facility.uuid, Facility.name).where(Facility.uuid.in_(uuids))
    return {r.uuid: r.name for r in session.execute(stmt)}


def split_known(
    session: Session, kind: str, raws: list[bytes], member: str, office: str
) -> tuple[list[merge.PlanItem], list[tuple[str, dict[str, Any]]]]:
    """(unchanged items recognised by line hash, [(line hash, parsed record)] for the rest)."""
    digests = [line_digest(raw) for raw in raws]
    items, rest = known_lines(session, kind, raws, digests, office)
    return items, [(digests[n], parse_line(raws[n], member)) for n in rest]


def known_lines(
    session: Session, kind: str, raws: list[bytes], digests: list[str], office: str
) -> tuple[list[merge.PlanItem], list[int]]:
    """(unchanged items recognised by line hash, the positions of the other lines);
    ``digests``: each line's ``line_digest``."""
    stmt = select(
        SyncState.uuid, SyncState.line_hash, SyncState.revision, SyncState.content_hash
    ).where(SyncState.kind == kind, SyncState.line_hash.in_(set(digests)))
    known = {r.line_hash: r for r in session.execute(stmt)}
    labels = _labels(session, kind, [r.uuid for r in known.values()])
    # A proposal line must still belong to the pack's office (checked on bytes).
    marker = json.dumps({"office_code": office}, ensure_ascii=False, separators=(",", ":"))
    needle = marker[1:-1].encode("utf-8")
    items: list[merge.PlanItem] = []
    rest: list[int] = []
    for n, (raw, digest) in enumerate(zip(raws, digests, strict=True)):
        state = known.get(digest)
        ok = state is not None and state.uuid in labels
        if ok and kind == records.PROPOSAL and needle not in raw:
            ok = False
        if ok and state is not None:
            items.append(
                merge.PlanItem(
                    kind=kind,
                    uuid=state.uuid,
                    label=labels[state.uuid],
                    action=merge.UNCHANGED,
                    revision=state.revision,
                    content_hash=state.content_hash,
                )
            )
        else:
            rest.append(n)
    return items, rest

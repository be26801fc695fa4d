"""A verified pack read chunk by chunk for the import (đọc gói từng phần): each
chunk's lines known unchanged, the other records parsed, checked and held to the
office's rights, with what the helper process prepared (``helper``, ``prepare``).

``importer`` previews and applies the chunks; this module only reads and checks.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kcdesk.services.core import executemany
from kcdesk.services.core.id_lists import batches
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange import (
    fastpath,
    keys,
    merge,
    office_rights,
    prepare,
    records,
    validate,
)
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.exchange.export import FACILITIES_MEMBER, PROPOSALS_MEMBER
from kcdesk.services.exchange.helper import PrepareHelper
from kcdesk.services.exchange.pack_reader import VerifiedPack

KINDS = ((records.FACILITY, FACILITIES_MEMBER), (records.PROPOSAL, PROPOSALS_MEMBER))

# Off in the tests of the import without a helper process.
PARALLEL = True
# A proposals member at least this large (bytes, uncompressed) is prepared by a helper:
# ~1,000 proposals. Below it, starting the helper would cost more than it saves.
HELPER_MIN_BYTES = 6 << 20


@contextlib.contextmanager
def helper_for(session: Session, path: Path) -> Iterator[PrepareHelper | None]:
    """A helper process for a large pack imported into SQLite (None: no helper).

    Started before the pack is verified, so that it is ready sooner: whether the pack
    is large is read from its zip directory (a hint only: a pack that lies about it
    gets a helper for nothing, or none). Only where child rows are bound here
    (SQLite): elsewhere a prepared line would have to come back as a whole record,
    which costs as much to receive as to read.
    """
    if not PARALLEL or not executemany.executemany_on(session):
        yield None
        return
    try:
        with zipfile.ZipFile(path) as archive:
            size = archive.getinfo(PROPOSALS_MEMBER).file_size
    except Exception:  # a damaged zip (any error): no helper; the pack's checks refuse it
        size = None
    if size is None or size < HELPER_MIN_BYTES:
        yield None
        return
    with PrepareHelper() as helper:
        yield helper


Chunk = tuple[
    str, list[merge.PlanItem], list[dict[str, Any]], dict[str, str], dict[str, tuple[str, Any]]
]


def chunks(
    session: Session,
    pack: VerifiedPack,
    notes: list[str],
    helper: PrepareHelper | None = None,
) -> Iterator[Chunk]:
    """Per kind and chunk: lines known unchanged, the other records parsed and checked
    (validate: types, sizes, dates…; at the Centre, office_rights: what an office may
    change), the line hash of each parsed record by UUID, and what ``helper`` prepared
    (content hash and bound child rows, by UUID). ``notes`` collects the values
    ignored because the office may not set them."""
    office = str(pack.manifest["office"])
    rights = office_rights.OfficeRights(session, office) if keys.is_centre(session) else None
    for kind, member in KINDS:
        chunks = batches(pack.iter_raw(member))
        fed: Generator[tuple[list[bytes], list[prepare.Line] | None], None, None] = (
            helper.feed(chunks, office, rights is not None)
            if helper is not None and kind == records.PROPOSAL
            else ((raws, None) for raws in chunks)
        )
        # Closed on an error too: the pack's file stays open while a reader of its
        # member is, and the error's traceback would keep the readers (on Windows
        # the refused pack could not be moved or deleted until then).
        with contextlib.closing(chunks), contextlib.closing(fed):
            for raws, lines in fed:
                if lines is None:
                    known, rest = fastpath.split_known(session, kind, raws, member, office)
                    rest = [(d, validate.check_record(kind, row, member)) for d, row in rest]
                    batch = [row for _digest, row in rest]
                    digests = {str(row["uuid"]): d for d, row in rest}
                    done: dict[int, list[str]] = {}
                    ready: dict[str, tuple[str, Any]] = {}
                else:
                    known, batch, digests, done, ready = _prepared_chunk(
                        session, kind, raws, lines, member, office
                    )
                check_batch(batch, member, pack.manifest)
                if rights is not None:
                    batch = rights.apply(kind, batch, done)
                    notes.extend(rights.notes)
                    rights.notes.clear()
                yield kind, known, batch, digests, ready


def _prepared_chunk(
    session: Session,
    kind: str,
    raws: list[bytes],
    lines: list[prepare.Line],
    member: str,
    office: str,
) -> tuple[
    list[merge.PlanItem],
    list[dict[str, Any]],
    dict[str, str],
    dict[int, list[str]],
    dict[str, tuple[str, Any]],
]:
    """A chunk the helper prepared: as ``_chunks`` does it, each line's work taken from
    the helper where the line's proposal is new here, done here for the others (known
    elsewhere, or a line the helper could not prepare: its error is raised here)."""
    known, rest = fastpath.known_lines(session, kind, raws, [line[0] for line in lines], office)
    candidates = [str(top["uuid"]) for n in rest if (top := lines[n][1]) is not None]
    here = set(merge.local_index(session, kind, candidates)) if candidates else set()
    own = [n for n in rest if (top := lines[n][1]) is None or str(top["uuid"]) in here]
    # Parsed first, then checked, each in the lines' order: the first bad line is
    # refused with the message it always had.
    parsed = {n: fastpath.parse_line(raws[n], member) for n in own}
    checked = {n: validate.check_record(kind, row, member) for n, row in parsed.items()}
    batch: list[dict[str, Any]] = []
    digests: dict[str, str] = {}
    done: dict[int, list[str]] = {}
    ready: dict[str, tuple[str, Any]] = {}
    for n in rest:
        digest, top, content, notes, children, row = lines[n]
        record = checked.get(n)
        if record is None and top is not None:
            record = top
            done[len(batch)] = notes
            ready[str(top["uuid"])] = (content, (children, row))
        assert record is not None
        digests[str(record["uuid"])] = digest
        batch.append(record)
    return known, batch, digests, done, ready


def check_batch(batch: list[dict[str, Any]], member: str, manifest: dict[str, Any]) -> None:
    """Every record has a UUID and a revision; proposals belong to the pack's office."""
    office = str(manifest["office"])
    for row in batch:
        if not isinstance(row.get("uuid"), str) or not isinstance(row.get("revision"), int):
            raise PackRefused(E.BAD_RECORD, f"Một bản ghi trong {member} thiếu mã UUID/phiên bản.")
        if member == PROPOSALS_MEMBER and row.get("office_code") != office:
            raise PackRefused(
                E.BAD_RECORD,
                f"Gói trao đổi với đơn vị {office} có đề án {row.get('code')} của đơn vị "
                f"{row.get('office_code')}: một đơn vị chỉ gửi và nhận đề án của mình.",
            )

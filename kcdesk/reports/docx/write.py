"""Write the Word copy of any document whose PDF writer uses ``official_pdf``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from sqlalchemy.orm import Session

from kcdesk.reports.common.official_pdf import capture_stories
from kcdesk.reports.docx.from_story import story_to_docx
from kcdesk.services.core.errors import UserError
from kcdesk.services.core.safe_write import atomic_write_bytes


def docx_bytes(produce_pdf: Callable[[BytesIO], object]) -> bytes:
    """Run a PDF writer (``produce_pdf(handle)``) with its story caught, and return the
    .docx of that story; the PDF itself is not drawn."""
    with capture_stories() as stories:
        produce_pdf(BytesIO())
    if not stories:
        raise UserError("Văn bản này chưa có bản Word.")
    out = BytesIO()
    story_to_docx(stories[-1]).save(out)
    return out.getvalue()


def write_docx(target: Path, produce_pdf: Callable[[BytesIO], object]) -> Path:
    """Write the Word copy to ``target`` atomically; returns ``target``."""
    if target.suffix.lower() != ".docx":
        raise UserError(f"Tệp Word phải có đuôi .docx: {target.name}.")
    atomic_write_bytes(target, docx_bytes(produce_pdf))
    return target


def write_proposal_docx(session: Session, code: str, target: Path) -> Path:
    """The Word copy of đề án ``code`` (Phụ lục II), from the PDF writer's story."""
    from kcdesk.reports.proposals.pdf import write_proposal_pdf

    with tempfile.TemporaryDirectory(prefix="kcdesk-docx-") as folder:
        scratch = Path(folder) / "proposal.pdf"
        return write_docx(target, lambda _handle: write_proposal_pdf(session, code, scratch))

"""How a digital signature looks on the page (ND 30/2020/NĐ-CP, Phụ lục I, mục II).

- The signer's signature (chữ ký số của người có thẩm quyền): the image of the
  signer's handwritten signature, centred in the signature block between the post and
  the name.
- The organisation's signature (chữ ký số của cơ quan, tổ chức): the image of the seal,
  over about one third of the signer's signature on the left, with the organisation's
  name and the signing time (ISO 8601, Vietnam's time zone).
- Invisible: no image at all (a copy, or a document whose layout must not change).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader

from kcdesk.services.signing.certs import VIETNAM
from kcdesk.services.signing.store import LOOK_LABELS

MM = 72 / 25.4
_MARK = re.compile(rb"/KcdeskSignature\s*<<\s*/Rect\s*\[([-\d.\s]+)\]\s*>>\s*DP")


class Look(Enum):
    """Which signature (kiểu chữ ký) is made."""

    SIGNER = "signer"
    ORGANISATION = "organisation"
    INVISIBLE = "invisible"

    @property
    def label(self) -> str:
        return LOOK_LABELS[self.value]


@dataclass(frozen=True)
class Placement:
    """Page index (from 0) and box (x1, y1, x2, y2, PDF points) of the visible signature."""

    page: int
    box: tuple[int, int, int, int]


def signing_time_text(when: datetime | None = None) -> str:
    """The signing time as ND 30/2020 shows it: ISO 8601 in Vietnam's time zone."""
    moment = (when or datetime.now(UTC)).astimezone(VIETNAM)
    return moment.replace(microsecond=0).isoformat()


def _page_contents(reader: PdfFileReader, index: int) -> bytes:
    page = reader.find_page_for_modification(index)[0].get_object()
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    parts = contents if isinstance(contents, list) else [contents]
    return b"\n".join(part.get_object().data for part in parts)


def find_signature_space(reader: PdfFileReader) -> tuple[int, tuple[float, ...]] | None:
    """The signature block's space marked by kcdesk's PDF writer, last one first."""
    count = int(reader.root["/Pages"]["/Count"])
    for index in range(count - 1, -1, -1):
        found = _MARK.findall(_page_contents(reader, index))
        if found:
            rect = tuple(float(v) for v in found[-1].split())
            if len(rect) == 4:
                return index, rect
    return None


def _page_size(reader: PdfFileReader, index: int) -> tuple[float, float]:
    page = reader.find_page_for_modification(index)[0].get_object()
    box = [float(v) for v in page.get("/MediaBox", [0, 0, 595.28, 841.89])]
    return box[2] - box[0], box[3] - box[1]


def placement(data: bytes, look: Look) -> Placement | None:
    """Where ``look`` goes in the PDF ``data``; None for an invisible signature.

    In a kcdesk document the box sits in the signature block's space; in any other PDF
    it sits at the bottom right of the last page, above the bottom margin.
    """
    if look is Look.INVISIBLE:
        return None
    reader = PdfFileReader(BytesIO(data), strict=False)
    found = find_signature_space(reader)
    if found is None:
        page = int(reader.root["/Pages"]["/Count"]) - 1
        width, _height = _page_size(reader, page)
        # The right half of an A4 page's text area, 20 mm above the bottom edge.
        rect: tuple[float, ...] = (width / 2, 20 * MM, width - 15 * MM, 42 * MM)
    else:
        page, rect = found
    left, bottom, right, top = rect
    centre_x, centre_y = (left + right) / 2, (bottom + top) / 2
    if look is Look.SIGNER:
        half_w, half_h = 30 * MM, max((top - bottom) / 2, 10 * MM)
        box = (centre_x - half_w, centre_y - half_h, centre_x + half_w, centre_y + half_h)
    else:
        # The seal (about 36 mm across) over the left third of the signer's image.
        size = 36 * MM
        seal_left = centre_x - 30 * MM - size / 2
        box = (seal_left, centre_y - size / 2, seal_left + size, centre_y + size / 2)
    return Placement(page, (round(box[0]), round(box[1]), round(box[2]), round(box[3])))

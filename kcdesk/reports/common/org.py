"""Who issues a document: the agency block read from the settings (never hard-coded)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from kcdesk.services.core import organisation
from kcdesk.services.core.errors import UserError
from kcdesk.text import fold

Issuer = Literal["centre", "department", "committee"]


@dataclass(frozen=True)
class Agency:
    """The header's left block: parent agency (regular) over the issuing agency (bold)."""

    parent: str
    name: str
    abbrev: str
    place: str
    signer_post: str
    signer_name: str
    # The name as typed in Settings (the header prints it in capitals).
    display_name: str = ""
    province: str = ""
    issuer: Issuer = "centre"


# The name line of a draft whose signer's name is not set: the signer writes it in.
BLANK_NAME = "…………………………………"


def signer_name(agency: Agency, *, draft: bool) -> str:
    """The name under the signature. A final document refuses to print without it
    (ValidationError naming the setting); a draft (DỰ THẢO) prints a dotted line for
    the signer to fill in, never another name."""
    if agency.signer_name:
        return agency.signer_name
    if draft:
        return BLANK_NAME
    organisation.require_signer(agency.issuer)
    return ""


def require_own_programme(agency: Agency, code: str, province: str, origin: str = "") -> None:
    """A programme report goes out under the Centre's letterhead only for the Centre's
    own province, or a merged old province's programme it now carries (issue 25):
    never «Trung tâm … tỉnh Cao Bằng» reporting on Khánh Hòa's programme (issue 17 §4)."""
    if origin or not agency.province or fold(province) == fold(agency.province):
        return
    raise UserError(
        f"Chương trình {code} là của tỉnh {province}, còn đơn vị trong Cài đặt ở tỉnh "
        f"{agency.province}: không in báo cáo của tỉnh khác dưới tiêu đề của đơn vị."
    )


def agency_from_settings(values: dict[str, Any], issuer: Issuer = "centre") -> Agency:
    """``values`` is kcdesk.services.core.settings.get_all(session).

    Raises ValidationError naming the setting when one the issuer needs is unset
    (a document never prints another province's names).
    """
    organisation.require(values, issuer)

    def get(key: str) -> str:
        return str(values.get(key) or "").strip()

    place = get("org.place_name")
    if issuer == "department":
        return Agency(
            parent=get("org.department_parent").upper(),
            name=get("org.department_name").upper(),
            abbrev=get("org.department_abbrev"),
            place=place,
            signer_post=get("signer.department_post"),
            signer_name=get("signer.department_name"),
            display_name=_in_province(get("org.department_name"), get("org.province")),
            province=get("org.province"),
            issuer="department",
        )
    if issuer == "committee":
        return Agency(
            parent="",
            name=get("org.province_committee").upper(),
            abbrev="UBND",
            place=place,
            signer_post=get("signer.committee_post"),
            signer_name=get("signer.committee_name"),
            display_name=get("org.province_committee"),
            province=get("org.province"),
            issuer="committee",
        )
    return Agency(
        parent=get("org.centre_parent").upper(),
        name=get("org.centre_name").upper(),
        abbrev=get("org.centre_abbrev"),
        place=place,
        signer_post=get("signer.centre_post"),
        signer_name=get("signer.centre_name"),
        display_name=get("org.centre_name"),
        province=get("org.province"),
    )


def _in_province(name: str, province: str) -> str:
    """'Sở Công Thương' → 'Sở Công Thương tỉnh Cao Bằng' (in a sentence, once)."""
    if not province or province.lower() in name.lower():
        return name
    return f"{name} tỉnh {province}"


def sentence_name(name: str) -> str:
    """'TRUNG TÂM KHUYẾN CÔNG VÀ …' → 'Trung tâm Khuyến công và …' (names are stored in
    capitals for the header; in a sentence the kind of body and its name's first word
    take capitals)."""
    if not name.isupper():
        return name
    words = name.lower().split()
    proper_from = {"trung": 2, "sở": 1, "ủy": 3, "ubnd": 1}.get(words[0] if words else "", 1)
    for i, word in enumerate(words):
        if i == 0 or i == proper_from:
            words[i] = word[:1].upper() + word[1:]
    text = " ".join(words)
    return text.replace("Ubnd", "UBND")


def agency_display_name(agency: Agency) -> str:
    """The organisation in a sentence or as a PDF's author ('Trung tâm Khuyến công …')."""
    return agency.display_name or sentence_name(agency.name)

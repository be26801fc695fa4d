"""Who issues a document: the agency block read from the settings (never hard-coded)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

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


def agency_from_settings(values: dict[str, Any], issuer: Issuer = "centre") -> Agency:
    """``values`` is kcdesk.services.core.settings.get_all(session)."""
    place = str(values.get("org.place_name", ""))
    if issuer == "department":
        return Agency(
            parent=str(values["org.department_parent"]).upper(),
            name=str(values["org.department_name"]).upper(),
            abbrev="SCT",
            place=place,
            signer_post=str(values["signer.department_post"]),
            signer_name=str(values["signer.department_name"]),
        )
    if issuer == "committee":
        return Agency(
            parent="",
            name=str(values["org.province_committee"]).upper(),
            abbrev="UBND",
            place=place,
            signer_post="CHỦ TỊCH",
            signer_name="",
        )
    return Agency(
        parent=str(values["org.centre_parent"]).upper(),
        name=str(values["org.centre_name"]).upper(),
        abbrev=str(values["org.centre_abbrev"]),
        place=place,
        signer_post=str(values["signer.centre_post"]),
        signer_name=str(values["signer.centre_name"]),
    )

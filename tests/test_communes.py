"""Official commune list (issue 20 §1): lookup, certain matching, addresses, CLI, saving."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kcdesk.cli.main import main
from kcdesk.models import Facility, Office, Proposal
from kcdesk.services.communes import official, reconcile
from kcdesk.services.communes.address import full_address
from kcdesk.services.communes.matching import match
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.proposals.facilities import FacilityInput, create_facility
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.security.actor import SYSTEM
from tests.proposal_factory import machine_input, make_facility

CAO_BANG = official.find_province("Cao Bằng")


def test_the_whole_official_list_is_there() -> None:
    assert len(official.provinces_by_code()) == 34
    assert len(official.communes_by_code()) == 3321
    assert CAO_BANG is not None and CAO_BANG.code == "04"
    assert len(official.communes(CAO_BANG)) == 56
    assert official.find_province("4") == official.find_province("cao bang") == CAO_BANG
    assert official.find_province("Thành phố Hà Nội") == official.find_province("ha noi")
    hanoi_ward = official.commune("70")
    assert hanoi_ward is not None and hanoi_ward.code == "00070"
    assert hanoi_ward.province.address_name == "thành phố Hà Nội"


def test_type_ahead_without_diacritics() -> None:
    assert CAO_BANG is not None
    names = [c.name for c in official.communes(CAO_BANG, "trung kh")]
    assert names == ["Xã Trùng Khánh"]
    assert [c.code for c in official.communes(CAO_BANG, "01477")] == ["01477"]
    # another province's unit of the same name is not offered
    assert all(c.province_code == "04" for c in official.communes(CAO_BANG, "phuong"))


@pytest.mark.parametrize(
    "text",
    ["Trùng Khánh", "xã Trùng Khánh", "Xa Trung Khanh", "Xã Trùng Khánh, tỉnh Cao Bằng"],
)
def test_certain_matches(text: str) -> None:
    assert CAO_BANG is not None
    found = match(text, CAO_BANG)
    assert found is not None and (found.code, found.name) == ("01477", "Xã Trùng Khánh")


@pytest.mark.parametrize(
    "text",
    [
        "Thị trấn Trùng Khánh",  # district-era unit: not the same as the new xã
        "Phường Trùng Khánh",  # type does not agree
        "Xã Đình Minh",  # merged away in 2025
        "Huyện Trùng Khánh",
        "",
    ],
)
def test_uncertain_text_is_never_guessed(text: str) -> None:
    assert CAO_BANG is not None
    assert match(text, CAO_BANG) is None


def test_address_names_commune_and_province_once_in_normal_case() -> None:
    c = official.commune("01477")
    assert c is not None
    typed = "Thôn Nà Pò, Xã Trùng Khánh, Tỉnh Cao Bằng"
    assert full_address(typed, c, c.province) == "Thôn Nà Pò, xã Trùng Khánh, tỉnh Cao Bằng"
    assert full_address("Thôn Nà Pò", c, c.province) == "Thôn Nà Pò, xã Trùng Khánh, tỉnh Cao Bằng"
    ward = official.commune("01273")
    assert ward is not None and ward.kind == "phường"
    assert full_address("", ward, ward.province) == f"phường {ward.bare_name}, tỉnh Cao Bằng"


def test_cli_commune_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["commune", "list", "--province", "cao bang", "--search", "trung khanh", "--json"])
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "code": "01477",
            "name": "Xã Trùng Khánh",
            "kind": "xã",
            "province_code": "04",
            "province_name": "Cao Bằng",
        }
    ]
    assert main(["commune", "list", "--province", "04"]) == 0
    out = capsys.readouterr().out
    assert "01477  Xã Trùng Khánh, tỉnh Cao Bằng" in out and "56 đơn vị." in out
    assert main(["commune", "list", "--province", "Không có"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Không có tỉnh" in err


def test_saving_stores_code_and_official_name(db) -> None:
    with db.session() as session:
        picked = create_facility(
            session,
            SYSTEM,
            FacilityInput(name="HTX Hạt dẻ", tax_code="4800111222", commune_code="01477"),
        )
        typed = create_facility(
            session,
            SYSTEM,
            FacilityInput(name="HTX Miến", tax_code="4800111333", commune="xa trung khanh"),
        )
        unknown = make_facility(session)  # "Xã Hòa Bình": not a Cao Bằng unit
        assert (picked.commune_code, picked.commune, picked.province) == (
            "01477",
            "Xã Trùng Khánh",
            "Cao Bằng",
        )
        assert (typed.commune_code, typed.commune) == ("01477", "Xã Trùng Khánh")
        assert (unknown.commune_code, unknown.commune) == (None, "Xã Hòa Bình")
        data = machine_input(unknown.uuid)
        data.commune, data.commune_code = "trung khanh", "01477"
        proposal = create_proposal(session, SYSTEM, data)
        assert (proposal.commune_code, proposal.commune) == ("01477", "Xã Trùng Khánh")
        with pytest.raises(ValidationError, match="không có trong danh mục"):
            create_facility(
                session,
                SYSTEM,
                FacilityInput(name="HTX X", tax_code="4800111444", commune_code="99999"),
            )


def test_reconcile_matches_certain_and_lists_the_rest(db) -> None:
    with db.session() as session:
        certain = make_facility(session, "HTX A", "4800000001")
        doubtful = make_facility(session, "HTX B", "4800000002")
        old = make_facility(session, "HTX C", "4800000003")
        # text typed before the list existed (as an old database or an Excel import holds it)
        certain.commune, certain.commune_code = "Trùng Khánh", None
        doubtful.commune, doubtful.commune_code = "Xã Hòa Bình", None
        # A district-era unit: the official conversion says it went whole into the new
        # Xã Trùng Khánh, so it gets that code and keeps the name of its time.
        old.commune, old.commune_code = "Thị trấn Trùng Khánh", None
        session.flush()
        assert reconcile.match_all(session) == 2
        assert (certain.commune_code, certain.commune) == ("01477", "Xã Trùng Khánh")
        assert (old.commune_code, old.commune) == ("01477", "Thị trấn Trùng Khánh")
        rest = {(r.kind, r.id): r for r in reconcile.unmatched(session)}
        assert ("facility", doubtful.id) in rest
        assert rest[("facility", doubtful.id)].commune_text == "Xã Hòa Bình"
        assert rest[("facility", doubtful.id)].candidates == ()
        assert ("facility", certain.id) not in rest and ("facility", old.id) not in rest
        assert reconcile.assign(session, SYSTEM, "facility", doubtful.id, "01477") == (
            "Xã Trùng Khánh"
        )
        assert ("facility", doubtful.id) not in {
            (r.kind, r.id) for r in reconcile.unmatched(session)
        }


def test_demo_data_uses_official_cao_bang_communes(demo_db) -> None:
    with demo_db.session() as session:
        for model in (Facility, Proposal, Office):
            rows = session.execute(select(model.commune, model.commune_code)).all()
            coded = [r for r in rows if r[0]]
            assert coded, model
            for name, code in coded:
                unit = official.commune(code)
                assert unit is not None and unit.province_code == "04" and unit.name == name
        assert session.scalar(select(func.count()).select_from(Facility)) > 0


def test_cli_match_lists_what_is_left(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_file = tmp_path / "m.sqlite"
    assert main(["--db", str(db_file), "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_file), "commune", "match"]) == 0
    assert "Không còn xã, phường nào chưa khớp." in capsys.readouterr().out


def test_register_filter_groups_spellings_by_code(db) -> None:
    from kcdesk.services.proposals import register_query as rq

    with db.session() as session:
        facility = make_facility(session)
        for text in ("Trùng Khánh", "xã Trùng Khánh", "Xã Hòa Bình"):
            data = machine_input(facility.uuid)
            data.commune = text
            create_proposal(session, SYSTEM, data)
        choices = rq.commune_choices(session)
        assert choices == [
            ("Xã Trùng Khánh", "01477"),
            ("Xã Hòa Bình (chưa khớp danh mục)", "Xã Hòa Bình"),
        ]
        by_code = rq.RegisterFilter(commune="01477")
        found = session.scalars(select(Proposal.commune).where(rq.commune_clause("01477"))).all()
        assert found == ["Xã Trùng Khánh", "Xã Trùng Khánh"] and by_code.commune == "01477"


def test_dashboard_groups_by_commune_code(db) -> None:
    from kcdesk.models import ProposalStatus as S
    from kcdesk.services.dashboard import board, drill
    from tests.dashboard_support import add_programme, add_proposal, target

    CODE = "TEST-2026-2028"

    mil = 1_000_000
    with db.session() as s:
        add_programme(s, [target("P", "proposals", ("tu_van",))])
        for text, code in (("Trùng Khánh", "01477"), ("Xã Trùng Khánh", "01477"), ("Xã B", None)):
            p = add_proposal(
                s, year=2027, activity="tu_van", status=S.APPROVED, approved_support=mil
            )
            p.commune, p.commune_code = text, code
        s.flush()
        data = board.compute(s, CODE, year=2027)
        rows = {r.key: (r.label, r.approved_count) for r in data.by_commune}
        assert rows == {
            "01477": ("Xã Trùng Khánh", 2),
            "Xã B": ("Xã B (chưa khớp danh mục)", 1),
        }
        assert len(drill.proposals_for(s, CODE, commune="01477")) == 2
        assert len(drill.proposals_for(s, CODE, commune="Xã B")) == 1


def test_catalogue_prints_each_address_part_once(demo_db) -> None:
    from kcdesk.models import ProposalFacility
    from kcdesk.services.catalogue.build import entry_from_proposal

    with demo_db.session() as session:
        proposal = session.scalars(
            select(Proposal).join(ProposalFacility).order_by(Proposal.id).limit(1)
        ).one()
        text = entry_from_proposal(proposal).beneficiary
        facility = proposal.facility_links[0].facility
    assert f"xã {facility.commune[3:]}" in text or f"phường {facility.commune[7:]}" in text
    assert text.count("tỉnh Cao Bằng") == len(proposal.facility_links)

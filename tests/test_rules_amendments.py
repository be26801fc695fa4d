"""Amendment authority depends on the funding source (issue 18 §3): the Department /
chairman rules of the province's procedure are for local funds; national-fund
proposals follow Điều 11 TT 36/2013. The recorded reason cites the rule applied."""

from __future__ import annotations

import pytest

from kcdesk.models import ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.amendments import record as amendments
from kcdesk.services.amendments.authority import decide_authority, load_rules, rules_for
from tests.register_helpers import STAFF, facility, proposal

LOCAL, NATIONAL = "dia_phuong", "quoc_gia"


def _decide(changes: dict, source: str, kind: str = "adjust") -> tuple[str, list[str]]:  # type: ignore[type-arg]
    decision = decide_authority(kind, changes, 2027, funding_source=source)
    return decision.authority, decision.reasons


def test_local_rules_keep_their_qualifier_and_cover_local_sources() -> None:
    rules = load_rules()
    assert set(rules.funding) == {"dia_phuong", "cap_xa"}
    support = rules.rule_for("approved_support")
    assert support is not None
    assert "từ nguồn kinh phí khuyến công địa phương" in support.source
    assert rules_for("cap_xa") is not None and rules_for("cap_xa").funding == rules.funding
    assert rules_for(NATIONAL).funding == ("quoc_gia",)


@pytest.mark.parametrize(
    ("changes", "kind", "local", "national"),
    [
        ({"location": {"old": "Xã A", "new": "Xã B"}}, "adjust", "department", "cuc_cndp"),
        ({"facilities": {"old": ["u1"], "new": ["u2"]}}, "adjust", "department", "cuc_cndp"),
        (
            {"approved_support": {"old": 100, "new": 90}},
            "adjust",
            "department",
            "cuc_cndp",
        ),
        (
            {"approved_support": {"old": 100, "new": 101}},
            "adjust",
            "chairman",
            "bo_cong_thuong",
        ),
        (
            {"end_month": {"old": "2027-09-01", "new": "2028-02-01"}},
            "adjust",
            "chairman",
            "bo_cong_thuong",
        ),
        ({"activity": {"old": "a", "new": "b"}}, "adjust", "chairman", "bo_cong_thuong"),
        # Other changes: the chairman locally, Cục Công nghiệp địa phương nationally.
        ({"title": {"old": "A", "new": "B"}}, "adjust", "chairman", "cuc_cndp"),
        ({}, "stop", "chairman", "bo_cong_thuong"),
        ({}, "add", "chairman", "bo_cong_thuong"),
    ],
)
def test_authority_per_funding_source(
    changes: dict,  # type: ignore[type-arg]
    kind: str,
    local: str,
    national: str,
) -> None:
    assert _decide(changes, LOCAL, kind)[0] == local
    assert _decide(changes, "cap_xa", kind)[0] == local
    authority, reasons = _decide(changes, NATIONAL, kind)
    assert authority == national
    assert all("Điều 11 Thông tư 36/2013/TT-BCT" in r for r in reasons[:1])
    assert not any("Bước 4" in r for r in reasons)


def test_recorded_amendment_of_a_national_proposal_cites_article_11(db: Database) -> None:
    with db.session() as s:
        f1 = facility(s, "Hợp tác xã A", tax_code="4600000001")
        p = proposal(
            s,
            "ĐA-2027-001",
            status=ProposalStatus.IMPLEMENTING,
            facilities=[f1],
            funding_source=NATIONAL,
            support=200_000_000,
            approved_support=200_000_000,
        )
        a = amendments.propose(
            s, STAFF, p, new_values={"approved_support": 250_000_000}, reason="Giá máy tăng"
        )
        assert a.authority == "bo_cong_thuong"
        assert any(
            "Điểm a khoản 2 Điều 11" in r or "Khoản 2 Điều 11" in r for r in a.authority_reasons
        )
        assert amendments.authority_label(a.authority) == "Bộ trưởng Bộ Công Thương"
        local = proposal(
            s,
            "ĐA-2027-002",
            status=ProposalStatus.IMPLEMENTING,
            facilities=[f1],
            support=200_000_000,
            approved_support=200_000_000,
        )
        b = amendments.propose(
            s, STAFF, local, new_values={"approved_support": 150_000_000}, reason="Giảm"
        )
        assert b.authority == "department"
        assert any("khuyến công địa phương" in r for r in b.authority_reasons)

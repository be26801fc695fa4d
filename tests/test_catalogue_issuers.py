"""Who issues what (issue 17 §2): the Centre's tờ trình, the Department's tờ trình, the
chairman's decision and its appendix; DỰ THẢO until approved; the letter lists exactly
the catalogue's entries and totals and cites the programme's decision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.formatting import amount_in_words, format_money
from kcdesk.models.db import Database
from tests.pdftext import pdf_pages, pdf_text


def _export(db: Path, out: Path, year: str, issuer: str | None) -> tuple[str, str, list[str]]:
    pdf, letter = out / f"dm-{issuer}.pdf", out / f"tt-{issuer}.pdf"
    extra = ["--issuer", issuer] if issuer else []
    args = ["--db", str(db), "catalogue", "export", "--year", year, *extra]
    assert main([*args, "--pdf", str(pdf), "--letter", str(letter)]) == 0
    return pdf_text(pdf), pdf_text(letter), pdf_pages(pdf)


def test_three_issuers_three_documents(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = demo_db.url
    capsys.readouterr()
    assert main(["--db", str(db), "catalogue", "show", "--year", "2027", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    texts = {i: _export(db, tmp_path, "2027", i) for i in ("centre", "department", "committee")}
    letters = [texts[i][1] for i in texts]
    assert len(set(letters)) == 3

    catalogue, letter, pages = texts["centre"]
    assert letter.startswith("DỰ THẢO") and catalogue.startswith("DỰ THẢO")
    assert "SỞ CÔNG THƯƠNG TỈNH CAO BẰNG TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI" in letter
    assert "Số: ……/TTr-TTKC&XTTM" in letter
    assert "Kính gửi: Sở Công Thương tỉnh Cao Bằng." in letter
    assert "Về việc đề nghị thẩm định danh mục đề án khuyến công năm 2027" in letter
    assert "Kèm theo Tờ trình số ……/TTr-TTKC&XTTM" in catalogue
    assert "QĐ-UBND" not in catalogue and "Số:" not in pages[0]

    catalogue, letter, pages = texts["department"]
    assert "UBND TỈNH CAO BẰNG SỞ CÔNG THƯƠNG" in letter and "Số: ……/TTr-SCT" in letter
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng." in letter
    assert "Sở Công Thương tỉnh Cao Bằng kính trình Chủ tịch Ủy ban nhân dân tỉnh" in letter
    assert "Kèm theo Tờ trình số ……/TTr-SCT" in catalogue and "Số:" not in pages[0]

    catalogue, letter, pages = texts["committee"]
    assert "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG" in letter and "Số: ……/QĐ-UBND" in letter
    assert "QUYẾT ĐỊNH Về việc phê duyệt danh mục đề án khuyến công năm 2027" in letter
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH CAO BẰNG" in letter and "Lê Hải Hòa" in letter
    assert "Phụ lục DANH MỤC ĐỀ ÁN KHUYẾN CÔNG NĂM 2027" in catalogue
    assert "(Kèm theo Quyết định số ……/QĐ-UBND ngày …… tháng …… năm …… của Chủ tịch Ủy" in (
        catalogue
    )
    assert "Số:" not in pages[0]

    # Every letter holds exactly the catalogue's figures and cites the programme.
    support = shown["totals"]["support"]
    for issuer in ("centre", "department"):
        letter = texts[issuer][1]
        assert f"Tổng số đề án: {shown['count']} đề án" in letter
        assert f"kinh phí khuyến công hỗ trợ: {format_money(support)} đồng" in letter
        for group in shown["groups"]:
            count = len(group["rows"])
            assert f"{group['numeral']}. " in letter
            assert (
                f"{count} đề án, kinh phí khuyến công hỗ trợ {format_money(group['support'])}"
                in (letter)
            )
    for letter in letters:
        assert (
            "Căn cứ Quyết định số 2036/QĐ-UBND ngày 28/11/2025 của Ủy ban nhân dân tỉnh" in letter
        )
        assert "Nghị định số 235/2025/NĐ-CP" in letter and "Thông tư số 64/2024/TT-BTC" in letter
    assert amount_in_words(support) in texts["committee"][1]


def test_approved_catalogue_is_the_decisions_appendix(demo_db: Database, tmp_path: Path) -> None:
    db = demo_db.url
    base = ["--db", str(db), "catalogue"]
    assert main([*base, "submit", "--year", "2027", "--letter-no", "45/TTr-TTKC&XTTM"]) == 0
    decision = ["--decision-no", "1875/QĐ-UBND", "--decision-date", "28/10/2026"]
    assert main([*base, "approve", "--year", "2027", *decision]) == 0
    catalogue, letter, pages = _export(db, tmp_path, "2027", None)
    assert "DỰ THẢO" not in catalogue and "DỰ THẢO" not in letter
    assert "Kèm theo Quyết định số 1875/QĐ-UBND ngày 28 tháng 10 năm 2026 của Chủ tịch" in (
        catalogue
    )
    assert "Số:" not in pages[0] and "Số: 1875/QĐ-UBND" in letter
    # The Centre's copy of an approved catalogue cites its own letter, never the decision.
    catalogue, letter, _pages = _export(db, tmp_path, "2027", "centre")
    assert "1875/QĐ-UBND" not in catalogue and "1875/QĐ-UBND" not in letter
    assert "Kèm theo Tờ trình số 45/TTr-TTKC&XTTM" in catalogue
    assert "Số: 45/TTr-TTKC&XTTM" in letter


def test_amended_catalogue_shows_what_changed(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import select

    from kcdesk.models import Proposal, ProposalStatus

    db = demo_db.url
    base = ["--db", str(db)]
    assert main([*base, "catalogue", "submit", "--year", "2026"]) == 0
    decision = ["--decision-no", "1875/QĐ-UBND", "--decision-date", "28/10/2025"]
    assert main([*base, "catalogue", "approve", "--year", "2026", *decision]) == 0
    with demo_db.session() as s:
        p = s.scalars(
            select(Proposal).where(
                Proposal.plan_year == 2026,
                Proposal.status == ProposalStatus.IMPLEMENTING,
                Proposal.funding_source == "dia_phuong",
            )
        ).first()
        assert p is not None
        code = p.code
    amend = ["proposal", "amend", code, "--set", "end_month=2026-12", "--reason", "Lùi thời gian"]
    assert main([*base, *amend]) == 0
    decide = ["proposal", "decide", code, "1", "--approve", "--decision", "88/QĐ-SCT"]
    assert main([*base, *decide, "--decision-date", "2026-08-10"]) == 0
    capsys.readouterr()
    assert main([*base, "catalogue", "show", "--year", "2026", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == "amended" and shown["approved_version"] == 2
    assert any(code in line and "12/2026" in line for line in shown["changes_since_approval"])
    pdf = tmp_path / "dm-sua.pdf"
    assert main([*base, "catalogue", "export", "--year", "2026", "--pdf", str(pdf)]) == 0
    text = pdf_text(pdf)
    assert "Những thay đổi so với danh mục đã phê duyệt (phiên bản 2):" in text
    assert f"Điều chỉnh {code}: Thời gian thực hiện:" in text

"""Section 8 of the đề án includes sustainability (tính bền vững, khả năng nhân rộng —
khoản 8 Điều 5 TT 36/2013): stored, kept in drafts and history, carried by packs,
shown by ``proposal show --json`` and printed in the PDF and its Word copy (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import Proposal
from kcdesk.models.db import Database
from kcdesk.reports.proposals.pdf import write_proposal_pdf
from kcdesk.services.core import audit
from kcdesk.services.exchange import records
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.exchange.validate import MAX_TEXT, check_record
from kcdesk.services.history.events import describe_event
from kcdesk.services.proposals import draft_store as drafts
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals.draft import from_json, from_proposal, to_json
from kcdesk.services.proposals.save import create_proposal, update_proposal
from kcdesk.services.security.actor import SYSTEM
from tests.pdftext import pdf_pages
from tests.proposal_factory import machine_input, make_facility
from tests.test_docx_copies import docx_text

LASTING = (
    "Hợp tác xã tự bảo dưỡng máy bằng quỹ phát triển sản xuất; nhân rộng cho 3 hợp tác xã chè."
)
LABEL = "Tính bền vững, khả năng nhân rộng"
SECTION_8 = "VIII. HIỆU QUẢ CỦA ĐỀ ÁN"


@pytest.fixture
def code(db: Database) -> str:
    with db.session() as s:
        data = machine_input(make_facility(s).uuid)
        data.sustainability = LASTING
        return create_proposal(s, SYSTEM, data).code


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_section_8_of_the_pdf_and_its_word_copy_carry_sustainability(
    db: Database, code: str, tmp_path: Path
) -> None:
    target = tmp_path / "Đề án.pdf"
    with db.session() as s:
        write_proposal_pdf(s, code, target)
    pages = [_flat(page) for page in pdf_pages(target)]
    # On the page where it is printed, it comes after section 8's heading and the
    # environmental effect, under its own numbered label.
    text = " ".join(pages)
    start = text.index(SECTION_8)
    assert text.index("Giảm khói bụi.", start) < text.index(f"5. {LABEL}", start)
    assert text.index(f"5. {LABEL}", start) < text.index(LASTING, start)
    assert any(LASTING in page for page in pages)

    word = tmp_path / "Đề án.docx"
    assert main(["--db", db.url, "proposal", "docx", code, "--out", str(word)]) == 0
    words = docx_text(word)
    assert words.index(SECTION_8) < words.index(f"5. {LABEL}") < words.index(LASTING)


def test_show_json_history_and_draft_keep_it(
    db: Database, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--db", db.url, "proposal", "show", code, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["effect"]["sustainability"] == LASTING

    changed = "Duy trì bằng vốn tự có của hợp tác xã."
    with db.session() as s:
        p = proposals.get_proposal(s, code)
        data = from_proposal(p)
        data.sustainability = changed
        update_proposal(s, SYSTEM, code, data, p.revision, check_files=False)
    with db.session() as s:
        p = proposals.get_proposal(s, code)
        assert p.sustainability == changed
        events = audit.list_events(s, entity_uuid=p.uuid)
        texts = [describe_event(audit.event_dict(e)).changes for e in events]
    # The history names the field in Vietnamese, never by its code.
    assert any(f"{LABEL}:" in t and changed in t for t in texts), texts
    assert not any("sustainability" in t for t in texts)

    draft = from_json(json.loads(json.dumps(to_json(data))))
    assert draft.sustainability == changed
    with db.session() as s:
        draft.sustainability = "Bản nháp: chưa xong."
        drafts.save_draft(s, SYSTEM, draft)
    with db.session() as s:
        kept = drafts.load_draft(s, SYSTEM, code)
        assert kept is not None and kept.data.sustainability == "Bản nháp: chưa xong."


def test_packs_carry_it_within_the_size_limit(db: Database, code: str) -> None:
    with db.session() as s:
        record = records.proposal_record(proposals.get_proposal(s, code))
    assert record["sustainability"] == LASTING
    assert check_record(records.PROPOSAL, record, "records/proposals.jsonl")["sustainability"] == (
        LASTING
    )
    record["sustainability"] = "x" * (MAX_TEXT + 1)
    with pytest.raises(PackRefused, match="«sustainability» dài quá 65536 ký tự"):
        check_record(records.PROPOSAL, record, "records/proposals.jsonl")
    record["sustainability"] = 12
    with pytest.raises(PackRefused, match="«sustainability» phải là chữ"):
        check_record(records.PROPOSAL, record, "records/proposals.jsonl")


def test_a_province_template_without_the_field_still_works(
    db: Database, code: str, tmp_path: Path, _data_dir: Path
) -> None:
    """A province copied the template before the field existed: it keeps printing."""
    from kcdesk import paths
    from kcdesk.services.proposals.template import load_template

    shipped = (paths.shipped_forms_dir() / "proposal_template.toml").read_text(encoding="utf-8")
    start = shipped.index('key = "sustainability"')
    block_start = shipped.rindex("[[field]]", 0, start)
    block_end = shipped.index("[[field]]", start)
    old = shipped[:block_start] + shipped[block_end:]
    old = old.replace(', "sustainability"]', "]")
    assert "sustainability" not in old
    own = paths.user_forms_dir()
    own.mkdir(parents=True, exist_ok=True)
    (own / "proposal_template.toml").write_text(old, encoding="utf-8")
    template = load_template()
    assert template.label("sustainability") == LABEL
    assert "sustainability" in next(s for s in template.sections if s.key == "effect").fields
    target = tmp_path / "Đề án.pdf"
    with db.session() as s:
        write_proposal_pdf(s, code, target)
    assert LASTING in _flat(" ".join(pdf_pages(target)))


def test_demo_proposals_fill_it(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session() as s:
        values = s.scalars(select(Proposal.sustainability)).all()
        code = s.scalars(select(Proposal.code).order_by(Proposal.code)).first()
    assert values and all(v.startswith("Sau khi kết thúc hỗ trợ") for v in values)
    assert code is not None
    target = tmp_path / "Đề án mẫu.pdf"
    with demo_db.session() as s:
        expected = proposals.get_proposal(s, code).sustainability
        write_proposal_pdf(s, code, target)
    assert expected in _flat(" ".join(pdf_pages(target)))

"""The printed Đề án khuyến công (Phụ lục II) as a PDF, ND 30/2020 page.

Sections and their order come from ``forms/proposal_template.toml`` (the same
definitions the wizard uses); the budget table carries totals in figures and in
words (docs/architecture.md#printed-documents). No Qt.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table
from sqlalchemy.orm import Session

from kcdesk.formatting import amount_in_words, format_money
from kcdesk.models import Proposal
from kcdesk.reports.common import official_pdf as op
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.org import agency_from_settings, signer_name
from kcdesk.services.communes.address import facility_address, proposal_place
from kcdesk.services.core import settings
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.forms import load as forms
from kcdesk.services.forms.caps import cap_text
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals.draft import clean_quantity
from kcdesk.services.proposals.template import ProposalTemplate, SectionSpec, load_template

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
BLANK = "…"


def _month(value: Any) -> str:
    return value.strftime("%m/%Y") if value else BLANK


def _quantity(value: Any) -> str:
    return str(clean_quantity(value)).replace(".", ",")


def _percent(part: int, whole: int) -> str:
    if whole <= 0:
        return "0 %"
    # Integer arithmetic, one decimal: never print 50,0 % for 50.04 % of a cap.
    tenths = (part * 1000 + whole // 2) // whole
    whole_part, rest = divmod(tenths, 10)
    return f"{whole_part},{rest} %" if rest else f"{whole_part} %"


# Amount cells never break inside a number: a column is as wide as its widest amount
# (docs/official-documents.md, "Trang in"); table text is 10 pt at least.
TABLE_SIZE = 10.0
TABLE_LEADING = 12.0


def _money_width(texts: list[str], bold_texts: list[str], header: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from kcdesk.reports.common.fonts import SERIF, SERIF_BOLD

    widest = max(
        [stringWidth(t, SERIF, TABLE_SIZE) for t in texts]
        + [stringWidth(t, SERIF_BOLD, TABLE_SIZE) for t in bold_texts]
        + [stringWidth(w, SERIF_BOLD, TABLE_SIZE) for w in header.split()]
    )
    return widest + 6 + 4  # cell padding 3 pt each side, and air for other renderers (Word)


class _Writer:
    def __init__(self, session: Session, proposal: Proposal, template: ProposalTemplate) -> None:
        self.session = session
        self.p = proposal
        self.t = template
        self.st = op.styles()
        self.activities = forms.load_activities()
        self.sources = forms.load_funding_sources()
        self.measures = forms.load_measures()
        self.width = 0.0

    # ------------------------------------------------------------ helpers
    def para(self, text: str, style: str = "body") -> Paragraph:
        return op.p(text, self.st[style])

    def labelled(self, number: str, key: str, value: str | None) -> Paragraph:
        label = self.t.label(key)
        return Paragraph(
            f"{number} <b>{escape(label)}:</b> {escape(BLANK if value == '' else value or '')}",
            self.st["body_left"],
        )

    def prose(self, number: str, key: str) -> list[Flowable]:
        value = str(getattr(self.p, key) or "").strip()
        out: list[Flowable] = [
            Paragraph(f"<b>{number} {escape(self.t.label(key))}</b>", self.st["body_left"])
        ]
        for chunk in value.split("\n") if value else [BLANK]:
            out.append(self.para(chunk))
        return out

    # ------------------------------------------------------------ sections
    def general(self, section: SectionSpec) -> list[Flowable]:
        p = self.p
        spec = self.activities.get(p.activity)
        values = {
            "title": p.title,
            "activity": spec.label if spec else p.activity,
            "funding_source": self.sources[p.funding_source].label
            if p.funding_source in self.sources
            else p.funding_source,
            "implementing_unit": p.implementing_unit,
            "partner_unit": p.partner_unit,
            "location": p.location,
            "commune": p.commune,
            "start_month": _month(p.start_month),
            "end_month": _month(p.end_month),
        }
        # The place once, as an address ("Thôn A, phường B, tỉnh C"): the commune is
        # part of it, not a second line repeating the first (issue 20 §1).
        fields = list(section.fields)
        if "location" in fields and "commune" in fields:
            fields.remove("commune")
            province = str(settings.get(self.session, "org.province") or "")
            values["location"] = proposal_place(p.location, p.commune_code, p.commune, province)
        out: list[Flowable] = []
        for n, key in enumerate(fields, 1):
            if key == "facilities":
                if not p.facility_links:
                    # A proposal the Centre carries out itself has no beneficiary (seed
                    # procedure, bước 3): say so once, not "không có".
                    out.append(
                        self.labelled(
                            f"{n}.",
                            key,
                            "Đề án do đơn vị chủ trì trực tiếp thực hiện, không có đơn vị "
                            "thụ hưởng cụ thể",
                        )
                    )
                    continue
                out.append(self.labelled(f"{n}.", key, None))
                for link in p.facility_links:
                    f = link.facility
                    facts = [f.kind.label]
                    if f.tax_code:
                        facts.append(f"mã số thuế {f.tax_code}")
                    if f.representative:
                        facts.append(f"đại diện: {f.representative}")
                    address = facility_address(f.address, f.commune_code, f.commune, f.province)
                    if address:
                        facts.append(f"địa chỉ: {address}")
                    out.append(self.para(f"- {f.name} ({'; '.join(facts)}).", "body_left"))
            elif key in values:
                out.append(self.labelled(f"{n}.", key, values[key]))
            else:
                out.extend(self.prose(f"{n}.", key))
        return out

    def schedule(self, section: SectionSpec) -> list[Flowable]:
        cell, head = self.st["cell"], self.st["cell_head"]
        rows: list[list[Any]] = [
            [op.p(h, head) for h in ("TT", "Nội dung công việc", "Thời gian", "Thực hiện")]
        ]
        for n, item in enumerate(self.p.schedule, 1):
            period = _month(item.start)
            if item.end and item.end != item.start:
                period = f"{period} – {_month(item.end)}"
            rows.append(
                [
                    op.p(str(n), self.st["cell_centre"]),
                    op.p(item.task, cell),
                    op.p(period, self.st["cell_centre"]),
                    op.p(item.responsible, cell),
                ]
            )
        if len(rows) == 1:
            return [self.para("Chưa lập tiến độ.")]
        w = self.width
        table = Table(rows, colWidths=[10 * mm, w - 10 * mm - 38 * mm - 45 * mm, 38 * mm, 45 * mm])
        table.setStyle(op.grid_style(1))
        table.repeatRows = 1
        return [table]

    def budget(self, section: SectionSpec) -> list[Flowable]:
        p = self.p
        small = {
            k: self.st[k].clone(
                f"{k}_table", fontSize=TABLE_SIZE, leading=TABLE_LEADING, splitLongWords=0
            )
            for k in (
                "cell",
                "cell_centre",
                "cell_right",
                "cell_head",
                "cell_bold",
                "cell_bold_right",
            )
        }
        heads = (
            "TT",
            "Nội dung chi",
            "ĐVT",
            "Số lượng",
            "Đơn giá",
            "Thành tiền",
            "Khuyến công hỗ trợ",
            "Đối ứng",
            "Nguồn khác",
        )
        rows: list[list[Any]] = [[op.p(h, small["cell_head"]) for h in heads]]
        money = small["cell_right"]
        for n, line in enumerate(p.budget_lines, 1):
            rows.append(
                [
                    op.p(str(n), small["cell_centre"]),
                    op.p(line.item, small["cell"]),
                    op.p(line.unit, small["cell_centre"]),
                    op.p(_quantity(line.quantity), money),
                    op.p(format_money(line.unit_price), money),
                    op.p(format_money(line.amount), money),
                    op.p(format_money(line.support), money),
                    op.p(format_money(line.counterpart), money),
                    op.p(format_money(line.other_funds), money),
                ]
            )
        bold = small["cell_bold_right"]
        rows.append(
            [
                "",
                op.p("Tổng cộng", small["cell_bold"]),
                "",
                "",
                "",
                op.p(format_money(p.total_cost), bold),
                op.p(format_money(p.support), bold),
                op.p(format_money(p.counterpart), bold),
                op.p(format_money(p.other_funds), bold),
            ]
        )
        columns: list[list[str]] = [[] for _ in heads]
        for line in p.budget_lines:
            for index, value in (
                (4, line.unit_price),
                (5, line.amount),
                (6, line.support),
                (7, line.counterpart),
                (8, line.other_funds),
            ):
                columns[index].append(format_money(value))
            columns[3].append(_quantity(line.quantity))
        totals = {
            5: format_money(p.total_cost),
            6: format_money(p.support),
            7: format_money(p.counterpart),
            8: format_money(p.other_funds),
        }
        fixed = [8 * mm, 0.0, 11 * mm] + [
            _money_width(columns[i], [totals[i]] if i in totals else [], heads[i])
            for i in range(3, 9)
        ]
        fixed[1] = self.width - sum(fixed)
        table = Table(rows, colWidths=fixed, repeatRows=1)
        table.setStyle(op.grid_style(1, bold_rows=[len(rows) - 1]))
        out: list[Flowable] = [
            self.para("Đơn vị tính: đồng.", "small_italic"),
            table,
            Spacer(1, 3 * mm),
            self.para(
                f"Tổng kinh phí thực hiện đề án: {format_money(p.total_cost)} đồng "
                f"(Bằng chữ: {amount_in_words(p.total_cost)}).",
                "body_left",
            ),
            self.para(
                f"Trong đó: kinh phí khuyến công hỗ trợ {format_money(p.support)} đồng "
                f"(Bằng chữ: {amount_in_words(p.support)}), chiếm "
                f"{_percent(p.support, p.total_cost)} tổng kinh phí; vốn đối ứng "
                f"{format_money(p.counterpart)} đồng; nguồn khác {format_money(p.other_funds)} đồng.",
                "body_left",
            ),
        ]
        spec = self.activities.get(p.activity)
        if spec is not None:
            # The cap of the proposal's funding source (never a national figure on a
            # local proposal), its unit, whole line and cap choice (issue 18).
            text = cap_text(
                spec,
                p.funding_source,
                whole_line=p.whole_line,
                cap_kind=p.cap_kind,
                facilities=len(p.facility_links),
            )
            out.append(self.para(f"Mức hỗ trợ tối đa của nội dung này: {text}", "small_italic"))
        return out

    def effect(self, section: SectionSpec) -> list[Flowable]:
        out: list[Flowable] = []
        for n, key in enumerate(section.fields, 1):
            if key == "outputs":
                out.append(
                    Paragraph(f"<b>{n}. {escape(self.t.label(key))}</b>", self.st["body_left"])
                )
                outputs = [
                    o
                    for o in self.p.outputs
                    if o.planned and (o.measure != "facilities" or self.p.facility_links)
                ]
                # A measure's own figure (no target) is the one the proposal states; the
                # figures it counts toward the programme's targets repeat it, printed
                # only for a measure without one, each line once.
                stated = {o.measure for o in outputs if not o.target}
                lines: list[str] = []
                for o in outputs:
                    if o.target and o.measure in stated:
                        continue
                    spec = self.measures.get(o.measure)
                    name = spec.label if spec else o.measure
                    unit = spec.unit if spec else ""
                    line = f"- {name}: {o.planned} {unit}".rstrip() + "."
                    if line not in lines:
                        lines.append(line)
                if not lines:
                    out.append(self.para(BLANK))
                out.extend(self.para(line, "body_left") for line in lines)
            else:
                out.extend(self.prose(f"{n}.", key))
        return out

    def plain(self, section: SectionSpec) -> list[Flowable]:
        out: list[Flowable] = []
        many = len(section.fields) > 1
        for n, key in enumerate(section.fields, 1):
            if key in ("schedule", "budget_lines", "facilities", "outputs", "documents"):
                continue
            value = str(getattr(self.p, key, "") or "").strip()
            if many:
                out.extend(self.prose(f"{n}.", key))
            else:
                out.extend(self.para(chunk) for chunk in (value.split("\n") if value else [BLANK]))
        return out

    def story(self) -> list[Flowable]:
        values = settings.get_all(self.session)
        agency = agency_from_settings(values, "centre")
        out: list[Flowable] = []
        out += op.header(agency, number=None, when=None, width=self.width)
        out += op.title(self.t.title, self.p.title)
        out.append(
            self.para(
                f"Mã đề án: {self.p.code} — Năm kế hoạch: {self.p.plan_year}", "italic_centre"
            )
        )
        out.append(Spacer(1, 4 * mm))
        for index, section in enumerate(self.t.sections):
            heading = (
                f"{ROMAN[index] if index < len(ROMAN) else index + 1}. {section.heading.upper()}"
            )
            body: list[Flowable]
            if "budget_lines" in section.fields:
                body = self.budget(section)
            elif "schedule" in section.fields:
                body = self.schedule(section)
            elif "outputs" in section.fields:
                body = self.effect(section)
            elif section.key == "general" or "facilities" in section.fields:
                body = self.general(section)
            else:
                body = self.plain(section)
            out.append(KeepTogether([self.para(heading, "heading"), *body[:1]]))
            out.extend(body[1:])
        recipients = [f"{values['org.department_name']} (để thẩm định)"]
        if self.p.facility_links:
            recipients.append("Đơn vị thụ hưởng")
        recipients.append(f"Lưu: VT, {agency.abbrev}")
        signature = op.signature_block(
            caption="",
            post=agency.signer_post,
            name=signer_name(agency, draft=False),
            recipients=recipients,
            width=self.width,
        )
        keep_with_last(out, [signature], paragraphs=2)
        return out


def write_proposal_pdf(session: Session, code: str, target: Path) -> Path:
    """Write proposal ``code`` as a PDF at ``target`` (atomically); returns ``target``."""
    proposal = proposals.get_proposal(session, code)
    writer = _Writer(session, proposal, load_template())

    buffer = BytesIO()
    doc = op.document(buffer, title_text=f"Đề án khuyến công {proposal.code}")
    writer.width = op.content_width(doc)
    op.build_document(doc, writer.story())
    atomic_write_bytes(target, buffer.getvalue())
    return target

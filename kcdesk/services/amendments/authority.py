"""Who must approve an amendment, and why (thẩm quyền phê duyệt điều chỉnh đề án).

The rules are data: ``forms/amendment_rules.toml`` (a province may override it in
its data folder), taken from Bước 4 of the Lạng Sơn procedure
(docs/architecture.md#the-yearly-cycle): the Department (Sở Công Thương) approves
changes of location, beneficiary, partner unit and timing within the fiscal year
that do not raise the total support; the provincial chairman (Chủ tịch UBND tỉnh)
approves raising the support, changing the content, adding a proposal and stopping
one. A request with several changes goes to the highest authority any of them needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kcdesk.services.forms.load import FormsError, forms_file, load_toml_form

RULES_FORM = "amendment_rules"
# Rules for khuyến công quốc gia (Điều 11 Thông tư 36/2013/TT-BCT); the Department /
# chairman rules of RULES_FORM are for local funds only ("…từ nguồn kinh phí khuyến
# công địa phương", the province's procedure, Bước 4).
NATIONAL_RULES_FORM = "amendment_rules_quoc_gia"
RULE_FORMS = (RULES_FORM, NATIONAL_RULES_FORM)
KINDS = ("adjust", "add", "stop")


@dataclass(frozen=True)
class Authority:
    code: str
    label: str
    rank: int


@dataclass(frozen=True)
class ChangeRule:
    code: str
    label: str
    fields: tuple[str, ...]
    authority: str
    source: str
    increase_authority: str | None = None
    outside_fiscal_year_authority: str | None = None


@dataclass(frozen=True)
class KindRule:
    code: str
    label: str
    authority: str | None
    source: str


@dataclass(frozen=True)
class AmendmentRules:
    source: str
    default_authority: str
    authorities: dict[str, Authority]
    kinds: dict[str, KindRule]
    changes: tuple[ChangeRule, ...]
    # Funding sources these rules are for; empty: every source (older province copies).
    funding: tuple[str, ...] = ()

    def rule_for(self, field_name: str) -> ChangeRule | None:
        return next((r for r in self.changes if field_name in r.fields), None)


@dataclass(frozen=True)
class AuthorityDecision:
    """The authority that must approve, and one line of reasoning per change."""

    authority: str
    label: str
    reasons: list[str] = field(default_factory=list)


def load_rules(form: str = RULES_FORM) -> AmendmentRules:
    """Read and check ``amendment_rules.toml`` (or ``form``); Vietnamese errors naming
    the file."""

    def _text(table: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or not value:
            raise FormsError(f"Tệp {forms_file(form)}: {where} thiếu '{key}' (chữ).")
        return value

    data = load_toml_form(form)
    authorities = {
        code: Authority(code, _text(t, "label", f"[authority.{code}]"), int(t.get("rank", 0)))
        for code, t in dict(data.get("authority", {})).items()
    }
    if not authorities:
        raise FormsError(f"Tệp {forms_file(form)}: chưa khai báo [authority.…].")

    def known(code: str | None, where: str) -> str | None:
        if code is not None and code not in authorities:
            names = ", ".join(authorities)
            raise FormsError(
                f"Tệp {forms_file(form)}: {where} ghi cấp '{code}' không có; "
                f"các cấp đã khai báo: {names}."
            )
        return code

    kinds: dict[str, KindRule] = {}
    for t in data.get("kind", []):
        code = _text(t, "code", "[[kind]]")
        if code not in KINDS:
            raise FormsError(f"Tệp {forms_file(form)}: loại đề nghị '{code}' không có.")
        kinds[code] = KindRule(
            code,
            _text(t, "label", f"[[kind]] {code}"),
            known(t.get("authority"), f"[[kind]] {code}"),
            str(t.get("source", "")),
        )
    changes = []
    for t in data.get("change", []):
        code = _text(t, "code", "[[change]]")
        changes.append(
            ChangeRule(
                code=code,
                label=_text(t, "label", f"[[change]] {code}"),
                fields=tuple(t.get("fields", [])),
                authority=str(known(_text(t, "authority", f"[[change]] {code}"), code)),
                source=_text(t, "source", f"[[change]] {code}"),
                increase_authority=known(t.get("increase_authority"), code),
                outside_fiscal_year_authority=known(t.get("outside_fiscal_year_authority"), code),
            )
        )
    default = str(known(_text(data, "default_authority", "phần đầu"), "default_authority"))
    funding = data.get("funding", [])
    if not isinstance(funding, list) or not all(isinstance(c, str) for c in funding):
        raise FormsError(
            f"Tệp {forms_file(form)}: «funding» phải là danh sách mã nguồn kinh phí, "
            'ví dụ funding = ["dia_phuong", "cap_xa"].'
        )
    return AmendmentRules(
        source=str(data.get("source", "")),
        default_authority=default,
        authorities=authorities,
        kinds=kinds,
        changes=tuple(changes),
        funding=tuple(funding),
    )


def rules_for(funding_source: str) -> AmendmentRules:
    """The amendment rules of the proposal's funding source: the national rules for
    khuyến công quốc gia, the province's for local funds."""
    loaded = [load_rules(form) for form in RULE_FORMS]
    for rules in loaded:
        if funding_source in rules.funding:
            return rules
    return next((r for r in loaded if not r.funding), loaded[0])


def authority_labels() -> dict[str, str]:
    """Every authority code of every rule set -> its label."""
    return {
        code: a.label for form in RULE_FORMS for code, a in load_rules(form).authorities.items()
    }


def _month(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def _is_increase(old: Any, new: Any) -> bool:
    return isinstance(new, int) and (not isinstance(old, int) or new > old)


def decide_authority(
    kind: str,
    changes: dict[str, dict[str, Any]],
    plan_year: int,
    field_labels: dict[str, str] | None = None,
    rules: AmendmentRules | None = None,
    funding_source: str = "dia_phuong",
) -> AuthorityDecision:
    """The authority an amendment needs (the highest over its changes), and why.

    The rules depend on the proposal's ``funding_source`` (:func:`rules_for`)."""
    rules = rules or rules_for(funding_source)
    labels = field_labels or {}
    needed: list[tuple[str, str]] = []  # (authority, reason)

    def name(code: str) -> str:
        return rules.authorities[code].label

    kind_rule = rules.kinds.get(kind)
    if kind_rule is not None and kind_rule.authority is not None:
        needed.append(
            (
                kind_rule.authority,
                f"{kind_rule.label}: {name(kind_rule.authority)} phê duyệt "
                f"({kind_rule.source or rules.source}).",
            )
        )
    for field_name, change in changes.items():
        rule = rules.rule_for(field_name)
        what = labels.get(field_name, field_name)
        if rule is None:
            code = rules.default_authority
            needed.append(
                (
                    code,
                    f"Thay đổi «{what}» không thuộc trường hợp nào được quy định riêng: "
                    f"{name(code)} phê duyệt ({rules.source}).",
                )
            )
            continue
        code, why = rule.authority, rule.label
        if rule.increase_authority and _is_increase(change.get("old"), change.get("new")):
            code, why = rule.increase_authority, f"{rule.label} (tăng)"
        elif rule.increase_authority:
            why = f"{rule.label} (không làm tăng)"
        if rule.outside_fiscal_year_authority:
            month = _month(change.get("new"))
            if month is not None and month.year != plan_year:
                code = rule.outside_fiscal_year_authority
                why = f"{rule.label} ra ngoài năm tài chính {plan_year}"
            else:
                why = f"{rule.label} trong năm tài chính {plan_year}"
        needed.append((code, f"{why} — «{what}»: {name(code)} phê duyệt ({rule.source})."))
    if not needed:
        code = rules.default_authority
        return AuthorityDecision(code, name(code), [f"Không có thay đổi; {name(code)}."])
    top = max((code for code, _ in needed), key=lambda c: rules.authorities[c].rank)
    reasons = [reason for _, reason in needed]
    if len({code for code, _ in needed}) > 1:
        reasons.append(
            f"Đề nghị có thay đổi thuộc nhiều cấp: cấp cao nhất ({name(top)}) phê duyệt cả đề nghị."
        )
    return AuthorityDecision(top, name(top), reasons)

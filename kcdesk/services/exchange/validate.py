"""Checking an incoming record before anything uses it (kiểm tra bản ghi trong gói).

A signed pack proves who sent it, not that what it says is sane. Every parsed record
is checked here as the wizard checks typed input: the right JSON type for each field,
real dates, known statuses and kinds, money that is a whole number of đồng within
bounds, non-empty code/title/name, text within the columns' sizes, attachment hashes
that are 64 hex digits (never a path), bounded lists. A bad record refuses the whole
pack naming the record and the field (docs/exchange-format.md §5); nothing is written.

Text is returned NFC-normalised and without control characters, before the content
hash is computed, so an NFD copy of the same words is not a false conflict.

Each checker is also described for ``quick_check``, which accepts a clean record in
one compiled pass; anything it doubts comes back here for the full checks and their
messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kcdesk.formatting import format_money
from kcdesk.models import FacilityKind, ProposalStatus
from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange import quick_check as Q
from kcdesk.services.exchange import records
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.text import strip_controls

# Bounds (an order of magnitude above any real khuyến công proposal, far below what
# overflows a 64-bit column): 1,000 tỷ đồng, a revision counter of 2^31 - 1.
MAX_MONEY = 10**12
MAX_REVISION = 2**31 - 1
MAX_COUNT = 10**9
MAX_TEXT = 65_536  # one prose section
MAX_LIST = 1_000  # children of one kind in one proposal
MAX_FILE_SIZE = 2**31 - 1
HEX64 = re.compile(r"^[0-9a-f]{64}$")
_UUID = re.compile(r"^[0-9A-Za-z-]{1,36}$")
_STATUSES = {s.value for s in ProposalStatus}
_KINDS = {k.value for k in FacilityKind}

Check = Callable[[Any], Any]


class _Bad(Exception):
    """One field's problem (Vietnamese), turned into PackRefused with the record named."""


# Each checker's description for quick_check: (type, optional, a, b).
_QUICK: dict[Check, tuple[int, bool, Any, Any]] = {}


def _tag(check: Check, kind: int, a: Any = None, b: Any = None) -> Check:
    _QUICK[check] = (kind, False, a, b)
    return check


def _text(limit: int, *, required: bool = False) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise _Bad("phải là chữ")
        clean = strip_controls(value)
        if len(clean) > limit:
            raise _Bad(f"dài quá {limit} ký tự")
        if required and not clean.strip():
            raise _Bad("không được để trống")
        return clean

    return _tag(check, Q.TEXT, limit, required)


def _optional(check: Check) -> Check:
    def wrapped(value: Any) -> Any:
        return None if value is None else check(value)

    kind, _optional_too, a, b = _QUICK.get(check, (Q.OTHER, False, check, None))
    _QUICK[wrapped] = (kind, True, a, b)
    return wrapped


def _int(low: int, high: int) -> Check:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad("phải là số nguyên")
        if not low <= value <= high:
            raise _Bad(f"phải từ {low} đến {high}")
        return value

    return _tag(check, Q.INT, low, high)


_MONEY = _int(0, MAX_MONEY)


def _bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise _Bad("phải là đúng/sai")
    return value


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        raise _Bad("phải là ngày dạng YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise _Bad(f"'{value[:20]}' không phải một ngày có thật") from exc
    return value


def _datetime(value: Any) -> Any:
    if not isinstance(value, str) or len(value) > 40:
        raise _Bad("phải là thời điểm dạng ISO 8601")
    try:
        datetime.fromisoformat(value)
    except ValueError as exc:
        raise _Bad(f"'{value[:20]}' không phải một thời điểm có thật") from exc
    return value


def _choice(allowed: set[str]) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, str) or value not in allowed:
            raise _Bad(f"giá trị '{str(value)[:32]}' không có trong danh sách")
        return value

    return _tag(check, Q.CHOICE, allowed)


def _quantity(value: Any) -> Any:
    try:
        number = Decimal(str(value)) if isinstance(value, str | int) else None
    except InvalidOperation:
        number = None
    if isinstance(value, bool) or number is None or not number.is_finite():
        raise _Bad("phải là số")
    if not 0 <= number < 10**11:
        raise _Bad("ngoài khoảng cho phép")
    return value


def _file_hash(value: Any) -> Any:
    if value in (None, ""):
        return value
    if not isinstance(value, str) or not HEX64.match(value):
        # A path here once made the Centre read a file outside its store (issue 19).
        raise _Bad("phải là mã SHA-256 (64 chữ số hệ 16), không phải đường dẫn")
    return value


def _file_name(value: Any) -> Any:
    name = _text(255)(value)
    if "/" in name or "\\" in name or name in (".", ".."):
        raise _Bad("chỉ là tên tệp, không có thư mục")
    return name


def _uuid(value: Any) -> Any:
    if not isinstance(value, str) or not _UUID.match(value):
        raise _Bad("mã UUID không hợp lệ")
    return value


_tag(_bool, Q.BOOL)
_tag(_date, Q.DATE)
_tag(_datetime, Q.DATETIME)
_tag(_quantity, Q.QUANTITY)
_tag(_file_hash, Q.FILE_HASH)
_tag(_file_name, Q.FILE_NAME)

_BOOKKEEPING: dict[str, Check] = {
    "uuid": _uuid,
    "revision": _int(0, MAX_REVISION),
    "origin_office": _text(32),
    "created_at": _optional(_datetime),
    "updated_at": _optional(_datetime),
}

PROPOSAL: dict[str, Check] = {
    **_BOOKKEEPING,
    "code": _text(32, required=True),
    "title": _text(2_000, required=True),
    "plan_year": _int(2000, 2100),
    "activity": _text(48, required=True),
    "funding_source": _text(32),
    "status": _choice(_STATUSES),
    "status_changed_at": _optional(_datetime),
    "office_code": _text(32),
    "implementing_unit": _text(255),
    "partner_unit": _text(255),
    "location": _text(MAX_TEXT),
    "commune": _text(128),
    "start_month": _optional(_date),
    "end_month": _optional(_date),
    "received_date": _optional(_date),
    "necessity": _text(MAX_TEXT),
    "legal_basis": _text(MAX_TEXT),
    "objectives": _text(MAX_TEXT),
    "scale": _text(MAX_TEXT),
    "organisation": _text(MAX_TEXT),
    "effect_economic": _text(MAX_TEXT),
    "effect_social": _text(MAX_TEXT),
    "effect_environment": _text(MAX_TEXT),
    "sustainability": _text(MAX_TEXT),
    "total_cost": _MONEY,
    "support": _MONEY,
    "counterpart": _MONEY,
    "other_funds": _MONEY,
    "approved_support": _optional(_MONEY),
    "disbursed": _MONEY,
    "created_by": _text(64),
}
PROPOSAL_REQUIRED = ("uuid", "revision", "code", "title", "plan_year", "activity")

FACILITY: dict[str, Check] = {
    **_BOOKKEEPING,
    "name": _text(255, required=True),
    "kind": _choice(_KINDS),
    "tax_code": _optional(_text(16)),
    "address": _text(MAX_TEXT),
    "commune": _text(128),
    "province": _text(64),
    "representative": _text(255),
    "phone": _text(32),
    "sector": _text(255),
    "workers": _optional(_int(0, MAX_COUNT)),
    "woman_owned": _bool,
    "ethnic_minority_owned": _bool,
    "craft_village": _bool,
}
FACILITY_REQUIRED = ("uuid", "revision", "name", "kind")

CHILDREN: dict[str, dict[str, Check]] = {
    "budget_lines": {
        "item": _text(MAX_TEXT),
        "unit": _text(32),
        "quantity": _quantity,
        "unit_price": _MONEY,
        "amount": _MONEY,
        "support": _MONEY,
        "counterpart": _MONEY,
        "other_funds": _MONEY,
    },
    "schedule": {
        "task": _text(MAX_TEXT),
        "start": _optional(_date),
        "end": _optional(_date),
        "responsible": _text(255),
    },
    "outputs": {
        "measure": _text(32, required=True),
        "planned": _int(0, MAX_COUNT),
        "achieved": _optional(_int(0, MAX_COUNT)),
    },
    "documents": {
        "code": _text(48),
        "label": _text(MAX_TEXT),
        "required": _bool,
        "received": _bool,
        "received_date": _optional(_date),
        "file_hash": _file_hash,
        "file_name": _file_name,
        "file_size": _optional(_int(0, MAX_FILE_SIZE)),
        "note": _text(MAX_TEXT),
    },
    "status_changes": {
        "uuid": _uuid,
        "from_status": _optional(_choice(_STATUSES)),
        "to_status": _choice(_STATUSES),
        "at": _optional(_datetime),
        "username": _text(64),
        "office_code": _text(32),
        "reason": _text(MAX_TEXT),
        "decision_no": _optional(_text(64)),
        "decision_date": _optional(_date),
    },
}
CHILD_REQUIRED = {"status_changes": ("uuid", "to_status"), "outputs": ("measure",)}


def _fields(
    data: dict[str, Any], spec: dict[str, Check], required: tuple[str, ...], where: str
) -> dict[str, Any]:
    out = dict(data)
    for name in required:
        if name not in data:
            raise _Bad(f"{where}thiếu trường «{name}»")
    for name, check in spec.items():
        if name in data:
            try:
                out[name] = check(data[name])
            except _Bad as exc:
                raise _Bad(f"{where}trường «{name}» {exc}") from None
    return out


def _proposal(data: dict[str, Any]) -> dict[str, Any]:
    out = _fields(data, PROPOSAL, PROPOSAL_REQUIRED, "")
    total = out.get("total_cost", 0)
    for name in ("support", "approved_support", "disbursed"):
        value = out.get(name)
        if isinstance(value, int) and value > total:
            raise _Bad(
                f"trường «{name}» ({format_money(value)} đồng) lớn hơn tổng kinh phí "
                f"({format_money(total)} đồng)"
            )
    links = out.get("facilities", [])
    if not isinstance(links, list) or len(links) > MAX_LIST:
        raise _Bad("trường «facilities» phải là danh sách mã cơ sở")
    for link in links:
        _uuid(link)
    for key, spec in CHILDREN.items():
        items = out.get(key, [])
        if not isinstance(items, list) or len(items) > MAX_LIST:
            raise _Bad(f"trường «{key}» phải là danh sách (tối đa {MAX_LIST} mục)")
        cleaned = []
        for n, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise _Bad(f"mục {n} của «{key}» sai dạng")
            cleaned.append(_fields(item, spec, CHILD_REQUIRED.get(key, ()), f"«{key}» mục {n}: "))
        out[key] = cleaned
    return out


def _quick_plan(spec: dict[str, Check]) -> Q.Plan:
    return {name: _QUICK.get(check, (Q.OTHER, False, check, None)) for name, check in spec.items()}


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


_PROPOSAL_PLAN = _quick_plan(PROPOSAL)
_FACILITY_PLAN = _quick_plan(FACILITY)
_CHILD_PLANS = {
    key: (_quick_plan(spec), CHILD_REQUIRED.get(key, ())) for key, spec in CHILDREN.items()
}


# Off in the tests that compare the quick path with the full checks.
QUICK = True


def check_record(kind: str, data: dict[str, Any], member: str) -> dict[str, Any]:
    """The record checked and cleaned, or PackRefused naming the record and the field."""
    if not QUICK:
        quick = None
    elif kind == records.PROPOSAL:
        quick = Q.proposal(
            data, _PROPOSAL_PLAN, PROPOSAL_REQUIRED, _CHILD_PLANS, _is_uuid, MAX_LIST
        )
    else:
        quick = Q.fields(data, _FACILITY_PLAN, FACILITY_REQUIRED)
    if quick is not None:
        return quick
    try:
        if kind == records.PROPOSAL:
            return _proposal(data)
        return _fields(data, FACILITY, FACILITY_REQUIRED, "")
    except _Bad as exc:
        label = data.get("code") if kind == records.PROPOSAL else data.get("name")
        what = "đề án" if kind == records.PROPOSAL else "cơ sở"
        name = str(label)[:64] if isinstance(label, str) and label else str(data.get("uuid"))[:40]
        raise PackRefused(
            E.BAD_RECORD, f"Gói có {what} {name} ({member}) không hợp lệ: {exc}."
        ) from None

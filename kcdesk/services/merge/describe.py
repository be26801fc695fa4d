"""The preview in words (bản xem trước), for the CLI and the GUI alike."""

from __future__ import annotations

from kcdesk.formatting import format_money
from kcdesk.services.forms.load import load_funding_sources
from kcdesk.services.merge.plan import MergePlan
from kcdesk.services.merge.tables import GROUP_LABELS

_LIST_LIMIT = 50


def _source_label(code: str) -> str:
    source = load_funding_sources().get(code)
    return source.label if source is not None else code


def _limited(lines: list[str]) -> list[str]:
    if len(lines) <= _LIST_LIMIT:
        return lines
    return [*lines[:_LIST_LIMIT], f"  … và {len(lines) - _LIST_LIMIT} dòng nữa (xem --json)."]


def describe(plan: MergePlan) -> list[str]:
    out = [
        f"Hợp nhất dữ liệu của {plan.origin_label} (tệp {plan.source_name}) "
        f"vào dữ liệu tỉnh {plan.new_province}.",
        "Sẽ đưa vào:",
    ]
    for group, label in GROUP_LABELS.items():
        out.append(f"  {label}: {format_money(plan.count(group))}")
    out.append(
        f"  Kinh phí hỗ trợ của các đề án: {format_money(plan.support)} đồng; "
        f"đã tạm ứng, thanh toán: {format_money(plan.money_disbursed)} đồng."
    )
    here = plan.already_here()
    if here:
        out.append(
            "Đã có ở đây (không chép lại): "
            + "; ".join(f"{GROUP_LABELS.get(g, g)}: {n}" for g, n in here.items())
            + "."
        )
    if plan.code_changes:
        out.append(f"Mã đề án trùng với mã ở đây, sẽ đổi thành (tiền tố {plan.code_prefix}):")
        out += _limited([f"  {old} → {new}" for old, new in plan.code_changes])
    if plan.programme_code_changes:
        out.append("Mã chương trình trùng, sẽ đổi thành:")
        out += _limited([f"  {old} → {new}" for old, new in plan.programme_code_changes])
    if plan.shared_facilities:
        out.append("Cơ sở đã có ở đây (cùng mã số thuế), dùng chung một cơ sở:")
        out += _limited(
            [
                f"  MST {f['tax_code']}: {f['name']} → {f['name_here']}"
                for f in plan.shared_facilities
            ]
        )
    mapped = [m for m in plan.communes if m.new_name is not None]
    to_choose = [m for m in plan.communes if m.new_name is None and m.candidates]
    unmapped = [m for m in plan.communes if m.new_name is None and not m.candidates]
    if mapped:
        out.append(
            f"Xã, phường cũ → đơn vị hiện nay của tỉnh {plan.new_province} "
            "(giữ tên cũ, ghi mã mới):"
        )
        out += _limited([f"  {m.old_name} → {m.new_name} (mã {m.new_code})" for m in mapped])
    if to_choose:
        out.append(
            "Xã, phường cũ đã chia cho nhiều đơn vị mới — cần người dùng chọn "
            "(«kcdesk commune match» sau khi hợp nhất):"
        )
        out += _limited(
            [
                f"  {m.old_name} ({m.uses} bản ghi) → cần người dùng chọn: "
                + "; ".join(f"{n} (mã {c})" for c, n in m.candidates)
                for m in to_choose
            ]
        )
    if unmapped:
        out.append(
            f"Tên xã, phường không phải đơn vị hiện nay của tỉnh {plan.new_province} — "
            "giữ nguyên tên cũ, cần người dùng xác định đơn vị mới (không tự đoán):"
        )
        out += _limited([f"  {m.old_name} ({m.uses} bản ghi)" for m in unmapped])
    keyed = [r for r in plan.tables["office"].rows if r.get("exchange_secret")]
    # The old Centre came in as an office of its own: its code differs from this
    # Centre's, and its offices' packs are addressed to it, not here.
    old_centre = next(
        (r for r in plan.tables["office"].rows if str(r.get("level")) == "centre"), None
    )
    if keyed and old_centre is not None:
        out.append(
            f"Trung tâm cũ mang mã {old_centre['code']}, khác mã Trung tâm này: gói của các đơn "
            "vị dưới đây gửi cho Trung tâm cũ sẽ bị từ chối — các đơn vị cần tham gia lại với "
            "Trung tâm này (Trao đổi → Đơn vị):"
        )
        out += _limited([f"  {r['code']}: {r['name']}" for r in keyed])
        keyed = []
    if keyed:
        out.append(
            "Đơn vị mang theo khóa trao đổi — gói của họ (ký bằng khóa cũ, ghi tỉnh cũ) "
            "vẫn nhập được ở đây, gói trả về vẫn đến được họ:"
        )
        out += _limited([f"  {r['code']}: {r['name']}" for r in keyed])
    if plan.offices_rejoin:
        out.append("Đơn vị trùng mã với đơn vị ở đây — không chép, đơn vị đó cần tham gia lại:")
        out += _limited([f"  {o['code']}: {o['name']}" for o in plan.offices_rejoin])
    if plan.user_conflicts:
        out.append("Tên đăng nhập đã có ở đây — không gộp, quản trị viên cần giải quyết:")
        out += _limited(
            [
                f"  {u['username']}: ở đây {u['full_name_here']}, bên kia {u['full_name_there']}"
                for u in plan.user_conflicts
            ]
        )
    if plan.users_without_office:
        out.append("Người dùng đến mà chưa có đơn vị (đơn vị của họ cần tham gia lại):")
        out += _limited(
            [f"  {u['username']} (trước thuộc {u['office']})" for u in plan.users_without_office]
        )
    if plan.catalogue_conflicts:
        out.append(
            "Danh mục cùng năm và nguồn kinh phí với danh mục ở đây — không gộp, "
            f"giữ thành danh mục riêng ghi «{plan.origin_label}»:"
        )
        out += [
            f"  Năm {c['plan_year']}, nguồn {_source_label(c['funding_source'])}"
            + (f", quyết định {c['decision_no']}" if c["decision_no"] else "")
            for c in plan.catalogue_conflicts
        ]
    if plan.attachments_missing:
        out.append(
            f"{len(plan.attachments_missing)} tệp đính kèm không có trong tệp nguồn "
            "(chỉ có bản ghi; hãy dùng bản sao lưu .zip để mang theo tệp)."
        )
    if plan.nothing_new:
        out.append("Không có gì mới để hợp nhất.")
    return out

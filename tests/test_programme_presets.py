"""The shipped programme presets against the decisions they transcribe.

Expected figures below are copied by hand from the decisions themselves (Cao Bằng
2036/QĐ-UBND of 28/11/2025, Hải Dương 2023-2025, Khánh Hòa 524/QĐ-UBND of 09/02/2026),
never from the preset files.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from kcdesk.paths import resources_dir
from kcdesk.services.programmes.check import check_programme
from kcdesk.services.programmes.file import (
    ProgrammeSpec,
    TargetSpec,
    load_programme_file,
    preset_paths,
)

PRESETS = resources_dir() / "programmes"


def load(name: str) -> ProgrammeSpec:
    return load_programme_file(PRESETS / name)


def by_code(spec: ProgrammeSpec) -> dict[str, TargetSpec]:
    return {t.code: t for t in spec.targets}


def test_three_presets_are_shipped() -> None:
    assert [p.name for p in preset_paths()] == [
        "cao-bang-2026-2030.toml",
        "hai-duong-2023-2025.toml",
        "khanh-hoa-2026-2030.toml",
    ]


@pytest.mark.parametrize("path", preset_paths(), ids=lambda p: p.stem)
def test_every_text_is_nfc(path: Path) -> None:
    spec = load_programme_file(path)
    texts = [spec.name, spec.province, spec.issuer, spec.source, spec.note]
    for t in spec.targets:
        texts += [t.code, t.group, t.name, t.unit, t.note]
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
    assert all(t.name for t in spec.targets)


# --- Cao Bằng, QĐ 2036/QĐ-UBND ngày 28/11/2025 ---------------------------------


def test_cao_bang_header() -> None:
    spec = load("cao-bang-2026-2030.toml")
    assert spec.code == "CB-2026-2030"
    assert spec.province == "Cao Bằng"
    assert (spec.start_year, spec.end_year) == (2026, 2030)
    assert spec.decision_no == "2036/QĐ-UBND"
    assert spec.decision_date == date(2025, 11, 28)
    assert spec.issuer == "Ủy ban nhân dân tỉnh Cao Bằng"
    # Mục VI "Kinh phí thực hiện" names sources only, no amount.
    assert spec.budget.total is None and spec.budget.national is None


def test_cao_bang_target_count() -> None:
    # Mục II.2 "Mục tiêu cụ thể": 12 figures (32 cơ sở; 20 %; 15 %; 1.000 lao động;
    # 20 % doanh thu; 40 / 10 / 5 sản phẩm; 10 hội chợ; 50 lượt cơ sở; 10 và 05 sản
    # phẩm xuất khẩu), less "10 hội chợ" which repeats mục IV.4.d -> 11.
    # Mục IV "Nội dung": khoản 1 (03 lớp, 35 học viên/lớp) 2 + khoản 2 a-b 2 +
    # khoản 3 a-d 4 + khoản 4 a-d 4 + khoản 5 a-c 3 + khoản 6 1 + khoản 7 a-d 4 -> 20.
    spec = load("cao-bang-2026-2030.toml")
    assert len(spec.targets) == 11 + 20
    assert sum(1 for t in spec.targets if t.code.startswith("II.2-")) == 11


def test_cao_bang_spot_checks() -> None:
    targets = by_code(load("cao-bang-2026-2030.toml"))
    # IV.3.c "Hỗ trợ 19 cơ sở CNNT ứng dụng máy móc thiết bị, công nghệ tiên tiến"
    machines = targets["IV.3.c"]
    assert (machines.quantity, machines.unit, machines.measure) == (19, "cơ sở", "facilities")
    assert "may_moc_thiet_bi" in machines.activities
    # IV.1 "Tổ chức ít nhất 03 lớp đào tạo bồi dưỡng, tập huấn nghề cho 35 học viên/1 lớp"
    assert (targets["IV.1-1"].quantity, targets["IV.1-1"].unit) == (3, "lớp")
    assert targets["IV.1-1"].activities == ("dao_tao_nghe",)
    assert targets["IV.1-2"].quantity == 35
    # IV.4.d "Tham gia 10 hội chợ triển lãm hàng công nghiệp - tiểu thủ công nghiệp"
    assert (targets["IV.4.d"].quantity, targets["IV.4.d"].measure) == (10, "fairs")
    assert targets["IV.4.d"].activities == ("hoi_cho_trien_lam",)
    # IV.6 "Hỗ trợ sửa chữa, nâng cấp hệ thống xử lý ô nhiễm môi trường tại 03 cơ sở"
    assert targets["IV.6"].quantity == 3
    # II.2 "Giải quyết việc làm cho ít nhất 1.000 lao động nông thôn"
    assert (targets["II.2-4"].quantity, targets["II.2-4"].measure) == (1000, "jobs")
    # II.2 "phấn đấu tổ chức bình chọn trên 40 sản phẩm ... cấp tỉnh"
    assert (targets["II.2-6"].quantity, targets["II.2-6"].unit) == (40, "sản phẩm")
    # IV.5.b gives no number
    assert targets["IV.5.b"].quantity is None


def test_cao_bang_32_facilities_are_its_five_parts() -> None:
    # "Hỗ trợ ít nhất 32 cơ sở CNNT ...: 04 ... mô hình trình diễn; 19 ... máy móc;
    # 02 ... sản xuất sạch hơn; 03 ... xử lý ô nhiễm; 04 mô hình trình diễn kỹ thuật"
    targets = by_code(load("cao-bang-2026-2030.toml"))
    whole = targets["II.2-1"]
    assert whole.quantity == 32
    assert sorted(targets[code].quantity or 0 for code in whole.parts) == [2, 3, 4, 4, 19]


def test_cao_bang_adds_up() -> None:
    # 4 + 19 + 2 + 3 + 4 = 32 and no amounts: nothing to report.
    assert check_programme(load("cao-bang-2026-2030.toml")) == []


# --- Khánh Hòa, QĐ 524/QĐ-UBND ngày 09/02/2026 ---------------------------------


def test_khanh_hoa_header_and_budget() -> None:
    spec = load("khanh-hoa-2026-2030.toml")
    assert spec.code == "KH-2026-2030"
    assert spec.province == "Khánh Hòa"
    assert (spec.start_year, spec.end_year) == (2026, 2030)
    assert spec.decision_no == "524/QĐ-UBND"
    assert spec.decision_date == date(2026, 2, 9)
    # Mục V: "Tổng kinh phí ...: 36.383.000.000 đồng. Trong đó: quốc gia:
    # 3.135.000.000 đồng; địa phương: 33.248.300.000 đồng"
    assert spec.budget.total == 36_383_000_000
    assert spec.budget.national == 3_135_000_000
    assert spec.budget.local == 33_248_300_000
    assert spec.budget.other is None
    assert spec.budget.by_year == {} and spec.budget.by_activity == {}


def test_khanh_hoa_target_count() -> None:
    # Mục III, "Dự kiến kết quả" of each khoản, one target per figure:
    # 1: 03 mô hình, 100 lượt cơ sở (2); 2: 03 đợt, 50 sản phẩm/đợt, 03 phòng trưng
    # bày, 02 nhãn hiệu, 01 hội chợ, 32 gian hàng (6); 3: 02 hội nghị, 03 cơ sở (2);
    # 4: 15 hội nghị (1); 5: 39, 12, 600, 600, 60 (5); 6: 02, 02, 08 (3);
    # 7: 09, 37, 6000, 18, 300, 20 (6).
    assert len(load("khanh-hoa-2026-2030.toml").targets) == 2 + 6 + 2 + 1 + 5 + 3 + 6


def test_khanh_hoa_spot_checks() -> None:
    targets = by_code(load("khanh-hoa-2026-2030.toml"))
    # III.1 "Hỗ trợ từ 100 lượt cơ sở CNNT thực hiện các đề án ứng dụng máy móc"
    assert targets["III.1-2"].quantity == 100
    assert targets["III.1-2"].activities == ("may_moc_thiet_bi",)
    # III.2 "Hỗ trợ 32 gian hàng của các cơ sở CNNT tham gia hội chợ triển lãm"
    booths = targets["III.2-6"]
    assert (booths.quantity, booths.unit, booths.measure) == (32, "gian hàng", "booths")
    assert booths.activities == ("hoi_cho_trien_lam",)
    # III.2 "đăng ký 02 nhãn hiệu sản phẩm"
    assert (targets["III.2-4"].quantity, targets["III.2-4"].measure) == (2, "brands")
    # III.4 "Dự kiến tổ chức 15 hội nghị, hội thảo tập huấn cho các cơ sở CNNT"
    assert targets["III.4-1"].quantity == 15
    assert targets["III.4-1"].activities == ("nang_cao_nang_luc_quan_ly",)
    # III.5 "Thực hiện 39 phóng sự khuyến công truyền hình"
    assert (targets["III.5-1"].quantity, targets["III.5-1"].unit) == (39, "phóng sự")
    # III.5 "Phát hành 600 ấn phẩm" while I.2.c says "3 brochure": kept, and noted
    assert targets["III.5-3"].quantity == 600
    assert "3 brochure" in targets["III.5-3"].note
    # III.7 "6000 sản phẩm là ấn phẩm, tờ rơi, poster"
    assert targets["III.7-3"].quantity == 6000
    assert "san_xuat_sach_hon" in targets["III.7-3"].activities


def test_khanh_hoa_sources_do_not_add_up_to_its_total() -> None:
    # 3.135.000.000 + 33.248.300.000 = 36.383.300.000, the decision says 36.383.000.000.
    warnings = check_programme(load("khanh-hoa-2026-2030.toml"))
    assert [w.kind for w in warnings] == ["budget_sources"]
    message = warnings[0].message
    assert "trung ương 3.135.000.000 + địa phương 33.248.300.000 + khác 0" in message
    assert "là 36.383.300.000 đồng" in message
    assert "36.383.000.000 đồng" in message
    assert "chênh lệch 300.000 đồng" in message


# --- Hải Dương 2023-2025 ---------------------------------------------------------


def test_hai_duong_header() -> None:
    spec = load("hai-duong-2023-2025.toml")
    assert spec.code == "HD-2023-2025"
    assert spec.province == "Hải Dương"
    assert (spec.start_year, spec.end_year) == (2023, 2025)
    # The seed text starts at "QUYẾT ĐỊNH": no number, no date of signature.
    assert spec.decision_no is None and spec.decision_date is None
    assert "không ghi số và ngày" in spec.note
    # Mục VI: "Kinh phí thực hiện chương trình từ nguồn ngân sách tỉnh" — no amount.
    assert spec.budget.total is None


def test_hai_duong_targets() -> None:
    # Mục V "Nội dung chương trình", one target per bullet (or per khoản without
    # bullets): khoản 1: 6 bullets, 2: 7, 3: 3, 4: 1, 5: 3, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1.
    spec = load("hai-duong-2023-2025.toml")
    assert len(spec.targets) == 6 + 7 + 3 + 1 + 3 + 1 + 1 + 1 + 1 + 1
    # The programme sets no numeric target at all.
    assert all(t.quantity is None for t in spec.targets)
    targets = by_code(spec)
    assert targets["V.2-4"].activities == ("chuyen_doi_so",)
    assert targets["V.3-3"].activities == ("cum_cong_nghiep",)
    assert targets["V.6"].activities == ("thuong_hieu_nhan_hieu",)


def test_hai_duong_has_nothing_to_check() -> None:
    assert check_programme(load("hai-duong-2023-2025.toml")) == []

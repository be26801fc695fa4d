"""forms/*.toml and their loader: shipped content, caps, province overrides, errors."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from kcdesk import paths
from kcdesk.services.forms import load as forms
from kcdesk.services.forms.load import (
    ActivitySpec,
    FormsError,
    SupportCap,
    cap_check,
    forms_file,
    load_activities,
    load_funding_sources,
    load_measures,
    load_toml_form,
)

ACTIVITY_CODES = {
    "dao_tao_nghe",
    "nang_cao_nang_luc_quan_ly",
    "mo_hinh_trinh_dien",
    "may_moc_thiet_bi",
    "binh_chon_san_pham",
    "hoi_cho_trien_lam",
    "phong_trung_bay",
    "thuong_hieu_nhan_hieu",
    "tu_van",
    "thong_tin_truyen_thong",
    "lien_doanh_lien_ket",
    "cum_cong_nghiep",
    "san_xuat_sach_hon",
    "chuyen_doi_so",
    "hop_tac_quoc_te",
    "nang_luc_khuyen_cong",
}
MEASURE_CODES = [
    "proposals",
    "facilities",
    "models",
    "machines",
    "classes",
    "learners",
    "products",
    "contests",
    "fairs",
    "booths",
    "showrooms",
    "events",
    "publications",
    "brands",
    "clusters",
    "jobs",
    "revenue_increase_pct",
    "other",
]
# Vietnamese letters that ASCII/English text never has: proves the message is Vietnamese.
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets an empty per-user data folder, so no real override leaks in."""
    folder = tmp_path / "dữ liệu người dùng"  # non-ASCII path, as on many Windows PCs
    monkeypatch.setenv("KCDESK_DATA_DIR", str(folder))
    forms.clear_cache()
    yield folder
    forms.clear_cache()


def write_override(name: str, text: str) -> Path:
    folder = paths.user_forms_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def shipped_text(name: str) -> str:
    return (paths.shipped_forms_dir() / f"{name}.toml").read_text(encoding="utf-8")


def minimal_activity(**fields: str) -> str:
    """One activity in TOML; ``fields`` replace or add raw TOML lines by key."""
    lines = {
        "code": '"thu_nghiem"',
        "label": '"Hoạt động thử nghiệm"',
        "group_order": "1",
        "legal_basis": '"Điều 4 Nghị định 45/2012/NĐ-CP"',
        "requires_beneficiary": "true",
        "outputs": '["facilities"]',
    }
    lines.update(fields)
    body = "\n".join(f"{key} = {value}" for key, value in lines.items() if value)
    return (
        f"[[activity]]\n{body}\n"
        '[[activity.document]]\ncode = "don_de_nghi"\nlabel = "Đơn đề nghị"\nrequired = true\n'
    )


# --- shipped content ---------------------------------------------------------


def test_every_agreed_activity_code_is_shipped() -> None:
    activities = load_activities()
    assert set(activities) >= ACTIVITY_CODES
    assert all(isinstance(spec, ActivitySpec) for spec in activities.values())


def test_activities_are_ordered_by_group_order_with_machinery_fourth() -> None:
    activities = load_activities()
    orders = [spec.group_order for spec in activities.values()]
    assert orders == sorted(orders)
    assert activities["may_moc_thiet_bi"].group_order == 4


def test_measures_and_funding_sources_are_exactly_the_agreed_codes() -> None:
    measures = load_measures()
    assert list(measures) == MEASURE_CODES
    assert measures["facilities"].unit == "cơ sở"
    assert measures["revenue_increase_pct"].unit == "%"
    assert set(load_funding_sources()) == {"quoc_gia", "dia_phuong", "cap_xa"}


def test_verified_caps_are_seeded_exactly() -> None:
    activities = load_activities()
    machinery = activities["may_moc_thiet_bi"].cap
    assert machinery is not None
    assert (machinery.percent, machinery.amount) == (50, 300_000_000)
    assert machinery.line_multiplier == Fraction(3, 2)
    assert "28/2018/TT-BTC" in machinery.source
    model = activities["mo_hinh_trinh_dien"].cap
    assert model is not None
    assert (model.percent, model.amount, model.line_multiplier) == (30, 1_000_000_000, None)
    assert "28/2018/TT-BTC" in model.source


def test_no_other_activity_has_an_invented_cap() -> None:
    capped = {code for code, spec in load_activities().items() if spec.cap is not None}
    assert capped == {"may_moc_thiet_bi", "mo_hinh_trinh_dien"}


def test_every_activity_has_a_required_document_and_required_evidence() -> None:
    # Issue 18: evidence is required only where a text requires it (with its source);
    # the acceptance minutes are produced by recording acceptance, never a precondition.
    for code, spec in load_activities().items():
        assert spec.required_documents, code
        assert spec.evidence, code
        assert all(item.source for item in spec.required_evidence), code
        assert "bien_ban_nghiem_thu" not in {item.code for item in spec.required_evidence}
        assert spec.legal_basis and spec.label and spec.short_label, code


def test_outputs_only_use_known_measures() -> None:
    measures = load_measures()
    for code, spec in load_activities().items():
        assert spec.outputs, code
        assert set(spec.outputs) <= set(measures), code


def test_shipped_files_are_nfc() -> None:
    for name in ("activities", "measures", "funding_sources"):
        text = shipped_text(name)
        assert text == unicodedata.normalize("NFC", text), name


# --- cap_check ---------------------------------------------------------------


def machinery() -> ActivitySpec:
    return load_activities()["may_moc_thiet_bi"]


def test_exactly_fifty_percent_passes_and_one_dong_more_fails() -> None:
    assert cap_check(machinery(), 400_000_000, 200_000_000) == []
    messages = cap_check(machinery(), 400_000_000, 200_000_001)
    assert len(messages) == 1
    assert "50%" in messages[0]
    assert "200.000.001" in messages[0] and "400.000.000" in messages[0]
    assert "28/2018/TT-BTC" in messages[0]


def test_percent_uses_exact_integers_on_an_odd_total() -> None:
    # 50 % of 399.999.999 is 199.999.999,5: 200.000.000 is half a đồng too much.
    assert cap_check(machinery(), 399_999_999, 199_999_999) == []
    assert len(cap_check(machinery(), 399_999_999, 200_000_000)) == 1


def test_exactly_the_ceiling_passes_and_one_dong_more_fails() -> None:
    assert cap_check(machinery(), 600_000_000, 300_000_000) == []
    # 300.000.001 of 600.000.002 is exactly 50 %: only the ceiling is broken.
    messages = cap_check(machinery(), 600_000_002, 300_000_001)
    assert len(messages) == 1
    assert "300.000.000" in messages[0] and "300.000.001" in messages[0]
    assert "28/2018/TT-BTC" in messages[0]


def test_whole_technology_line_may_reach_one_and_a_half_times_the_ceiling() -> None:
    assert cap_check(machinery(), 1_000_000_000, 450_000_000, whole_line=True) == []
    assert len(cap_check(machinery(), 1_000_000_000, 450_000_000)) == 1
    messages = cap_check(machinery(), 1_000_000_000, 450_000_001, whole_line=True)
    assert len(messages) == 1
    assert "450.000.000" in messages[0] and "dây chuyền" in messages[0]


def test_both_limits_broken_gives_two_messages() -> None:
    messages = cap_check(machinery(), 100_000_000, 400_000_000)
    assert len(messages) == 2


def test_demonstration_model_cap_boundaries() -> None:
    model = load_activities()["mo_hinh_trinh_dien"]
    assert cap_check(model, 1_000_000_000, 300_000_000) == []
    assert len(cap_check(model, 1_000_000_000, 300_000_001)) == 1
    assert cap_check(model, 4_000_000_000, 1_000_000_000) == []
    # No line multiplier for models: whole_line changes nothing.
    messages = cap_check(model, 4_000_000_000, 1_000_000_001, whole_line=True)
    assert len(messages) == 1 and "1.000.000.000" in messages[0]


def test_activity_without_cap_is_never_flagged() -> None:
    fair = load_activities()["hoi_cho_trien_lam"]
    assert fair.cap is None
    assert cap_check(fair, 1, 10_000_000_000) == []


def test_cap_check_refuses_float_money() -> None:
    with pytest.raises(TypeError):
        cap_check(machinery(), 400_000_000.0, 200_000_000)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        cap_check(machinery(), 400_000_000, -1)


def test_percent_only_cap_on_a_hand_made_spec() -> None:
    spec = ActivitySpec(
        code="x",
        label="X",
        short_label="X",
        group_order=1,
        legal_basis="-",
        requires_beneficiary=False,
        multi_year=False,
        outputs=(),
        cap=SupportCap(percent=30, amount=None, line_multiplier=None, source="Quyết định của tỉnh"),
        documents=(),
        evidence=(),
    )
    assert cap_check(spec, 10, 3) == []
    messages = cap_check(spec, 10, 4)
    assert len(messages) == 1 and "Quyết định của tỉnh" in messages[0]


# --- province overrides ------------------------------------------------------


def test_province_override_wins_over_shipped_file() -> None:
    shipped = forms_file("activities")
    assert shipped == paths.shipped_forms_dir() / "activities.toml"
    text = shipped_text("activities").replace("amount = 300_000_000", "amount = 250_000_000")
    own = write_override("activities", text)
    assert forms_file("activities") == own
    cap = load_activities()["may_moc_thiet_bi"].cap
    assert cap is not None and cap.amount == 250_000_000
    messages = cap_check(load_activities()["may_moc_thiet_bi"], 600_000_000, 250_000_001)
    assert len(messages) == 1 and "250.000.000" in messages[0]


def test_edited_override_is_picked_up_without_restart() -> None:
    path = write_override("funding_sources", '[[source]]\ncode = "quoc_gia"\nlabel = "A"\n')
    assert load_funding_sources()["quoc_gia"].label == "A"
    path.write_text('[[source]]\ncode = "quoc_gia"\nlabel = "Bản sửa"\n', encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_funding_sources()["quoc_gia"].label == "Bản sửa"


def test_malformed_override_raises_vietnamese_forms_error() -> None:
    path = write_override("activities", '[[activity]]\ncode = "thieu_ngoac\n')
    with pytest.raises(FormsError) as info:
        load_activities()
    message = str(info.value)
    assert str(path) in message
    assert "TOML" in message and VIETNAMESE.search(message)
    assert isinstance(info.value, ValueError)


def test_override_with_bom_is_read() -> None:
    folder = paths.user_forms_dir()
    folder.mkdir(parents=True)
    text = '[[source]]\ncode = "quoc_gia"\nlabel = "Quốc gia"\n'
    (folder / "funding_sources.toml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_funding_sources()["quoc_gia"].label == "Quốc gia"


def test_strings_are_nfc_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoạt động thử nghiệm")
    assert decomposed != "Hoạt động thử nghiệm"
    write_override("activities", minimal_activity(label=f'"{decomposed}"'))
    assert load_activities()["thu_nghiem"].label == "Hoạt động thử nghiệm"
    assert load_toml_form("activities")["activity"][0]["label"] == "Hoạt động thử nghiệm"


def test_short_label_defaults_to_label_and_multi_year_to_false() -> None:
    write_override("activities", minimal_activity())
    spec = load_activities()["thu_nghiem"]
    assert spec.short_label == spec.label
    assert spec.multi_year is False
    assert spec.cap is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (minimal_activity(label=""), "label"),
        (minimal_activity(outputs='["facilities", "khong_co"]'), "khong_co"),
        (minimal_activity() + minimal_activity(group_order="2"), "thu_nghiem"),
        (
            minimal_activity()
            + "[activity.cap]\npercent = 50\namount = 300000000.0\nsource = 'TT'\n",
            "300000000.0",
        ),
        (
            minimal_activity()
            + "[activity.cap]\npercent = 50\nline_multiplier = 1.5\nsource = 'TT'\n",
            "line_multiplier",
        ),
        (minimal_activity() + "[activity.cap]\namount = 10\n", "source"),
        (minimal_activity(requried="true"), "requried"),
        (minimal_activity(requires_beneficiary=""), "requires_beneficiary"),
        (minimal_activity(code='"Máy móc"'), "Máy móc"),
    ],
    ids=[
        "missing-label",
        "unknown-measure",
        "duplicate-code",
        "float-money",
        "float-multiplier",
        "cap-without-source",
        "unknown-key",
        "missing-flag",
        "bad-code",
    ],
)
def test_invalid_activities_raise_forms_error(text: str, fragment: str) -> None:
    path = write_override("activities", text)
    with pytest.raises(FormsError) as info:
        load_activities()
    message = str(info.value)
    assert str(path) in message
    assert fragment in message
    assert VIETNAMESE.search(message)


def test_duplicate_measure_code_raises() -> None:
    write_override(
        "measures",
        '[[measure]]\ncode = "jobs"\nlabel = "A"\nunit = "a"\n'
        '[[measure]]\ncode = "jobs"\nlabel = "B"\nunit = "b"\n',
    )
    with pytest.raises(FormsError, match="jobs"):
        load_measures()


def test_missing_measure_label_raises() -> None:
    write_override("measures", '[[measure]]\ncode = "jobs"\nunit = "a"\n')
    with pytest.raises(FormsError, match="label"):
        load_measures()


def test_outputs_are_checked_against_the_province_measures() -> None:
    write_override("measures", '[[measure]]\ncode = "jobs"\nlabel = "Lao động"\nunit = "người"\n')
    with pytest.raises(FormsError, match="«classes»"):
        load_activities()


def test_form_name_cannot_escape_the_forms_folder() -> None:
    with pytest.raises(FormsError):
        forms_file("../secrets")

"""Programme files: parsing, refusing malformed files, and the consistency check."""

from __future__ import annotations

import dataclasses
import tomllib
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kcdesk.paths import install_root
from kcdesk.services.core.errors import UserError
from kcdesk.services.programmes import file as programme_file
from kcdesk.services.programmes.check import check_programme
from kcdesk.services.programmes.file import (
    KNOWN_ACTIVITIES,
    KNOWN_MEASURES,
    BudgetSpec,
    ProgrammeFileError,
    ProgrammeSpec,
    TargetSpec,
    load_programme_file,
    parse_programme,
    preset_paths,
)

GOOD = """\
format = 1
code = "TEST-2026-2030"
name = "Chương trình khuyến công thử nghiệm"
province = "Cao Bằng"
start_year = 2026
end_year = 2030
decision_no = "1/QĐ-UBND"
decision_date = 2025-11-28
issuer = "Ủy ban nhân dân tỉnh Cao Bằng"

[budget]
national = 10_000_000_000
local = 26_383_000_000
total = 36_383_000_000

[budget.by_year]
"2026" = 36_383_000_000

[budget.by_activity]
may_moc_thiet_bi = 36_383_000_000

[[target]]
code = "1"
group = "Mục tiêu"
name = "Hỗ trợ ít nhất 5 cơ sở"
unit = "cơ sở"
quantity = 5
activities = ["may_moc_thiet_bi", "mo_hinh_trinh_dien"]
measure = "facilities"
parts = ["1.a", "1.b"]

[[target]]
code = "1.a"
name = "Ứng dụng máy móc thiết bị"
unit = "cơ sở"
quantity = 3
activities = ["may_moc_thiet_bi"]
measure = "facilities"
budget = 1_500_000_000

[[target]]
code = "1.b"
name = "Mô hình trình diễn kỹ thuật"
unit = "cơ sở"
quantity = 2
activities = ["mo_hinh_trinh_dien"]
measure = "facilities"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def data(**changes: Any) -> dict[str, Any]:
    loaded = tomllib.loads(GOOD)
    loaded.update(changes)
    return loaded


# --- reading -------------------------------------------------------------------


def test_good_file_loads_every_field(tmp_path: Path) -> None:
    spec = load_programme_file(write(tmp_path / "good.toml", GOOD))
    assert spec.code == "TEST-2026-2030"
    assert (spec.start_year, spec.end_year) == (2026, 2030)
    assert spec.decision_no == "1/QĐ-UBND"
    assert spec.decision_date == date(2025, 11, 28)
    assert spec.budget.national == 10_000_000_000
    assert spec.budget.other is None
    assert spec.budget.by_year == {2026: 36_383_000_000}
    assert spec.budget.by_activity == {"may_moc_thiet_bi": 36_383_000_000}
    assert [t.code for t in spec.targets] == ["1", "1.a", "1.b"]
    first = spec.targets[0]
    assert first.activities == ("may_moc_thiet_bi", "mo_hinh_trinh_dien")
    assert first.parts == ("1.a", "1.b")
    assert first.budget is None
    assert spec.targets[1].budget == 1_500_000_000
    assert isinstance(spec.targets[1].budget, int)


def test_optional_fields_default_to_none_or_empty() -> None:
    minimal = {
        "format": 1,
        "code": "X",
        "name": "Chương trình",
        "province": "Hải Dương",
        "start_year": 2023,
        "end_year": 2025,
        "target": [{"code": "1", "name": "Nội dung", "measure": "other"}],
    }
    spec = parse_programme(minimal, "x.toml")
    assert spec.decision_no is None and spec.decision_date is None
    assert spec.budget == BudgetSpec(None, None, None, None, {}, {})
    target = spec.targets[0]
    assert target.quantity is None and target.budget is None
    assert target.activities == () and target.parts == ()
    assert (target.group, target.unit, target.note) == ("", "", "")


def test_text_is_nfc_normalised_on_load(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", GOOD)
    assert decomposed != GOOD  # the test would prove nothing otherwise
    spec = load_programme_file(write(tmp_path / "nfd.toml", decomposed))
    assert spec.province == "Cao Bằng"
    assert spec.targets[1].name == "Ứng dụng máy móc thiết bị"
    assert spec.decision_no == "1/QĐ-UBND"


def test_file_under_vietnamese_path_loads(tmp_path: Path) -> None:
    path = write(tmp_path / "Chương trình Khánh Hòa" / "kế hoạch đề án.toml", GOOD)
    assert load_programme_file(path).code == "TEST-2026-2030"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert load_programme_file(path).code == "TEST-2026-2030"


def test_error_is_a_user_error_and_a_value_error() -> None:
    assert issubclass(ProgrammeFileError, ValueError)
    assert issubclass(ProgrammeFileError, UserError)


# --- malformed files -----------------------------------------------------------


def refused(tmp_path: Path, text: str, name: str = "hỏng.toml") -> str:
    path = write(tmp_path / name, text)
    with pytest.raises(ProgrammeFileError) as caught:
        load_programme_file(path)
    message = str(caught.value)
    assert name in message  # names the file
    return message


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    message = refused(tmp_path, 'format = 1\ncode = "A\nname = "B"\n')
    assert "sai cú pháp TOML ở dòng 2" in message


def test_missing_code(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace('code = "TEST-2026-2030"\n', ""))
    assert "thiếu «code»" in message


def test_missing_target_code(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace('code = "1.b"\n', ""))
    assert "chỉ tiêu thứ 3" in message and "thiếu «code»" in message


def test_float_money_in_budget(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("total = 36_383_000_000", "total = 36383000000.0"))
    assert "«total» là số tiền nên phải là số nguyên đồng" in message


def test_float_money_in_target_budget(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("budget = 1_500_000_000", "budget = 1.5e9"))
    assert "chỉ tiêu thứ 2 (mã «1.a»)" in message
    assert "số nguyên đồng" in message


def test_float_money_in_budget_by_year(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace('"2026" = 36_383_000_000', '"2026" = 3.6e10'))
    assert "«by_year.2026»" in message and "số nguyên đồng" in message


def test_float_quantity(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("quantity = 3", "quantity = 2.5"))
    assert "«quantity» phải là số nguyên" in message


def test_boolean_is_not_a_number(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("quantity = 3", "quantity = true"))
    assert "«quantity» phải là số nguyên" in message


def test_negative_money(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("national = 10_000_000_000", "national = -1"))
    assert "không được âm" in message


def test_duplicate_target_code(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace('code = "1.b"', 'code = "1.a"'))
    assert "mã chỉ tiêu «1.a» bị trùng" in message


def test_unknown_activity(tmp_path: Path) -> None:
    text = GOOD.replace('activities = ["mo_hinh_trinh_dien"]', 'activities = ["mo_hinh"]')
    message = refused(tmp_path, text)
    assert "mã hoạt động không có trong danh mục: «mo_hinh»" in message
    assert "may_moc_thiet_bi" in message  # lists the valid codes


def test_unknown_activity_in_budget(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("may_moc_thiet_bi = 36", "may_moc = 36"))
    assert "mã hoạt động «may_moc» không có trong danh mục" in message


def test_unknown_measure(tmp_path: Path) -> None:
    message = refused(
        tmp_path, GOOD.replace('measure = "facilities"\nparts', 'measure = "co_so"\nparts')
    )
    assert "«measure» = «co_so» không có trong danh mục" in message


def test_misspelt_key_is_refused_rather_than_dropped(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("quantity = 3", "quantiy = 3"))
    assert "khóa không hợp lệ «quantiy»" in message


def test_wrong_format_version(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("format = 1", "format = 2"))
    assert "«format» = 2 không được hỗ trợ" in message


def test_datetime_is_not_a_decision_date(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("2025-11-28", "2025-11-28T08:00:00"))
    assert "«decision_date» phải là ngày" in message


def test_quoted_year_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("start_year = 2026", 'start_year = "2026"'))
    assert "«start_year» phải là số nguyên" in message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp1258.toml"
    path.write_bytes(GOOD.replace("Cao Bằng", "Cao B\xe8ng").encode("latin-1", "replace"))
    with pytest.raises(ProgrammeFileError, match="không phải văn bản UTF-8"):
        load_programme_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeFileError, match="Không mở được tệp chương trình"):
        load_programme_file(tmp_path / "không có.toml")


# --- presets listing -----------------------------------------------------------


def test_preset_paths_lists_sorted_toml_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "programmes"
    for name in ("b.toml", "a.toml", "ghi chú.txt"):
        write(folder / name, "")
    monkeypatch.setattr(programme_file, "resources_dir", lambda: tmp_path)
    assert [p.name for p in preset_paths()] == ["a.toml", "b.toml"]


def test_preset_paths_without_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(programme_file, "resources_dir", lambda: tmp_path)
    assert preset_paths() == []


def test_code_lists_match_the_forms() -> None:
    """Every code a preset may use must exist in forms/ (the wizard's lists)."""
    forms = install_root() / "forms"
    activities = tomllib.loads((forms / "activities.toml").read_text("utf-8"))["activity"]
    measures = tomllib.loads((forms / "measures.toml").read_text("utf-8"))["measure"]
    assert KNOWN_ACTIVITIES.issubset(item["code"] for item in activities)
    assert KNOWN_MEASURES.issubset(item["code"] for item in measures)


# --- consistency check ---------------------------------------------------------


def target(code: str, quantity: int | None, **changes: Any) -> TargetSpec:
    base = TargetSpec(
        code=code,
        group="",
        name=f"Chỉ tiêu {code}",
        unit="cơ sở",
        quantity=quantity,
        activities=(),
        measure="facilities",
        parts=(),
        budget=None,
        note="",
    )
    return dataclasses.replace(base, **changes)


def consistent() -> ProgrammeSpec:
    return ProgrammeSpec(
        code="X",
        name="Chương trình",
        province="Khánh Hòa",
        start_year=2026,
        end_year=2030,
        decision_no=None,
        decision_date=None,
        issuer="",
        source="",
        note="",
        budget=BudgetSpec(
            national=10_000_000_000,
            local=26_383_000_000,
            other=None,
            total=36_383_000_000,
            by_year={2026: 6_383_000_000, 2030: 30_000_000_000},
            by_activity={"may_moc_thiet_bi": 36_000_000_000, "tu_van": 383_000_000},
        ),
        targets=(
            target("1", 32, parts=("1.a", "1.b")),
            target("1.a", 13, budget=30_000_000_000),
            target("1.b", 19, budget=6_383_000_000),
        ),
    )


def with_budget(**changes: Any) -> ProgrammeSpec:
    spec = consistent()
    return dataclasses.replace(spec, budget=dataclasses.replace(spec.budget, **changes))


def only(spec: ProgrammeSpec, kind: str) -> str:
    warnings = check_programme(spec)
    assert [w.kind for w in warnings] == [kind]
    return warnings[0].message


def test_consistent_programme_is_silent() -> None:
    assert check_programme(consistent()) == []


def test_programme_without_figures_is_silent() -> None:
    bare = dataclasses.replace(
        consistent(),
        budget=BudgetSpec(None, None, None, None, {}, {}),
        targets=(target("1", None), target("2", None, budget=5)),
    )
    assert check_programme(bare) == []


def test_period_reversed() -> None:
    message = only(dataclasses.replace(consistent(), start_year=2026, end_year=2025), "period")
    assert "(2025)" in message and "(2026)" in message


def test_parts_not_adding_up() -> None:
    spec = dataclasses.replace(
        consistent(),
        targets=(target("1", 32, parts=("1.a", "1.b")), target("1.a", 4), target("1.b", 19)),
    )
    message = only(spec, "target_parts")
    assert "«1» ghi 32 cơ sở" in message
    assert "1.a (4) + 1.b (19) cộng lại là 23" in message
    assert "chênh lệch 9" in message


def test_parts_without_quantity() -> None:
    spec = dataclasses.replace(
        consistent(), targets=(target("1", 32, parts=("1.a",)), target("1.a", None))
    )
    assert "«1.a»" in only(spec, "target_parts")


def test_unknown_part() -> None:
    spec = dataclasses.replace(consistent(), targets=(target("1", 32, parts=("9.z",)),))
    assert "«9.z»" in only(spec, "unknown_part")


def test_sources_not_adding_up_to_stated_total() -> None:
    message = only(with_budget(total=36_400_000_000, by_year={}, by_activity={}), "budget_sources")
    assert message.startswith(
        "Tổng nguồn vốn (trung ương 10.000.000.000 + địa phương 26.383.000.000 + khác 0) "
        "là 36.383.000.000 đồng, khác tổng kinh phí ghi trong quyết định 36.400.000.000 đồng"
    )
    assert "chênh lệch 17.000.000 đồng" in message


def test_by_year_not_adding_up() -> None:
    message = only(
        with_budget(by_year={2026: 6_000_000_000, 2027: 30_000_000_000}), "budget_by_year"
    )
    assert "là 36.000.000.000 đồng" in message
    assert "36.383.000.000 đồng" in message


def test_by_year_outside_period() -> None:
    message = only(
        with_budget(by_year={2026: 6_383_000_000, 2031: 30_000_000_000}), "budget_by_year"
    )
    assert "năm 2031" in message and "2026-2030" in message


def test_by_activity_not_adding_up() -> None:
    message = only(with_budget(by_activity={"tu_van": 383_000_000}), "budget_by_activity")
    assert "tu_van: 383.000.000" in message and "36.383.000.000 đồng" in message


def test_target_budgets_above_total() -> None:
    spec = dataclasses.replace(
        consistent(),
        targets=(target("1", 1, budget=36_000_000_000), target("2", 1, budget=1_000_000_000)),
    )
    message = only(spec, "target_budget")
    assert "37.000.000.000 đồng" in message and "vượt 617.000.000 đồng" in message


def test_target_budgets_below_total_are_fine() -> None:
    spec = dataclasses.replace(consistent(), targets=(target("1", 1, budget=1_000_000),))
    assert check_programme(spec) == []


def test_check_reports_every_problem_at_once() -> None:
    spec = dataclasses.replace(
        with_budget(total=1, by_year={2026: 2}, by_activity={"tu_van": 3}),
        start_year=2027,
        end_year=2026,
        targets=(target("1", 5, parts=("1.a", "zz")), target("1.a", 5, budget=9)),
    )
    kinds = {w.kind for w in check_programme(spec)}
    assert kinds == {
        "period",
        "unknown_part",
        "budget_sources",
        "budget_by_year",
        "budget_by_activity",
        "target_budget",
    }

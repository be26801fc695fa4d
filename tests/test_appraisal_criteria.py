"""Criteria sets as data: the shipped defaults, a province's override, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcdesk import paths
from kcdesk.services.appraisal.criteria import get_criteria_set, load_criteria_sets
from kcdesk.services.forms.load import FormsError, forms_file

GOOD = """
[[set]]
code = "rieng"
label = "Bộ của tỉnh"
pass_mark = {pass_mark}
conclusions = [{{ code = "co", label = "Đồng ý" }}]
[[set.criteria]]
code = "a"
label = "Tiêu chí A"
max_points = {a}
[[set.criteria]]
code = "b"
label = "Tiêu chí B"
max_points = 40
"""


def _override(text: str) -> Path:
    folder = paths.user_forms_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "appraisal_criteria.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_proposal_set_follows_tt36_article_9() -> None:
    spec = get_criteria_set("tham_dinh_de_an")
    assert spec.default_scale is True
    assert "mặc định" in spec.label and "mặc định" in spec.note
    assert "Điều 9 Thông tư số 36/2013/TT-BCT" in spec.legal_basis
    assert len(spec.criteria) == 6
    assert [c.label.split()[0] for c in spec.criteria] == [
        "Mức",
        "Mục",
        "Tính",
        "Năng",
        "Khả",
        "Sự",
    ]
    assert [c.label for c in spec.conclusions] == [
        "Đề nghị hỗ trợ",
        "Đề nghị hỗ trợ có điều chỉnh",
        "Không đề nghị hỗ trợ",
    ]
    assert spec.pass_mark <= spec.total


def test_contest_set_is_tt26_appendix_4() -> None:
    spec = get_criteria_set("san_pham_cnnt_tieu_bieu")
    assert [c.max_points for c in spec.criteria] == [40, 40, 10, 10]
    assert spec.pass_mark == 70
    assert spec.default_scale is False
    assert "26/2014/TT-BCT" in spec.legal_basis


def test_province_copy_overrides_the_shipped_file() -> None:
    path = _override(GOOD.format(pass_mark=50, a=60))
    assert forms_file("appraisal_criteria") == path
    sets = load_criteria_sets()
    assert list(sets) == ["rieng"]
    assert sets["rieng"].total == 100
    assert sets["rieng"].pass_mark == 50


@pytest.mark.parametrize(
    ("pass_mark", "a", "message"),
    [
        (120, 60, "điểm đạt 120 lớn hơn tổng điểm tối đa 100"),
        (50, 0, "phải lớn hơn 0"),
        (50, -5, "phải lớn hơn 0"),
        (50, "12.5", "số nguyên dương"),
        (50, "true", "số nguyên dương"),
        (0, 60, "«pass_mark» phải lớn hơn 0"),
    ],
)
def test_bad_province_file_is_explained(pass_mark: object, a: object, message: str) -> None:
    _override(GOOD.format(pass_mark=pass_mark, a=a))
    with pytest.raises(FormsError, match=message):
        load_criteria_sets()


def test_duplicate_criterion_and_missing_sets() -> None:
    _override(GOOD.format(pass_mark=50, a=60).replace('code = "b"', 'code = "a"'))
    with pytest.raises(FormsError, match="bị trùng"):
        load_criteria_sets()
    _override("# trống\n")
    with pytest.raises(FormsError, match="không có bộ tiêu chí nào"):
        load_criteria_sets()

"""A department list's invalid ID numbers are explained in the reader's language, with the
numbers of the reason filled in after translation (a filled-in Chinese text has no
translation, so it used to stay Chinese on English pages)."""

from django.utils import translation

from fupin.identification.lists import read_list


def _list(tmp_path):
    path = tmp_path / "dibao.csv"
    path.write_text("姓名,身份证号码\n张三,43040519800101\n", encoding="utf-8")
    return path


def test_wrong_length_in_english(tmp_path):
    with translation.override("en"):
        data = read_list(_list(tmp_path))
    (problem,) = data.invalid
    assert problem["line"] == 2
    assert "18" in problem["message"] and "14" in problem["message"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in problem["message"]), problem["message"]


def test_wrong_length_in_chinese(tmp_path):
    with translation.override("zh-hans"):
        data = read_list(_list(tmp_path))
    assert data.invalid[0]["message"] == "证件号码应为 18 位，实际 14 位"

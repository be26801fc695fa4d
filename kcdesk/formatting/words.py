"""Numbers and amounts in Vietnamese words (đọc số thành chữ, "Bằng chữ: ...").

Written by hand because num2words' Vietnamese reading is wrong for numbers
such as 2025 and 36.383.050.000. The rules below are the ones used on
official financial documents (dự toán, quyết toán, tờ trình):

* units: không, một, hai, ... chín; 10-19 read "mười", "mười một", ...
* after a ten >= 20, 1 reads "mốt" ("hai mươi mốt") but "mười một" stays;
  5 reads "lăm" after any ten ("mười lăm", "hai mươi lăm");
  4 reads :data:`FOUR_AFTER_TENS` after a ten >= 20 ("hai mươi tư"),
  while 14 stays "mười bốn";
* a zero ten before a non-zero unit reads "linh" ("một trăm linh năm");
* every non-zero group of three digits that is not the leading group reads
  all three digits, so a zero hundred reads "không trăm"
  ("một nghìn không trăm hai mươi", "một tỷ không trăm linh năm");
* groups that are entirely zero are skipped ("một triệu không trăm linh năm"
  for 1.000.005 — no "không nghìn");
* group names are nghìn (the form used in official documents, not the
  southern "ngàn"), triệu, tỷ; above tỷ the reading repeats on the
  number of tỷ: "một nghìn tỷ" (10^12), "một triệu tỷ" (10^15),
  "một tỷ tỷ" (10^18), and so on for any size.
"""

from __future__ import annotations

import unicodedata

__all__ = ["FOUR_AFTER_TENS", "amount_in_words", "number_in_words"]

# "tư" is what most provincial documents print for 24, 34, ... ("hai mươi tư").
# Some provinces prefer "bốn" ("hai mươi bốn"); switch it here, in one place.
FOUR_AFTER_TENS = "tư"

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Names of the three-digit groups below one tỷ, indexed by group position.
_GROUP_NAMES = ("", "nghìn", "triệu")
_BILLION = 10**9


def _check_int(n: object) -> int:
    # bool is an int subclass; True đồng is always a caller's mistake.
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected int, got {type(n).__name__}")
    return n


def _tens_and_units(tens: int, units: int) -> list[str]:
    """Read the last two digits of a group when the tens digit is non-zero."""
    if tens == 1:
        words = ["mười"]
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
        return words
    words = [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt")
    elif units == 4:
        words.append(FOUR_AFTER_TENS)
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _read_group(value: int, *, leading: bool) -> list[str]:
    """Read one group 0..999.

    A leading group reads only its significant digits ("hai mươi lăm");
    any other group reads all three ("không trăm hai mươi lăm").
    """
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if leading and hundreds == 0:
        if tens == 0:
            return [_DIGITS[units]]
        return _tens_and_units(tens, units)
    words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += ["linh", _DIGITS[units]]
        return words
    return words + _tens_and_units(tens, units)


def _read_below_billion(value: int, *, leading: bool) -> list[str]:
    """Read 0 < value < 10^9; ``leading`` is False when something precedes it."""
    groups = [(value // 10 ** (3 * i)) % 1000 for i in range(3)]
    words: list[str] = []
    for index in range(2, -1, -1):
        group = groups[index]
        if group == 0:
            continue  # zero groups are skipped, never "không nghìn"
        words += _read_group(group, leading=leading and not words)
        if _GROUP_NAMES[index]:
            words.append(_GROUP_NAMES[index])
    return words


def _read_positive(value: int, *, leading: bool = True) -> list[str]:
    """Read value > 0, splitting on tỷ so the scale repeats ("nghìn tỷ", "tỷ tỷ")."""
    billions, rest = divmod(value, _BILLION)
    words: list[str] = []
    if billions:
        words += _read_positive(billions, leading=leading)
        words.append("tỷ")
    if rest:
        words += _read_below_billion(rest, leading=leading and not words)
    return words


def number_in_words(n: int) -> str:
    """Read an integer in lower-case Vietnamese words (đọc số bằng chữ).

    >>> number_in_words(2025)
    'hai nghìn không trăm hai mươi lăm'

    Negative numbers start with "âm".
    """
    n = _check_int(n)
    if n == 0:
        words = [_DIGITS[0]]
    elif n < 0:
        words = ["âm", *_read_positive(-n)]
    else:
        words = _read_positive(n)
    return unicodedata.normalize("NFC", " ".join(words))


def amount_in_words(amount: int) -> str:
    """An amount of đồng as printed after "Bằng chữ:" (số tiền bằng chữ).

    Capitalised first letter, ends with " đồng":
    36_383_000_000 -> "Ba mươi sáu tỷ ba trăm tám mươi ba triệu đồng";
    0 -> "Không đồng"; negatives start with "Âm".
    """
    text = number_in_words(amount) + " đồng"
    return unicodedata.normalize("NFC", text[0].upper() + text[1:])

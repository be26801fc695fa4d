"""Password hashing (mật khẩu): salted scrypt, parameters stored with the hash.

The stored form is ``scrypt$N$r$p$salt$hash`` (base64 salt and hash), so stronger
parameters can be adopted later while old hashes still verify. Clear text is never
stored or logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata

from kcdesk.services.core.errors import ValidationError

SCHEME = "scrypt"
# N=2^15, r=8 costs about 32 MiB and ~0.1 s per try: slow for a guesser, fine at log-in.
N = 2**15
R = 8
P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 8


def _normalise(password: str) -> bytes:
    # The same word typed with a different Vietnamese input method must still match.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        _normalise(password), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r, dklen=KEY_BYTES
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int | None = None) -> str:
    """A fresh salted hash of ``password`` in the stored form (module cost by default)."""
    n = n or N
    r, p = R, P
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, n, r, p)
    return f"{SCHEME}${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches ``stored``; False for a missing or unknown hash."""
    if not stored:
        return False
    try:
        scheme, n_text, r_text, p_text, salt_text, key_text = stored.split("$")
        if scheme != SCHEME:
            return False
        salt = base64.b64decode(salt_text)
        expected = base64.b64decode(key_text)
        actual = _derive(password, salt, int(n_text), int(r_text), int(p_text))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str | None) -> bool:
    """True when ``stored`` uses weaker parameters than today's (re-hash at log-in)."""
    if not stored or not stored.startswith(SCHEME + "$"):
        return True
    try:
        _, n_text, r_text, p_text, *_ = stored.split("$")
        return (int(n_text), int(r_text), int(p_text)) < (N, R, P)
    except ValueError:
        return True


def check_strength(password: str, username: str = "") -> None:
    """Refuse passwords too easy to guess, with a message saying what to change."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"cần ít nhất {MIN_LENGTH} ký tự")
    if password.strip() != password:
        problems.append("không được bắt đầu hoặc kết thúc bằng dấu cách")
    if username and password.casefold() == username.casefold():
        problems.append("không được trùng tên đăng nhập")
    if password and len(set(password)) < 3:
        problems.append("quá đơn giản (lặp lại một vài ký tự)")
    if problems:
        raise ValidationError("Mật khẩu " + "; ".join(problems) + ".", {"password": problems[0]})

"""Where the signing key lives: a certificate file (.p12) or a PKCS#11 token.

Both end as a pyHanko ``Signer`` so signing is one code path (the USB tokens of the
Vietnamese CAs speak PKCS#11; SoftHSM2 in the tests is driven the same way).
The secret is held only as long as the signer is open and never put in a message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kcdesk.services.signing.errors import SigningError

if TYPE_CHECKING:
    from pyhanko.sign import signers

__all__ = ["P12Key", "SignerKey", "SigningError", "TokenKey", "open_signer"]


@dataclass(frozen=True)
class P12Key:
    """A certificate file (tệp chứng thư số .p12/.pfx) and its password."""

    path: Path
    password: str = field(repr=False)


@dataclass(frozen=True)
class TokenKey:
    """A PKCS#11 token (USB token ký số): the driver library, which token, which key."""

    library: Path
    pin: str = field(repr=False)
    token_label: str | None = None
    key_label: str | None = None


SignerKey = P12Key | TokenKey


def _p12_signer(key: P12Key) -> signers.Signer:
    from pyhanko.sign import signers

    if not key.path.is_file():
        raise SigningError(f"Không tìm thấy tệp chứng thư số {key.path}.")
    try:
        signer = signers.SimpleSigner.load_pkcs12(
            str(key.path), passphrase=key.password.encode("utf-8")
        )
    except Exception as exc:
        raise SigningError(
            f"Không mở được tệp chứng thư số {key.path.name}: sai mật khẩu hoặc tệp hỏng."
        ) from exc
    if signer is None:
        raise SigningError(
            f"Không mở được tệp chứng thư số {key.path.name}: sai mật khẩu hoặc tệp hỏng."
        )
    return signer


@contextmanager
def _token_signer(key: TokenKey) -> Iterator[signers.Signer]:
    try:
        from pkcs11 import PKCS11Error
        from pyhanko.sign import pkcs11 as hk11
    except ImportError as exc:  # pragma: no cover - the extra is a dependency
        raise SigningError("Máy này chưa có thư viện PKCS#11 (python-pkcs11).") from exc
    if not key.library.is_file():
        raise SigningError(f"Không tìm thấy thư viện token {key.library}.")
    criteria = hk11.TokenCriteria(label=key.token_label) if key.token_label else None
    try:
        session = hk11.open_pkcs11_session(
            str(key.library), token_criteria=criteria, user_pin=key.pin
        )
    except (PKCS11Error, RuntimeError, OSError) as exc:
        raise SigningError(_token_message(exc, key)) from exc
    try:
        # other_certs_to_pull=None: every certificate on the token, so the CA chain the
        # token carries is embedded in the signature.
        signer = hk11.PKCS11Signer(
            session,
            key_label=key.key_label,
            cert_label=key.key_label,
            other_certs_to_pull=None,
        )
        yield signer
    finally:
        session.close()


def _token_message(exc: BaseException, key: TokenKey) -> str:
    name = type(exc).__name__
    if "Pin" in name:
        return "Mã PIN của token không đúng hoặc token đã bị khóa."
    if "No token" in str(exc) or "more than 1 slot" in str(exc):
        label = f" có nhãn {key.token_label}" if key.token_label else ""
        return f"Không tìm thấy token{label}: hãy cắm token hoặc ghi rõ --token-label."
    return f"Không mở được token ({name})."


@contextmanager
def open_signer(key: SignerKey) -> Iterator[signers.Signer]:
    """A pyHanko signer for ``key``, closed (token session ended) on exit."""
    if isinstance(key, P12Key):
        yield _p12_signer(key)
        return
    with _token_signer(key) as signer:
        yield signer

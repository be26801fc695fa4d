"""A workstation's password for the PostgreSQL server (mật khẩu máy chủ), kept in the
operating system's keyring — never in a settings file, a shortcut or any output.

``kcdesk --db URL server-password`` asks for it once and stores it under the URL's
user, host, port and database; afterwards a URL without a password is completed
from the keyring when kcdesk opens it. Without a keyring entry (or without a usable
keyring) the URL is used as given, and the PostgreSQL driver reads the user's
pgpass file itself (docs/server.md).
"""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
SERVICE = "kcdesk"


def keyring_name(url: str) -> str | None:
    """``user@host:port/database`` of a server URL; None for a file or no user."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite" or not sa_url.username:
        return None
    return f"{sa_url.username}@{sa_url.host or 'localhost'}:{sa_url.port or 5432}/{sa_url.database}"


def with_stored_password(url: str) -> str:
    """``url`` with the keyring's password when it has none of its own."""
    if "://" not in url:
        return url
    name = keyring_name(url)
    if name is None or make_url(url).password:
        return url
    try:
        import keyring

        password = keyring.get_password(SERVICE, name)
    except Exception as exc:  # no keyring backend on this PC: pgpass still works
        log.info("keyring unavailable: %s", type(exc).__name__)
        return url
    if not password:
        return url
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def remember_password(url: str, password: str) -> str:
    """Store ``password`` for the server of ``url``; returns the name it is kept under."""
    name = keyring_name(url)
    if name is None:
        raise ValueError("not a server URL with a user name")
    import keyring

    keyring.set_password(SERVICE, name, password)
    return name


def forget_password(url: str) -> None:
    name = keyring_name(url)
    if name is None:
        return
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(SERVICE, name)

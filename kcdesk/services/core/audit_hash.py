"""How an audit event is hashed (băm nhật ký): its canonical content, plain SHA-256
before the audit key and HMAC-SHA256 after it, the key each event of a chain uses
(``ChainKeys``), and the running seal a key restart records.

``audit`` appends and checks chains with these; docs/architecture.md#audit-key says
why a chain cannot go back to plain hashes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from kcdesk.models import AuditEvent
from kcdesk.services.core import audit_key
from kcdesk.services.core.canonical_json import canonical


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if all(type(v) is str for v in value):  # a long list of notes: nothing to convert
            return list(value)
        return [_jsonable(v) for v in value]
    return value


KEY_ENTITY = "audit"
KEY_ACTION = "key_on"
# A restore on a PC without the restored chain's key: a new key from this event on;
# the events before it are checked by their links, the backup's anchor and the seal
# this event records (``restart_key``; docs/architecture.md#audit-key).
KEY_RESTART = "key_restart"
SWITCH_ACTIONS = (KEY_ACTION, KEY_RESTART)


def _digest_of(fields: Mapping[str, Any], secret: bytes | None = None) -> str:
    """SHA-256 (no ``secret``: events before the key) or HMAC-SHA256 of the previous
    hash and the event's canonical content.

    The one place an event is serialised for its hash: ``event_digest`` (stored rows,
    ``verify_chain``) and ``append`` (new rows) both come here.
    """
    at = fields["at"]
    payload = {
        "uuid": fields["uuid"],
        "at": at.isoformat(timespec="microseconds") if isinstance(at, datetime) else str(at),
        "username": fields["username"],
        "office_code": fields["office_code"],
        "entity": fields["entity"],
        "entity_uuid": fields["entity_uuid"],
        "entity_label": fields["entity_label"],
        "action": fields["action"],
        "changes": fields["changes"],
        "prev_hash": fields["prev_hash"],
    }
    content = canonical(payload)
    if secret is None:
        return hashlib.sha256(content).hexdigest()
    # hmac.digest: the same HMAC-SHA256 in one call (a pack import hashes ~7,000 events).
    return hmac.digest(secret, content, "sha256").hex()


def switched_key(fields: Mapping[str, Any]) -> str | None:
    """The key id a "key switched on" event names (None for any other event)."""
    if fields.get("entity") != KEY_ENTITY or fields.get("action") not in SWITCH_ACTIONS:
        return None
    change = (fields.get("changes") or {}).get("key_id")
    new = change.get("new") if isinstance(change, dict) else None
    return new if isinstance(new, str) and new else "?"


class ChainKeys:
    """Which secret each event's hash uses, walking a chain from its first event.

    Plain SHA-256 until a "key switched on" event; from that event on (itself
    included), HMAC with the key it names. A key this PC does not hold raises
    ``audit_key.AuditKeyMissing``.
    """

    def __init__(self, *, missing_ok: bool = False, covered_to: int = 0) -> None:
        self.secret: bytes | None = None
        self.key_ids: list[str] = []
        # Another Centre's trail (a merge) whose key was not imported here: its links
        # are checked, its keyed hashes cannot be.
        self.missing_ok = missing_ok
        # Events up to this id precede a restore on a PC without their key (a
        # KEY_RESTART event): without the key, checked by links, anchors and the seal.
        self.covered_to = covered_to
        self.unchecked: str | None = None
        self.links_only_to: int | None = None

    def digest(self, event: AuditEvent) -> str:
        fields = {name: getattr(event, name) for name in _FIELDS}
        key_id = switched_key(fields)
        if key_id is not None:
            if not audit_key.valid_key_id(key_id):
                # No switch the program writes names such a key: the event was altered.
                return ""
            self.key_ids.append(key_id)
            try:
                self.secret, self.unchecked = audit_key.secret_for(key_id), None
            except audit_key.AuditKeyMissing:
                if not (self.missing_ok or event.id <= self.covered_to):
                    raise
                self.unchecked = key_id
        if self.unchecked is not None:
            if event.id > self.covered_to and not self.missing_ok:
                raise audit_key.AuditKeyMissing(audit_key.missing_message(self.unchecked))
            self.links_only_to = event.id
            return str(event.hash)
        return _digest_of(fields, self.secret)


_FIELDS = (
    "uuid",
    "at",
    "username",
    "office_code",
    "entity",
    "entity_uuid",
    "entity_label",
    "action",
    "changes",
    "prev_hash",
)


def seal_step(seal: str, event: AuditEvent) -> str:
    """The running seal (niêm phong) of a chain after ``event``: SHA-256 over every
    event's content and stored hash so far. A KEY_RESTART event records it, keyed with
    the new key: the stretch it covers cannot be edited afterwards, key or no key."""
    payload = {name: _jsonable(getattr(event, name)) for name in _FIELDS}
    payload["hash"] = event.hash
    payload["id"] = event.id
    return hashlib.sha256(seal.encode("utf-8") + canonical(payload)).hexdigest()


def event_digest(event: AuditEvent, secret: bytes | None = None) -> str:
    """The hash a stored event must carry under ``secret`` (``ChainKeys`` knows which)."""
    return _digest_of({name: getattr(event, name) for name in _FIELDS}, secret)

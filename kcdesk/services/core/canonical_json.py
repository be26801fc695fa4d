"""Canonical JSON (JSON chuẩn hoá): the one byte form a record or an audit event is
hashed in — keys sorted, no spaces, text as UTF-8 rather than escapes.

The same bytes as ``json.dumps(data, ensure_ascii=False, sort_keys=True,
separators=(",", ":")).encode("utf-8")``, with the encoder made once: a pack import
hashes some 12,000 records and events.
"""

from __future__ import annotations

import json
from typing import Any

_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(data: Any) -> bytes:
    """``data`` as canonical JSON bytes."""
    return _ENCODER.encode(data).encode("utf-8")

"""Offline exchange between a local office and the Centre (trao đổi dữ liệu) — issue 8.

- ``keys``: register an office and issue its key file; join an office with it.
- ``pack_writer`` / ``pack_reader``: the signed, sealed zip (docs/exchange-format.md).
- ``export``: office → Centre pack, Centre → office return pack.
- ``importer`` + ``merge``: verify, preview (new/updated/unchanged/conflicts), apply.
- ``conflicts``: field-by-field resolution.
"""

from kcdesk.services.exchange.errors import PackRefused

__all__ = ["PackRefused"]

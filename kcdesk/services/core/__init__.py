"""Core (lõi dùng chung): what every feature uses — the audit trail, settings, user-facing
errors, busy-database retries, optimistic concurrency, id lists, atomic file writes.

May import: ``kcdesk.models``, ``kcdesk.formatting``, the standard library. Never another
services package (every package may import this one).
"""

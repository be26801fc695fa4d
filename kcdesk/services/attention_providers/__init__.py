"""Providers of "cần chú ý" items from other features.

Each module here defines ``items(session, today) -> list[AttentionItem]``
(``kcdesk.services.attention.AttentionItem``); the attention panel lists them with
the register's own items (late dossiers, long waits, missing documents). Example:
the implementation feature adds overdue settlements.
"""

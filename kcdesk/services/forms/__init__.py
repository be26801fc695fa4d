"""The official forms and rules as data (biểu mẫu, quy định): reading ``forms/*.toml``
into typed specs and checking a support against its cap.

May import: the standard library and ``kcdesk.paths`` only (no database).
"""

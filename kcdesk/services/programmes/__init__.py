"""Five-year programmes (chương trình khuyến công giai đoạn): presets and files (TOML,
XLSX), the programmes in the database, and the consistency check of their figures.

May import: ``services.core``, ``services.security``, ``services.forms``, ``kcdesk.models``.
"""

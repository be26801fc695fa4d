"""Backup and restore (sao lưu, khôi phục) and the integrity check (kiểm tra toàn vẹn) of a
database with its attachments and audit chain.

May import: ``services.core``, ``services.security``, ``services.proposals.attachments``,
``services.merge.segment`` (the merged Centres' sealed audit trails), ``kcdesk.models``.
"""

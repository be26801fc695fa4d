"""Security records (log-in lock-out, backups) — issue 9.

Mapped classes of this feature are added here.
"""

"""Wizard drafts (bản nháp đề án) — issue 3.

Mapped classes of this feature are added here.
"""

"""Amendments (điều chỉnh, bổ sung, ngừng) — issue 4.

Mapped classes of this feature are added here.
"""

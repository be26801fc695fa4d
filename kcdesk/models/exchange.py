"""Exchange packs between offices (gói trao đổi) — issue 8.

Mapped classes of this feature are added here.
"""

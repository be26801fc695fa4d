"""Appraisal councils, sessions, score sheets (thẩm định) — issue 5.

Mapped classes of this feature are added here.
"""

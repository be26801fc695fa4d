"""Implementation tracking: progress, acceptance, disbursement, settlement — issue 10.

Mapped classes of this feature are added here.
"""

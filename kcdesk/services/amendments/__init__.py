"""Amendments of approved proposals (điều chỉnh, bổ sung, ngừng triển khai): who must
approve them, recording and deciding them, and applying a decision to the catalogue.

May import: ``services.core``, ``services.security``, ``services.proposals``,
``services.catalogue``, ``services.forms``, ``kcdesk.models``.
"""

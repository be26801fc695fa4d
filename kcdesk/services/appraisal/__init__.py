"""Appraisal (thẩm định đề án): councils, members and agenda, criteria sets, score entry,
results (averages, pass/fail, majority, ranking).

May import: ``services.core``, ``services.security``, ``services.proposals``,
``services.forms``, ``kcdesk.models``.
"""

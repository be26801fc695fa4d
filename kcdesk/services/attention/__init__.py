"""What needs attention (cần chú ý): late dossiers, long waits, missing documents, overdue
settlements, the catalogue deadline — the register's side panel and ``kcdesk proposal
attention``.

May import: ``services.core``, ``services.security``, ``services.implementation``,
``services.catalogue`` (its deadline), ``services.forms``, ``kcdesk.models``.
"""

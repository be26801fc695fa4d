"""What needs attention (cần chú ý): late dossiers, long waits, missing documents, overdue
settlements — the register's side panel and ``kcdesk proposal attention``.

May import: ``services.core``, ``services.security``, ``services.implementation``,
``kcdesk.models``.
"""

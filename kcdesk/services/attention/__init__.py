"""What needs attention (cần chú ý): late dossiers, long waits, missing documents, overdue
settlements, the catalogue deadline, outputs not yet assigned to a programme target — the
register's side panel and ``kcdesk proposal attention``.

May import: ``services.core``, ``services.security``, ``services.implementation``,
``services.catalogue`` (its deadline), ``services.programmes``, ``services.forms``,
``kcdesk.models``.
"""

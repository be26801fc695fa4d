"""Implementation documents: acceptance minutes (biên bản nghiệm thu), settlement summary.

May import: ``reports.common``, any ``kcdesk.services`` package, ``kcdesk.models``; no Qt.
"""

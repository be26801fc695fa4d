"""The amendment list (danh sách đề án điều chỉnh) PDF.

May import: ``reports.common``, any ``kcdesk.services`` package, ``kcdesk.models``; no Qt.
"""

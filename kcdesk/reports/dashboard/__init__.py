"""The dashboard's PDF and XLSX exports (bảng tổng hợp thực hiện chương trình).

May import: ``reports.common``, any ``kcdesk.services`` package, ``kcdesk.models``; no Qt.
"""

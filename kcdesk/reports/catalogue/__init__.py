"""The catalogue (Danh mục) as PDF and XLSX, and its submission letter (tờ trình).

May import: ``reports.common``, any ``kcdesk.services`` package, ``kcdesk.models``; no Qt.
"""

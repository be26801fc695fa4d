"""The periodic report (báo cáo định kỳ 6 tháng, năm) as PDF and XLSX.

May import: ``reports.common``, any ``kcdesk.services`` package, ``kcdesk.models``; no Qt.
"""

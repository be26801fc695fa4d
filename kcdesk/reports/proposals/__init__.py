"""Printed proposals (đề án, Phụ lục II) and the register's XLSX export.

May import: ``reports.common``, any ``kcdesk.services`` package, ``kcdesk.models``; no Qt.
"""

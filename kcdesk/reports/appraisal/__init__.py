"""Appraisal documents: score sheets (phiếu đánh giá), minutes (biên bản), summary XLSX.

May import: ``reports.common``, any ``kcdesk.services`` package, ``kcdesk.models``; no Qt.
"""

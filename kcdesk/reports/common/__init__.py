"""What every printed document shares: the NĐ 30/2020 page (header, number block, signature,
Nơi nhận), the bundled fonts, the organisation block, XLSX styles.

May import: ``services.core``, ``kcdesk.formatting``, ReportLab, openpyxl.
"""

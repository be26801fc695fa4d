"""Printed and exported documents: PDF (ReportLab) and XLSX (openpyxl). No Qt here."""

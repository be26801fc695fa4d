"""Ký số in the GUI: the signing dialog opened from the print preview, and the view of a
signed PDF's verification."""

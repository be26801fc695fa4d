"""Catalogues (danh mục đề án khuyến công) and their versions — issue 7.

Mapped classes of this feature are added here.
"""

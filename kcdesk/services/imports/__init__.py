"""Importing the Centre's old Excel lists of proposals (nhập danh sách Excel cũ): reading the
grid, finding the header, checking each row, saving.

May import: ``services.core``, ``services.security``, ``services.proposals``,
``services.forms``, ``kcdesk.models``.
"""

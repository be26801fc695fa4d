"""Proposals (đề án khuyến công): the wizard's draft and its checks, saving once, drafts kept
across a crash, the Phụ lục II template, facilities, duplicate support, the approval
workflow, the register's queries and search, attached files.

May import: ``services.core``, ``services.security``, ``services.forms``,
``services.programmes``, ``kcdesk.models``, ``kcdesk.formatting``.
"""

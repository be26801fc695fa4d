"""Security (bảo mật, phân quyền): who is acting, users and passwords, role permissions,
and what a local office's clerk may see.

May import: ``services.core``, ``kcdesk.models``.
"""

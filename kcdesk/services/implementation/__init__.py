"""Implementation (triển khai thực hiện): progress, acceptance (nghiệm thu), advances,
payments and settlement (tạm ứng, thanh toán, quyết toán), and their rules.

May import: ``services.core``, ``services.security``, ``services.proposals``,
``services.forms``, ``kcdesk.models``.
"""

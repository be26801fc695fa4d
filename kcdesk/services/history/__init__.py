"""History and audit trail as sentences (lịch sử, nhật ký đọc được).

Turns stored status changes and audit events — codes, ISO dates, raw JSON — into
Vietnamese a clerk reads: "Tạo đề án", "Sửa dự toán: 3 dòng", values formatted as
everywhere else. The GUI and the CLI's human output use it; ``--json`` keeps codes.

May import: ``kcdesk.models``, ``kcdesk.formatting``, ``services.forms``, ``services.core``,
``services.appraisal.criteria`` (labels of criteria),
``services.proposals.template``, ``services.communes``.
"""

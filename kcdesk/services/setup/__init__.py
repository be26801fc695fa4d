"""First-run set-up of a database (khởi tạo): the Centre's office, the programme presets and,
for the demo database only, demo data.

May import: ``services.programmes``, ``services.demo``, ``services.core``, ``kcdesk.models``.
"""

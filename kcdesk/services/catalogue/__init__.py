"""The catalogue (Danh mục đề án khuyến công): building it from proposals, its columns,
versions (draft, submitted, approved, amended) and their comparison, and writing it to a
USB stick.

May import: ``services.core``, ``services.security``, ``services.proposals``,
``services.forms``, ``services.appraisal`` (criteria of a recorded result),
``kcdesk.models``.
"""

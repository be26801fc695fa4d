"""Feature modules that add to the demo data (appraisal sessions, implementation …).

Each module here defines ``extend(session, context)`` (see kcdesk.services.demo_data.
DemoContext); they run in name order after the proposals are made.
"""

"""Demo data (dữ liệu mẫu) for ``make run``, the tests and the benchmarks: facilities,
proposals at every stage, an appraisal council, implementation records.

May import: any services package; never used on a Centre's working database.
"""

"""Official communes, wards and special zones (xã, phường, đặc khu) and their provinces.

The two-level administrative units in force since 1 July 2025 come from the maintained
``vietnam-provinces`` package (34 provinces, 3,321 units with their official codes), never
from a hand-typed table. This package looks them up, searches them without diacritics,
matches free-text communes where that is certain and formats addresses.

May import: ``vietnam_provinces``, ``kcdesk.text``, ``kcdesk.models``, ``services.core``.
"""

"""Official communes, wards and special zones (xã, phường, đặc khu) and their provinces.

The two-level administrative units in force since 1 July 2025 come from the maintained
``vietnam-provinces`` package (34 provinces, 3,321 units with their official codes), never
from a hand-typed table. This package looks them up, searches them without diacritics,
matches free-text communes where that is certain, converts district-era communes by the
official conversion table of the maintained ``vietnamadminunits`` package (its data file
only) and formats addresses.

May import: ``vietnam_provinces``, the data file of ``vietnamadminunits``, ``kcdesk.text``, ``kcdesk.models``, ``services.core``.
"""

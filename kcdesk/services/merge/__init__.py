"""Merging another Centre's database into this one (hợp nhất dữ liệu, issue 25).

Since 1 July 2025 provinces were joined (Hải Dương into Hải Phòng, …): the new
province's Centre takes over the old Centre's records. ``source`` opens the other
Centre's backup or database read-only from a temporary copy and verifies it;
``communes`` maps its commune names onto the new two-level units; ``plan`` is the
preview (what comes in, which codes collide and what they become); ``apply`` writes
the plan in one transaction, recorded in the audit; ``segment`` verifies the merged
Centres' audit trails kept here; ``followup`` asks once, after a merge, for the new
province's organisation settings (names and signers).

May import: ``services.core``, ``services.security``, ``services.backup``,
``services.proposals.attachments``, ``services.forms`` (labels of funding sources),
``services.communes`` (the conversion of district-era communes), ``kcdesk.models``,
``kcdesk.text``, ``kcdesk.formatting``, and the ``vietnam_provinces`` package (the
official list of communes since 1 July 2025).
"""

"""Digital signatures (ký số) on the PDFs kcdesk issues, and their verification.

``credentials`` opens a signer from a certificate file (.p12/.pfx) or a PKCS#11 token
(the Vietnamese CAs' USB tokens); ``sign`` makes a PAdES signature with pyHanko,
visible (signature image, or the seal with the organisation's name and the signing
time, per ND 30/2020 Phụ lục I) or invisible; ``verify`` reports every signature of a
file; ``store`` keeps the signature images and the trusted roots in the settings;
``attached`` keeps signed PDFs (the chairman's signed decision) with a catalogue or an
amendment and verifies them each time they are shown.
The PIN or password is passed in by the caller and never stored, logged or shown.

May import: ``services.core``, ``services.security``, ``services.proposals.attachments``
(the file store), ``kcdesk.models``, ``kcdesk.paths``, pyHanko, Pillow. No Qt.
"""

import logging as _logging

# pyHanko and fontTools log tracebacks of expected outcomes (an untrusted chain, a font
# table not subset); kcdesk reports those itself, so they must not reach a terminal.
for _name in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
    _logging.getLogger(_name).addHandler(_logging.NullHandler())

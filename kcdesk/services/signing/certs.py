"""Certificates as the Centre imports them (PEM or DER), with asn1crypto only, and
Vietnam's time zone in which dates are shown."""

from __future__ import annotations

from datetime import timedelta, timezone

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from kcdesk.services.signing.errors import SigningError

VIETNAM = timezone(timedelta(hours=7), "+07:00")


def load_roots(items: list[bytes]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM or DER bytes; a bad one raises a one-line SigningError."""
    roots: list[asn1_x509.Certificate] = []
    for raw in items:
        try:
            if pem.detect(raw):
                for _kind, _headers, der in pem.unarmor(raw, multiple=True):
                    roots.append(asn1_x509.Certificate.load(der))
            else:
                cert = asn1_x509.Certificate.load(raw)
                _ = cert.subject  # parse now, so a bad file fails here
                roots.append(cert)
        except (ValueError, TypeError) as exc:
            raise SigningError("Tệp chứng thư gốc không đọc được (cần PEM hoặc DER).") from exc
    return roots

"""Verify the digital signatures of a PDF (kiểm tra chữ ký số) with pyHanko.

For each signature: who signed (signer, organisation), the certificate's validity
dates, the signing time, whether the document was changed after signing, and whether
the certificate chain leads to a root the Centre has imported as trusted (Settings).
Offline: nothing is fetched; revocation is not checked (soft-fail).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from kcdesk.services.signing.certs import VIETNAM, load_roots
from kcdesk.services.signing.credentials import SigningError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignatureReport:
    """What the user is told about one signature (Vietnamese labels in ``lines``)."""

    field: str
    signer: str
    organisation: str
    valid_from: date | None
    valid_to: date | None
    signing_time: datetime | None
    intact: bool
    changed_after: bool
    covers_whole_file: bool
    trusted: bool

    @property
    def ok(self) -> bool:
        return self.intact and not self.changed_after and self.trusted

    def verdict(self) -> str:
        if not self.intact:
            return "Văn bản đã bị thay đổi sau khi ký: chữ ký không còn giá trị."
        if self.changed_after:
            return "Văn bản đã bị sửa sau khi ký (có nội dung thêm vào sau chữ ký)."
        if not self.trusted:
            return "Chữ ký đúng với văn bản nhưng chứng thư không thuộc gốc tin cậy đã nhập."
        return "Chữ ký hợp lệ, văn bản không thay đổi sau khi ký."

    def lines(self) -> list[str]:
        def day(d: date | None) -> str:
            return d.strftime("%d/%m/%Y") if d else "không rõ"

        when = (
            self.signing_time.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S (giờ Việt Nam)")
            if self.signing_time
            else "không rõ"
        )
        return [
            f"Người ký: {self.signer or 'không rõ'}",
            f"Cơ quan, tổ chức: {self.organisation or 'không ghi'}",
            f"Chứng thư số có hiệu lực: từ {day(self.valid_from)} đến {day(self.valid_to)}",
            f"Thời gian ký: {when}",
            "Thay đổi sau khi ký: " + ("có" if self.changed_after or not self.intact else "không"),
            "Chuỗi chứng thư đến gốc tin cậy: " + ("có" if self.trusted else "không"),
            self.verdict(),
        ]

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["valid_from"] = self.valid_from.isoformat() if self.valid_from else None
        out["valid_to"] = self.valid_to.isoformat() if self.valid_to else None
        out["signing_time"] = self.signing_time.isoformat() if self.signing_time else None
        out["ok"] = self.ok
        out["verdict"] = self.verdict()
        return out


def _subject(cert: asn1_x509.Certificate) -> tuple[str, str]:
    native = cert.subject.native
    return str(native.get("common_name", "")), str(native.get("organization_name", ""))


def verify_pdf_bytes(data: bytes, roots: list[bytes] | None = None) -> list[SignatureReport]:
    """One report per signature, in signing order; [] for a PDF without signatures."""
    if not data.startswith(b"%PDF-"):
        raise SigningError("Tệp không phải tệp PDF.")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        raise SigningError("Tệp PDF bị hỏng, không đọc được chữ ký.") from exc
    trust = load_roots(roots or [])
    reports: list[SignatureReport] = []
    for sig in signatures:
        context = ValidationContext(
            trust_roots=trust, allow_fetching=False, revocation_mode="soft-fail"
        )
        try:
            status = validate_pdf_signature(sig, context)
        except Exception as exc:
            log.info("signature %s not validated: %s", sig.field_name, type(exc).__name__)
            raise SigningError(f"Chữ ký {sig.field_name} bị hỏng, không kiểm tra được.") from exc
        cert = status.signing_cert
        signer, organisation = _subject(cert)
        validity = cert["tbs_certificate"]["validity"]
        level = status.modification_level
        changed = level is not None and level not in (
            ModificationLevel.NONE,
            ModificationLevel.LTA_UPDATES,
            ModificationLevel.FORM_FILLING,
        )
        reports.append(
            SignatureReport(
                field=str(sig.field_name),
                signer=signer,
                organisation=organisation,
                valid_from=validity["not_before"].native.astimezone(VIETNAM).date(),
                valid_to=validity["not_after"].native.astimezone(VIETNAM).date(),
                signing_time=status.signer_reported_dt,
                intact=bool(status.intact and status.valid),
                changed_after=changed,
                covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                trusted=bool(status.trusted),
            )
        )
    return reports


def verify_pdf(path: Path, roots: list[bytes] | None = None) -> list[SignatureReport]:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SigningError(f"Không tìm thấy tệp {path.name}.") from exc
    except OSError as exc:
        raise SigningError(f"Không đọc được tệp {path.name}.") from exc
    if not data.startswith(b"%PDF-"):
        raise SigningError(f"Tệp {path.name} không phải tệp PDF.")
    return verify_pdf_bytes(data, roots)

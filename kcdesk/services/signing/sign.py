"""Sign a PDF (ký số) with pyHanko: a PAdES baseline signature with the signing time.

The signature is added as an incremental update, so what was signed stays byte for byte
as it was; the signer's certificate chain is embedded where it is at hand (in the .p12,
on the token, or among the Centre's trusted roots).
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.stamp import BaseStampStyle, StaticStampStyle

from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.signing.appearance import Look, Placement, placement, signing_time_text
from kcdesk.services.signing.credentials import SignerKey, SigningError, open_signer
from kcdesk.services.signing.stamp_image import compose
from kcdesk.services.signing.store import SignatureImages

__all__ = ["SignatureImages", "SignedResult", "sign_pdf", "sign_pdf_bytes"]


@dataclass(frozen=True)
class SignedResult:
    target: Path
    signer: str
    time_text: str
    look: Look


def read_pdf_bytes(source: Path) -> bytes:
    try:
        data = source.read_bytes()
    except FileNotFoundError as exc:
        raise SigningError(f"Không tìm thấy tệp {source.name}.") from exc
    except OSError as exc:
        raise SigningError(f"Không đọc được tệp {source.name}.") from exc
    if not data.startswith(b"%PDF-"):
        raise SigningError(f"Tệp {source.name} không phải tệp PDF.")
    return data


def _style(
    look: Look,
    images: SignatureImages,
    organisation: str,
    box: tuple[int, int, int, int],
    signer: str,
    time_text: str,
) -> BaseStampStyle:
    if look is Look.ORGANISATION:
        # The seal with the organisation's name and the signing time (ND 30/2020 Phụ lục I).
        picture = compose(box, images.seal, f"{organisation}\n{time_text}", text_colour="#c00000")
    elif images.signer:
        # Only the image of the signer's signature.
        picture = compose(box, images.signer, "", text_colour="#00008b")
    else:
        # No image set in Settings: the signer's name and the time stand in for it.
        picture = compose(box, None, f"Ký bởi: {signer}\n{time_text}", text_colour="#00008b")
    return StaticStampStyle(
        background=PdfImage(picture),
        background_opacity=1.0,
        border_width=0,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins.uniform(0),
        ),
    )


def _field_name(data: bytes) -> str:
    reader = PdfFileReader(BytesIO(data), strict=False)
    taken = {sig.field_name for sig in reader.embedded_signatures}
    n = 1
    while f"KySo{n}" in taken:
        n += 1
    return f"KySo{n}"


def _signer_name(signer: signers.Signer) -> str:
    cert = signer.signing_cert
    if cert is None:
        return ""
    return str(cert.subject.native.get("common_name", "")) or cert.subject.human_friendly


def sign_pdf_bytes(
    data: bytes,
    key: SignerKey,
    *,
    look: Look = Look.SIGNER,
    images: SignatureImages | None = None,
    organisation: str = "",
    location: str | None = None,
    extra_certs: list[bytes] | None = None,
) -> tuple[bytes, str, str]:
    """Signed PDF bytes, the signer's name and the signing time shown."""
    images = images or SignatureImages()
    try:
        where: Placement | None = placement(data, look)
        field_name = _field_name(data)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise SigningError("Tệp PDF bị hỏng hoặc không đọc được, không ký được.") from exc
    spec = fields.SigFieldSpec(
        sig_field_name=field_name,
        on_page=where.page if where else 0,
        box=where.box if where else None,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        location=location or None,
    )
    with open_signer(key) as signer:
        for pem in extra_certs or []:
            try:
                signer.cert_registry.register(asn1_x509.Certificate.load(_der(pem)))
            except ValueError:
                continue
        name = _signer_name(signer)
        time_text = signing_time_text()
        style = _style(look, images, organisation, where.box, name, time_text) if where else None
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            stamp_style=style,
            new_field_spec=spec,
        )
        try:
            writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
            out = pdf_signer.sign_pdf(
                writer,
            )
        except SigningError:
            raise
        except Exception as exc:
            raise SigningError(_sign_failure(exc)) from exc
    return out.getvalue(), name, time_text


def _sign_failure(exc: Exception) -> str:
    name = type(exc).__name__
    if "PdfRead" in name or "PdfStrictReadError" in name or isinstance(exc, PdfError):
        return "Tệp PDF bị hỏng hoặc không đọc được, không ký được."
    if "Pin" in name:
        return "Mã PIN của token không đúng hoặc token đã bị khóa."
    return f"Không ký được tệp ({name})."


def _der(pem_or_der: bytes) -> bytes:
    from asn1crypto import pem

    if pem.detect(pem_or_der):
        return pem.unarmor(pem_or_der)[2]
    return pem_or_der


def sign_pdf(
    source: Path,
    target: Path,
    key: SignerKey,
    *,
    look: Look = Look.SIGNER,
    images: SignatureImages | None = None,
    organisation: str = "",
    location: str | None = None,
    extra_certs: list[bytes] | None = None,
) -> SignedResult:
    """Sign ``source`` into ``target`` (written atomically; may be the same file)."""
    signed, name, time_text = sign_pdf_bytes(
        read_pdf_bytes(source),
        key,
        look=look,
        images=images,
        organisation=organisation,
        location=location,
        extra_certs=extra_certs,
    )
    atomic_write_bytes(target, signed)
    return SignedResult(target=target, signer=name, time_text=time_text, look=look)

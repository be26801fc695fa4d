"""Test helpers for ký số: a root CA and a signer made here (cryptography), a .p12 file,
and a SoftHSM2 PKCS#11 token initialised under tmp_path (the same code path as a USB token).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SOFTHSM_LIB = Path("/usr/lib/softhsm/libsofthsm2.so")
P12_PASSWORD = "mật-khẩu-thử"
PIN = "123456"


@dataclass
class SigningPki:
    root_pem: bytes
    root_cert: x509.Certificate
    signer_cert: x509.Certificate
    signer_key: rsa.RSAPrivateKey
    p12: Path


def _name(common: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_pki(folder: Path, *, signer: str = "Nguyễn Văn An") -> SigningPki:
    """A root CA and a signer certificate valid from yesterday for a year, and a .p12."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = _name("CA Thử nghiệm kcdesk", "Tổ chức chứng thực thử")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=2))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer, "Trung tâm Khuyến công Cao Bằng"))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    p12 = folder / "chữ ký.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer",
            key,
            cert,
            [root],
            serialization.BestAvailableEncryption(P12_PASSWORD.encode()),
        )
    )
    return SigningPki(
        root_pem=root.public_bytes(serialization.Encoding.PEM),
        root_cert=root,
        signer_cert=cert,
        signer_key=key,
        p12=p12,
    )


def softhsm_token(folder: Path, pki: SigningPki, *, label: str = "kcdesk-test") -> dict[str, str]:
    """Initialise a SoftHSM2 token in ``folder`` holding the signer's key and certificate.

    Returns the environment (SOFTHSM2_CONF) a process needs to see the token.
    """
    tokens = folder / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n",
        encoding="utf-8",
    )
    env = dict(os.environ, SOFTHSM2_CONF=str(conf))
    util = shutil.which("softhsm2-util") or "/usr/bin/softhsm2-util"
    subprocess.run(
        [util, "--init-token", "--free", "--label", label, "--so-pin", "654321", "--pin", PIN],
        env=env,
        check=True,
        capture_output=True,
    )
    key_pem = folder / "key.pem"
    key_pem.write_bytes(
        pki.signer_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    subprocess.run(
        [
            util,
            "--import",
            str(key_pem),
            "--token",
            label,
            "--label",
            "signer",
            "--id",
            "01",
            "--pin",
            PIN,
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    key_pem.unlink()
    cert_der = folder / "signer.der"
    cert_der.write_bytes(pki.signer_cert.public_bytes(serialization.Encoding.DER))
    # pkcs11-tool (OpenSC) in its own process: this test process never loads the module
    # with one token directory and then another.
    tool = shutil.which("pkcs11-tool") or "/usr/bin/pkcs11-tool"
    subprocess.run(
        [
            tool,
            "--module",
            str(SOFTHSM_LIB),
            "--token-label",
            label,
            "--login",
            "--pin",
            PIN,
            "--write-object",
            str(cert_der),
            "--type",
            "cert",
            "--id",
            "01",
            "--label",
            "signer",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return {"SOFTHSM2_CONF": str(conf)}


def signature_png() -> bytes:
    """A blue scribble on a transparent background, like a scanned signature."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line(
        [(20, 90), (80, 20), (120, 100), (180, 30), (280, 80)], fill=(0, 0, 200, 255), width=6
    )
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seal_png() -> bytes:
    """A red ring on a transparent background, like a scanned seal."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([8, 8, 232, 232], outline=(220, 0, 0, 255), width=10)
    draw.ellipse([50, 50, 190, 190], outline=(220, 0, 0, 255), width=4)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()

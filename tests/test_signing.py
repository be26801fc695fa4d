"""Ký số: PAdES signatures made with a .p12 and through a SoftHSM2 PKCS#11 token, checked
with pyHanko and with poppler's pdfsig; tampering is detected; bad input is one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.models.db import Database
from kcdesk.reports.proposals.pdf import write_proposal_pdf
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.signing import store
from kcdesk.services.signing.appearance import Look, find_signature_space
from kcdesk.services.signing.credentials import P12Key, SigningError
from kcdesk.services.signing.sign import SignatureImages, sign_pdf
from kcdesk.services.signing.verify import verify_pdf
from tests.pdftext import pdf_text
from tests.proposal_factory import machine_input, make_facility
from tests.signing_support import (
    P12_PASSWORD,
    PIN,
    SOFTHSM_LIB,
    SigningPki,
    make_pki,
    seal_png,
    signature_png,
    softhsm_token,
)
from tests.test_appraisal_cli import council  # noqa: F401  (fixture)


@pytest.fixture
def pki(tmp_path: Path) -> SigningPki:
    return make_pki(tmp_path / "pki")


@pytest.fixture
def proposal_pdf(db: Database, tmp_path: Path) -> Path:
    target = tmp_path / "Đề án.pdf"
    with db.session() as s:
        code = create_proposal(s, SYSTEM, machine_input(make_facility(s).uuid)).code
        write_proposal_pdf(s, code, target)
    return target


def _pdfsig(path: Path) -> str:
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def test_p12_signer_then_organisation_verified_by_pyhanko_and_pdfsig(
    proposal_pdf: Path, pki: SigningPki, tmp_path: Path
) -> None:
    key = P12Key(pki.p12, P12_PASSWORD)
    images = SignatureImages(signer=signature_png(), seal=seal_png())
    first = tmp_path / "ký 1.pdf"
    second = tmp_path / "ký 2.pdf"
    result = sign_pdf(proposal_pdf, first, key, look=Look.SIGNER, images=images)
    assert result.signer == "Nguyễn Văn An"
    assert result.time_text.endswith("+07:00")  # ISO 8601, Vietnam's time zone
    sign_pdf(first, second, key, look=Look.ORGANISATION, images=images, organisation="TTKC")

    reports = verify_pdf(second, [pki.root_pem])
    assert [r.field for r in reports] == ["KySo1", "KySo2"]
    for report in reports:
        assert report.ok, report.lines()
        assert report.signer == "Nguyễn Văn An"
        assert report.organisation == "Trung tâm Khuyến công Cao Bằng"
        assert report.valid_from is not None and report.valid_to is not None
        assert report.signing_time is not None
    # The first signature covers its revision; a second signature is not a change.
    assert not reports[0].covers_whole_file and not reports[0].changed_after
    assert reports[1].covers_whole_file

    untrusted = verify_pdf(second, [])
    assert all(r.intact and not r.trusted and not r.ok for r in untrusted)

    out = _pdfsig(second)
    assert out.count("Signature is Valid.") == 2, out
    assert "Signature Type: ETSI.CAdES.detached" in out  # PAdES
    assert "Total document signed" in out
    # Signing adds to the file; the document's text is what it was.
    assert pdf_text(second) == pdf_text(proposal_pdf)


def test_visible_signature_sits_in_the_signature_block(
    proposal_pdf: Path, pki: SigningPki, tmp_path: Path
) -> None:
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(proposal_pdf.read_bytes()))
    found = find_signature_space(reader)
    assert found is not None
    page, (left, bottom, right, top) = found
    assert page == int(reader.root["/Pages"]["/Count"]) - 1
    signed = tmp_path / "signed.pdf"
    sign_pdf(proposal_pdf, signed, P12Key(pki.p12, P12_PASSWORD), look=Look.SIGNER)
    field = PdfFileReader(BytesIO(signed.read_bytes())).root["/AcroForm"]["/Fields"][0]
    rect = [float(v) for v in field["/Rect"]]
    centre = ((rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2)
    assert left < centre[0] < right and bottom < centre[1] < top

    invisible = tmp_path / "invisible.pdf"
    sign_pdf(proposal_pdf, invisible, P12Key(pki.p12, P12_PASSWORD), look=Look.INVISIBLE)
    field = PdfFileReader(BytesIO(invisible.read_bytes())).root["/AcroForm"]["/Fields"][0]
    assert [float(v) for v in field["/Rect"]] == [0, 0, 0, 0]
    assert "Signature is Valid." in _pdfsig(invisible)


def test_one_changed_byte_is_detected(proposal_pdf: Path, pki: SigningPki, tmp_path: Path) -> None:
    signed = tmp_path / "signed.pdf"
    sign_pdf(proposal_pdf, signed, P12Key(pki.p12, P12_PASSWORD), look=Look.INVISIBLE)
    data = bytearray(signed.read_bytes())
    at = data.index(b"(kcdesk)")  # the Creator in the document information: signed bytes
    data[at + 1] = ord("K")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    (report,) = verify_pdf(tampered, [pki.root_pem])
    assert not report.intact and not report.ok
    assert "bị thay đổi sau khi ký" in report.verdict()
    assert "Signature is Valid." not in _pdfsig(tampered)


def test_content_added_after_signing_is_reported_as_changed(
    proposal_pdf: Path, pki: SigningPki, tmp_path: Path
) -> None:
    """An edit saved as an incremental update keeps the signed bytes intact, but is a
    change after signing."""
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = tmp_path / "signed.pdf"
    sign_pdf(proposal_pdf, signed, P12Key(pki.p12, P12_PASSWORD), look=Look.SIGNER)
    writer = IncrementalPdfFileWriter(BytesIO(signed.read_bytes()))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (DA SUA) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    edited = tmp_path / "edited.pdf"
    with edited.open("wb") as handle:
        writer.write(handle)
    (report,) = verify_pdf(edited, [pki.root_pem])
    assert report.intact and report.changed_after and not report.ok
    assert "sửa sau khi ký" in report.verdict()
    assert "Thay đổi sau khi ký: có" in report.lines()
    assert "Not total document signed" in _pdfsig(edited)


def test_wrong_password_and_malformed_files_are_one_line(
    proposal_pdf: Path, pki: SigningPki, tmp_path: Path
) -> None:
    with pytest.raises(SigningError, match="sai mật khẩu"):
        sign_pdf(proposal_pdf, tmp_path / "x.pdf", P12Key(pki.p12, "sai"))
    assert not (tmp_path / "x.pdf").exists()
    broken = tmp_path / "hỏng.pdf"
    broken.write_bytes(proposal_pdf.read_bytes()[:2000])
    with pytest.raises(SigningError, match="bị hỏng"):
        verify_pdf(broken)
    with pytest.raises(SigningError, match="bị hỏng"):
        sign_pdf(broken, tmp_path / "y.pdf", P12Key(pki.p12, P12_PASSWORD))


def test_cli_sign_verify_json_and_errors(
    db: Database,
    db_path: Path,
    proposal_pdf: Path,
    pki: SigningPki,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with db.session() as s:
        store.set_image(s, SYSTEM, store.SIGNER_IMAGE, signature_png())
        assert store.add_trusted_root(s, SYSTEM, pki.root_pem) == 1
        assert store.add_trusted_root(s, SYSTEM, pki.root_pem) == 0
    monkeypatch.setenv("KCDESK_P12_PASSWORD", P12_PASSWORD)
    signed = tmp_path / "đã ký.pdf"
    rc = main(
        [
            "--db",
            str(db_path),
            "sign",
            str(proposal_pdf),
            "--out",
            str(signed),
            "--p12",
            str(pki.p12),
        ]
    )
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "Đã ký số" in out.out and P12_PASSWORD not in out.out + out.err

    assert main(["--db", str(db_path), "verify", str(signed), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (sig,) = data["signatures"]
    assert sig["signer"] == "Nguyễn Văn An" and sig["trusted"] and sig["intact"]
    assert sig["changed_after"] is False and sig["signing_time"]
    assert sig["valid_from"] and sig["valid_to"]

    assert main(["--db", str(db_path), "verify", str(signed), "--no-db"]) == 1
    assert "gốc tin cậy: không" in capsys.readouterr().out

    # Without --look, the kind set in Settings → Ký số.
    with db.session() as s:
        store.set_default_look(s, SYSTEM, "invisible")
    invisible = tmp_path / "ẩn.pdf"
    argv = ["sign", str(proposal_pdf), "--out", str(invisible), "--p12", str(pki.p12)]
    assert main(["--db", str(db_path), *argv]) == 0
    assert "Ký số không hiển thị" in capsys.readouterr().out

    assert main(["--db", str(db_path), "verify", str(signed), "--no-db"]) == 1
    assert "gốc tin cậy: không" in capsys.readouterr().out

    junk = tmp_path / "rác.pdf"
    junk.write_bytes(b"not a pdf")
    assert main(["--db", str(db_path), "verify", str(junk)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "không phải tệp PDF" in err and "Traceback" not in err

    monkeypatch.setenv("KCDESK_P12_PASSWORD", "sai mật khẩu")
    assert (
        main(
            [
                "--db",
                str(db_path),
                "sign",
                str(proposal_pdf),
                "--out",
                str(tmp_path / "z.pdf"),
                "--p12",
                str(pki.p12),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sai mật khẩu hoặc tệp hỏng" in err


def test_pkcs11_token_through_softhsm2(
    db: Database, db_path: Path, proposal_pdf: Path, pki: SigningPki, tmp_path: Path
) -> None:
    """The CLI in its own process (a PKCS#11 module is initialised once per process)."""
    env = dict(os.environ, **softhsm_token(tmp_path / "hsm", pki), KCDESK_PIN=PIN)
    signed = tmp_path / "token.pdf"
    base = [sys.executable, "-m", "kcdesk.cli.main", "--db", str(db_path)]
    token = [
        "--pkcs11-lib",
        str(SOFTHSM_LIB),
        "--token-label",
        "kcdesk-test",
        "--key-label",
        "signer",
    ]
    done = subprocess.run(
        [*base, "sign", str(proposal_pdf), "--out", str(signed), *token, "--look", "organisation"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert PIN not in done.stdout + done.stderr
    (report,) = verify_pdf(signed, [pki.root_pem])
    assert report.ok and report.signer == "Nguyễn Văn An"
    assert "Signature is Valid." in _pdfsig(signed)

    env["KCDESK_PIN"] = "999999"
    done = subprocess.run(
        [*base, "sign", str(proposal_pdf), "--out", str(tmp_path / "no.pdf"), *token],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "kcdesk: Mã PIN của token không đúng hoặc token đã bị khóa."
    assert not (tmp_path / "no.pdf").exists()


def test_appraisal_minutes_signed_at_the_chairs_block(
    council: Path,  # noqa: F811
    pki: SigningPki,
    tmp_path: Path,
) -> None:
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    minutes = tmp_path / "Biên bản.pdf"
    assert (
        main(
            ["--db", str(council), "appraisal", "minutes", "--session", "1", "--pdf", str(minutes)]
        )
        == 0
    )
    reader = PdfFileReader(BytesIO(minutes.read_bytes()))
    found = find_signature_space(reader)
    assert found is not None
    _page, (left, _bottom, _right, _top) = found
    width = float(reader.root["/Pages"]["/Kids"][0]["/MediaBox"][2])
    assert left > width / 2 - 20  # the chair signs on the right, the secretary on the left
    signed = tmp_path / "signed.pdf"
    sign_pdf(minutes, signed, P12Key(pki.p12, P12_PASSWORD), look=Look.SIGNER)
    field = PdfFileReader(BytesIO(signed.read_bytes())).root["/AcroForm"]["/Fields"][0]
    assert float(field["/Rect"][0]) > width / 2 - 20
    assert "Signature is Valid." in _pdfsig(signed)

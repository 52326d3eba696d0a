from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from services.signing.pki import LocalPkiError, PkiPaths, ensure_local_pki
from services.signing.rendering import (
    BirthDeedContent,
    ChildSex,
    render_birth_deed,
)
from services.signing.signer import (
    SIGNATURE_FIELD_NAME,
    DocumentSigner,
    LocalPadesSigner,
    SigningPassphraseInvalid,
    verify_signed_pdf,
)
from tests.services.signing.conftest import HEAD, OFFICE, PASSPHRASE

REASON = "Pengesahan kutipan akta kelahiran"
LOCATION = "Pangururan"


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    """A second CA with a head certificate of the same name."""
    directory = tmp_path_factory.mktemp("other-pki")
    return ensure_local_pki(directory, PASSPHRASE, office_name=OFFICE, head_name=HEAD)


@pytest.fixture(scope="module")
def deed() -> bytes:
    content = BirthDeedContent(
        child_name="Rüth Sitanggang",
        child_sex=ChildSex.FEMALE,
        birth_date=date(2026, 11, 20),
        birth_place="Pangururan",
        birth_order=1,
        father_name="Ompu Na'ibaho",
        mother_name="Maria Lumbantoruan",
        register_number="1217-LT-04122026-0001",
        document_id="DOC-7Q2M9XK4",
        issued_on=date(2026, 12, 4),
        issued_at="Pangururan",
        regency_name="Kabupaten Samosir",
        office_name=OFFICE,
        head_name=HEAD,
        verify_url="https://dompak.example.id/verifikasi/DOC-7Q2M9XK4",
    )
    return render_birth_deed(content)


@pytest.fixture(scope="module")
def signed(pki: PkiPaths, deed: bytes) -> bytes:
    signer: DocumentSigner = LocalPadesSigner(pki)
    return signer.sign(deed, PASSPHRASE, reason=REASON, location=LOCATION)


def _signed_ranges(pdf: bytes) -> list[tuple[int, int]]:
    """Return the (start, end) byte offsets that the only signature covers."""
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    first_start, first_length, second_start, second_length = (
        int(value) for value in signatures[0].sig_object["/ByteRange"]
    )
    return [
        (first_start, first_start + first_length),
        (second_start, second_start + second_length),
    ]


def test_sign_then_verify_is_trusted(pki: PkiPaths, signed: bytes) -> None:
    before = datetime.now(UTC)

    report = verify_signed_pdf(signed, [pki.ca_certificate.read_bytes()])

    assert report.signed
    assert report.intact
    assert report.trusted
    assert report.signer_name == HEAD
    assert report.signed_at is not None
    assert before - timedelta(minutes=5) <= report.signed_at <= before
    assert HEAD in report.detail


def test_verify_accepts_der_trust_root(pki: PkiPaths, signed: bytes) -> None:
    certificate = x509.load_pem_x509_certificate(pki.ca_certificate.read_bytes())
    der = certificate.public_bytes(serialization.Encoding.DER)

    report = verify_signed_pdf(signed, [der])

    assert report.trusted


def test_sign_adds_invisible_pades_signature(deed: bytes, signed: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(signed))
    signature = reader.embedded_signatures[0]
    widget = signature.sig_field

    assert signed.startswith(deed)
    assert signature.field_name == SIGNATURE_FIELD_NAME
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == REASON
    assert signature.sig_object["/Location"] == LOCATION
    assert [float(value) for value in widget["/Rect"]] == [0, 0, 0, 0]
    assert signature.md_algorithm == "sha256"


def test_sign_embeds_ca_certificate(pki: PkiPaths, signed: bytes) -> None:
    signature = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    ca = x509.load_pem_x509_certificate(pki.ca_certificate.read_bytes())
    ca_der = ca.public_bytes(serialization.Encoding.DER)

    embedded = [certificate.dump() for certificate in signature.other_embedded_certs]

    assert ca_der in embedded


def test_verify_flipped_byte_is_not_intact(pki: PkiPaths, signed: bytes) -> None:
    trust_roots = [pki.ca_certificate.read_bytes()]
    positions = [
        start + (end - start) * step // 8
        for start, end in _signed_ranges(signed)
        for step in range(8)
    ]

    for position in positions:
        tampered = bytearray(signed)
        tampered[position] ^= 0x01

        report = verify_signed_pdf(bytes(tampered), trust_roots)

        assert not report.intact, position
        assert not report.trusted, position
        assert report.detail, position


def test_verify_flipped_content_byte_detail(pki: PkiPaths, signed: bytes) -> None:
    # The page content stream sits inside the first signed range, so the
    # file still parses and the report names the change.
    position = signed.index(b"stream\n", signed.index(b"/Filter")) + 20
    tampered = bytearray(signed)
    tampered[position] ^= 0x01

    report = verify_signed_pdf(bytes(tampered), [pki.ca_certificate.read_bytes()])

    assert report.signed
    assert not report.intact
    assert "changed after signing" in report.detail


def test_verify_modified_after_signing_is_not_intact(
    pki: PkiPaths, signed: bytes
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    overlay = generic.StreamObject(stream_data=b"0 0 1 rg 100 100 200 50 re f")
    writer.add_stream_to_page(0, writer.add_object(overlay))  # type: ignore[no-untyped-call]
    output = io.BytesIO()
    writer.write(output)  # type: ignore[no-untyped-call]

    report = verify_signed_pdf(output.getvalue(), [pki.ca_certificate.read_bytes()])

    assert report.signed
    assert not report.intact
    assert "modified after signing" in report.detail


def test_verify_other_ca_is_not_trusted(other_pki: PkiPaths, signed: bytes) -> None:
    report = verify_signed_pdf(signed, [other_pki.ca_certificate.read_bytes()])

    assert report.signed
    assert report.intact
    assert not report.trusted
    assert "does not chain to a trusted root" in report.detail


def test_verify_other_ca_signature_is_not_trusted(
    pki: PkiPaths, other_pki: PkiPaths, deed: bytes
) -> None:
    forged = LocalPadesSigner(other_pki).sign(
        deed, PASSPHRASE, reason=REASON, location=LOCATION
    )

    report = verify_signed_pdf(forged, [pki.ca_certificate.read_bytes()])

    assert report.intact
    assert not report.trusted
    assert report.signer_name == HEAD


@pytest.mark.parametrize("passphrase", ["kata-sandi-salah", ""])
def test_sign_wrong_passphrase_raises(
    pki: PkiPaths, deed: bytes, passphrase: str
) -> None:
    signer = LocalPadesSigner(pki)

    with pytest.raises(SigningPassphraseInvalid) as raised:
        signer.sign(deed, passphrase, reason=REASON, location=LOCATION)

    assert raised.value.message == (
        "the signing passphrase is wrong; ask the head of office to enter it again"
    )
    assert raised.value.status_code == 403


def test_sign_unencrypted_key_file_raises(pki: PkiPaths, deed: bytes) -> None:
    # The CA key is stored unencrypted. Offering it as the head key must not
    # be reported as a wrong passphrase.
    broken = PkiPaths(
        ca_certificate=pki.ca_certificate,
        head_certificate=pki.head_certificate,
        head_private_key=pki.ca_certificate.parent / "ca-private-key.pem",
    )

    with pytest.raises(LocalPkiError, match="not a PEM-encoded encrypted"):
        LocalPadesSigner(broken).sign(
            deed, PASSPHRASE, reason=REASON, location=LOCATION
        )


def test_verify_unsigned_pdf_reports_unsigned(pki: PkiPaths, deed: bytes) -> None:
    report = verify_signed_pdf(deed, [pki.ca_certificate.read_bytes()])

    assert not report.signed
    assert not report.intact
    assert not report.trusted
    assert report.signer_name is None
    assert report.detail == "the PDF contains no signature"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda pdf: b"", id="empty"),
        pytest.param(lambda pdf: b"not a pdf at all", id="text"),
        pytest.param(lambda pdf: pdf[: len(pdf) // 2], id="truncated"),
    ],
)
def test_verify_unreadable_file_reports_unsigned(
    pki: PkiPaths, signed: bytes, damage: Callable[[bytes], bytes]
) -> None:
    report = verify_signed_pdf(damage(signed), [pki.ca_certificate.read_bytes()])

    assert not report.signed
    assert not report.intact
    assert not report.trusted
    assert report.detail


@pytest.mark.parametrize(
    ("trust_roots", "message"),
    [
        ([], "no trust roots given"),
        ([b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"], "0"),
        ([b"\x30\x03\x02\x01\x01"], "trust root 0"),
        ([b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"], "0"),
    ],
)
def test_verify_rejects_invalid_trust_roots(
    signed: bytes, trust_roots: list[bytes], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        verify_signed_pdf(signed, trust_roots)

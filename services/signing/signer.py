"""PAdES signing of deeds and verification of signed PDFs, with pyHanko 0.38.

pyHanko runs its own event loop (asyncio.run) inside sign_pdf and
validate_pdf_signature, so call these functions from a worker thread, for
example through asyncio.to_thread, never directly inside a running loop.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import structlog
from asn1crypto import x509
from asn1crypto.algos import SignedDigestAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import NO_REVOCATION, CertRevTrustPolicy

from services.signing.pki import LocalPkiError, PkiPaths
from shared.errors import ServiceError

log = structlog.get_logger(__name__)

SIGNATURE_FIELD_NAME = "TTE-Kepala-Dinas"
# Room in the CMS container beyond the embedded certificates: the RSA
# signature value (384 bytes for RSA-3072), the signed attributes and the
# ASN.1 framing. Measured at 911 bytes with two RSA-3072 certificates.
CMS_ALLOWANCE_BYTES = 2048
# Modifications that may follow a signature without changing what it shows:
# none at all, or validation data and document timestamps (PAdES B-LT/B-LTA).
ACCEPTED_MODIFICATIONS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


class SigningPassphraseInvalid(ServiceError):
    """The passphrase does not decrypt the head-of-office signing key."""

    status_code = 403
    code = "signing_passphrase_invalid"

    def __init__(self) -> None:
        super().__init__(
            "the signing passphrase is wrong; ask the head of office to enter it again"
        )


class DocumentSigner(Protocol):
    """Signs a PDF in the name of the head of office."""

    def check_passphrase(self, passphrase: str) -> None:
        """Raise SigningPassphraseInvalid unless the passphrase unlocks the key."""
        ...

    def sign(self, pdf: bytes, passphrase: str, *, reason: str, location: str) -> bytes:
        """Return the PDF with a signature added.

        Raises SigningPassphraseInvalid when the passphrase does not unlock
        the signing key.
        """
        ...


@dataclass(frozen=True)
class SignatureReport:
    """Outcome of checking the signatures in one PDF.

    signed: the PDF contains at least one signature field with a signature.
    intact: every signature is cryptographically valid and nothing but
    validation data was added after it.
    trusted: every signer's certificate chains to one of the trust roots.
    pyHanko judges trust only for a cryptographically valid signature, so
    trusted is false when the signed bytes were changed.
    signer_name and signed_at come from the last signature: the certificate's
    common name and the signer's own clock, which are only credible when
    intact and trusted are both true.
    signed_length: bytes from the start of the file to the end of the last
    signature's byte range, or None without a signature. A longer file has
    bytes after the signed part that no signature covers.
    """

    signed: bool
    intact: bool
    trusted: bool
    signer_name: str | None
    signed_at: datetime | None
    detail: str
    signed_length: int | None = None


class LocalPadesSigner:
    """PAdES B-B signer that uses the locally issued head-of-office key.

    The key file is decrypted anew for every signature, and neither the
    passphrase nor the decrypted key is kept after sign() returns.
    """

    def __init__(self, pki: PkiPaths) -> None:
        self._pki = pki

    def check_passphrase(self, passphrase: str) -> None:
        """Raise SigningPassphraseInvalid unless the passphrase unlocks the key."""
        self._load_key(passphrase)

    def sign(self, pdf: bytes, passphrase: str, *, reason: str, location: str) -> bytes:
        """Add an invisible PAdES signature and return the signed PDF."""
        certificate = _load_certificate(self._pki.head_certificate)
        ca_certificate = _load_certificate(self._pki.ca_certificate)
        key = self._load_key(passphrase)
        signer = _RsaKeySigner(key, certificate, ca_certificate)
        metadata = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD_NAME,
            subfilter=SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location=location,
        )
        # Reserving the space up front skips pyHanko's sizing dry run, which
        # builds the whole CMS container twice. pyHanko counts the space in
        # hex digits, two per DER byte.
        cms_size = len(certificate.dump()) + len(ca_certificate.dump())
        output = signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)),
            metadata,
            signer=signer,
            bytes_reserved=2 * (cms_size + CMS_ALLOWANCE_BYTES),
        )
        return bytes(output.getvalue())

    def _load_key(self, passphrase: str) -> rsa.RSAPrivateKey:
        path = self._pki.head_private_key
        data = path.read_bytes()
        # Checked first so that a wrong kind of file is not reported as a
        # wrong passphrase.
        if not data.lstrip().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"):
            raise LocalPkiError(
                f"the head-of-office key {path} is not a PEM-encoded encrypted "
                "PKCS#8 key; issue a new head-of-office certificate"
            )
        try:
            key = serialization.load_pem_private_key(data, passphrase.encode())
        except (ValueError, TypeError) as error:
            # cryptography raises TypeError for an empty passphrase.
            raise SigningPassphraseInvalid() from error
        if not isinstance(key, rsa.RSAPrivateKey):
            raise LocalPkiError(
                f"the head-of-office key {path} is not an RSA key; "
                "issue a new head-of-office certificate"
            )
        return key


class _RsaKeySigner(signers.Signer):
    """pyHanko signer around an RSA key that is already decrypted.

    pyHanko's SimpleSigner parses and checks the key again for every
    signature, which takes about 0.1 s for an RSA-3072 key.
    """

    def __init__(
        self,
        key: rsa.RSAPrivateKey,
        certificate: x509.Certificate,
        ca_certificate: x509.Certificate,
    ) -> None:
        super().__init__(
            signing_cert=certificate,
            signature_mechanism=SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
        )
        # Registered certificates are embedded in the CMS container, so a
        # verifier that trusts the CA can build the chain without fetching.
        self.cert_registry.register(ca_certificate)
        self._key = key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if digest_algorithm != "sha256":
            raise ValueError(
                f"digest algorithm {digest_algorithm!r} is not supported; "
                "this signer signs with sha256 only"
            )
        return self._key.sign(data, PKCS1v15(), hashes.SHA256())


def verify_signed_pdf(pdf: bytes, trust_roots: list[bytes]) -> SignatureReport:
    """Check every signature in a PDF against the given trust roots.

    trust_roots are PEM or DER certificates. A PDF that is unreadable,
    unsigned or tampered with yields a report with a detail, not an
    exception. An unusable trust root raises ValueError.
    """
    roots = _load_trust_roots(trust_roots)
    try:
        signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    except Exception as error:
        # Any file can arrive through public verification, and pyHanko has
        # no single error type for a malformed PDF.
        log.info("signature.pdf_unreadable", error=repr(error))
        return _unsigned_report(f"the file is not a readable PDF: {error}")
    if not signatures:
        return _unsigned_report("the PDF contains no signature")

    statuses: list[PdfSignatureStatus] = []
    for signature in signatures:
        try:
            statuses.append(_validate(signature, roots))
        except Exception as error:
            log.info(
                "signature.validation_failed",
                field=signature.field_name,
                error=repr(error),
            )
            return SignatureReport(
                signed=True,
                intact=False,
                trusted=False,
                signer_name=None,
                signed_at=None,
                detail=f"signature {signature.field_name} cannot be checked: {error}",
                signed_length=_signed_length(signature),
            )
    return _summarise(signatures, statuses)


def _load_trust_roots(trust_roots: list[bytes]) -> list[x509.Certificate]:
    if not trust_roots:
        raise ValueError(
            "no trust roots given; pass the CA certificate that issued the "
            "signing certificates"
        )
    roots: list[x509.Certificate] = []
    for index, data in enumerate(trust_roots):
        try:
            certificates = list(load_certs_from_pemder_data(data))
            # asn1crypto parses lazily; reading every field surfaces a
            # malformed certificate here instead of inside the validator.
            for certificate in certificates:
                certificate.native  # noqa: B018
        except ValueError as error:
            raise ValueError(
                f"trust root {index} is not a PEM or DER certificate ({error}); "
                "pass the contents of the CA certificate file"
            ) from error
        if not certificates:
            raise ValueError(
                f"trust root {index} contains no certificate; "
                "pass the contents of the CA certificate file"
            )
        roots.extend(certificates)
    return roots


def _load_certificate(path: Path) -> x509.Certificate:
    certificates = list(load_certs_from_pemder_data(path.read_bytes()))
    if len(certificates) != 1:
        raise LocalPkiError(
            f"{path} contains {len(certificates)} certificates instead of one; "
            "issue a new head-of-office certificate"
        )
    return certificates[0]


def _validate(
    signature: EmbeddedPdfSignature, roots: list[x509.Certificate]
) -> PdfSignatureStatus:
    context = ValidationContext(
        trust_roots=roots,
        allow_fetching=False,
        # NOTE: revocation is not checked, because the local CA publishes no
        # CRL or OCSP responder. A revoked head certificate still verifies.
        revinfo_policy=CertRevTrustPolicy(revocation_checking_policy=NO_REVOCATION),
    )
    # NOTE: validation runs at the current time and PAdES B-B has no
    # timestamp, so a deed becomes untrusted once its certificate expires.
    status: PdfSignatureStatus = validate_pdf_signature(signature, context)
    return status


def _summarise(
    signatures: list[EmbeddedPdfSignature], statuses: list[PdfSignatureStatus]
) -> SignatureReport:
    problems = [
        problem
        for signature, status in zip(signatures, statuses, strict=True)
        for problem in _problems(signature.field_name, status)
    ]
    last = statuses[-1]
    signer_name = last.signing_cert.subject.native.get("common_name")
    intact = all(_is_intact(status) for status in statuses)
    trusted = all(status.trusted for status in statuses)
    if problems:
        detail = "; ".join(problems)
    else:
        detail = (
            f"signed by {signer_name}; the document is unchanged since signing "
            "and the certificate chains to a trusted root"
        )
    return SignatureReport(
        signed=True,
        intact=intact,
        trusted=trusted,
        signer_name=signer_name,
        signed_at=last.signer_reported_dt,
        detail=detail,
        signed_length=_signed_length(signatures[-1]),
    )


def _signed_length(signature: EmbeddedPdfSignature) -> int | None:
    """Return where the signature's byte range ends, or None for a malformed one."""
    # Any file can arrive through public verification, so /ByteRange may be
    # something other than four integers.
    try:
        _, _, second_start, second_length = (int(n) for n in signature.byte_range)
    except (TypeError, ValueError):
        return None
    return second_start + second_length


def _is_intact(status: PdfSignatureStatus) -> bool:
    return bool(
        status.intact
        and status.valid
        and status.modification_level in ACCEPTED_MODIFICATIONS
    )


def _problems(field_name: str, status: PdfSignatureStatus) -> list[str]:
    problems = []
    if not status.intact:
        problems.append(
            f"signature {field_name}: the signed bytes were changed after signing"
        )
    elif not status.valid:
        problems.append(
            f"signature {field_name}: the signature value does not match "
            "the signer's certificate"
        )
    elif status.modification_level not in ACCEPTED_MODIFICATIONS:
        level = status.modification_level
        problems.append(
            f"signature {field_name}: the document was modified after signing "
            f"(modification level {level.name if level else 'unknown'})"
        )
    # pyHanko reports trust only for an intact and valid signature, so a
    # trust problem is listed only when there is no integrity problem.
    elif not status.trusted:
        indication = status.trust_problem_indic
        reason = indication.standard_name if indication else "no certification path"
        problems.append(
            f"signature {field_name}: the signer's certificate does not chain "
            f"to a trusted root ({reason})"
        )
    return problems


def _unsigned_report(detail: str) -> SignatureReport:
    return SignatureReport(
        signed=False,
        intact=False,
        trusted=False,
        signer_name=None,
        signed_at=None,
        detail=detail,
    )

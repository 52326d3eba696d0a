"""Local certificate authority and head-of-office signing certificate.

Production deeds are signed with a certificate from Indonesia's national CA
(BSrE). For local development and tests this module issues a stand-in: a
self-signed root CA and a head-of-office certificate under it, stored as PEM
files in one directory.

Both keys are RSA-3072 because NIST SP 800-57 Part 1 rates RSA-2048 (112-bit
security) acceptable only through 2030, and the CA is valid for 10 years.
The price is paid when the key is loaded: cryptography checks an RSA key as
it decrypts it, which took 0.11 s for RSA-3072 and 0.04 s for RSA-2048 on a
2-vCPU AMD EPYC virtual machine. The signature itself takes about 1 ms.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier

log = structlog.get_logger(__name__)

CA_COMMON_NAME = "DOMPAK Local Development CA"
RSA_KEY_SIZE = 3072
CA_VALIDITY = timedelta(days=3652)
HEAD_VALIDITY = timedelta(days=730)
# Backdating notBefore keeps a freshly issued certificate valid on a verifier
# whose clock runs a few minutes behind the signing host.
CLOCK_SKEW_ALLOWANCE = timedelta(minutes=5)
# id-kp-documentSigning, RFC 9336. cryptography 50 has no constant for it.
DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

CA_CERTIFICATE_FILE = "ca-certificate.pem"
CA_PRIVATE_KEY_FILE = "ca-private-key.pem"
HEAD_CERTIFICATE_FILE = "head-certificate.pem"
HEAD_PRIVATE_KEY_FILE = "head-private-key.pem"
_KEY_USAGE_FLAGS = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)

ALL_FILES = (
    CA_CERTIFICATE_FILE,
    CA_PRIVATE_KEY_FILE,
    HEAD_CERTIFICATE_FILE,
    HEAD_PRIVATE_KEY_FILE,
)


class LocalPkiError(RuntimeError):
    """The PKI directory cannot be used as it is. The message names the fix."""


@dataclass(frozen=True)
class PkiPaths:
    """Locations of the PEM files that the local signer needs."""

    ca_certificate: Path
    head_certificate: Path
    head_private_key: Path


def ensure_local_pki(
    directory: Path, passphrase: str, *, office_name: str, head_name: str
) -> PkiPaths:
    """Create the local CA and head-of-office certificate unless they exist.

    A complete existing set is reused and the passphrase is not checked
    against it. When only the two head files are missing, a new head
    certificate is issued by the existing CA, which is how a new head of
    office is enrolled. Any other partial set raises LocalPkiError, as does a
    head certificate that names another person or office or has expired.
    The passphrase encrypts the head's private key and is never written.
    """
    if not passphrase:
        raise ValueError(
            "the signing passphrase is empty; choose a non-empty passphrase "
            "for the head-of-office key"
        )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    present = {name for name in ALL_FILES if (directory / name).exists()}
    head_files = {HEAD_CERTIFICATE_FILE, HEAD_PRIVATE_KEY_FILE}
    now = datetime.now(UTC)

    if not present:
        _create_ca(directory, office_name, now)
        _issue_head(directory, passphrase, office_name, head_name, now)
    elif present == set(ALL_FILES) - head_files:
        _issue_head(directory, passphrase, office_name, head_name, now)
    elif present == set(ALL_FILES):
        _check_existing(directory, office_name, head_name, now)
        log.debug("pki.reused", directory=str(directory))
    else:
        raise LocalPkiError(
            f"the PKI directory {directory} is incomplete: it contains "
            f"{sorted(present)} but is missing {sorted(set(ALL_FILES) - present)}; "
            "restore the missing files or empty the directory to create a new set"
        )
    return PkiPaths(
        ca_certificate=directory / CA_CERTIFICATE_FILE,
        head_certificate=directory / HEAD_CERTIFICATE_FILE,
        head_private_key=directory / HEAD_PRIVATE_KEY_FILE,
    )


def _create_ca(directory: Path, office_name: str, now: datetime) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_SIZE)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, office_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        ]
    )
    public_key = key.public_key()
    certificate = (
        _certificate_builder(name, name, public_key, now, now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    # The CA key is stored unencrypted so that a new head certificate can be
    # issued without a second secret. File mode 0600 is its only protection,
    # which is acceptable for a development CA that no outside verifier trusts.
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_atomically(directory / CA_PRIVATE_KEY_FILE, key_pem, mode=0o600)
    _write_atomically(
        directory / CA_CERTIFICATE_FILE,
        certificate.public_bytes(serialization.Encoding.PEM),
        mode=0o644,
    )
    log.info(
        "pki.ca_created",
        directory=str(directory),
        serial_number=certificate.serial_number,
    )


def _issue_head(
    directory: Path,
    passphrase: str,
    office_name: str,
    head_name: str,
    now: datetime,
) -> None:
    ca_certificate = x509.load_pem_x509_certificate(
        (directory / CA_CERTIFICATE_FILE).read_bytes()
    )
    ca_key = serialization.load_pem_private_key(
        (directory / CA_PRIVATE_KEY_FILE).read_bytes(), password=None
    )
    if not isinstance(ca_key, rsa.RSAPrivateKey):
        raise LocalPkiError(
            f"the CA key in {directory / CA_PRIVATE_KEY_FILE} is not an RSA key; "
            "empty the directory to create a new set"
        )

    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_SIZE)
    not_after = min(now + HEAD_VALIDITY, ca_certificate.not_valid_after_utc)
    certificate = (
        _certificate_builder(
            _head_subject(office_name, head_name),
            ca_certificate.subject,
            key.public_key(),
            now,
            not_after,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # content_commitment is cryptography's name for nonRepudiation, which
        # pyHanko's validator requires on a signer's certificate by default.
        .add_extension(
            _key_usage(digital_signature=True, content_commitment=True),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING_EKU]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )

    # NOTE: BestAvailableEncryption gives PBES2 with AES-256-CBC but only
    # 2048 PBKDF2-SHA256 rounds (cryptography 50), so a leaked key file is
    # cheap to brute-force. A long passphrase is the defence here.
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    _write_atomically(directory / HEAD_PRIVATE_KEY_FILE, key_pem, mode=0o600)
    _write_atomically(
        directory / HEAD_CERTIFICATE_FILE,
        certificate.public_bytes(serialization.Encoding.PEM),
        mode=0o644,
    )
    log.info(
        "pki.head_certificate_issued",
        directory=str(directory),
        serial_number=certificate.serial_number,
        not_after=not_after.isoformat(),
    )


def _check_existing(
    directory: Path, office_name: str, head_name: str, now: datetime
) -> None:
    ca_path = directory / CA_CERTIFICATE_FILE
    head_path = directory / HEAD_CERTIFICATE_FILE
    ca_certificate = x509.load_pem_x509_certificate(ca_path.read_bytes())
    head_certificate = x509.load_pem_x509_certificate(head_path.read_bytes())
    reissue_hint = (
        f"delete {head_path.name} and {HEAD_PRIVATE_KEY_FILE} in {directory} "
        "to issue a new head-of-office certificate"
    )

    if ca_certificate.not_valid_after_utc <= now:
        raise LocalPkiError(
            f"the local CA certificate {ca_path} expired on "
            f"{ca_certificate.not_valid_after_utc:%Y-%m-%d}; "
            "empty the directory to create a new set"
        )
    try:
        head_certificate.verify_directly_issued_by(ca_certificate)
    except (ValueError, TypeError, InvalidSignature) as error:
        raise LocalPkiError(
            f"the head-of-office certificate {head_path} was not issued by "
            f"the CA in {ca_path} ({error}); {reissue_hint}"
        ) from error

    expected = _head_subject(office_name, head_name)
    if head_certificate.subject != expected:
        raise LocalPkiError(
            f"the head-of-office certificate {head_path} is issued to "
            f"{head_certificate.subject.rfc4514_string()}, "
            f"expected {expected.rfc4514_string()}; {reissue_hint}"
        )
    if head_certificate.not_valid_after_utc <= now:
        raise LocalPkiError(
            f"the head-of-office certificate {head_path} expired on "
            f"{head_certificate.not_valid_after_utc:%Y-%m-%d}; {reissue_hint}"
        )


def _head_subject(office_name: str, head_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, head_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, office_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        ]
    )


def _certificate_builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: rsa.RSAPublicKey,
    now: datetime,
    not_after: datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW_ALLOWANCE)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
    )


def _key_usage(**enabled: bool) -> x509.KeyUsage:
    """Build a KeyUsage extension with only the named usages set."""
    flags = dict.fromkeys(_KEY_USAGE_FLAGS, False)
    flags.update(enabled)
    return x509.KeyUsage(**flags)


def _write_atomically(path: Path, data: bytes, *, mode: int) -> None:
    """Write through a temporary file so that a crash never leaves half a file."""
    # mkstemp creates the file with mode 0600, so a key is never readable by
    # others, not even between creation and the rename.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

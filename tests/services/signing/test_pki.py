from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtensionOID, NameOID

from services.signing.pki import (
    CA_CERTIFICATE_FILE,
    CA_COMMON_NAME,
    CA_PRIVATE_KEY_FILE,
    DOCUMENT_SIGNING_EKU,
    HEAD_CERTIFICATE_FILE,
    HEAD_PRIVATE_KEY_FILE,
    LocalPkiError,
    PkiPaths,
    ensure_local_pki,
)

PASSPHRASE = "kata-sandi-kepala-dinas"
OFFICE = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir"
HEAD = "Tiurma Simbolon"


def _create(directory: Path, head_name: str = HEAD) -> PkiPaths:
    return ensure_local_pki(
        directory, PASSPHRASE, office_name=OFFICE, head_name=head_name
    )


@pytest.fixture(scope="module")
def created(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    """A PKI set for read-only tests, because RSA-3072 keys take time to make."""
    return _create(tmp_path_factory.mktemp("pki") / "pki", head_name="Rüth Sitanggang")


def _certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _common_name(certificate: x509.Certificate) -> str:
    attribute = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0]
    return str(attribute.value)


def _file_contents(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_ensure_local_pki_creates_files(created: PkiPaths) -> None:
    directory = created.ca_certificate.parent
    paths = created

    assert paths.ca_certificate == directory / CA_CERTIFICATE_FILE
    assert paths.head_certificate == directory / HEAD_CERTIFICATE_FILE
    assert paths.head_private_key == directory / HEAD_PRIVATE_KEY_FILE
    assert sorted(_file_contents(directory)) == sorted(
        [
            CA_CERTIFICATE_FILE,
            CA_PRIVATE_KEY_FILE,
            HEAD_CERTIFICATE_FILE,
            HEAD_PRIVATE_KEY_FILE,
        ]
    )


def test_ensure_local_pki_ca_certificate_extensions(created: PkiPaths) -> None:
    ca = _certificate(created.ca_certificate)

    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    public_key = ca.public_key()
    assert _common_name(ca) == CA_COMMON_NAME
    assert ca.subject == ca.issuer
    assert constraints.critical
    assert constraints.value.ca
    assert usage.key_cert_sign
    assert usage.crl_sign
    assert not usage.digital_signature
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert public_key.key_size == 3072
    lifetime = ca.not_valid_after_utc - ca.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3653)


def test_ensure_local_pki_head_certificate_extensions(created: PkiPaths) -> None:
    ca = _certificate(created.ca_certificate)
    head = _certificate(created.head_certificate)

    usage = head.extensions.get_extension_for_class(x509.KeyUsage).value
    extended = head.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    constraints = head.extensions.get_extension_for_class(x509.BasicConstraints)
    organization = head.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    country = head.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)
    assert _common_name(head) == "Rüth Sitanggang"
    assert organization[0].value == OFFICE
    assert country[0].value == "ID"
    assert head.issuer == ca.subject
    head.verify_directly_issued_by(ca)
    assert not constraints.value.ca
    assert usage.digital_signature
    assert usage.content_commitment
    assert not usage.key_cert_sign
    assert list(extended) == [DOCUMENT_SIGNING_EKU]
    assert head.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER)
    lifetime = head.not_valid_after_utc - head.not_valid_before_utc
    assert timedelta(days=730) <= lifetime <= timedelta(days=731)


def test_ensure_local_pki_reuses_existing_files(tmp_path: Path) -> None:
    _create(tmp_path)
    before = _file_contents(tmp_path)

    paths = _create(tmp_path)

    assert _file_contents(tmp_path) == before
    assert paths.head_certificate.read_bytes() == before[HEAD_CERTIFICATE_FILE]


def test_ensure_local_pki_key_is_encrypted(created: PkiPaths) -> None:
    key_pem = created.head_private_key.read_bytes()

    assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(key_pem, password=None)
    with pytest.raises(ValueError, match="password"):
        serialization.load_pem_private_key(key_pem, password=b"salah")
    key = serialization.load_pem_private_key(key_pem, password=PASSPHRASE.encode())
    head_public_key = _certificate(created.head_certificate).public_key()
    assert key.public_key() == head_public_key


def test_ensure_local_pki_never_writes_passphrase(created: PkiPaths) -> None:
    for name, content in _file_contents(created.ca_certificate.parent).items():
        assert PASSPHRASE.encode() not in content, name


def test_ensure_local_pki_key_files_mode_0600(created: PkiPaths) -> None:
    directory = created.ca_certificate.parent

    assert (directory / CA_PRIVATE_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert (directory / HEAD_PRIVATE_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert directory.stat().st_mode & 0o777 == 0o700


def test_ensure_local_pki_leaves_no_temporary_files(created: PkiPaths) -> None:
    names = [path.name for path in created.ca_certificate.parent.iterdir()]

    assert [name for name in names if name.startswith(".")] == []


@pytest.mark.parametrize(
    "missing",
    [
        [CA_PRIVATE_KEY_FILE],
        [CA_CERTIFICATE_FILE],
        [HEAD_PRIVATE_KEY_FILE],
        [HEAD_CERTIFICATE_FILE],
        [CA_CERTIFICATE_FILE, CA_PRIVATE_KEY_FILE],
    ],
)
def test_ensure_local_pki_rejects_partial_set(
    tmp_path: Path, missing: list[str]
) -> None:
    _create(tmp_path)
    for name in missing:
        (tmp_path / name).unlink()

    with pytest.raises(LocalPkiError, match="incomplete") as raised:
        _create(tmp_path)

    for name in missing:
        assert name in str(raised.value)


def test_ensure_local_pki_reissues_missing_head(tmp_path: Path) -> None:
    _create(tmp_path)
    ca_before = (tmp_path / CA_CERTIFICATE_FILE).read_bytes()
    (tmp_path / HEAD_CERTIFICATE_FILE).unlink()
    (tmp_path / HEAD_PRIVATE_KEY_FILE).unlink()

    paths = _create(tmp_path, head_name="Ompu Na'ibaho")

    ca = _certificate(paths.ca_certificate)
    head = _certificate(paths.head_certificate)
    assert paths.ca_certificate.read_bytes() == ca_before
    assert _common_name(head) == "Ompu Na'ibaho"
    head.verify_directly_issued_by(ca)


def test_ensure_local_pki_rejects_other_head(tmp_path: Path) -> None:
    _create(tmp_path)

    with pytest.raises(LocalPkiError, match="Sahat Gultom"):
        _create(tmp_path, head_name="Sahat Gultom")


def test_ensure_local_pki_rejects_foreign_head(tmp_path: Path) -> None:
    first = _create(tmp_path / "first")
    second = _create(tmp_path / "second")
    second.head_certificate.write_bytes(first.head_certificate.read_bytes())

    with pytest.raises(LocalPkiError, match="not issued by"):
        _create(tmp_path / "second")


def test_ensure_local_pki_rejects_empty_passphrase(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="passphrase is empty"):
        ensure_local_pki(tmp_path, "", office_name=OFFICE, head_name=HEAD)

    assert list(tmp_path.iterdir()) == []

"""Fixtures of the signing tests: a local CA and head certificate."""

from __future__ import annotations

import pytest

from services.signing.pki import PkiPaths, ensure_local_pki

PASSPHRASE = "kata-sandi-kepala-dinas"
OFFICE = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir"
HEAD = "Tiurma Simbolon"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    directory = tmp_path_factory.mktemp("pki")
    return ensure_local_pki(directory, PASSPHRASE, office_name=OFFICE, head_name=HEAD)

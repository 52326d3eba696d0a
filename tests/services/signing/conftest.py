"""Fixtures of the signing tests: a local CA and head certificate, and the
signing service on the real servers with approvals to act on."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from fastapi import FastAPI
from pydantic import SecretStr

from services.signing.main import create_app
from services.signing.pki import PkiPaths, ensure_local_pki
from services.signing.service import ISSUER_FIELDS, SigningService
from services.signing.settings import SigningSettings
from shared.devstack import Endpoints
from shared.events import Applicant, ApplicationVerified, EventType, new_event
from shared.regency import load_regency
from tests.conftest import settings_values
from tests.services.signing.documents.samples import SAMPLES
from tests.support import running_app

PASSPHRASE = "kata-sandi-kepala-dinas"
OFFICE = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir"
HEAD = "Tiurma Simbolon"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    directory = tmp_path_factory.mktemp("pki")
    return ensure_local_pki(directory, PASSPHRASE, office_name=OFFICE, head_name=HEAD)


SIGNING_PASSPHRASE = "frasa-sandi-halaman"
VILLAGE_CODE = "12.17.08.2001"
SERVICE_TEMPLATES = {
    "birth_deed": "birth_deed",
    "death_deed": "death_deed",
    "kk_new": "family_card",
    "ktp_el_new": "ktp_el_card",
}


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def signing_app(endpoints: Endpoints, state_dir: Path) -> AsyncIterator[FastAPI]:
    """The signing service on the real servers, with its own local PKI."""
    settings = SigningSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        pki_dir=state_dir / "signing-pages-pki",
        documents_bucket="test-signing-pages",
    )
    regency = load_regency(settings.regency_file)
    ensure_local_pki(
        settings.pki_dir,
        SIGNING_PASSPHRASE,
        office_name=regency.office_name,
        head_name=regency.head_of_office.name,
    )
    application = create_app(settings)
    async with running_app(application) as client:
        application.state.client = client
        yield application


def sample_draft(template_id: str) -> dict[str, Any]:
    """Return a template's sample content without the fields signing fills in."""
    content = dict(SAMPLES[template_id])
    for field in ISSUER_FIELDS:
        content.pop(field, None)
    return content


async def open_approval(
    app: FastAPI,
    service_code: str = "birth_deed",
    *,
    applicant_nik: str = "1217085703940002",
    draft: dict[str, Any] | None = None,
) -> str:
    """Queue an approval the way the verified event does; return its id."""
    application_id = str(uuid.uuid4())
    event = new_event(
        source="/test",
        event_type=EventType.APPLICATION_VERIFIED,
        application_id=application_id,
        payload=ApplicationVerified(
            service_code=service_code,
            tracking_code=f"UJI{uuid.uuid4().hex[:4].upper()}-0000-0000",
            applicant=Applicant(nik=applicant_nik, name="Rosmaida Situmorang"),
            village_code=VILLAGE_CODE,
            division="pencatatan_sipil",
            draft=draft or sample_draft(SERVICE_TEMPLATES[service_code]),
            actor="verifier.test",
        ),
    )
    service: SigningService = app.state.service
    await service.open_approval(event)
    return application_id


async def signed_document(
    app: FastAPI, service_code: str = "birth_deed", **values: Any
) -> tuple[str, str]:
    """Queue and sign an approval; return its application id and document id."""
    application_id = await open_approval(app, service_code, **values)
    service: SigningService = app.state.service
    signed = await service.approve(
        application_id, "kadis.uji", SecretStr(SIGNING_PASSPHRASE)
    )
    return application_id, signed["document_id"]

"""Signing service on the real servers: approvals and register numbers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from services.signing.main import create_app
from services.signing.pki import ensure_local_pki
from services.signing.service import SigningService
from services.signing.settings import SigningSettings
from shared.devstack import Endpoints
from shared.events import (
    Applicant,
    ApplicationVerified,
    EventType,
    new_event,
)
from tests.conftest import settings_values
from tests.support import running_app
from tools.samples import birth_deed_application

pytestmark = pytest.mark.integration

PASSPHRASE = "frasa-sandi-uji"
DEED_CODE = "UJ"  # a code of its own, so other tests' numbers do not interleave


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def app(endpoints: Endpoints, state_dir: Path) -> AsyncIterator[FastAPI]:
    settings = SigningSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        pki_dir=state_dir / "signing-pki",
        deed_codes={"birth_deed": DEED_CODE},
        documents_bucket="test-signing-documents",
    )
    ensure_local_pki(
        settings.pki_dir,
        PASSPHRASE,
        office_name=settings.office_name,
        head_name=settings.head_name,
    )
    application = create_app(settings)
    async with running_app(application) as client:
        application.state.client = client
        yield application


@pytest.fixture
def client(app: FastAPI) -> httpx.AsyncClient:
    http: httpx.AsyncClient = app.state.client
    return http


def verified_event(application_id: str) -> Any:
    form = birth_deed_application(11)
    return new_event(
        source="/test",
        event_type=EventType.APPLICATION_VERIFIED,
        application_id=application_id,
        payload=ApplicationVerified(
            service_code="birth_deed",
            tracking_code="TEST-0000-0000",
            applicant=Applicant(nik=form["applicant"]["nik"], name="Uji Pemohon"),
            village_code=form["village_code"],
            division="pencatatan_sipil",
            draft={
                "child_name": "Anak Uji",
                "child_sex": "L",
                "birth_date": form["child"]["birth_date"],
                "birth_place": "Pangururan",
                "birth_order": 1,
                "father_name": "Ayah Uji",
                "mother_name": "Ibu Uji",
            },
            actor="verifier.test",
        ),
    )


async def queued(app: FastAPI) -> str:
    """Open an approval the way the verified event does; return its id."""
    application_id = str(uuid.uuid4())
    service: SigningService = app.state.service
    await service.open_approval(verified_event(application_id))
    return application_id


async def approve(
    client: httpx.AsyncClient, application_id: str, passphrase: str = PASSPHRASE
) -> httpx.Response:
    return await client.post(
        f"/approvals/{application_id}/approve",
        json={"actor": "kadis.test", "passphrase": passphrase},
    )


def serial_of(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


async def test_approve_signs_and_numbers(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    application_id = await queued(app)
    response = await approve(client, application_id)
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "signed"
    assert body["register_number"].startswith(f"1217-{DEED_CODE}-")


async def test_concurrent_issuance_gives_distinct_sequential_numbers(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ids = [await queued(app) for _ in range(8)]
    responses = await asyncio.gather(*[approve(client, i) for i in ids])
    numbers = [r.json()["register_number"] for r in responses]
    serials = sorted(serial_of(n) for n in numbers)
    assert all(r.status_code == 200 for r in responses)
    assert len(set(numbers)) == len(numbers)
    assert serials == list(range(serials[0], serials[0] + len(serials)))


async def test_wrong_passphrase_keeps_the_reserved_number(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    application_id = await queued(app)
    refused = await approve(client, application_id, passphrase="salah")
    accepted = await approve(client, application_id)
    service: SigningService = app.state.service
    reservations = await service._repository.register_numbers.count_documents(
        {"application_id": application_id}
    )
    assert refused.status_code == 403
    assert "passphrase" in refused.json()["message"]
    assert accepted.status_code == 200
    assert reservations == 1


async def test_concurrent_approvals_of_one_application(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    application_id = await queued(app)
    responses = await asyncio.gather(
        *[approve(client, application_id) for _ in range(3)]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409, 409]


async def test_redelivered_verified_event_changes_nothing(app: FastAPI) -> None:
    service: SigningService = app.state.service
    application_id = str(uuid.uuid4())
    event = verified_event(application_id)
    await service.open_approval(event)
    first = await service.get(application_id)
    await service.open_approval(event)
    second = await service.get(application_id)
    assert second == first


async def test_approve_twice_is_conflict(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    application_id = await queued(app)
    await approve(client, application_id)
    again = await approve(client, application_id)
    assert again.status_code == 409
    assert "signed" in again.json()["message"]


async def test_reject_then_approve_is_conflict(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    application_id = await queued(app)
    rejected = await client.post(
        f"/approvals/{application_id}/reject",
        json={"actor": "kadis.test", "reason": "Data ayah tidak sesuai KK"},
    )
    approved = await approve(client, application_id)
    assert rejected.json()["status"] == "rejected"
    assert approved.status_code == 409

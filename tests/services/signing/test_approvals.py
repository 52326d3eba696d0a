"""Signing service on the real servers: approvals and register numbers."""

from __future__ import annotations

import asyncio
import re
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
from services.signing.service import ISSUER_FIELDS, SigningService
from services.signing.settings import SigningSettings
from shared.auth import IdentityStore, Role
from shared.devstack import Endpoints
from shared.events import (
    Applicant,
    ApplicationVerified,
    EventType,
    new_event,
)
from shared.regency import load_regency
from shared.settings import REPOSITORY
from tests.conftest import settings_values
from tests.services.signing.documents.samples import SAMPLES
from tests.support import running_app, staff_headers
from tools.samples import birth_deed_application

pytestmark = pytest.mark.integration

PASSPHRASE = "frasa-sandi-uji"
DEED_CODE = "UJ"  # a code of its own, so other tests' numbers do not interleave


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def app(
    endpoints: Endpoints, state_dir: Path, identity: IdentityStore
) -> AsyncIterator[FastAPI]:
    catalogue = state_dir / "signing-catalogue.toml"
    shipped = (REPOSITORY / "config" / "catalogue.toml").read_text(encoding="utf-8")
    catalogue.write_text(
        shipped.replace('letters = "LT"', f'letters = "{DEED_CODE}"'), encoding="utf-8"
    )
    settings = SigningSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        pki_dir=state_dir / "signing-pki",
        catalogue_file=catalogue,
        documents_bucket="test-signing-documents",
    )
    regency = load_regency(settings.regency_file)
    ensure_local_pki(
        settings.pki_dir,
        PASSPHRASE,
        office_name=regency.office_name,
        head_name=regency.head_of_office.name,
    )
    application = create_app(settings)
    async with running_app(application) as client:
        client.headers.update(await staff_headers(identity, Role.HEAD))
        application.state.client = client
        yield application


@pytest.fixture
def client(app: FastAPI) -> httpx.AsyncClient:
    """A client signed in as a head of office."""
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
    client: httpx.AsyncClient,
    application_id: str,
    passphrase: str = PASSPHRASE,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        f"/approvals/{application_id}/approve",
        json={"passphrase": passphrase},
        headers=headers,
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


async def test_wrong_passphrase_claims_no_number(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    application_id = await queued(app)
    service: SigningService = app.state.service
    numbers = service._repository.numbers

    wrong_passphrase = await approve(client, application_id, passphrase="salah")
    after_wrong_passphrase = await numbers.count_documents(
        {"application_id": application_id}
    )
    accepted = await approve(client, application_id)
    after_approval = await numbers.count_documents({"application_id": application_id})

    assert wrong_passphrase.status_code == 403
    assert "passphrase" in wrong_passphrase.json()["message"]
    assert after_wrong_passphrase == 0
    assert accepted.status_code == 200
    assert after_approval == 1


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
        json={"reason": "Data ayah tidak sesuai KK"},
    )
    approved = await approve(client, application_id)
    assert rejected.json()["status"] == "rejected"
    assert approved.status_code == 409


def verified_with(application_id: str, service_code: str, draft: dict[str, Any]) -> Any:
    event = verified_event(application_id)
    data = {**event.data, "service_code": service_code, "draft": draft}
    return event.model_copy(update={"data": data})


def draft_of(template_id: str) -> dict[str, Any]:
    content = dict(SAMPLES[template_id])
    for field in ISSUER_FIELDS:
        content.pop(field, None)
    return content


async def test_return_sends_case_back(app: FastAPI, client: httpx.AsyncClient) -> None:
    application_id = await queued(app)
    response = await client.post(
        f"/approvals/{application_id}/return",
        json={"reason": "Tempat lahir salah ketik"},
    )
    again = await approve(client, application_id)
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert again.status_code == 409


async def test_unprintable_draft_returned_automatically(app: FastAPI) -> None:
    service: SigningService = app.state.service
    application_id = str(uuid.uuid4())
    event = verified_event(application_id)
    draft = {**event.data["draft"], "child_name": "王小明"}
    await service.open_approval(
        event.model_copy(update={"data": {**event.data, "draft": draft}})
    )
    approval = await service.get(application_id)
    assert approval["status"] == "returned"
    assert "child_name" in approval["reason"]


async def test_corrected_draft_reopens_approval(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    service: SigningService = app.state.service
    application_id = await queued(app)
    await client.post(
        f"/approvals/{application_id}/return",
        json={"reason": "Nama ibu salah"},
    )
    corrected = verified_event(application_id)
    await service.open_approval(corrected)
    await service.open_approval(corrected)
    approval = await service.get(application_id)
    assert approval["status"] == "awaiting_approval"
    assert approval["applied_events"].count(corrected.id) == 1


async def test_rejection_gives_back_the_last_number(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    service: SigningService = app.state.service
    first = await queued(app)
    await service._reserve_number(
        await service.get(first), service._catalogue.service("birth_deed")
    )
    reservation = await service._repository.reservation_of(first)
    await client.post(
        f"/approvals/{first}/reject",
        json={"reason": "Berkas tidak sah"},
    )
    second = await queued(app)
    signed = (await approve(client, second)).json()
    assert reservation is not None
    assert signed["register_number"] == reservation["_id"]


async def test_repeated_wrong_passphrases_are_paused(
    app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await queued(app)
    # A head of their own, since the count of wrong passphrases is per account.
    head = await staff_headers(identity, Role.HEAD)
    codes = [
        (
            await approve(client, application_id, passphrase=f"salah-{i}", headers=head)
        ).status_code
        for i in range(6)
    ]
    assert codes[:5] == [403] * 5
    assert codes[5] == 429


@pytest.mark.parametrize(
    ("service_code", "template_id"),
    [("ktp_el_new", "ktp_el_card"), ("kk_new", "family_card"), ("kia", "kia_card")],
)
async def test_numbers_follow_the_catalogue(
    app: FastAPI, client: httpx.AsyncClient, service_code: str, template_id: str
) -> None:
    service: SigningService = app.state.service
    application_id = str(uuid.uuid4())
    draft = draft_of(template_id)
    await service.open_approval(verified_with(application_id, service_code, draft))
    response = await client.post(
        f"/approvals/{application_id}/approve",
        json={"passphrase": PASSPHRASE},
    )
    number = response.json()["register_number"]
    assert response.status_code == 200, response.text
    if template_id == "family_card":
        assert re.fullmatch(r"121708\d{10}", number)
    else:
        assert number == draft["nik"]


CROSS_TYPES = {
    "birth_deed": "birth_deed",
    "marriage_deed": "marriage_deed",
    "death_deed": "death_deed",
    "kk_new": "family_card",
}


async def test_concurrent_issuance_across_types_stays_sequential(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    service: SigningService = app.state.service
    queued_by_type: dict[str, list[str]] = {}
    for service_code, template_id in CROSS_TYPES.items():
        queued_by_type[service_code] = []
        for _ in range(4):
            application_id = str(uuid.uuid4())
            draft = (
                verified_event(application_id).data["draft"]
                if template_id == "birth_deed"
                else draft_of(template_id)
            )
            await service.open_approval(
                verified_with(application_id, service_code, draft)
            )
            queued_by_type[service_code].append(application_id)
    pairs = [(code, i) for code, ids in queued_by_type.items() for i in ids]

    responses = await asyncio.gather(
        *[approve(client, application_id) for _, application_id in pairs]
    )

    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    numbers: dict[str, list[str]] = {}
    for (code, _), response in zip(pairs, responses, strict=True):
        numbers.setdefault(code, []).append(response.json()["register_number"])
    for code, issued in numbers.items():
        serials = sorted(int(n[-4:]) for n in issued)
        assert len(set(issued)) == len(issued), code
        assert serials == list(range(serials[0], serials[0] + len(serials))), code

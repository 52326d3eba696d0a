"""Resident pages of intake on real servers: catalogue, form, submit, status."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from minio import Minio
from pymongo import MongoClient

from services.intake.drafts import draft_id
from services.intake.main import create_app
from services.intake.portal.form import to_values
from services.intake.settings import IntakeSettings
from shared.auth import IdentityStore, Role
from shared.broker import EventPublisher
from shared.devstack import Endpoints
from shared.events import Applicant, DocumentSigned, EventType, Topic, new_event
from tests.conftest import settings_values
from tests.support import eventually, resident_headers, running_app, staff_headers
from tools.samples import VILLAGE_CODE, birth_deed_application, birth_deed_papers

pytestmark = pytest.mark.integration

BUCKET = "test-intake-portal"
CHUNK = 64 * 1024


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def app(endpoints: Endpoints, state_dir: Path) -> AsyncIterator[FastAPI]:
    settings = IntakeSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        uploads_bucket=BUCKET,
    )
    application = create_app(settings)
    async with running_app(application):
        yield application


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def staged_keys(endpoints: Endpoints, owner: str, scope: str) -> list[str]:
    minio = Minio(
        endpoints.s3_endpoint,
        access_key=endpoints.s3_access_key,
        secret_key=endpoints.s3_secret_key,
        secure=False,
    )
    prefix = f"drafts/{draft_id(owner, scope)}/"
    return [o.object_name for o in minio.list_objects(BUCKET, prefix, recursive=True)]


def count_applications(endpoints: Endpoints) -> int:
    sync_client: MongoClient[dict[str, Any]]
    with MongoClient(endpoints.mongodb_url) as sync_client:
        return sync_client["dompak_intake"]["applications"].count_documents({})


def fresh_form(seed: int) -> dict[str, Any]:
    """The sample birth-deed form with a child name no other run uses."""
    form = birth_deed_application(seed)
    letters = "".join(chr(ord("a") + int(d)) for d in str(uuid.uuid4().int)[:12])
    form["child"]["name"] = f"Anak {letters.capitalize()}"
    return form


async def upload_photo(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    start_url: str,
    requirement: str,
    data: bytes,
) -> httpx.Response:
    """Create an upload and send `data` in chunks; return the last response."""
    created = await client.post(
        start_url,
        json={
            "requirement": requirement,
            "field": requirement,
            "size": len(data),
            "filename": f"{requirement}.jpg",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    upload_id = created.json()["upload_id"]
    offset = 0
    response = created
    while offset < len(data):
        response = await client.patch(
            f"/unggahan/{upload_id}",
            content=data[offset : offset + CHUNK],
            headers={**headers, "upload-offset": str(offset)},
        )
        assert response.status_code == 200, response.text
        offset = response.json()["offset"]
    return response


@dataclass(frozen=True)
class Submitted:
    application_id: str
    tracking_code: str
    nik: str
    headers: dict[str, str]
    receipt: httpx.Response


async def submit_birth_deed(
    client: httpx.AsyncClient, identity: IdentityStore, seed: int
) -> Submitted:
    form = fresh_form(seed)
    nik = form["applicant"]["nik"]
    headers = await resident_headers(identity, nik, name=form["applicant"]["name"])
    values = to_values(form)
    saved = await client.post(
        "/layanan/birth_deed/ajukan/draf", data=values, headers=headers
    )
    assert saved.status_code == 200
    for requirement, data in birth_deed_papers(seed).items():
        await upload_photo(
            client, headers, "/layanan/birth_deed/ajukan/unggahan", requirement, data
        )

    sent = await client.post(
        "/layanan/birth_deed/ajukan/kirim", data=values, headers=headers
    )

    assert sent.status_code == 303, sent.text
    match = re.fullmatch(
        r"/permohonan/([0-9a-f-]+)/tanda-terima", sent.headers["location"]
    )
    assert match is not None
    receipt = await client.get(sent.headers["location"], headers=headers)
    code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", receipt.text)
    assert code is not None
    return Submitted(match[1], code[0], nik, headers, receipt)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def submitted(client: httpx.AsyncClient, identity: IdentityStore) -> Submitted:
    return await submit_birth_deed(client, identity, seed=41)


# Catalogue -------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="session")
async def test_home_lists_catalogue_for_anonymous(client: httpx.AsyncClient) -> None:
    page = await client.get("/")

    assert page.status_code == 200
    assert page.text.count('class="card service"') == 10
    assert "Akta Kelahiran" in page.text
    assert 'href="/masuk"' in page.text
    assert "Permohonan Anda" not in page.text


@pytest.mark.asyncio(loop_scope="session")
async def test_home_lists_own_applications(
    client: httpx.AsyncClient, submitted: Submitted
) -> None:
    page = await client.get("/", headers=submitted.headers)

    assert "Permohonan Anda" in page.text
    assert f'href="/permohonan/{submitted.application_id}"' in page.text
    assert submitted.tracking_code in page.text


@pytest.mark.asyncio(loop_scope="session")
async def test_service_page_shows_requirements(client: httpx.AsyncClient) -> None:
    anonymous = await client.get("/layanan/birth_deed")

    assert anonymous.status_code == 200
    assert "KTP-el ayah" in anonymous.text
    assert "hanya jika ayah diisi" in anonymous.text
    assert "SPTJM kebenaran data kelahiran" in anonymous.text
    assert "Masuk untuk mengajukan" in anonymous.text


@pytest.mark.asyncio(loop_scope="session")
async def test_service_page_in_english(client: httpx.AsyncClient) -> None:
    page = await client.get("/layanan/kia", headers={"cookie": "lang=en"})

    assert "Child ID card" in page.text or "KIA" in page.text
    assert "only when the child is 5 or older" in page.text


@pytest.mark.asyncio(loop_scope="session")
async def test_unknown_service_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/layanan/passport")

    assert response.status_code == 404


# Form --------------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="session")
async def test_form_generated_from_schema(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await resident_headers(identity, "1217081703940001")

    page = await client.get("/layanan/kk_new/ajukan", headers=headers)

    assert page.status_code == 200
    html = page.text
    assert "<legend>Pemohon</legend>" in html
    assert '<optgroup label="Kec. ' in html
    assert 'name="address.village_code"' in html
    assert (
        'name="members.0.birth_date" id="f-members.0.birth_date" value="" required'
        in html
    )
    assert 'pattern="[0-9]{16}"' in html
    assert '<option value="kepala_keluarga">Kepala keluarga</option>' in html
    assert 'name="members.__i__.nik"' in html
    assert html.count('accept="image/*" capture="environment"') == 6
    assert re.search(r'data-requirement="form_f102">', html)
    assert re.search(r'data-requirement="marriage_proof" hidden>', html)


@pytest.mark.asyncio(loop_scope="session")
async def test_form_needs_sign_in(client: httpx.AsyncClient) -> None:
    api = await client.get("/layanan/kk_new/ajukan")
    page = await client.get("/layanan/kk_new/ajukan", headers={"accept": "text/html"})

    assert api.status_code == 401
    assert page.status_code == 303
    # The test client's host is not the configured intake URL, so the
    # redirect names the intake service's sign-in page in full.
    assert "/masuk" in page.headers["location"]


@pytest.mark.asyncio(loop_scope="session")
async def test_invalid_form_shown_next_to_fields(
    client: httpx.AsyncClient, identity: IdentityStore, endpoints: Endpoints
) -> None:
    form = fresh_form(42)
    headers = await resident_headers(identity, form["applicant"]["nik"])
    values = to_values(form)
    values["child.birth_place"] = "X"
    before = count_applications(endpoints)

    response = await client.post(
        "/layanan/birth_deed/ajukan/kirim", data=values, headers=headers
    )

    assert response.status_code == 422
    assert 'id="e-child.birth_place"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "minimal 2 huruf" in response.text
    assert f'value="{form["child"]["name"]}"' in response.text
    assert count_applications(endpoints) == before


@pytest.mark.asyncio(loop_scope="session")
async def test_missing_photos_shown_at_papers(
    client: httpx.AsyncClient, identity: IdentityStore, endpoints: Endpoints
) -> None:
    form = fresh_form(43)
    headers = await resident_headers(identity, form["applicant"]["nik"])
    before = count_applications(endpoints)

    response = await client.post(
        "/layanan/birth_deed/ajukan/kirim", data=to_values(form), headers=headers
    )

    assert response.status_code == 422
    assert "missing required file(s)" in response.text
    assert count_applications(endpoints) == before


# Submission ----------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="session")
async def test_submit_from_draft_leaves_no_staged_objects(
    app: FastAPI, client: httpx.AsyncClient, endpoints: Endpoints, submitted: Submitted
) -> None:
    document = await app.state.service.get(submitted.application_id)
    owner = f"resident:{submitted.nik}"
    form_page = await client.get(
        "/layanan/birth_deed/ajukan", headers=submitted.headers
    )

    assert document["tracking_code"] == submitted.tracking_code
    assert sorted(document["files"]) == sorted(birth_deed_papers(41))
    assert staged_keys(endpoints, owner, "service:birth_deed") == []
    assert "Draf tersimpan" not in form_page.text


@pytest.mark.asyncio(loop_scope="session")
async def test_receipt_has_code_and_qr(submitted: Submitted) -> None:
    html = submitted.receipt.text

    assert submitted.receipt.status_code == 200
    assert "Rosmaida Situmorang" in html
    assert "Akta Kelahiran" in html
    assert "<svg" in html
    assert f"/permohonan/{submitted.application_id}</span>" in html
    assert "<script>" not in html


# Status ---------------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="session")
async def test_status_page_and_timeline(
    client: httpx.AsyncClient, submitted: Submitted
) -> None:
    page = await client.get(
        f"/permohonan/{submitted.application_id}", headers=submitted.headers
    )
    fragment = await client.get(
        f"/permohonan/{submitted.application_id}/linimasa", headers=submitted.headers
    )

    assert page.status_code == 200
    assert submitted.tracking_code in page.text
    assert 'hx-trigger="every 15s"' in page.text
    assert f"/obrolan/{submitted.application_id}" in page.text
    assert fragment.status_code == 200
    assert "Diajukan" in fragment.text
    assert "<html" not in fragment.text


@pytest.mark.parametrize(
    "path",
    ["", "/linimasa", "/tanda-terima"],
)
@pytest.mark.asyncio(loop_scope="session")
async def test_other_resident_gets_not_found(
    client: httpx.AsyncClient, identity: IdentityStore, submitted: Submitted, path: str
) -> None:
    other = await resident_headers(identity, "1217085505900002")

    response = await client.get(
        f"/permohonan/{submitted.application_id}{path}", headers=other
    )

    assert response.status_code == 404


@pytest.mark.asyncio(loop_scope="session")
async def test_resubmission_of_requested_paper(
    app: FastAPI,
    client: httpx.AsyncClient,
    identity: IdentityStore,
    endpoints: Endpoints,
) -> None:
    mine = await submit_birth_deed(client, identity, seed=44)
    front_office = await staff_headers(identity, Role.FRONT_OFFICE)
    requested = await client.post(
        f"/applications/{mine.application_id}/request-documents",
        json={"missing": [{"requirement": "family_card", "reason": "Foto KK buram"}]},
        headers=front_office,
    )
    assert requested.status_code == 200, requested.text
    base = f"/permohonan/{mine.application_id}"
    other = await resident_headers(identity, "1217085505900003")

    page = await client.get(base, headers=mine.headers)
    not_requested = await client.post(
        f"{base}/unggahan",
        json={"requirement": "birth_letter", "field": "birth_letter", "size": 10},
        headers=mine.headers,
    )
    foreign = await client.post(
        f"{base}/unggahan",
        json={"requirement": "family_card", "field": "family_card", "size": 10},
        headers=other,
    )
    photo = birth_deed_papers(45)["family_card"]
    last = await upload_photo(
        client, mine.headers, f"{base}/unggahan", "family_card", photo
    )
    sent = await client.post(f"{base}/berkas", headers=mine.headers)

    assert "Foto KK buram" in page.text
    assert f'data-upload="{base}/unggahan"' in page.text
    assert not_requested.status_code == 422
    assert foreign.status_code == 404
    assert last.json()["complete"] is True
    assert sent.status_code == 303
    document = await app.state.service.get(mine.application_id)
    assert document["intake_status"] == "resubmitted"
    owner = f"resident:{mine.nik}"
    assert staged_keys(endpoints, owner, f"resubmit:{mine.application_id}") == []


@pytest.mark.asyncio(loop_scope="session")
async def test_resubmission_without_photo_rejected(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    mine = await submit_birth_deed(client, identity, seed=46)
    front_office = await staff_headers(identity, Role.FRONT_OFFICE)
    await client.post(
        f"/applications/{mine.application_id}/request-documents",
        json={"missing": [{"requirement": "family_card", "reason": "Foto KK buram"}]},
        headers=front_office,
    )

    sent = await client.post(
        f"/permohonan/{mine.application_id}/berkas", headers=mine.headers
    )

    assert sent.status_code == 422
    assert "Kirim berkas" in sent.text


# Access ------------------------------------------------------------------------

OWN_PAGES = ("", "/linimasa", "/tanda-terima")
# Expected status of each application page per kind of caller.
ACCESS = {
    "anonymous": 401,
    "owner": 200,
    "other_resident": 404,
    # The resident applied alone, so officials of the village do not see it.
    "village_official": 404,
    "other_village_official": 404,
    "front_office": 401,
}


async def caller_headers(
    identity: IdentityStore, caller: str, owner: Submitted
) -> dict[str, str]:
    if caller == "owner":
        return owner.headers
    if caller == "other_resident":
        return await resident_headers(identity, "1217085505900004")
    if caller == "village_official":
        return await staff_headers(identity, Role.VILLAGE, village_code=VILLAGE_CODE)
    if caller == "other_village_official":
        return await staff_headers(identity, Role.VILLAGE, village_code="12.17.01.2001")
    if caller == "front_office":
        return await staff_headers(identity, Role.FRONT_OFFICE)
    return {}


@pytest.mark.parametrize("caller", sorted(ACCESS))
@pytest.mark.parametrize("path", OWN_PAGES)
@pytest.mark.asyncio(loop_scope="session")
async def test_application_pages_access(
    client: httpx.AsyncClient,
    identity: IdentityStore,
    submitted: Submitted,
    caller: str,
    path: str,
) -> None:
    headers = await caller_headers(identity, caller, submitted)

    response = await client.get(
        f"/permohonan/{submitted.application_id}{path}", headers=headers
    )

    assert response.status_code == ACCESS[caller]


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("anonymous", 401),
        ("owner", 200),
        ("village_official", 200),
        ("front_office", 401),
    ],
)
@pytest.mark.parametrize("path", ["/", "/layanan/kia", "/layanan/kia/ajukan"])
@pytest.mark.asyncio(loop_scope="session")
async def test_catalogue_and_form_access(
    client: httpx.AsyncClient,
    identity: IdentityStore,
    submitted: Submitted,
    caller: str,
    expected: int,
    path: str,
) -> None:
    headers = await caller_headers(identity, caller, submitted)
    public = path != "/layanan/kia/ajukan"

    response = await client.get(path, headers=headers)

    assert response.status_code == (200 if public else expected)


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("anonymous", 401),
        ("owner", 422),
        ("other_resident", 404),
        ("front_office", 401),
    ],
)
@pytest.mark.asyncio(loop_scope="session")
async def test_resubmit_upload_access(
    client: httpx.AsyncClient,
    identity: IdentityStore,
    submitted: Submitted,
    caller: str,
    expected: int,
) -> None:
    headers = await caller_headers(identity, caller, submitted)

    response = await client.post(
        f"/permohonan/{submitted.application_id}/unggahan",
        json={"requirement": "family_card", "field": "family_card", "size": 10},
        headers=headers,
    )

    # The owner passes the access check and is then told that no paper is
    # requested, because the application was not sent back.
    assert response.status_code == expected


@pytest.mark.asyncio(loop_scope="session")
async def test_signed_document_download_link(
    app: FastAPI,
    client: httpx.AsyncClient,
    identity: IdentityStore,
    endpoints: Endpoints,
) -> None:
    mine = await submit_birth_deed(client, identity, seed=47)
    document = await app.state.service.get(mine.application_id)
    document_id = str(uuid.uuid4())
    signed = new_event(
        source="/dompak/signing",
        event_type=EventType.DOCUMENT_SIGNED,
        application_id=mine.application_id,
        payload=DocumentSigned(
            document_id=document_id,
            service_code="birth_deed",
            tracking_code=mine.tracking_code,
            register_number="1217-LT-04122026-0999",
            object_key=f"documents/{document_id}.pdf",
            sha256="0" * 64,
            subject_name=document["form"]["child"]["name"],
            applicant=Applicant.model_validate(document["applicant"]),
            village_code=document["village_code"],
            signed_at=datetime.now(UTC),
            actor="kadis.uji",
        ),
    )
    publisher = EventPublisher(endpoints.kafka_bootstrap, client_id="test-portal")
    try:
        await publisher.publish(Topic.SIGNING, signed)
    finally:
        publisher.close()
    fragment_url = f"/permohonan/{mine.application_id}/linimasa"

    async def link_shown() -> str | None:
        fragment = await client.get(fragment_url, headers=mine.headers)
        return fragment.text if "/unduh" in fragment.text else None

    html = await eventually(link_shown, what="the download link on the timeline")

    assert f"/dokumen/{document_id}/unduh" in html
    assert "1217-LT-04122026-0999" in html
    assert "Ditandatangani secara elektronik" in html

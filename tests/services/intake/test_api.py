"""Intake API on the real servers: submission, bad input, front-office actions."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from minio import Minio
from PIL import Image
from pymongo import MongoClient

from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.devstack import Endpoints
from tests.conftest import settings_values
from tests.support import running_app
from tools.samples import birth_deed_application, birth_deed_papers

pytestmark = pytest.mark.integration

BUCKET = "test-intake-uploads"
MAX_UPLOAD_BYTES = 200_000


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def client(
    endpoints: Endpoints, state_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = IntakeSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        uploads_bucket=BUCKET,
        max_upload_bytes=MAX_UPLOAD_BYTES,
    )
    async with running_app(create_app(settings)) as running:
        yield running


def stored_state(endpoints: Endpoints) -> tuple[int, int]:
    """Count stored applications and uploaded objects."""
    minio = Minio(
        endpoints.s3_endpoint,
        access_key=endpoints.s3_access_key,
        secret_key=endpoints.s3_secret_key,
        secure=False,
    )
    objects = sum(1 for _ in minio.list_objects(BUCKET, recursive=True))
    sync_client: MongoClient[dict[str, Any]]
    with MongoClient(endpoints.mongodb_url) as sync_client:
        documents = sync_client["dompak_intake"]["applications"].count_documents({})
    return documents, objects


def multipart(form: dict[str, Any] | None, papers: dict[str, bytes]) -> dict[str, Any]:
    data = {"application": json.dumps(form)} if form is not None else {}
    files = [
        (name, (f"{name}.jpg", blob, "image/jpeg")) for name, blob in papers.items()
    ]
    return {"data": data, "files": files}


async def submit(client: httpx.AsyncClient, seed: int = 1) -> dict[str, Any]:
    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(birth_deed_application(seed), birth_deed_papers(seed)),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_submit_returns_tracking_code(client: httpx.AsyncClient) -> None:
    body = await submit(client)
    assert len(body["tracking_code"]) == 14
    assert body["status"] == "submitted"


async def test_submit_strips_exif_from_stored_photo(client: httpx.AsyncClient) -> None:
    papers = birth_deed_papers(2)
    image = Image.open(io.BytesIO(papers["family_card"]))
    exif = Image.Exif()
    exif[0x010F] = "KameraContoh"  # Make
    with_exif = io.BytesIO()
    image.save(with_exif, format="JPEG", exif=exif)
    papers["family_card"] = with_exif.getvalue()
    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(birth_deed_application(2), papers),
    )
    application_id = response.json()["application_id"]
    stored = await client.get(f"/applications/{application_id}/files/family_card")
    assert stored.status_code == 200
    assert b"KameraContoh" not in stored.content
    assert not Image.open(io.BytesIO(stored.content)).getexif()


def _bad_nik(form: dict[str, Any]) -> None:
    form["mother"]["nik"] = "12170812345"


def _future_birth(form: dict[str, Any]) -> None:
    form["child"]["birth_date"] = "2999-01-01"


BAD_FORMS = {
    "invalid_nik": (_bad_nik, "12170812345"),
    "future_birth_date": (_future_birth, "2999-01-01"),
}


@pytest.mark.parametrize("case", sorted(BAD_FORMS))
async def test_submit_rejects_bad_form_and_stores_nothing(
    client: httpx.AsyncClient, endpoints: Endpoints, case: str
) -> None:
    change, value = BAD_FORMS[case]
    form = birth_deed_application(3)
    change(form)
    before = stored_state(endpoints)
    response = await client.post(
        "/services/birth_deed/applications", **multipart(form, birth_deed_papers(3))
    )
    assert response.status_code == 422
    assert value in response.json()["message"]
    assert stored_state(endpoints) == before


def _drop_birth_letter(papers: dict[str, bytes]) -> None:
    del papers["birth_letter"]


def _pdf_as_photo(papers: dict[str, bytes]) -> None:
    papers["birth_letter"] = b"%PDF-1.7\n% not a photo\n"


def _oversize(papers: dict[str, bytes]) -> None:
    papers["family_card"] = b"\xff\xd8\xff" + b"0" * MAX_UPLOAD_BYTES


BAD_FILES = {
    "missing_file": (_drop_birth_letter, 422, "birth_letter"),
    "not_an_image": (_pdf_as_photo, 422, "not a JPEG or PNG"),
    "oversize_file": (_oversize, 413, str(MAX_UPLOAD_BYTES)),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
async def test_submit_rejects_bad_file_and_stores_nothing(
    client: httpx.AsyncClient, endpoints: Endpoints, case: str
) -> None:
    change, status, fragment = BAD_FILES[case]
    papers = birth_deed_papers(4)
    change(papers)
    before = stored_state(endpoints)
    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(birth_deed_application(4), papers),
    )
    assert response.status_code == status
    assert fragment in response.json()["message"]
    assert stored_state(endpoints) == before


async def test_submit_rejects_broken_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/services/birth_deed/applications",
        data={"application": "{not json"},
        files=[("birth_letter", ("a.jpg", birth_deed_papers(5)["birth_letter"]))],
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["message"]


async def test_accept_unknown_application_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/applications/no-such-id/accept", json={"actor": "fo.test"}
    )
    assert response.status_code == 404
    assert "no-such-id" in response.json()["message"]


async def test_accept_twice_is_conflict(client: httpx.AsyncClient) -> None:
    application_id = (await submit(client, 6))["application_id"]
    first = await client.post(
        f"/applications/{application_id}/accept", json={"actor": "fo.test"}
    )
    second = await client.post(
        f"/applications/{application_id}/accept", json={"actor": "fo.test"}
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert "accepted" in second.json()["message"]


async def test_concurrent_accepts_let_one_win(client: httpx.AsyncClient) -> None:
    application_id = (await submit(client, 7))["application_id"]
    responses = await asyncio.gather(
        *[
            client.post(
                f"/applications/{application_id}/accept", json={"actor": f"fo.{i}"}
            )
            for i in range(5)
        ]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409, 409, 409, 409]


async def test_request_documents_then_resubmit(client: httpx.AsyncClient) -> None:
    body = await submit(client, 8)
    application_id, code = body["application_id"], body["tracking_code"]
    asked = await client.post(
        f"/applications/{application_id}/request-documents",
        json={
            "actor": "fo.test",
            "missing": [{"requirement": "family_card", "reason": "Foto terpotong"}],
        },
    )
    wrong = await client.post(
        f"/track/{code}/files",
        files=[("birth_letter", ("b.jpg", birth_deed_papers(8)["birth_letter"]))],
    )
    right = await client.post(
        f"/track/{code}/files",
        files=[("family_card", ("k.jpg", birth_deed_papers(9)["family_card"]))],
    )
    assert asked.json()["intake_status"] == "documents_requested"
    assert wrong.status_code == 422
    assert "family_card" in wrong.json()["message"]
    assert right.status_code == 200
    assert right.json()["intake_status"] == "resubmitted"


async def test_resubmit_without_request_is_conflict(client: httpx.AsyncClient) -> None:
    code = (await submit(client, 10))["tracking_code"]
    response = await client.post(
        f"/track/{code}/files",
        files=[("family_card", ("k.jpg", birth_deed_papers(10)["family_card"]))],
    )
    assert response.status_code == 409


async def test_track_unknown_code_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/track/AAAA-BBBB-CCCC")
    assert response.status_code == 404
    assert "AAAA-BBBB-CCCC" in response.json()["message"]

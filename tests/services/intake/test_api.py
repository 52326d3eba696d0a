"""Intake API on the real servers: submission, bad input, front-office actions."""

from __future__ import annotations

import asyncio
import io
import json
import struct
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
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
from shared.auth import IdentityStore, Role
from shared.broker import EventPublisher
from shared.catalogue import load_catalogue, required_uploads
from shared.devstack import Endpoints
from shared.events import ApplicationRejected, EventType, Topic, new_event
from shared.settings import REPOSITORY
from tests.conftest import settings_values
from tests.support import eventually, resident_headers, running_app, staff_headers
from tools.samples import (
    application_form,
    birth_deed_application,
    birth_deed_papers,
    paper_photo,
)

pytestmark = pytest.mark.integration

BUCKET = "test-intake-uploads"
MAX_UPLOAD_BYTES = 200_000
# A made-up resident who submits for the sample forms' applicants (family).
RESIDENT_NIK = "1217085703900007"


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def client(
    endpoints: Endpoints, state_dir: Path, identity: IdentityStore
) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as one resident, who submits and tracks every test's
    applications; staff calls pass their own headers, which replace these."""
    settings = IntakeSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        uploads_bucket=BUCKET,
        max_upload_bytes=MAX_UPLOAD_BYTES,
    )
    async with running_app(create_app(settings)) as running:
        running.headers.update(await resident_headers(identity, RESIDENT_NIK))
        yield running


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def staff(identity: IdentityStore) -> dict[str, str]:
    """Headers of a front-office session."""
    return await staff_headers(identity, Role.FRONT_OFFICE)


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


def fresh_application(seed: int) -> dict[str, Any]:
    """Return the sample birth-deed form with a child name no other test uses, so
    the duplicate check lets it through however often the suite runs."""
    form = birth_deed_application(seed)
    letters = "".join(chr(ord("a") + int(d)) for d in str(uuid.uuid4().int)[:12])
    form["child"]["name"] = f"Anak {letters.capitalize()}"
    return form


def multipart(form: dict[str, Any] | None, papers: dict[str, bytes]) -> dict[str, Any]:
    data = {"application": json.dumps(form)} if form is not None else {}
    files = [
        (name, (f"{name}.jpg", blob, "image/jpeg")) for name, blob in papers.items()
    ]
    return {"data": data, "files": files}


async def submit(client: httpx.AsyncClient, seed: int = 1) -> dict[str, Any]:
    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(fresh_application(seed), birth_deed_papers(seed)),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_submit_returns_tracking_code(client: httpx.AsyncClient) -> None:
    body = await submit(client)
    assert len(body["tracking_code"]) == 14
    assert body["status"] == "submitted"


async def test_submit_strips_exif_from_stored_photo(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    papers = birth_deed_papers(2)
    image = Image.open(io.BytesIO(papers["family_card"]))
    exif = Image.Exif()
    exif[0x010F] = "KameraContoh"  # Make
    with_exif = io.BytesIO()
    image.save(with_exif, format="JPEG", exif=exif)
    papers["family_card"] = with_exif.getvalue()
    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(fresh_application(2), papers),
    )
    application_id = response.json()["application_id"]
    stored = await client.get(
        f"/applications/{application_id}/files/family_card", headers=staff
    )
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
    form = fresh_application(3)
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
        **multipart(fresh_application(4), papers),
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


async def test_accept_unknown_application_is_404(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    response = await client.post("/applications/no-such-id/accept", headers=staff)
    assert response.status_code == 404
    assert "no-such-id" in response.json()["message"]


async def test_accept_twice_is_conflict(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    application_id = (await submit(client, 6))["application_id"]
    first = await client.post(f"/applications/{application_id}/accept", headers=staff)
    second = await client.post(f"/applications/{application_id}/accept", headers=staff)
    assert first.status_code == 200
    assert second.status_code == 409
    assert "accepted" in second.json()["message"]


async def test_concurrent_accepts_let_one_win(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = (await submit(client, 7))["application_id"]
    sessions = [await staff_headers(identity, Role.FRONT_OFFICE) for _ in range(5)]
    responses = await asyncio.gather(
        *[
            client.post(f"/applications/{application_id}/accept", headers=headers)
            for headers in sessions
        ]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409, 409, 409, 409]


async def test_request_documents_then_resubmit(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    body = await submit(client, 8)
    application_id, code = body["application_id"], body["tracking_code"]
    requested = await client.post(
        f"/applications/{application_id}/request-documents",
        json={
            "missing": [{"requirement": "family_card", "reason": "Foto terpotong"}],
        },
        headers=staff,
    )
    wrong = await client.post(
        f"/track/{code}/files",
        files=[("birth_letter", ("b.jpg", birth_deed_papers(8)["birth_letter"]))],
    )
    right = await client.post(
        f"/track/{code}/files",
        files=[("family_card", ("k.jpg", birth_deed_papers(9)["family_card"]))],
    )
    assert requested.json()["intake_status"] == "documents_requested"
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


def count_subjects(endpoints: Endpoints) -> int:
    sync_client: MongoClient[dict[str, Any]]
    with MongoClient(endpoints.mongodb_url) as sync_client:
        return sync_client["dompak_intake"]["subjects"].count_documents({})


async def test_submit_duplicate_names_existing_code(
    client: httpx.AsyncClient, endpoints: Endpoints
) -> None:
    form = fresh_application(11)
    first = await client.post(
        "/services/birth_deed/applications",
        **multipart(form, birth_deed_papers(11)),
    )
    before = stored_state(endpoints)
    form["child"]["name"] = form["child"]["name"].upper()
    form["applicant"]["relationship"] = "ayah"
    second = await client.post(
        "/services/birth_deed/applications",
        **multipart(form, birth_deed_papers(11)),
    )

    code = first.json()["tracking_code"]
    assert first.status_code == 201
    assert second.status_code == 409
    assert "submitted already" in second.json()["message"]
    assert code not in second.text
    assert stored_state(endpoints) == before


async def test_concurrent_identical_submissions_let_one_win(
    client: httpx.AsyncClient, endpoints: Endpoints
) -> None:
    form = fresh_application(12)
    papers = birth_deed_papers(12)
    before = stored_state(endpoints)
    subjects_before = count_subjects(endpoints)

    responses = await asyncio.gather(
        *[
            client.post("/services/birth_deed/applications", **multipart(form, papers))
            for _ in range(5)
        ]
    )

    created = [r for r in responses if r.status_code == 201]
    rejected = [r for r in responses if r.status_code == 409]
    assert len(created) == 1
    assert len(rejected) == 4
    code = created[0].json()["tracking_code"]
    assert all("submitted already" in r.json()["message"] for r in rejected)
    assert all(code not in r.text for r in rejected)
    applications, objects = stored_state(endpoints)
    assert applications == before[0] + 1
    assert objects == before[1] + len(papers)
    assert count_subjects(endpoints) == subjects_before + 1


async def test_rejected_application_can_be_submitted_again(
    client: httpx.AsyncClient, endpoints: Endpoints
) -> None:
    form = fresh_application(13)
    papers = birth_deed_papers(13)
    path = "/services/birth_deed/applications"
    first = await client.post(path, **multipart(form, papers))
    application_id = first.json()["application_id"]
    rejected = new_event(
        source="/dompak/signing",
        event_type=EventType.APPLICATION_REJECTED,
        application_id=application_id,
        payload=ApplicationRejected(
            stage="signing", reason="Nama anak salah tulis", actor="kadis.test"
        ),
    )
    publisher = EventPublisher(endpoints.kafka_bootstrap, client_id="test-intake")
    try:
        await publisher.publish(Topic.SIGNING, rejected)
    finally:
        publisher.close()

    async def rejection_shown() -> bool:
        view = await client.get(f"/track/{first.json()['tracking_code']}")
        return bool(view.json()["status"] == "rejected")

    await eventually(rejection_shown, what="the rejection on the timeline")
    again = await client.post(path, **multipart(form, papers))

    assert first.status_code == 201
    assert again.status_code == 201, again.text
    assert again.json()["application_id"] != application_id


def _gradient_png(width: int, height: int) -> bytes:
    """Encode a smooth picture: a few KB per million pixels, slow to re-encode."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


async def test_submit_heavy_photos_keep_health_answering(
    client: httpx.AsyncClient,
) -> None:
    papers = birth_deed_papers(14)
    heavy = _gradient_png(4000, 4000)
    for field in ("birth_letter", "family_card", "form_f201"):
        papers[field] = heavy
    started = time.perf_counter()
    submission = asyncio.create_task(
        client.post(
            "/services/birth_deed/applications",
            **multipart(fresh_application(14), papers),
        )
    )
    waits: list[float] = []
    while not submission.done():
        requested = time.perf_counter()
        health = await client.get("/health")
        waits.append(time.perf_counter() - requested)
        assert health.status_code == 200
        await asyncio.sleep(0.01)
    response = await submission
    duration = time.perf_counter() - started

    assert response.status_code == 201, response.text
    assert len(waits) >= 5
    # Each heavy photo takes about a third of the submission; decoded on the
    # event loop, one /health call would wait that long.
    assert max(waits) < duration / 6


async def test_submit_implausibly_small_photo_rejected(
    client: httpx.AsyncClient, endpoints: Endpoints
) -> None:
    small = io.BytesIO()
    Image.new("L", (16, 16), 128).save(small, format="JPEG")
    data = bytearray(small.getvalue())
    frame = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, frame + 5, 6300, 6300)
    papers = birth_deed_papers(15)
    papers["family_card"] = bytes(data)
    before = stored_state(endpoints)

    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(fresh_application(15), papers),
    )

    assert response.status_code == 422
    message = response.json()["message"]
    assert "'family_card.jpg'" in message
    assert "6300x6300 pixels" in message
    assert f"only {len(data)} bytes" in message
    assert stored_state(endpoints) == before


async def test_resubmit_unrequested_paper_rejected(
    client: httpx.AsyncClient, endpoints: Endpoints, staff: dict[str, str]
) -> None:
    body = await submit(client, 16)
    application_id, code = body["application_id"], body["tracking_code"]
    await client.post(
        f"/applications/{application_id}/request-documents",
        json={"missing": [{"requirement": "birth_letter", "reason": "Buram"}]},
        headers=staff,
    )
    stored_before = (
        await client.get(f"/applications/{application_id}", headers=staff)
    ).json()
    objects_before = stored_state(endpoints)[1]
    papers = birth_deed_papers(17)

    response = await client.post(
        f"/track/{code}/files",
        files=[
            ("birth_letter", ("b.jpg", papers["birth_letter"])),
            ("family_card", ("k.jpg", papers["family_card"])),
        ],
    )

    stored_after = (
        await client.get(f"/applications/{application_id}", headers=staff)
    ).json()
    assert response.status_code == 422
    assert "family_card were not requested" in response.json()["message"]
    assert "birth_letter" in response.json()["message"]
    assert response.json()["detail"]["unexpected"] == ["family_card"]
    assert stored_after["intake_status"] == "documents_requested"
    assert stored_after["required_files"] == stored_before["required_files"]
    assert stored_state(endpoints)[1] == objects_before


def _raw_multipart(boundary: str, parts: list[tuple[str, str | None, bytes]]) -> bytes:
    """Build a multipart body by hand: (field name, file name or None, content)."""
    chunks = []
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        chunks.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(chunks) + f"--{boundary}--\r\n".encode()


def _application_part(seed: int) -> tuple[str, None, bytes]:
    return ("application", None, json.dumps(fresh_application(seed)).encode())


def _photo_part(field: str, filename: str) -> tuple[str, str, bytes]:
    return (field, filename, birth_deed_papers(18)[field])


# Each hostile body: (content type, body, status, fragment of the message).
HOSTILE_BODIES: dict[str, tuple[str, bytes, int, str]] = {
    "invalid_multipart": (
        "multipart/form-data; boundary=xyz",
        b"this is not multipart at all",
        422,
        "the multipart body could not be read",
    ),
    "missing_boundary": (
        "multipart/form-data",
        _raw_multipart("xyz", [_application_part(18)]),
        422,
        "names no multipart boundary",
    ),
    "unnamed_part": (
        "multipart/form-data; boundary=xyz",
        b"--xyz\r\nContent-Disposition: form-data\r\n\r\n{}\r\n--xyz--\r\n",
        422,
        "a part of the form has no name",
    ),
    "filename_5000_characters": (
        "multipart/form-data; boundary=xyz",
        _raw_multipart(
            "xyz",
            [_application_part(18), _photo_part("birth_letter", "a" * 5000 + ".jpg")],
        ),
        422,
        "at most 255 characters",
    ),
    "filename_300_characters": (
        "multipart/form-data; boundary=xyz",
        _raw_multipart(
            "xyz",
            [_application_part(18), _photo_part("birth_letter", "a" * 296 + ".jpg")],
        ),
        422,
        "has 300 characters, more than 255",
    ),
    "application_twice": (
        "multipart/form-data; boundary=xyz",
        _raw_multipart("xyz", [_application_part(18), _application_part(19)]),
        422,
        "send the application field once",
    ),
    "application_as_file": (
        "multipart/form-data; boundary=xyz",
        _raw_multipart("xyz", [("application", "form.json", b"{}")]),
        422,
        "send the JSON as a text field",
    ),
    "application_over_256_kb": (
        "multipart/form-data; boundary=xyz",
        _raw_multipart("xyz", [("application", None, b" " * 300_000 + b"{}")]),
        413,
        f"larger than {256 * 1024} bytes",
    ),
    "too_many_files": (
        "multipart/form-data; boundary=xyz",
        _raw_multipart("xyz", [_photo_part("birth_letter", "b.jpg")] * 21),
        413,
        "more than 20 files",
    ),
    "eleven_text_fields": (
        "multipart/form-data; boundary=xyz",
        _raw_multipart("xyz", [(f"note{i}", None, b"x") for i in range(11)]),
        413,
        "more than 10 text fields",
    ),
    "body_over_limit": (
        "multipart/form-data; boundary=xyz",
        _raw_multipart("xyz", [("birth_letter", "b.jpg", b"\xff" * 5_000_000)]),
        413,
        "the request body has",
    ),
    "url_encoded": (
        "application/x-www-form-urlencoded",
        b"application=%7B%7D",
        422,
        "send multipart/form-data",
    ),
    "deeply_nested_json": (
        "multipart/form-data; boundary=xyz",
        _raw_multipart("xyz", [("application", None, b"[" * 100_000)]),
        422,
        "the application JSON is nested too deeply",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_BODIES))
async def test_submit_hostile_body_rejected_plainly(
    client: httpx.AsyncClient, endpoints: Endpoints, case: str
) -> None:
    content_type, body, status, fragment = HOSTILE_BODIES[case]
    before = stored_state(endpoints)

    response = await client.post(
        "/services/birth_deed/applications",
        content=body,
        headers={"content-type": content_type},
    )

    assert response.status_code == status, response.text
    assert fragment in response.json()["message"]
    assert response.json()["error"] in {"validation_failed", "payload_too_large"}
    assert stored_state(endpoints) == before


async def test_submit_invalid_email_explained(
    client: httpx.AsyncClient,
) -> None:
    form = fresh_application(20)
    form["applicant"]["email"] = "rosmaida@localhost"

    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(form, birth_deed_papers(20)),
    )

    message = response.json()["message"]
    assert response.status_code == 422
    assert "applicant.email" in message
    assert "'rosmaida@localhost'" in message
    assert "nama@contoh.id" in message


async def test_submit_name_in_other_script_rejected(
    client: httpx.AsyncClient,
) -> None:
    form = fresh_application(21)
    form["child"]["name"] = "王小明"

    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(form, birth_deed_papers(21)),
    )

    assert response.status_code == 422
    assert "'王' (CJK UNIFIED IDEOGRAPH-738B)" in response.json()["message"]


async def test_queue_flags_late_death_report(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    form = application_form("death_deed", seed=uuid.uuid4().int % 10**6)
    form["death_date"] = (date.today() - timedelta(days=45)).isoformat()
    entry = load_catalogue(REPOSITORY / "config" / "catalogue.toml").service(
        "death_deed"
    )
    papers = {
        r.code: paper_photo(r.name_id, seed=3)
        for r in required_uploads(entry, form, today=date.today())
    }
    response = await client.post(
        "/services/death_deed/applications", **multipart(form, papers)
    )
    queue = (await client.get("/front-office/queue", headers=staff)).json()

    item = next(
        i for i in queue if i["application_id"] == response.json()["application_id"]
    )
    assert response.status_code == 201, response.text
    assert item["service_code"] == "death_deed"
    assert item["standard_days"] == entry.standard_days
    assert item["overdue"] is False
    assert len(item["flags"]) == 1
    # 45 days by the server's date; the office's date may already be a day on.
    assert "days after the event" in item["flags"][0]


async def test_catalogue_and_form_schema_published(client: httpx.AsyncClient) -> None:
    services = (await client.get("/services")).json()
    schema = (await client.get("/services/kia/form-schema")).json()
    unknown = await client.get("/services/passport/form-schema")

    assert len(services) == 10
    assert "child" in schema["properties"]
    assert unknown.status_code == 404
    assert "kia" in unknown.json()["message"]

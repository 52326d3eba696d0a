"""Saved drafts and resumable photo uploads of the resident pages, on real servers."""

from __future__ import annotations

import asyncio
import io
import random
import socket
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI
from minio import Minio
from PIL import Image

from services.intake.drafts import MAX_CHUNK_BYTES, draft_id
from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.auth import IdentityStore
from shared.devstack import Endpoints
from tests.conftest import settings_values
from tests.support import eventually, resident_headers, running_app
from tools.samples import paper_photo

pytestmark = pytest.mark.integration

BUCKET = "test-intake-drafts"
SERVICE = "birth_deed"
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


def new_nik() -> str:
    return f"121708{uuid.uuid4().int % 10**10:010d}"


def staged_keys(endpoints: Endpoints, nik: str, scope: str) -> list[str]:
    """List the S3 objects staged for one resident's draft."""
    minio = Minio(
        endpoints.s3_endpoint,
        access_key=endpoints.s3_access_key,
        secret_key=endpoints.s3_secret_key,
        secure=False,
    )
    prefix = f"drafts/{draft_id(f'resident:{nik}', scope)}/"
    return [o.object_name for o in minio.list_objects(BUCKET, prefix, recursive=True)]


def large_photo(seed: int) -> bytes:
    """A JPEG of a few chunks, so an upload takes several PATCH requests.

    A sample paper compresses to one chunk, so grain (random pixels) is
    laid over it, as a dim phone photo has.
    """
    paper = Image.open(io.BytesIO(paper_photo("KARTU KELUARGA", seed=seed)))
    grain = Image.frombytes(
        "RGB", paper.size, random.Random(seed).randbytes(paper.width * paper.height * 3)
    )
    output = io.BytesIO()
    Image.blend(paper.convert("RGB"), grain, 0.25).save(output, "JPEG", quality=85)
    return output.getvalue()


async def start(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    size: int,
    requirement: str = "family_card",
) -> httpx.Response:
    return await client.post(
        f"/layanan/{SERVICE}/ajukan/unggahan",
        json={
            "requirement": requirement,
            "field": requirement,
            "size": size,
            "filename": "kk.jpg",
        },
        headers=headers,
    )


async def patch(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    upload_id: str,
    offset: int,
    chunk: bytes,
) -> httpx.Response:
    return await client.patch(
        f"/unggahan/{upload_id}",
        content=chunk,
        headers={
            **headers,
            "upload-offset": str(offset),
            "content-type": "application/offset+octet-stream",
        },
    )


async def send_from(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    upload_id: str,
    data: bytes,
    offset: int,
) -> httpx.Response:
    """Send the rest of `data` from `offset` in chunks; return the last response."""
    response = None
    while offset < len(data):
        response = await patch(
            client, headers, upload_id, offset, data[offset : offset + CHUNK]
        )
        assert response.status_code == 200, response.text
        offset = response.json()["offset"]
    assert response is not None
    return response


async def head_offset(
    client: httpx.AsyncClient, headers: dict[str, str], upload_id: str
) -> int:
    response = await client.head(f"/unggahan/{upload_id}", headers=headers)
    assert response.status_code == 200
    return int(response.headers["upload-offset"])


@pytest.mark.asyncio(loop_scope="session")
async def test_chunked_upload_stages_clean_photo(
    client: httpx.AsyncClient, identity: IdentityStore, endpoints: Endpoints
) -> None:
    nik = new_nik()
    headers = await resident_headers(identity, nik)
    data = large_photo(1)
    assert len(data) > 2 * CHUNK

    created = await start(client, headers, len(data))
    assert created.status_code == 201, created.text
    state = created.json()
    assert state["offset"] == 0
    last = await send_from(client, headers, state["upload_id"], data, 0)

    assert last.json()["complete"] is True
    assert last.json()["photo"]["filename"] == "kk.jpg"
    keys = staged_keys(endpoints, nik, f"service:{SERVICE}")
    assert len(keys) == 1
    assert "/photos/family_card-" in keys[0]
    gone = await client.head(f"/unggahan/{state['upload_id']}", headers=headers)
    assert gone.status_code == 404


@pytest.mark.asyncio(loop_scope="session")
async def test_wrong_offset_rejected_with_stored_offset(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await resident_headers(identity, new_nik())
    data = large_photo(2)
    upload_id = (await start(client, headers, len(data))).json()["upload_id"]
    first = await patch(client, headers, upload_id, 0, data[:CHUNK])
    assert first.status_code == 200

    skipped = await patch(client, headers, upload_id, 2 * CHUNK, data[2 * CHUNK :])
    repeated = await patch(client, headers, upload_id, 0, data[:CHUNK])

    assert skipped.status_code == 409
    assert skipped.json()["detail"]["offset"] == CHUNK
    assert repeated.status_code == 409
    assert await head_offset(client, headers, upload_id) == CHUNK


@pytest.mark.asyncio(loop_scope="session")
async def test_missing_offset_header_rejected(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await resident_headers(identity, new_nik())
    upload_id = (await start(client, headers, 1000)).json()["upload_id"]

    response = await client.patch(
        f"/unggahan/{upload_id}", content=b"x" * 10, headers=headers
    )

    assert response.status_code == 422
    assert "Upload-Offset" in response.json()["message"]


@pytest.mark.asyncio(loop_scope="session")
async def test_oversized_uploads_rejected(
    app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await resident_headers(identity, new_nik())
    limit = app.state.max_upload_bytes

    too_big = await start(client, headers, limit + 1)
    upload_id = (await start(client, headers, 100)).json()["upload_id"]
    past_end = await patch(client, headers, upload_id, 0, b"\xff" * 101)
    huge_chunk = await patch(
        client, headers, upload_id, 0, b"\xff" * (MAX_CHUNK_BYTES + 1)
    )

    assert too_big.status_code == 413
    assert str(limit) in too_big.json()["message"]
    assert past_end.status_code == 413
    assert huge_chunk.status_code == 413
    assert await head_offset(client, headers, upload_id) == 0


@pytest.mark.asyncio(loop_scope="session")
async def test_non_image_rejected_and_nothing_staged(
    client: httpx.AsyncClient, identity: IdentityStore, endpoints: Endpoints
) -> None:
    nik = new_nik()
    headers = await resident_headers(identity, nik)
    data = b"%PDF-1.4 not a photo\n" * 4000
    upload_id = (await start(client, headers, len(data))).json()["upload_id"]
    offset = 0
    while offset + CHUNK < len(data):
        response = await patch(
            client, headers, upload_id, offset, data[offset : offset + CHUNK]
        )
        offset = response.json()["offset"]

    last = await patch(client, headers, upload_id, offset, data[offset:])

    assert last.status_code == 422
    assert "not a JPEG or PNG" in last.json()["message"]
    gone = await client.head(f"/unggahan/{upload_id}", headers=headers)
    assert gone.status_code == 404
    assert staged_keys(endpoints, nik, f"service:{SERVICE}") == []


@pytest.mark.asyncio(loop_scope="session")
async def test_unknown_paper_rejected(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await resident_headers(identity, new_nik())

    unknown = await start(client, headers, 1000, requirement="passport")
    wrong_field = await client.post(
        f"/layanan/{SERVICE}/ajukan/unggahan",
        json={"requirement": "family_card", "field": "birth_letter", "size": 10},
        headers=headers,
    )

    assert unknown.status_code == 422
    assert "passport" in unknown.json()["message"]
    assert wrong_field.status_code == 422


@pytest.mark.asyncio(loop_scope="session")
async def test_other_resident_cannot_touch_upload(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    owner = await resident_headers(identity, new_nik())
    other = await resident_headers(identity, new_nik())
    data = large_photo(3)
    upload_id = (await start(client, owner, len(data))).json()["upload_id"]

    head = await client.head(f"/unggahan/{upload_id}", headers=other)
    append = await patch(client, other, upload_id, 0, data[:CHUNK])

    assert head.status_code == 404
    assert append.status_code == 404
    assert await head_offset(client, owner, upload_id) == 0


@pytest.mark.asyncio(loop_scope="session")
async def test_anonymous_upload_needs_sign_in(client: httpx.AsyncClient) -> None:
    response = await start(client, {}, 1000)

    assert response.status_code == 401


@pytest.mark.asyncio(loop_scope="session")
async def test_draft_saved_and_restored(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    nik = new_nik()
    headers = await resident_headers(identity, nik)
    other = await resident_headers(identity, new_nik())
    values = {"child.name": "Anak Draf Tersimpan", "child.birth_order": "2"}

    saved = await client.post(
        f"/layanan/{SERVICE}/ajukan/draf", data=values, headers=headers
    )
    page = await client.get(f"/layanan/{SERVICE}/ajukan", headers=headers)
    others_page = await client.get(f"/layanan/{SERVICE}/ajukan", headers=other)

    assert saved.status_code == 200
    assert "Draf tersimpan" in saved.text
    assert 'value="Anak Draf Tersimpan"' in page.text
    assert 'value="2"' in page.text
    assert "Anak Draf Tersimpan" not in others_page.text


@pytest.mark.asyncio(loop_scope="session")
async def test_new_form_prefilled_with_resident(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    nik = new_nik()
    headers = await resident_headers(identity, nik, name="Rosmaida Situmorang")

    page = await client.get(f"/layanan/{SERVICE}/ajukan", headers=headers)

    assert page.status_code == 200
    assert f'name="applicant.nik" id="f-applicant.nik" value="{nik}"' in page.text
    assert 'value="Rosmaida Situmorang"' in page.text


@pytest.mark.asyncio(loop_scope="session")
async def test_draft_save_reports_required_papers(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await resident_headers(identity, new_nik())

    without_father = await client.post(
        f"/layanan/{SERVICE}/ajukan/draf", data={"child.sex": "P"}, headers=headers
    )
    with_father = await client.post(
        f"/layanan/{SERVICE}/ajukan/draf",
        data={"father.name": "Tumpal Sinaga"},
        headers=headers,
    )

    assert "father_id_card" not in without_father.text
    assert "father_id_card" in with_father.text


async def serve_on_localhost(
    app: FastAPI,
) -> tuple[uvicorn.Server, asyncio.Task[None], int]:
    """Serve the running app over real TCP on 127.0.0.1, without a second lifespan."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
        )
    )
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await eventually(started, seconds=10, what="the local test server start")
    return server, task, port


async def send_cut_chunk(
    port: int, headers: dict[str, str], upload_id: str, offset: int, chunk: bytes
) -> None:
    """Send a PATCH that declares the whole chunk but stops half-way and hangs up."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [
        f"PATCH /unggahan/{upload_id} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Authorization: {headers['authorization']}",
        f"Upload-Offset: {offset}",
        "Content-Type: application/offset+octet-stream",
        f"Content-Length: {len(chunk)}",
        "",
        "",
    ]
    writer.write("\r\n".join(lines).encode() + chunk[: len(chunk) // 2])
    await writer.drain()
    await asyncio.sleep(0.2)
    writer.close()
    await writer.wait_closed()


@pytest.mark.asyncio(loop_scope="session")
async def test_upload_resumes_after_cut_chunk(
    app: FastAPI, identity: IdentityStore, endpoints: Endpoints
) -> None:
    nik = new_nik()
    headers = await resident_headers(identity, nik)
    data = large_photo(4)
    server, task, port = await serve_on_localhost(app)
    try:
        base_url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            upload_id = (await start(http, headers, len(data))).json()["upload_id"]
            first = await patch(http, headers, upload_id, 0, data[:CHUNK])
            assert first.status_code == 200

            await send_cut_chunk(
                port, headers, upload_id, CHUNK, data[CHUNK : 2 * CHUNK]
            )
            offset = await head_offset(http, headers, upload_id)
            last = await send_from(http, headers, upload_id, data, offset)
    finally:
        server.should_exit = True
        await task

    assert offset == CHUNK
    assert last.json()["complete"] is True
    assert len(staged_keys(endpoints, nik, f"service:{SERVICE}")) == 1

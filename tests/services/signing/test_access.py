"""Who may use each signing route: every principal against every route, on the
real servers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from shared.auth import IdentityStore, Role
from tests.services.signing.conftest import (
    SIGNING_PASSPHRASE,
    VILLAGE_CODE,
    open_approval,
    signed_document,
)
from tests.support import resident_headers, staff_headers

pytestmark = pytest.mark.integration

OWNER_NIK = "1217085703940037"
STAFF_ROLES = [
    Role.FRONT_OFFICE,
    Role.OPERATOR,
    Role.VERIFIER,
    Role.HEAD,
    Role.DISTRIBUTION,
    Role.OPS,
    Role.ADMIN,
]
PRINCIPALS = [
    *(role.value for role in STAFF_ROLES),
    "village",
    "village_elsewhere",
    "resident",
    "other_resident",
    "anonymous",
]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    # Principals the route serves; every other one is refused.
    allowed: frozenset[str]
    # Status of an allowed request; refusals follow from the principal.
    ok: int = 200
    json: Mapping[str, object] | None = None
    form: Mapping[str, object] | None = None
    upload: bool = False
    page: bool = False
    # True when an allowed request changes the approval, so it needs its own.
    acts: bool = False


HEAD_ONLY = frozenset({"head"})
QUEUE_READERS = frozenset({"head", "ops"})
DOCUMENT_READERS = frozenset({"head", "distribution", "ops"})
EVERYONE = frozenset(PRINCIPALS)
APPLICANTS = frozenset({"resident", "village"})
REASON = {"reason": "Nama ibu salah ketik"}
PASSPHRASE = {"passphrase": SIGNING_PASSPHRASE}

ROUTES = [
    Route("GET", "/queue", QUEUE_READERS),
    Route("GET", "/approvals/{id}", QUEUE_READERS),
    Route("POST", "/approvals/{id}/approve", HEAD_ONLY, json=PASSPHRASE, acts=True),
    Route(
        "POST",
        "/approvals/batch-approve",
        HEAD_ONLY,
        json={"application_ids": ["{id}"], **PASSPHRASE},
        acts=True,
    ),
    Route("POST", "/approvals/{id}/return", HEAD_ONLY, json=REASON, acts=True),
    Route("POST", "/approvals/{id}/reject", HEAD_ONLY, json=REASON, acts=True),
    Route("POST", "/approvals/{id}/assign", HEAD_ONLY, acts=True),
    Route("POST", "/approvals/{id}/release", HEAD_ONLY, acts=True),
    Route("GET", "/documents/{document}/pdf", DOCUMENT_READERS),
    Route("GET", "/persetujuan", QUEUE_READERS, page=True),
    Route("GET", "/persetujuan/antrian", QUEUE_READERS),
    Route("GET", "/persetujuan/{id}", QUEUE_READERS, page=True),
    Route("GET", "/persetujuan/{id}/pratinjau.pdf", QUEUE_READERS),
    Route(
        "POST",
        "/persetujuan/tandatangani",
        HEAD_ONLY,
        form={"application_id": "{id}", **PASSPHRASE},
        acts=True,
    ),
    Route("POST", "/persetujuan/{id}/setujui", HEAD_ONLY, form=PASSPHRASE, acts=True),
    Route("POST", "/persetujuan/{id}/kembalikan", HEAD_ONLY, form=REASON, acts=True),
    Route("POST", "/persetujuan/{id}/tolak", HEAD_ONLY, form=REASON, acts=True),
    Route("POST", "/persetujuan/{id}/ambil", HEAD_ONLY, acts=True),
    Route("POST", "/persetujuan/{id}/lepas", HEAD_ONLY, acts=True),
    Route("GET", "/v/{document}", EVERYONE, page=True),
    Route("POST", "/verify-pdf", EVERYONE, upload=True),
    Route("POST", "/verify-pdf", EVERYONE, upload=True, page=True),
    Route("GET", "/dokumen/{document}/unduh", APPLICANTS),
]


def refusal(route: Route, principal: str) -> int:
    """Return the status a principal outside `route.allowed` gets."""
    if route.allowed == APPLICANTS:
        # Another resident's or village's document is not found, so ids
        # cannot be probed; anyone else must sign in as a resident first.
        return 404 if principal in {"other_resident", "village_elsewhere"} else 401
    signed_in_staff = principal not in {"anonymous", "resident", "other_resident"}
    if not signed_in_staff:
        return 303 if route.page else 401
    return 403


CASES = [
    pytest.param(
        route,
        principal,
        route.ok if principal in route.allowed else refusal(route, principal),
        id=f"{route.method} {route.path}{' page' if route.page else ''} as {principal}",
    )
    for route in ROUTES
    for principal in PRINCIPALS
]


@dataclass
class Fixtures:
    headers: dict[str, dict[str, str]]
    head_username: str
    application_id: str
    document_id: str
    pdf: bytes


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def fixtures(signing_app: FastAPI, identity: IdentityStore) -> Fixtures:
    headers = {role.value: await staff_headers(identity, role) for role in STAFF_ROLES}
    headers["village"] = await staff_headers(
        identity, Role.VILLAGE, village_code=VILLAGE_CODE
    )
    headers["village_elsewhere"] = await staff_headers(
        identity, Role.VILLAGE, village_code="12.17.01.2001"
    )
    headers["resident"] = await resident_headers(identity, OWNER_NIK)
    headers["other_resident"] = await resident_headers(identity, "1217084101900045")
    headers["anonymous"] = {}
    application_id, document_id = await signed_document(
        signing_app, applicant_nik=OWNER_NIK
    )
    official = await identity.resolve(headers["village"]["authorization"][7:])
    assert official is not None
    # The village official submitted the application for the resident.
    await identity.grant(
        application_id,
        niks=[OWNER_NIK],
        village_code=VILLAGE_CODE,
        submitted_by=f"staff:{official.subject}",
    )
    client: httpx.AsyncClient = signing_app.state.client
    pdf = (
        await client.get(f"/documents/{document_id}/pdf", headers=headers["head"])
    ).content
    waiting = await open_approval(signing_app)
    head = await identity.resolve(headers["head"]["authorization"][len("Bearer ") :])
    assert head is not None
    return Fixtures(headers, head.subject, waiting, document_id, pdf)


def fill(value: object, application_id: str) -> object:
    if isinstance(value, str):
        return value.replace("{id}", application_id)
    if isinstance(value, list):
        return [fill(item, application_id) for item in value]
    if isinstance(value, Mapping):
        return {key: fill(item, application_id) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("route", "principal", "expected"), CASES)
async def test_route_access(
    signing_app: FastAPI,
    fixtures: Fixtures,
    route: Route,
    principal: str,
    expected: int,
) -> None:
    application_id = fixtures.application_id
    if route.acts and principal in route.allowed:
        application_id = await open_approval(signing_app)
        if route.path.endswith("/release") or route.path.endswith("/lepas"):
            await signing_app.state.service.assign(
                application_id, fixtures.head_username, "Kepala Dinas Uji"
            )
    client: httpx.AsyncClient = signing_app.state.client
    headers = dict(fixtures.headers[principal])
    if route.page:
        headers["accept"] = "text/html"
    path = route.path.replace("{id}", application_id).replace(
        "{document}", fixtures.document_id
    )
    request: dict[str, object] = {"headers": headers}
    if route.json is not None:
        request["json"] = fill(route.json, application_id)
    if route.form is not None:
        request["data"] = fill(route.form, application_id)
    if route.upload and route.page:
        request["files"] = {"berkas": ("akta.pdf", fixtures.pdf, "application/pdf")}
    elif route.upload:
        request["content"] = fixtures.pdf
        headers["content-type"] = "application/pdf"

    response = await client.request(route.method, path, **request)  # type: ignore[arg-type]

    assert response.status_code == expected, response.text[:300]
    if expected == 303:
        assert response.headers["location"].startswith("/petugas/masuk")


async def test_cookie_session_needs_csrf_token(
    signing_app: FastAPI, fixtures: Fixtures
) -> None:
    application_id = await open_approval(signing_app)
    token = fixtures.headers["head"]["authorization"][len("Bearer ") :]
    transport = httpx.ASGITransport(app=signing_app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://test",
        cookies={"dompak_session": token},
    ) as browser:
        desk = await browser.get("/persetujuan", headers={"accept": "text/html"})
        without = await browser.post(f"/persetujuan/{application_id}/ambil")
        csrf = desk.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        with_token = await browser.post(
            f"/persetujuan/{application_id}/ambil", headers={"x-csrf-token": csrf}
        )

    assert desk.status_code == 200
    assert without.status_code == 403
    assert "CSRF" in without.json()["message"]
    assert with_token.status_code == 200

"""Who may use each front-office route, checked against the real servers.

Every (caller, route) pair is one case. The front office may do everything.
Ops may read the queue, the applications and their papers. Operators and
verifiers may read an application and its papers, because they check them
again later. Every other staff role gets 403. Callers without a staff session
(anonymous, or a resident even for their own application) get 401 from the
JSON routes, a redirect to the staff sign-in from page navigations, and a
401 with an HX-Redirect header from htmx posts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from shared.auth import IdentityStore, Role
from shared.devstack import Endpoints
from tests.services.intake.front_office_support import (
    all_marked,
    front_office_app,
    submit_birth_deed,
)
from tests.support import resident_headers, staff_headers
from tools.samples import VILLAGE_CODE

pytestmark = pytest.mark.integration

FRONT_OFFICE = frozenset({"front_office"})
QUEUE_READERS = frozenset({"front_office", "ops"})
PAPER_READERS = frozenset({"front_office", "ops", "operator", "verifier"})
STAFF_CALLERS = (
    "front_office",
    "operator",
    "verifier",
    "head",
    "distribution",
    "ops",
    "admin",
    "village",
)
CALLERS = ("anonymous", "resident", *STAFF_CALLERS)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # "{id}" stands for the application id
    allowed: frozenset[str]
    kind: str  # "json", "page" (browser navigation) or "htmx" (page action)
    changes_state: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ROUTES = (
    Route("GET", "/front-office/queue", QUEUE_READERS, "json"),
    Route("GET", "/applications/{id}", PAPER_READERS, "json"),
    Route("GET", "/applications/{id}/files/family_card", PAPER_READERS, "json"),
    Route("POST", "/applications/{id}/accept", FRONT_OFFICE, "json", True),
    Route("POST", "/applications/{id}/request-documents", FRONT_OFFICE, "json", True),
    Route("POST", "/applications/{id}/assign", FRONT_OFFICE, "json", True),
    Route("POST", "/applications/{id}/release", FRONT_OFFICE, "json", True),
    Route("GET", "/loket", QUEUE_READERS, "page"),
    Route("GET", "/loket/antrian", QUEUE_READERS, "htmx"),
    Route("GET", "/loket/{id}", QUEUE_READERS, "page"),
    Route("GET", "/loket/{id}/cetak", QUEUE_READERS, "page"),
    Route("POST", "/loket/{id}/ambil", FRONT_OFFICE, "htmx", True),
    Route("POST", "/loket/{id}/lepas", FRONT_OFFICE, "htmx", True),
    Route("POST", "/loket/{id}/terima", FRONT_OFFICE, "htmx", True),
    Route("POST", "/loket/{id}/minta-berkas", FRONT_OFFICE, "htmx", True),
)


@dataclass(frozen=True)
class Callers:
    headers: dict[str, dict[str, str]]
    shared_application: str


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def client(
    endpoints: Endpoints, state_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with front_office_app(endpoints, state_dir) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def callers(client: httpx.AsyncClient, identity: IdentityStore) -> Callers:
    body = await submit_birth_deed(client, identity, 51)
    document = (
        await client.get(
            f"/applications/{body['application_id']}",
            headers=await staff_headers(identity, Role.FRONT_OFFICE),
        )
    ).json()
    headers: dict[str, dict[str, str]] = {
        "anonymous": {},
        # The applicant themself: a resident session is no staff session.
        "resident": await resident_headers(identity, document["applicant"]["nik"]),
        "village": await staff_headers(
            identity, Role.VILLAGE, village_code=VILLAGE_CODE
        ),
    }
    for role in STAFF_CALLERS:
        if role != "village":
            headers[role] = await staff_headers(identity, Role(role))
    return Callers(headers, body["application_id"])


def request_body(route: Route, version: int) -> dict[str, Any]:
    """The body an allowed caller would send, so allowed calls succeed."""
    if route.path.endswith("/request-documents"):
        return {
            "json": {"missing": [{"requirement": "family_card", "reason": "Buram"}]}
        }
    if route.path.endswith("/terima"):
        return {"data": {**all_marked(), "version": str(version)}}
    if route.path.endswith("/minta-berkas"):
        marks = all_marked() | {"check_family_card": "missing"}
        return {
            "data": {
                **marks,
                "reason_family_card": "Belum ada",
                "version": str(version),
            }
        }
    return {}


def request_headers(route: Route, caller_headers: dict[str, str]) -> dict[str, str]:
    if route.kind == "page":
        return caller_headers | {"accept": "text/html"}
    if route.kind == "htmx":
        return caller_headers | {"hx-request": "true"}
    return caller_headers


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("caller", CALLERS)
async def test_front_office_route_access(
    client: httpx.AsyncClient,
    identity: IdentityStore,
    callers: Callers,
    caller: str,
    route: Route,
) -> None:
    allowed = caller in route.allowed
    application_id = callers.shared_application
    if allowed and route.changes_state:
        # An allowed action changes the application, so it gets its own.
        application_id = (await submit_birth_deed(client, identity, 52))[
            "application_id"
        ]
    reader = callers.headers["front_office"]
    current = await client.get(f"/applications/{application_id}", headers=reader)
    path = route.path.replace("{id}", application_id)

    response = await client.request(
        route.method,
        path,
        headers=request_headers(route, callers.headers[caller]),
        **request_body(route, int(current.json()["version"])),
    )

    if allowed:
        assert response.status_code == 200, response.text
    elif caller in ("anonymous", "resident") and route.kind == "page":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/petugas/masuk?next=")
    elif caller in ("anonymous", "resident"):
        assert response.status_code == 401, response.text
        if route.kind == "htmx":
            assert response.headers["hx-redirect"].startswith("/petugas/masuk")
    else:
        assert response.status_code == 403, response.text


async def test_denied_action_changes_nothing(
    client: httpx.AsyncClient, callers: Callers
) -> None:
    application_id = callers.shared_application
    reader = callers.headers["front_office"]
    document = await client.get(f"/applications/{application_id}", headers=reader)

    assert document.json()["intake_status"] == "submitted"
    assert document.json()["assignee"] is None
    assert document.json()["version"] == 1

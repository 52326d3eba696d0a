"""Who may call each verification route, on the real servers.

Each row of ROUTES names the roles allowed, and every other principal is
rejected. A request without a session or with a resident's session gets 401,
or a redirect to the staff sign-in for a browser page. A staff account
without the role gets 403. An allowed call meets a case in the state the
action needs and must succeed, and a rejected call must leave the case
unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from services.verification.service import VerificationService
from shared.auth import IdentityStore, Role, SessionKind
from shared.events import StoredFile
from shared.storage import ObjectStore
from tests.services.verification.cases import (
    opened,
    store_papers,
    valid_draft,
)
from tests.support import staff_headers

pytestmark = pytest.mark.integration

OPERATOR = frozenset({Role.OPERATOR})
VERIFIER = frozenset({Role.VERIFIER})
OPERATOR_OPS = frozenset({Role.OPERATOR, Role.OPS})
VERIFIER_OPS = frozenset({Role.VERIFIER, Role.OPS})
READERS = frozenset({Role.OPERATOR, Role.VERIFIER, Role.OPS})
WORKERS = frozenset({Role.OPERATOR, Role.VERIFIER})

OPEN = "awaiting_draft"
DRAFTED = "awaiting_verification"
# The state whose work the principal's role does: drafted for a verifier.
OWN_STAGE = "own_stage"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    allowed: frozenset[Role]
    kind: str = "api"  # api: JSON; page: browser navigation; htmx: page action
    state: str = OPEN
    json: dict[str, Any] | None = None
    form: dict[str, str] = field(default_factory=dict)


ROUTES = [
    Route("GET", "/queues/operator", OPERATOR_OPS),
    Route("GET", "/queues/verifier", VERIFIER_OPS),
    Route("GET", "/cases/{id}", READERS),
    Route("GET", "/cases/{id}/draft-template", OPERATOR),
    Route("POST", "/cases/{id}/draft", OPERATOR, json={"draft": valid_draft()}),
    Route("POST", "/cases/{id}/verify", VERIFIER, state=DRAFTED),
    Route(
        "POST",
        "/cases/{id}/return",
        VERIFIER,
        state=DRAFTED,
        json={"reason": "Nama ibu salah eja"},
    ),
    Route("POST", "/cases/{id}/assign", WORKERS, state=OWN_STAGE),
    Route("POST", "/cases/{id}/release", WORKERS),
    Route("GET", "/operator", OPERATOR_OPS, kind="page"),
    Route("GET", "/operator/antrean", OPERATOR_OPS, kind="htmx"),
    Route("GET", "/verifikator", VERIFIER_OPS, kind="page"),
    Route("GET", "/verifikator/antrean", VERIFIER_OPS, kind="htmx"),
    Route("GET", "/kasus/{id}", READERS, kind="page"),
    Route("GET", "/kasus/{id}/berkas/birth_letter", READERS, kind="page"),
    Route(
        "POST",
        "/kasus/{id}/draf",
        OPERATOR,
        kind="htmx",
        form={f"draft.{k}": str(v) for k, v in valid_draft().items()},
    ),
    Route("POST", "/kasus/{id}/sesuai", VERIFIER, kind="htmx", state=DRAFTED),
    Route(
        "POST",
        "/kasus/{id}/kembalikan",
        VERIFIER,
        kind="htmx",
        state=DRAFTED,
        form={"reason": "Tanggal lahir salah"},
    ),
    Route("POST", "/kasus/{id}/ambil", WORKERS, kind="htmx", state=OWN_STAGE),
    Route("POST", "/kasus/{id}/lepas", WORKERS, kind="htmx"),
]

STAFF_ROLES = [role for role in Role if role is not Role.VILLAGE]
PRINCIPALS = ["anonymous", "resident", "village", *[str(r) for r in STAFF_ROLES]]
SIGNED_OUT = {"anonymous", "resident"}


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def sessions(identity: IdentityStore) -> AsyncIterator[dict[str, dict[str, str]]]:
    """Bearer headers of one session per principal kind; none for anonymous."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    resident = await identity.open_session(
        SessionKind.RESIDENT, "1217085703940001", name="Warga Uji"
    )
    headers["resident"] = {"authorization": f"Bearer {resident.token}"}
    headers["village"] = await staff_headers(
        identity, Role.VILLAGE, village_code="12.17.08.2001"
    )
    for role in STAFF_ROLES:
        headers[str(role)] = await staff_headers(identity, role)
    yield headers


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def papers(uploads: ObjectStore) -> list[StoredFile]:
    return await store_papers(uploads, f"access-{uuid.uuid4()}")


def expected_status(route: Route, principal: str) -> int:
    if principal in SIGNED_OUT:
        return 303 if route.kind == "page" else 401
    if principal != "village" and Role(principal) in route.allowed:
        return 200
    return 403


async def case_in(
    service: VerificationService, state: str, principal: str, files: list[StoredFile]
) -> str:
    if state == OWN_STAGE:
        state = DRAFTED if principal == Role.VERIFIER else OPEN
    application_id = await opened(service, files=files)
    if state == DRAFTED:
        await service.record_draft(application_id, valid_draft(), "operator.lain")
    return application_id


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
async def test_route_access(
    app: FastAPI,
    service: VerificationService,
    sessions: dict[str, dict[str, str]],
    papers: list[StoredFile],
    route: Route,
    principal: str,
) -> None:
    application_id = await case_in(service, route.state, principal, papers)
    before = await service.get(application_id)
    headers = dict(sessions[principal])
    if route.kind == "page":
        headers["accept"] = "text/html"
    elif route.kind == "htmx":
        headers["hx-request"] = "true"
    options: dict[str, Any] = {"headers": headers}
    if route.json is not None:
        options["json"] = route.json
    if route.form:
        options["data"] = route.form
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        response = await client.request(
            route.method, route.path.replace("{id}", application_id), **options
        )

    expected = expected_status(route, principal)
    assert response.status_code == expected, response.text
    if expected == 303:
        assert response.headers["location"].startswith("/petugas/masuk?next=")
    if expected != 200:
        after = await service.get(application_id)
        assert after["version"] == before["version"]

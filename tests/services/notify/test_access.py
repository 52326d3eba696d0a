"""Who may open each route of the notify service, on the real servers."""

from __future__ import annotations

import httpx
import pytest

from services.notify.service import NotifyService
from shared.auth import IdentityStore, Role
from tests.services.notify.notify_support import Application
from tests.support import resident_headers, staff_headers

pytestmark = pytest.mark.integration

OK = 200  # any 2xx status
SIGN_IN = 401
FORBIDDEN = 403
HIDDEN = 404

# (method, path, body kind): {app} is the application id, {code} its
# tracking code. Page routes are called as htmx would call them.
ROUTES: dict[str, tuple[str, str, str]] = {
    "inbox": ("GET", "/inbox/{code}", ""),
    "notifications": ("GET", "/applications/{app}/notifications", ""),
    "chat-read": ("GET", "/chat/{app}/messages", ""),
    "chat-post": ("POST", "/chat/{app}/messages", "json"),
    "conversations": ("GET", "/conversations", ""),
    "conversation-read": ("GET", "/conversations/{app}/messages", ""),
    "conversation-post": ("POST", "/conversations/{app}/messages", "json"),
    "obrolan": ("GET", "/obrolan/{app}", ""),
    "obrolan-poll": ("GET", "/obrolan/{app}/pesan", ""),
    "obrolan-send": ("POST", "/obrolan/{app}/pesan", "form"),
    "percakapan": ("GET", "/percakapan", ""),
    "percakapan-rows": ("GET", "/percakapan/daftar", ""),
    "percakapan-page": ("GET", "/percakapan/{app}", ""),
    "percakapan-poll": ("GET", "/percakapan/{app}/pesan", ""),
    "percakapan-send": ("POST", "/percakapan/{app}/pesan", "form"),
    "assign": ("POST", "/percakapan/{app}/assign", ""),
    "release": ("POST", "/percakapan/{app}/release", ""),
}
RESIDENT_ROUTES = frozenset(
    {"inbox", "chat-read", "chat-post", "obrolan", "obrolan-poll", "obrolan-send"}
)
STAFF_READS = frozenset(
    {
        "notifications",
        "conversations",
        "conversation-read",
        "percakapan",
        "percakapan-rows",
        "percakapan-page",
        "percakapan-poll",
    }
)

# Expected status per principal for the three groups of routes.
EXPECTED: dict[str, tuple[int, int, int]] = {
    # principal: (resident routes, staff reads, staff writes)
    "anonymous": (SIGN_IN, SIGN_IN, SIGN_IN),
    "applicant": (OK, SIGN_IN, SIGN_IN),
    "other-resident": (HIDDEN, SIGN_IN, SIGN_IN),
    # An official of the village who submitted the application for the
    # resident, and one who did not: a resident who applied alone keeps the
    # chat private from the village office.
    "assisting-official": (OK, FORBIDDEN, FORBIDDEN),
    "village-official": (HIDDEN, FORBIDDEN, FORBIDDEN),
    "other-village-official": (HIDDEN, FORBIDDEN, FORBIDDEN),
    "front_office": (SIGN_IN, OK, OK),
    "ops": (SIGN_IN, OK, FORBIDDEN),
    "operator": (SIGN_IN, FORBIDDEN, FORBIDDEN),
    "verifier": (SIGN_IN, FORBIDDEN, FORBIDDEN),
    "head": (SIGN_IN, FORBIDDEN, FORBIDDEN),
    "distribution": (SIGN_IN, FORBIDDEN, FORBIDDEN),
    "admin": (SIGN_IN, FORBIDDEN, FORBIDDEN),
}


def expected_status(principal: str, route: str) -> int:
    resident, reads, writes = EXPECTED[principal]
    if route in RESIDENT_ROUTES:
        return resident
    if route in STAFF_READS:
        return reads
    return writes


CASES = [
    pytest.param(principal, route, expected_status(principal, route))
    for principal in EXPECTED
    for route in ROUTES
]


# Staff sessions by principal, reused across cases: hashing a password for a
# new account per case would dominate the run time.
STAFF_SESSIONS: dict[str, dict[str, str]] = {}


async def headers_for(
    principal: str, application: Application, identity: IdentityStore
) -> dict[str, str]:
    if principal == "anonymous":
        return {}
    if principal == "applicant":
        return await application.grant_to_applicant(identity)
    if principal not in STAFF_SESSIONS:
        STAFF_SESSIONS[principal] = await new_headers(principal, application, identity)
    headers = STAFF_SESSIONS[principal]
    if principal == "assisting-official":
        official = await identity.resolve(headers["authorization"].split()[1])
        assert official is not None
        await identity.grant(
            application.id,
            niks=[application.applicant.nik],
            village_code=application.form["village_code"],
            submitted_by=f"staff:{official.subject}",
        )
    return headers


async def new_headers(
    principal: str, application: Application, identity: IdentityStore
) -> dict[str, str]:
    village = application.form["village_code"]
    if principal == "other-resident":
        return await resident_headers(identity, "1217015505900002", "Warga Lain")
    if principal in ("village-official", "assisting-official"):
        return await staff_headers(identity, Role.VILLAGE, village_code=village)
    if principal == "other-village-official":
        other = "12.17.08.2001" if village != "12.17.08.2001" else "12.17.01.2001"
        return await staff_headers(identity, Role.VILLAGE, village_code=other)
    return await staff_headers(identity, Role(principal))


@pytest.mark.parametrize(("principal", "route", "expected"), CASES)
async def test_route_access(
    service: NotifyService,
    client: httpx.AsyncClient,
    identity: IdentityStore,
    principal: str,
    route: str,
    expected: int,
) -> None:
    application = Application(70)
    await application.grant_to_applicant(identity)
    await service.notify(application.submitted())
    headers = await headers_for(principal, application, identity)
    method, template, body = ROUTES[route]
    path = template.format(app=application.id, code=application.tracking_code)

    response = await client.request(
        method,
        path,
        headers={**headers, "hx-request": "true"},
        json={"text": "Halo"} if body == "json" else None,
        data={"text": "Halo"} if body == "form" else None,
    )

    if expected == OK:
        assert 200 <= response.status_code < 300, response.text
    else:
        assert response.status_code == expected, response.text


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/percakapan", "/petugas/masuk?next=%2Fpercakapan"),
        ("/obrolan/{app}", "http://127.0.0.1:8001/masuk"),
    ],
    ids=["staff-page", "resident-page"],
)
async def test_page_without_session_redirects(
    service: NotifyService, client: httpx.AsyncClient, path: str, target: str
) -> None:
    application = Application(71)
    await service.notify(application.submitted())

    response = await client.get(
        path.format(app=application.id), headers={"accept": "text/html"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == target


async def test_resident_cannot_open_other_by_id(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    mine = Application(72)
    theirs = Application(73)
    headers = await mine.grant_to_applicant(identity)
    await theirs.grant_to_applicant(identity)
    for application in (mine, theirs):
        await service.notify(application.submitted())

    own = await client.get(f"/obrolan/{mine.id}", headers=headers)
    other = await client.get(f"/obrolan/{theirs.id}", headers=headers)
    missing = await client.get("/obrolan/no-such-application", headers=headers)

    assert own.status_code == 200
    assert other.status_code == 404
    assert missing.status_code == 404
    assert other.json()["message"].replace(theirs.id, "X") == missing.json()[
        "message"
    ].replace("no-such-application", "X")

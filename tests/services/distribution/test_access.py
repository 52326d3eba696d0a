"""Who may open each distribution route: every principal against every route."""

from __future__ import annotations

import uuid

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from shared.auth import IdentityStore, Role
from tests.support import resident_headers, staff_headers
from tools.samples import VILLAGE_CODE

pytestmark = pytest.mark.integration

UNKNOWN = str(uuid.uuid4())
READERS = frozenset({Role.DISTRIBUTION, Role.OPS})
CLERKS = frozenset({Role.DISTRIBUTION})
# A village official may hand over a document dispatched to their village and
# open its receipt. With an unknown id, an allowed request gets 404.
HAND_OVER = frozenset({Role.DISTRIBUTION, Role.VILLAGE})
RECEIPT_READERS = frozenset({Role.DISTRIBUTION, Role.OPS, Role.VILLAGE})
VILLAGE = frozenset({Role.VILLAGE})
PRINCIPALS = ["anonymous", "resident", *sorted(Role)]

# (method, path, roles allowed, whether it is a page a browser navigates to)
ROUTES: list[tuple[str, str, frozenset[Role], bool]] = [
    ("GET", "/queue", READERS, False),
    ("GET", f"/deliveries/{UNKNOWN}", READERS, False),
    ("GET", f"/deliveries/{UNKNOWN}/pdf", CLERKS, False),
    ("POST", f"/deliveries/{UNKNOWN}/assign", CLERKS, False),
    ("POST", f"/deliveries/{UNKNOWN}/release", CLERKS, False),
    ("POST", f"/deliveries/{UNKNOWN}/print", CLERKS, False),
    ("POST", f"/deliveries/{UNKNOWN}/appointment", CLERKS, False),
    ("POST", f"/deliveries/{UNKNOWN}/dispatch", CLERKS, False),
    ("POST", f"/deliveries/{UNKNOWN}/hand-over", HAND_OVER, False),
    ("POST", "/dispatches", CLERKS, False),
    ("GET", f"/dispatches/{UNKNOWN}", READERS, False),
    ("GET", "/register", READERS, False),
    ("GET", "/register", READERS, True),
    ("GET", "/register/hasil", READERS, False),
    ("GET", "/register/cetak", READERS, True),
    ("GET", "/distribusi", READERS, True),
    ("GET", "/distribusi/antrian", READERS, False),
    ("POST", f"/distribusi/kiriman/{UNKNOWN}/ambil", CLERKS, False),
    ("POST", f"/distribusi/kiriman/{UNKNOWN}/lepas", CLERKS, False),
    ("POST", f"/distribusi/kiriman/{UNKNOWN}/cetak", CLERKS, False),
    ("GET", "/distribusi/kirim", READERS, True),
    ("POST", "/distribusi/kirim", CLERKS, False),
    ("GET", f"/distribusi/kirim/{UNKNOWN}", READERS, True),
    ("GET", f"/distribusi/serah/{UNKNOWN}", HAND_OVER, True),
    ("POST", f"/distribusi/serah/{UNKNOWN}", HAND_OVER, False),
    ("POST", f"/distribusi/serah/{UNKNOWN}/jadwal", CLERKS, False),
    ("GET", f"/distribusi/tanda-terima/{UNKNOWN}", RECEIPT_READERS, True),
    ("GET", "/distribusi/desa", VILLAGE, True),
    ("GET", "/distribusi/desa/daftar", VILLAGE, False),
]
CASES = [
    pytest.param(
        principal, method, path, allowed, page, id=f"{principal}-{method}{path}"
    )
    for principal in PRINCIPALS
    for method, path, allowed, page in ROUTES
]


def expected_status(principal: str, allowed: frozenset[Role], page: bool) -> str:
    """Return "allowed", "sign_in" (401, or 303 for a page) or "forbidden"."""
    if principal in ("anonymous", "resident"):
        return "sign_in"
    return "allowed" if Role(principal) in allowed else "forbidden"


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def sessions(identity: IdentityStore) -> dict[str, dict[str, str]]:
    """Headers of one session per principal; anonymous sends none."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    headers["resident"] = await resident_headers(identity, "1217084506900003")
    for role in Role:
        village = VILLAGE_CODE if role is Role.VILLAGE else None
        headers[role.value] = await staff_headers(identity, role, village_code=village)
    return headers


def body_of(method: str, path: str) -> dict[str, object]:
    """A valid body, so an allowed request fails only on the unknown id."""
    if method != "POST":
        return {}
    if path.startswith("/distribusi/"):
        return {"data": {"village_code": VILLAGE_CODE, "application_id": UNKNOWN}}
    if path == "/dispatches":
        return {"json": {"village_code": VILLAGE_CODE, "application_ids": [UNKNOWN]}}
    if path.endswith("/appointment"):
        return {"json": {"starts_at": "2030-01-01T09:00:00+07:00"}}
    if path.endswith("/hand-over"):
        return {
            "json": {
                "collector_name": "Rosmaida Situmorang",
                "collector_nik": "1217085703940042",
                "relationship": "ibu",
            }
        }
    return {}


@pytest.mark.parametrize(("principal", "method", "path", "allowed", "page"), CASES)
async def test_route_access(
    desk: FastAPI,
    sessions: dict[str, dict[str, str]],
    principal: str,
    method: str,
    path: str,
    allowed: frozenset[Role],
    page: bool,
) -> None:
    client: httpx.AsyncClient = desk.state.client
    headers = {**sessions[principal], **({"accept": "text/html"} if page else {})}

    response = await client.request(
        method,
        path,
        headers=headers,
        **body_of(method, path),  # type: ignore[arg-type]
    )

    expected = expected_status(principal, allowed, page)
    if expected == "sign_in" and page:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/petugas/masuk?next=")
    elif expected == "sign_in":
        assert response.status_code == 401
    elif expected == "forbidden":
        assert response.status_code == 403
        assert sorted(allowed)[0].value in response.text
    else:
        assert response.status_code in (200, 404), response.text

"""Who may use the intake's resident and village routes, on the real servers.

Every (caller, route) pair has its expected status: allowed, 401 without a
resident or village session, 403 for the wrong role or village, and 404 for
another resident's application, so its id or tracking code reveals nothing.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.auth import IdentityStore, Role
from shared.devstack import Endpoints
from tests.conftest import settings_values
from tests.support import resident_headers, running_app, staff_headers
from tools.samples import VILLAGE_CODE, birth_deed_application, birth_deed_papers

pytestmark = pytest.mark.integration

RESIDENT_A = "1217085001900011"
RESIDENT_B = "1217081203880012"
OTHER_VILLAGE = "12.17.01.2001"
STAFF_ROLES = {
    "front_office": Role.FRONT_OFFICE,
    "operator": Role.OPERATOR,
    "verifier": Role.VERIFIER,
    "head": Role.HEAD,
    "distribution": Role.DISTRIBUTION,
    "ops": Role.OPS,
    "admin": Role.ADMIN,
}


@dataclass(frozen=True)
class Submitted:
    application_id: str
    tracking_code: str
    applicant_nik: str


def fresh_form(seed: int) -> dict[str, Any]:
    """The sample birth-deed form with a child name no other submission uses."""
    form = birth_deed_application(seed)
    letters = "".join(chr(ord("a") + int(d)) for d in str(uuid.uuid4().int)[:12])
    form["child"]["name"] = f"Anak {letters.capitalize()}"
    return form


def multipart(form: dict[str, Any], seed: int) -> dict[str, Any]:
    files = [
        (name, (f"{name}.jpg", blob, "image/jpeg"))
        for name, blob in birth_deed_papers(seed).items()
    ]
    return {"data": {"application": json.dumps(form)}, "files": files}


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def client(
    endpoints: Endpoints, state_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = IntakeSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        uploads_bucket="test-intake-access",
    )
    async with running_app(create_app(settings)) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def submitted(client: httpx.AsyncClient, identity: IdentityStore) -> Submitted:
    """An application resident A submitted for a family member (the mother)."""
    form = fresh_form(41)
    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(form, 41),
        headers=await resident_headers(identity, RESIDENT_A),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Submitted(
        body["application_id"], body["tracking_code"], form["applicant"]["nik"]
    )


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def callers(
    identity: IdentityStore, submitted: Submitted
) -> dict[str, dict[str, str]]:
    """Headers of every kind of caller, by name."""
    headers = {
        "anonymous": {},
        "resident_a": await resident_headers(identity, RESIDENT_A),
        "resident_b": await resident_headers(identity, RESIDENT_B),
        "applicant": await resident_headers(identity, submitted.applicant_nik),
        "village_same": await staff_headers(
            identity, Role.VILLAGE, village_code=VILLAGE_CODE
        ),
        "village_other": await staff_headers(
            identity, Role.VILLAGE, village_code=OTHER_VILLAGE
        ),
    }
    for name, role in STAFF_ROLES.items():
        headers[name] = await staff_headers(identity, role)
    return headers


def _expected(
    *, anonymous: int, a: int, b: int, applicant: int, same: int, other: int, staff: int
) -> dict[str, int]:
    table = {
        "anonymous": anonymous,
        "resident_a": a,
        "resident_b": b,
        "applicant": applicant,
        "village_same": same,
        "village_other": other,
    }
    table.update(dict.fromkeys(STAFF_ROLES, staff))
    return table


# Expected status per route and caller. Resident A submitted the application
# for the mother ("applicant") in the village of "village_same"; officials
# of that village see only what they submitted themselves.
EXPECTED: dict[str, dict[str, int]] = {
    "track": _expected(
        anonymous=401, a=200, b=404, applicant=200, same=404, other=404, staff=401
    ),
    # 409: the caller may open it, but the office has asked for no papers.
    "resubmit": _expected(
        anonymous=401, a=409, b=404, applicant=409, same=404, other=404, staff=401
    ),
    "my_applications": _expected(
        anonymous=401, a=200, b=200, applicant=200, same=200, other=200, staff=401
    ),
    "submit": _expected(
        anonymous=401, a=201, b=201, applicant=201, same=201, other=403, staff=401
    ),
    "village_home": _expected(
        anonymous=401, a=401, b=401, applicant=401, same=200, other=200, staff=403
    ),
}
CASES = [(route, caller) for route, table in EXPECTED.items() for caller in table]


async def call(
    client: httpx.AsyncClient,
    route: str,
    submitted: Submitted,
    headers: dict[str, str],
) -> httpx.Response:
    code = submitted.tracking_code
    if route == "track":
        return await client.get(f"/track/{code}", headers=headers)
    if route == "resubmit":
        photo = birth_deed_papers(42)["family_card"]
        return await client.post(
            f"/track/{code}/files",
            files=[("family_card", ("kk.jpg", io.BytesIO(photo), "image/jpeg"))],
            headers=headers,
        )
    if route == "my_applications":
        return await client.get("/my/applications", headers=headers)
    if route == "submit":
        seed = uuid.uuid4().int % 1000
        return await client.post(
            "/services/birth_deed/applications",
            **multipart(fresh_form(seed), seed),
            headers=headers,
        )
    if route == "village_home":
        return await client.get("/desa", headers=headers)
    raise AssertionError(f"unknown route {route}")


@pytest.mark.parametrize(("route", "caller"), CASES)
async def test_route_access(
    client: httpx.AsyncClient,
    submitted: Submitted,
    callers: dict[str, dict[str, str]],
    route: str,
    caller: str,
) -> None:
    response = await call(client, route, submitted, callers[caller])
    assert response.status_code == EXPECTED[route][caller], response.text


async def test_other_residents_code_looks_unused(
    client: httpx.AsyncClient,
    submitted: Submitted,
    callers: dict[str, dict[str, str]],
) -> None:
    hidden = await client.get(
        f"/track/{submitted.tracking_code}", headers=callers["resident_b"]
    )
    unused = await client.get("/track/AAAA-BBBB-CCCC", headers=callers["resident_b"])
    assert hidden.status_code == unused.status_code == 404
    assert hidden.json()["message"] == unused.json()["message"].replace(
        "AAAA-BBBB-CCCC", submitted.tracking_code
    )


@pytest.mark.parametrize(
    ("caller", "listed"),
    [
        ("resident_a", True),
        ("applicant", True),
        ("resident_b", False),
        ("village_same", False),
        ("village_other", False),
    ],
)
async def test_my_applications_lists_visible_only(
    client: httpx.AsyncClient,
    submitted: Submitted,
    callers: dict[str, dict[str, str]],
    caller: str,
    listed: bool,
) -> None:
    response = await client.get("/my/applications", headers=callers[caller])
    ids = [item["application_id"] for item in response.json()]
    assert (submitted.application_id in ids) is listed


async def test_village_official_other_village_reason(
    client: httpx.AsyncClient, callers: dict[str, dict[str, str]]
) -> None:
    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(fresh_form(43), 43),
        headers=callers["village_other"],
    )
    assert response.status_code == 403
    assert VILLAGE_CODE in response.json()["message"]
    assert OTHER_VILLAGE in response.json()["message"]


async def test_village_home_lists_what_the_official_submitted(
    client: httpx.AsyncClient,
    identity: IdentityStore,
    submitted: Submitted,
    callers: dict[str, dict[str, str]],
) -> None:
    official = await staff_headers(identity, Role.VILLAGE, village_code=VILLAGE_CODE)
    seed = uuid.uuid4().int % 1000
    response = await client.post(
        "/services/birth_deed/applications",
        **multipart(fresh_form(seed), seed),
        headers=official,
    )
    assert response.status_code == 201, response.text
    assisted = response.json()
    mine = await client.get("/desa", headers=official)
    colleague = await client.get("/desa", headers=callers["village_same"])
    assert assisted["tracking_code"] in mine.text
    assert f'href="/permohonan/{assisted["application_id"]}"' in mine.text
    # A resident who applied alone stays private from the village office.
    assert submitted.tracking_code not in mine.text
    assert assisted["tracking_code"] not in colleague.text
    track = await client.get(f"/track/{assisted['tracking_code']}", headers=official)
    assert track.status_code == 200


async def test_anonymous_pages_redirect_to_sign_in(
    client: httpx.AsyncClient, submitted: Submitted
) -> None:
    html = {"accept": "text/html"}
    track = await client.get(f"/track/{submitted.tracking_code}", headers=html)
    village = await client.get("/desa", headers=html)
    assert track.status_code == 303
    assert "/masuk" in track.headers["location"]
    assert village.status_code == 303
    assert village.headers["location"].startswith("/petugas/masuk")


@pytest.mark.parametrize(
    ("status", "listed"),
    [("", True), ("diproses", True), ("perlu_berkas", False), ("selesai", False)],
)
async def test_village_home_filters_by_status(
    client: httpx.AsyncClient,
    identity: IdentityStore,
    status: str,
    listed: bool,
) -> None:
    official = await staff_headers(identity, Role.VILLAGE, village_code=VILLAGE_CODE)
    seed = uuid.uuid4().int % 1000
    submitted = await client.post(
        "/services/birth_deed/applications",
        **multipart(fresh_form(seed), seed),
        headers=official,
    )
    assert submitted.status_code == 201, submitted.text
    response = await client.get("/desa", params={"status": status}, headers=official)
    assert response.status_code == 200
    assert (submitted.json()["tracking_code"] in response.text) is listed

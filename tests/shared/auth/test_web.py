"""Request authentication on a small app: cookies, bearer tokens, roles, CSRF."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
import pytest_asyncio
from fastapi import Depends, FastAPI

from shared.auth import Applicant, IdentityStore, Principal, Role, staff_with
from shared.pages import Pages, install_pages
from shared.settings import ServiceSettings
from shared.web import create_api, no_lifespan
from tests.support import TEST_PASSWORD, resident_headers, staff_headers

pytestmark = pytest.mark.integration

Head = Annotated[Principal, Depends(staff_with(Role.HEAD))]


def small_app(identity: IdentityStore) -> FastAPI:
    app = create_api(title="test", description="test", lifespan=no_lifespan)
    settings = ServiceSettings()
    app.state.identity = identity
    app.state.settings = settings
    install_pages(app, Pages("signing", None, settings))

    @app.get("/head-only")
    async def head_only(principal: Head) -> dict[str, str]:
        return {"who": principal.subject}

    @app.post("/head-only")
    async def head_action(principal: Head) -> dict[str, str]:
        return {"done_by": principal.subject}

    @app.get("/mine")
    async def mine(principal: Applicant) -> dict[str, str]:
        return {"nik": principal.subject}

    return app


@pytest_asyncio.fixture(loop_scope="session")
async def client(identity: IdentityStore) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=small_app(identity))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def cookie_session(
    client: httpx.AsyncClient, identity: IdentityStore, *roles: Role
) -> str:
    """Sign in through the form; return the session's CSRF token."""
    headers = await staff_headers(identity, *roles)
    token = headers["authorization"].removeprefix("Bearer ")
    principal = await identity.resolve(token)
    assert principal is not None
    await identity.set_password(principal.subject, TEST_PASSWORD + "!")
    response = await client.post(
        "/petugas/masuk",
        data={"username": principal.subject, "password": TEST_PASSWORD + "!"},
    )
    assert response.status_code == 303
    signed_in = await identity.resolve(client.cookies["dompak_session"])
    assert signed_in is not None
    return signed_in.csrf_token


async def test_anonymous_api_call_gets_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/head-only")
    assert response.status_code == 401
    assert response.json()["error"] == "sign_in_required"


async def test_anonymous_browser_is_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/head-only?x=1", headers={"accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/petugas/masuk?next=%2Fhead-only%3Fx%3D1"


async def test_htmx_call_without_session_gets_redirect_header(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/head-only", headers={"hx-request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"].startswith("/petugas/masuk")


async def test_bearer_token_with_role_is_allowed(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await staff_headers(identity, Role.HEAD)
    assert (await client.get("/head-only", headers=headers)).status_code == 200
    # Bearer clients are not browsers, so they need no CSRF token.
    assert (await client.post("/head-only", headers=headers)).status_code == 200


async def test_other_role_is_forbidden_with_the_needed_role(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await staff_headers(identity, Role.OPERATOR, Role.VERIFIER)
    response = await client.get("/head-only", headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"]["needed"] == ["head"]


async def test_resident_is_not_staff(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await resident_headers(identity, "1217010101900001")
    assert (await client.get("/head-only", headers=headers)).status_code == 401
    assert (await client.get("/mine", headers=headers)).json() == {
        "nik": "1217010101900001"
    }


async def test_office_staff_are_not_applicants(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await staff_headers(identity, Role.FRONT_OFFICE)
    assert (await client.get("/mine", headers=headers)).status_code == 401
    official = await staff_headers(identity, Role.VILLAGE, village_code="12.17.01.2001")
    assert (await client.get("/mine", headers=official)).status_code == 200


async def test_cookie_post_needs_csrf_token(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    csrf = await cookie_session(client, identity, Role.HEAD)
    assert (await client.get("/head-only")).status_code == 200
    refused = await client.post("/head-only")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]
    wrong = await client.post("/head-only", headers={"x-csrf-token": "x" * len(csrf)})
    assert wrong.status_code == 403
    assert (
        await client.post("/head-only", headers={"x-csrf-token": csrf})
    ).status_code == 200


async def test_sign_out_ends_the_session(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    csrf = await cookie_session(client, identity, Role.HEAD)
    token = client.cookies["dompak_session"]
    response = await client.post("/keluar", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert await identity.resolve(token) is None


async def test_sign_in_page_shows_error_and_keeps_username(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/petugas/masuk", data={"username": "tidakada", "password": "salah"}
    )
    assert response.status_code == 422
    assert 'value="tidakada"' in response.text
    assert "dompak_session" not in response.cookies


@pytest.mark.parametrize(
    "target",
    ["https://example.org/", "//example.org/x", "/\\example.org", "javascript:x"],
)
async def test_sign_in_never_redirects_off_site(
    client: httpx.AsyncClient, identity: IdentityStore, target: str
) -> None:
    headers = await staff_headers(identity, Role.HEAD)
    principal = await identity.resolve(headers["authorization"][7:])
    assert principal is not None
    await identity.set_password(principal.subject, TEST_PASSWORD + "?")
    response = await client.post(
        "/petugas/masuk",
        data={
            "username": principal.subject,
            "password": TEST_PASSWORD + "?",
            "next": target,
        },
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(("/", "http://127.0.0.1"))
    assert not location.startswith("//")
    assert "example.org" not in location


async def test_api_sign_in_returns_bearer_token(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await staff_headers(identity, Role.HEAD)
    principal = await identity.resolve(headers["authorization"][7:])
    assert principal is not None
    await identity.set_password(principal.subject, TEST_PASSWORD + "#")
    response = await client.post(
        "/auth/staff",
        json={"username": principal.subject, "password": TEST_PASSWORD + "#"},
    )
    body = response.json()
    assert body["roles"] == ["head"]
    bearer = {"authorization": f"Bearer {body['token']}"}
    assert (await client.get("/head-only", headers=bearer)).status_code == 200
    assert (await client.delete("/auth/session", headers=bearer)).status_code == 204
    assert (await client.get("/head-only", headers=bearer)).status_code == 401


async def test_pages_carry_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/petugas/masuk")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert 'lang="id"' in response.text
    english = await client.get("/petugas/masuk", headers={"cookie": "lang=en"})
    assert "Staff sign-in" in english.text


async def test_language_switch_sets_cookie_and_stays_on_site(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/bahasa/en?next=%2Fpetugas%2Fmasuk")
    assert response.status_code == 303
    assert response.headers["location"] == "/petugas/masuk"
    assert response.cookies["lang"] == "en"
    away = await client.get("/bahasa/en?next=https://example.org")
    assert away.headers["location"] == "/"


async def test_unknown_page_renders_a_page_for_browsers(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/tidak-ada", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "Halaman /tidak-ada tidak ada" in page.text
    api = await client.get("/tidak-ada")
    assert api.status_code == 404
    assert api.json()["message"].startswith("no route matches GET /tidak-ada")

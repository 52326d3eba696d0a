"""Pages of the notify service: chat for residents, conversations for staff."""

from __future__ import annotations

import re

import httpx
import pytest

from services.notify.service import NotifyService
from shared.auth import IdentityStore, Role, SessionKind
from tests.services.notify.notify_support import Application
from tests.support import staff_headers

pytestmark = pytest.mark.integration

HTMX = {"hx-request": "true"}


async def submitted(
    service: NotifyService, identity: IdentityStore, seed: int
) -> tuple[Application, dict[str, str]]:
    application = Application(seed)
    headers = await application.grant_to_applicant(identity)
    await service.notify(application.submitted())
    return application, headers


def poll_after(html: str) -> int:
    """Return the last message number the poller of a page or fragment holds."""
    match = re.search(r'id="chat-after" name="after" value="(\d+)"', html)
    assert match is not None, "the page has no chat poller"
    return int(match[1])


async def test_resident_chat_page_renders(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 81)
    await client.post(
        f"/chat/{application.id}/messages", json={"text": "Halo"}, headers=resident
    )

    page = await client.get(f"/obrolan/{application.id}", headers=resident)

    assert page.status_code == 200
    assert "Obrolan dengan petugas loket" in page.text
    assert application.tracking_code in page.text
    assert "Akta Kelahiran" in page.text
    assert 'name="text"' in page.text
    assert 'hx-trigger="every 4s"' in page.text
    assert poll_after(page.text) == 1
    assert "/static/notify/chat.js" in page.text


async def test_resident_chat_page_english(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 82)

    page = await client.get(
        f"/obrolan/{application.id}", headers={**resident, "cookie": "lang=en"}
    )

    assert "Chat with the front office" in page.text
    assert "No messages yet" in page.text


async def test_poll_fragment_only_new_messages(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 83)
    url = f"/obrolan/{application.id}/pesan"
    await client.post(
        f"/chat/{application.id}/messages", json={"text": "pertama"}, headers=resident
    )
    staff = await staff_headers(identity, Role.FRONT_OFFICE)
    await client.post(
        f"/conversations/{application.id}/messages",
        json={"text": "kedua"},
        headers=staff,
    )

    newer = await client.get(url, params={"after": 1}, headers={**resident, **HTMX})
    nothing = await client.get(url, params={"after": 2}, headers={**resident, **HTMX})

    assert newer.status_code == 200
    assert "kedua" in newer.text
    assert "pertama" not in newer.text
    assert 'hx-swap-oob="true"' in newer.text
    assert poll_after(newer.text) == 2
    assert nothing.status_code == 204
    assert nothing.content == b""


async def test_send_from_page_returns_fragment(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 84)

    sent = await client.post(
        f"/obrolan/{application.id}/pesan",
        data={"text": "Berkas KK saya buram?", "after": "0"},
        headers={**resident, **HTMX},
    )

    assert sent.status_code == 200
    assert "Berkas KK saya buram?" in sent.text
    assert 'class="msg mine"' in sent.text
    assert poll_after(sent.text) == 1


async def test_send_without_htmx_redirects(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 85)

    sent = await client.post(
        f"/obrolan/{application.id}/pesan", data={"text": "Halo"}, headers=resident
    )

    assert sent.status_code == 303
    assert sent.headers["location"] == f"/obrolan/{application.id}"


async def test_cookie_send_needs_csrf_token(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, _ = await submitted(service, identity, 86)
    opened = await identity.open_session(
        SessionKind.RESIDENT, application.applicant.nik, name="Warga"
    )
    cookie = {"cookie": f"dompak_session={opened.token}"}
    url = f"/obrolan/{application.id}/pesan"

    without = await client.post(url, data={"text": "Halo"}, headers=cookie)
    with_token = await client.post(
        url,
        data={"text": "Halo", "csrf_token": opened.principal.csrf_token},
        headers=cookie,
    )

    assert without.status_code == 403
    assert "CSRF" in without.json()["message"]
    assert with_token.status_code == 303


async def test_send_empty_text_explains(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 87)

    sent = await client.post(
        f"/obrolan/{application.id}/pesan",
        data={"text": "  "},
        headers={**resident, **HTMX},
    )

    assert sent.status_code == 422
    assert "the message is empty" in sent.json()["message"]


async def test_staff_list_and_filters(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    waiting, resident = await submitted(service, identity, 88)
    staff = await staff_headers(identity, Role.FRONT_OFFICE)
    await client.post(
        f"/chat/{waiting.id}/messages", json={"text": "<b>tolong</b>"}, headers=resident
    )

    page = await client.get("/percakapan", headers=staff)
    rows = await client.get(
        "/percakapan/daftar",
        params={"tracking_code": waiting.tracking_code, "unanswered": "true"},
        headers={**staff, **HTMX},
    )
    other_service = await client.get(
        "/percakapan/daftar",
        params={"tracking_code": waiting.tracking_code, "service_code": "death_deed"},
        headers={**staff, **HTMX},
    )

    assert page.status_code == 200
    assert 'hx-trigger="every 5s"' in page.text
    assert 'hx-include="#filters"' in page.text
    assert waiting.tracking_code in rows.text
    assert "menunggu" in rows.text
    assert "Ambil" in rows.text
    assert waiting.tracking_code not in other_service.text
    assert "Tidak ada percakapan yang cocok" in other_service.text


async def test_staff_conversation_shows_notifications(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, _ = await submitted(service, identity, 89)
    await service.notify(application.accepted())
    staff = await staff_headers(identity, Role.FRONT_OFFICE)
    ops = await staff_headers(identity, Role.OPS)

    page = await client.get(f"/percakapan/{application.id}", headers=staff)
    read_only = await client.get(f"/percakapan/{application.id}", headers=ops)

    assert page.status_code == 200
    assert "Pemberitahuan terkirim" in page.text
    assert "lengkap dan diteruskan ke operator" in page.text
    assert "email: terkirim" in page.text
    assert 'name="text"' in page.text
    assert read_only.status_code == 200
    assert 'name="text"' not in read_only.text
    assert "Ambil" not in read_only.text


async def test_assign_and_release(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, _ = await submitted(service, identity, 90)
    first = await staff_headers(identity, Role.FRONT_OFFICE)
    second = await staff_headers(identity, Role.FRONT_OFFICE)
    base = f"/percakapan/{application.id}"

    taken = await client.post(f"{base}/assign", headers={**first, **HTMX})
    taken_again = await client.post(f"{base}/assign", headers={**second, **HTMX})
    released_by_other = await client.post(f"{base}/release", headers=second)
    released = await client.post(f"{base}/release", headers={**first, **HTMX})
    taken_by_second = await client.post(f"{base}/assign", headers={**second, **HTMX})

    assert taken.status_code == 200
    assert "Lepas" in taken.text
    assert taken_again.status_code == 409
    assert "already handling this conversation" in taken_again.json()["message"]
    assert released_by_other.status_code == 409
    assert released.status_code == 200
    assert "Ambil" in released.text
    assert taken_by_second.status_code == 200


async def test_assignee_shown_in_list(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 91)
    await client.post(
        f"/chat/{application.id}/messages", json={"text": "Halo"}, headers=resident
    )
    staff = await staff_headers(identity, Role.FRONT_OFFICE)
    await client.post(f"/percakapan/{application.id}/assign", headers=staff)

    rows = await client.get(
        "/percakapan/daftar",
        params={"tracking_code": application.tracking_code},
        headers={**staff, **HTMX},
    )

    assert "Petugas" in rows.text
    assert "Lepas" in rows.text


@pytest.mark.parametrize("path", ["/percakapan/daftar", "/conversations"])
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"service_code": "nope"}, ["'nope'", "birth_deed"]),
        ({"status": "nope"}, ["no filter 'status'", "tracking_code, service_code"]),
    ],
    ids=["service", "unknown-name"],
)
async def test_conversation_unknown_filter_rejected(
    client: httpx.AsyncClient,
    identity: IdentityStore,
    path: str,
    params: dict[str, str],
    named: list[str],
) -> None:
    staff = await staff_headers(identity, Role.FRONT_OFFICE)

    response = await client.get(path, params=params, headers=staff | HTMX)

    assert response.status_code == 422
    for text in named:
        assert text in response.json()["message"]


async def test_conversation_page_shows_unknown_filter(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    staff = await staff_headers(identity, Role.FRONT_OFFICE)

    page = await client.get(
        "/percakapan",
        params={"status": "nope"},
        headers=staff | {"accept": "text/html"},
    )

    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "no filter &#39;status&#39;" in page.text


async def test_conversation_empty_filters_mean_any(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    staff = await staff_headers(identity, Role.FRONT_OFFICE)
    empty = {"tracking_code": "", "service_code": ""}

    rows = await client.get("/percakapan/daftar", params=empty, headers=staff | HTMX)
    api = await client.get("/conversations", params=empty, headers=staff)

    assert rows.status_code == 200
    assert api.status_code == 200

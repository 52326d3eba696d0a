"""Front-office pages on the real servers: queue, check, actions, print view."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from shared.auth import SESSION_COOKIE, IdentityStore, Role, SessionKind
from shared.devstack import Endpoints
from tests.services.intake.front_office_support import (
    BIRTH_DEED_FILES,
    all_marked,
    front_office_app,
    submit_birth_deed,
)
from tests.support import TEST_PASSWORD, staff_headers

pytestmark = pytest.mark.integration

HTMX = {"hx-request": "true"}


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def client(
    endpoints: Endpoints, state_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with front_office_app(endpoints, state_dir) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session")
async def staff(identity: IdentityStore) -> dict[str, str]:
    """Headers of a new front-office session (a new account per test)."""
    return await staff_headers(identity, Role.FRONT_OFFICE)


async def version_of(
    client: httpx.AsyncClient, application_id: str, headers: dict[str, str]
) -> int:
    response = await client.get(f"/applications/{application_id}", headers=headers)
    return int(response.json()["version"])


async def application(
    client: httpx.AsyncClient, application_id: str, headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.get(f"/applications/{application_id}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_queue_page_lists_application(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    body = await submit_birth_deed(client, identity, 21)

    page = await client.get("/loket", headers=staff)

    assert page.status_code == 200
    assert body["tracking_code"] in page.text
    assert f'href="/loket/{body["application_id"]}"' in page.text
    assert 'hx-trigger="every 5s"' in page.text
    assert "Akta Kelahiran" in page.text


async def test_queue_fragment_filters_by_service(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    body = await submit_birth_deed(client, identity, 22)

    births = await client.get(
        "/loket/antrian", params={"service": "birth_deed"}, headers=staff | HTMX
    )
    deaths = await client.get(
        "/loket/antrian", params={"service": "death_deed"}, headers=staff | HTMX
    )

    assert births.status_code == 200
    assert "<html" not in births.text
    assert body["tracking_code"] in births.text
    assert body["tracking_code"] not in deaths.text


async def test_queue_filter_form_keeps_url(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    filtered = await client.get(
        "/loket/antrian",
        params={"service": "kia", "overdue": "1"},
        headers=staff | HTMX | {"hx-trigger": "saring"},
    )
    polled = await client.get(
        "/loket/antrian", params={"service": "kia"}, headers=staff | HTMX
    )

    assert filtered.headers["hx-replace-url"] == "/loket?service=kia&overdue=1"
    assert "hx-replace-url" not in polled.headers


async def test_queue_only_mine_after_assign(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    mine = await submit_birth_deed(client, identity, 23)
    other = await submit_birth_deed(client, identity, 24)

    assigned = await client.post(
        f"/loket/{mine['application_id']}/ambil", headers=staff | HTMX
    )
    only_mine = await client.get(
        "/loket/antrian", params={"mine": "1"}, headers=staff | HTMX
    )

    assert assigned.status_code == 200
    assert "Lepas" in assigned.text
    assert 'id="versi"' in assigned.text
    assert mine["tracking_code"] in only_mine.text
    assert other["tracking_code"] not in only_mine.text
    assert "Petugas " in only_mine.text


async def test_queue_overdue_filter_excludes_fresh(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    body = await submit_birth_deed(client, identity, 25)

    overdue = await client.get(
        "/loket/antrian", params={"overdue": "1"}, headers=staff | HTMX
    )

    assert overdue.status_code == 200
    assert body["tracking_code"] not in overdue.text


async def test_queue_unknown_status_rejected(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    response = await client.get(
        "/loket/antrian", params={"status": "accepted"}, headers=staff | HTMX
    )

    assert response.status_code == 422
    assert "'accepted'" in response.json()["message"]


async def test_detail_shows_papers_and_form(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    body = await submit_birth_deed(client, identity, 26)
    application_id = body["application_id"]

    page = await client.get(f"/loket/{application_id}", headers=staff)

    assert page.status_code == 200
    for code in BIRTH_DEED_FILES:
        assert f'src="/applications/{application_id}/files/{code}"' in page.text
        assert f'name="check_{code}"' in page.text
    assert "Nama ibu" not in page.text  # the mother is a group of NIK and name
    assert "<dt>Ibu</dt>" in page.text
    assert "<dt>Jenis kelamin</dt><dd>Perempuan</dd>" in page.text
    assert "12.17.08.2001 (Lumban SS Dolok)" in page.text
    assert f"/percakapan/{application_id}" in page.text
    assert body["tracking_code"] in page.text


async def test_detail_images_are_served(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 27))["application_id"]

    image = await client.get(
        f"/applications/{application_id}/files/family_card", headers=staff
    )

    assert image.status_code == 200
    assert image.headers["content-type"] == "image/jpeg"


async def test_accept_through_page(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 28))["application_id"]
    version = await version_of(client, application_id, staff)

    response = await client.post(
        f"/loket/{application_id}/terima",
        data={**all_marked(), "version": str(version)},
        headers=staff | HTMX,
    )

    assert response.status_code == 200, response.text
    assert 'id="keputusan"' in response.text
    assert (await application(client, application_id, staff))[
        "intake_status"
    ] == "accepted"


async def test_accept_with_incomplete_checklist_rejected(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 29))["application_id"]
    version = await version_of(client, application_id, staff)
    marks = all_marked()
    del marks["check_family_card"]

    response = await client.post(
        f"/loket/{application_id}/terima",
        data={**marks, "version": str(version)},
        headers=staff | HTMX,
    )

    assert response.status_code == 422
    assert "checklist is incomplete" in response.json()["message"]
    assert "Kartu Keluarga" in response.json()["message"]
    after = await application(client, application_id, staff)
    assert after["intake_status"] == "submitted"
    assert after["version"] == version


async def test_accept_with_problem_mark_rejected(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 30))["application_id"]
    version = await version_of(client, application_id, staff)

    response = await client.post(
        f"/loket/{application_id}/terima",
        data={
            **all_marked(),
            "check_birth_letter": "unreadable",
            "version": str(version),
        },
        headers=staff | HTMX,
    )

    assert response.status_code == 422
    assert "Minta berkas" in response.json()["message"]


async def test_accept_stale_version_is_conflict(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 31))["application_id"]
    seen = await version_of(client, application_id, staff)
    await client.post(f"/applications/{application_id}/assign", headers=staff)

    response = await client.post(
        f"/loket/{application_id}/terima",
        data={**all_marked(), "version": str(seen)},
        headers=staff | HTMX,
    )

    assert response.status_code == 409
    assert "changed after you opened it" in response.json()["message"]


async def test_action_blocked_while_colleague_assigned(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 32))["application_id"]
    colleague = await staff_headers(identity, Role.FRONT_OFFICE)
    await client.post(f"/applications/{application_id}/assign", headers=colleague)
    version = await version_of(client, application_id, staff)

    second_assign = await client.post(
        f"/applications/{application_id}/assign", headers=staff
    )
    accepted = await client.post(
        f"/loket/{application_id}/terima",
        data={**all_marked(), "version": str(version)},
        headers=staff | HTMX,
    )
    released = await client.post(f"/loket/{application_id}/lepas", headers=staff | HTMX)

    assert second_assign.status_code == 409
    assert "being checked by" in second_assign.json()["message"]
    assert accepted.status_code == 409
    assert released.status_code == 200
    assert (await application(client, application_id, staff))["assignee"] is None


async def test_request_documents_through_page(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 33))["application_id"]
    version = await version_of(client, application_id, staff)

    response = await client.post(
        f"/loket/{application_id}/minta-berkas",
        data={
            **all_marked(),
            "check_family_card": "unreadable",
            "reason_family_card": "Foto buram di bagian NIK",
            "note": "Mohon foto ulang di tempat terang",
            "version": str(version),
        },
        headers=staff | HTMX,
    )

    assert response.status_code == 200, response.text
    assert "Tidak terbaca: Foto buram di bagian NIK" in response.text
    after = await application(client, application_id, staff)
    assert after["intake_status"] == "documents_requested"
    assert after["missing"] == [
        {
            "requirement": "family_card",
            "reason": "Tidak terbaca: Foto buram di bagian NIK",
            "label": "Kartu Keluarga (KK)",
        }
    ]


async def test_request_documents_without_reason_rejected(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 34))["application_id"]
    version = await version_of(client, application_id, staff)

    response = await client.post(
        f"/loket/{application_id}/minta-berkas",
        data={**all_marked(), "check_form_f201": "missing", "version": str(version)},
        headers=staff | HTMX,
    )

    assert response.status_code == 422
    assert "reason" in response.json()["message"]
    after = await application(client, application_id, staff)
    assert after["intake_status"] == "submitted"


async def test_request_documents_all_ok_rejected(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 35))["application_id"]
    version = await version_of(client, application_id, staff)

    response = await client.post(
        f"/loket/{application_id}/minta-berkas",
        data={**all_marked(), "version": str(version)},
        headers=staff | HTMX,
    )

    assert response.status_code == 422
    assert "every paper is marked OK" in response.json()["message"]


async def cookie_session(identity: IdentityStore) -> tuple[str, str]:
    """Open a front-office session as a browser has it: (cookie, CSRF token)."""
    username = f"loket{uuid.uuid4().hex[:10]}"
    await identity.create_staff(
        username,
        name="Petugas Loket",
        roles=frozenset({Role.FRONT_OFFICE}),
        password=TEST_PASSWORD,
    )
    opened = await identity.open_session(
        SessionKind.STAFF,
        username,
        name="Petugas Loket",
        roles=frozenset({Role.FRONT_OFFICE}),
    )
    return opened.token, opened.principal.csrf_token


async def test_cookie_post_without_csrf_refused(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 36))["application_id"]
    token, csrf = await cookie_session(identity)
    cookie = {"cookie": f"{SESSION_COOKIE}={token}"}

    without = await client.post(f"/loket/{application_id}/ambil", headers=HTMX | cookie)
    with_token = await client.post(
        f"/loket/{application_id}/ambil",
        headers=HTMX | cookie | {"x-csrf-token": csrf},
    )

    assert without.status_code == 403
    assert "CSRF" in without.json()["message"]
    assert with_token.status_code == 200
    assignee = (await application(client, application_id, staff))["assignee"]
    assert assignee["name"] == "Petugas Loket"


async def test_plain_form_post_redirects_back(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 37))["application_id"]
    token, csrf = await cookie_session(identity)
    version = await version_of(client, application_id, staff)

    response = await client.post(
        f"/loket/{application_id}/terima",
        data={**all_marked(), "version": str(version), "csrf_token": csrf},
        headers={"accept": "text/html", "cookie": f"{SESSION_COOKIE}={token}"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/loket/{application_id}"
    after = await application(client, application_id, staff)
    assert after["intake_status"] == "accepted"


async def test_detail_of_accepted_has_no_checklist(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 38))["application_id"]
    await client.post(f"/applications/{application_id}/accept", headers=staff)

    page = await client.get(f"/loket/{application_id}", headers=staff)

    assert page.status_code == 200
    assert 'name="check_' not in page.text
    assert "tidak sedang menunggu pemeriksaan loket" in page.text


async def test_ops_sees_detail_without_actions(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    ops = await staff_headers(identity, Role.OPS)
    application_id = (await submit_birth_deed(client, identity, 39))["application_id"]

    page = await client.get(f"/loket/{application_id}", headers=ops)

    assert page.status_code == 200
    assert 'name="check_' not in page.text
    assert "/ambil" not in page.text


async def test_print_view_has_page_per_paper(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    body = await submit_birth_deed(client, identity, 40)
    application_id = body["application_id"]

    page = await client.get(f"/loket/{application_id}/cetak", headers=staff)

    assert page.status_code == 200
    sections = re.findall(r'<section class="print-page paper-print">', page.text)
    assert len(sections) == len(BIRTH_DEED_FILES)
    assert page.text.count(body["tracking_code"]) >= len(BIRTH_DEED_FILES)
    assert "Rosmaida Situmorang" in page.text
    assert "data-print" in page.text
    assert "/static/intake/front_office.css" in page.text


async def test_detail_unknown_application_is_404(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    page = await client.get(
        "/loket/no-such-application", headers=staff | {"accept": "text/html"}
    )

    assert page.status_code == 404
    assert "no-such-application" in page.text


async def test_concurrent_assigns_let_one_win(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = (await submit_birth_deed(client, identity, 41))["application_id"]
    sessions = [await staff_headers(identity, Role.FRONT_OFFICE) for _ in range(4)]

    responses = await asyncio.gather(
        *[
            client.post(f"/applications/{application_id}/assign", headers=headers)
            for headers in sessions
        ]
    )

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409, 409, 409]


async def test_json_queue_filters_mine(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    mine = await submit_birth_deed(client, identity, 42)
    await submit_birth_deed(client, identity, 43)
    await client.post(f"/applications/{mine['application_id']}/assign", headers=staff)

    queue = await client.get(
        "/front-office/queue", params={"mine": "true"}, headers=staff
    )

    assert queue.status_code == 200
    assert [i["application_id"] for i in queue.json()] == [mine["application_id"]]
    assert queue.json()[0]["assignee"]["name"].startswith("Petugas ")


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/loket/antrian", {"service": "nope"}, "birth_deed"),
        ("/loket/antrian", {"village": "nope"}, "village filter"),
        ("/loket/antrian", {"village": "12.17.99.9999"}, "village filter"),
        ("/loket/antrian", {"status": "nope"}, "resubmitted"),
        ("/front-office/queue", {"service_code": "nope"}, "birth_deed"),
        ("/front-office/queue", {"village_code": "nope"}, "village filter"),
        ("/front-office/queue", {"status": "nope"}, "resubmitted"),
    ],
)
async def test_queue_unknown_filter_value_rejected(
    client: httpx.AsyncClient,
    staff: dict[str, str],
    path: str,
    params: dict[str, str],
    named: str,
) -> None:
    response = await client.get(path, params=params, headers=staff | HTMX)

    assert response.status_code == 422
    message = response.json()["message"]
    value = next(iter(params.values()))
    assert f"'{value}'" in message
    assert named in message


@pytest.mark.parametrize(
    ("path", "name", "accepted"),
    [
        ("/loket/antrian", "layanan", "service, status, village, mine, overdue"),
        ("/front-office/queue", "service", "service_code, status, village_code"),
    ],
)
async def test_queue_unknown_filter_name_rejected(
    client: httpx.AsyncClient,
    staff: dict[str, str],
    path: str,
    name: str,
    accepted: str,
) -> None:
    response = await client.get(path, params={name: "kia"}, headers=staff | HTMX)

    assert response.status_code == 422
    assert f"no filter '{name}'" in response.json()["message"]
    assert accepted in response.json()["message"]


async def test_queue_page_shows_unknown_filter(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    page = await client.get(
        "/loket", params={"service": "nope"}, headers=staff | {"accept": "text/html"}
    )

    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "service &#39;nope&#39; is not in the catalogue" in page.text


async def test_queue_empty_filters_mean_any(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    body = await submit_birth_deed(client, identity, 44)
    empty = {"service": "", "status": "", "village": "", "mine": "", "overdue": ""}

    page = await client.get("/loket/antrian", params=empty, headers=staff | HTMX)
    api = await client.get(
        "/front-office/queue",
        params={"service_code": "", "status": "", "village_code": ""},
        headers=staff,
    )

    assert page.status_code == 200
    assert body["tracking_code"] in page.text
    assert api.status_code == 200
    assert body["application_id"] in [i["application_id"] for i in api.json()]


async def test_queue_village_filter_takes_both_forms(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    body = await submit_birth_deed(client, identity, 45)
    village = (await application(client, body["application_id"], staff))["village_code"]

    dotted = await client.get(
        "/front-office/queue", params={"village_code": village}, headers=staff
    )
    digits = await client.get(
        "/front-office/queue",
        params={"village_code": village.replace(".", "")},
        headers=staff,
    )

    assert body["application_id"] in [i["application_id"] for i in dotted.json()]
    assert body["application_id"] in [i["application_id"] for i in digits.json()]


async def test_request_documents_long_reason_rejected(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 46))["application_id"]
    version = await version_of(client, application_id, staff)

    response = await client.post(
        f"/loket/{application_id}/minta-berkas",
        data={
            **all_marked(),
            "check_family_card": "unreadable",
            "reason_family_card": "x" * 3000,
            "version": str(version),
        },
        headers=staff | HTMX,
    )

    assert response.status_code == 422
    assert "3000 characters" in response.json()["message"]
    assert "at most 280" in response.json()["message"]
    after = await application(client, application_id, staff)
    assert after["intake_status"] == "submitted"
    assert after["missing"] == []


async def test_request_documents_longest_reason_kept_whole(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 47))["application_id"]
    version = await version_of(client, application_id, staff)
    reason = "y" * 280

    response = await client.post(
        f"/loket/{application_id}/minta-berkas",
        data={
            **all_marked(),
            "check_family_card": "unreadable",
            "reason_family_card": reason,
            "version": str(version),
        },
        headers=staff | HTMX,
    )

    assert response.status_code == 200, response.text
    after = await application(client, application_id, staff)
    assert after["missing"][0]["reason"] == f"Tidak terbaca: {reason}"


async def test_request_documents_long_note_rejected(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 48))["application_id"]
    version = await version_of(client, application_id, staff)

    response = await client.post(
        f"/loket/{application_id}/minta-berkas",
        data={
            **all_marked(),
            "check_family_card": "missing",
            "reason_family_card": "Belum diunggah",
            "note": "n" * 501,
            "version": str(version),
        },
        headers=staff | HTMX,
    )

    assert response.status_code == 422
    assert "501 characters" in response.json()["message"]
    assert "at most 500" in response.json()["message"]
    after = await application(client, application_id, staff)
    assert after["intake_status"] == "submitted"


async def test_colleague_hold_blocks_page_and_json_actions(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 49))["application_id"]
    colleague = await staff_headers(identity, Role.FRONT_OFFICE)
    await client.post(f"/applications/{application_id}/assign", headers=colleague)
    holder = (await application(client, application_id, staff))["assignee"]
    version = await version_of(client, application_id, staff)
    papers_request = {
        "missing": [{"requirement": "family_card", "reason": "Foto buram"}],
        "version": version,
    }

    page_request = await client.post(
        f"/loket/{application_id}/minta-berkas",
        data={"check_family_card": "missing", "version": str(version)},
        headers=staff | HTMX,
    )
    json_accept = await client.post(
        f"/applications/{application_id}/accept",
        json={"version": version},
        headers=staff,
    )
    json_request = await client.post(
        f"/applications/{application_id}/request-documents",
        json=papers_request,
        headers=staff,
    )

    # The checklist of the page request is incomplete, yet the hold is what
    # the staff member learns first.
    for response in (page_request, json_accept, json_request):
        assert response.status_code == 409
        assert holder["name"] in response.json()["message"]
        assert response.json()["detail"]["assignee"] == holder["username"]
    after = await application(client, application_id, staff)
    assert after["intake_status"] == "submitted"
    assert after["assignee"]["username"] == holder["username"]


async def test_any_front_office_member_releases_over_json(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 50))["application_id"]
    colleague = await staff_headers(identity, Role.FRONT_OFFICE)
    await client.post(f"/applications/{application_id}/assign", headers=colleague)

    released = await client.post(
        f"/applications/{application_id}/release", headers=staff
    )
    version = await version_of(client, application_id, staff)
    accepted = await client.post(
        f"/loket/{application_id}/terima",
        data={**all_marked(), "version": str(version)},
        headers=staff | HTMX,
    )

    assert released.status_code == 200
    assert released.json()["assignee"] is None
    assert accepted.status_code == 200, accepted.text
    after = await application(client, application_id, staff)
    assert after["intake_status"] == "accepted"


async def test_holder_acts_on_own_assignment(
    client: httpx.AsyncClient, identity: IdentityStore, staff: dict[str, str]
) -> None:
    application_id = (await submit_birth_deed(client, identity, 51))["application_id"]
    await client.post(f"/loket/{application_id}/ambil", headers=staff | HTMX)
    version = await version_of(client, application_id, staff)

    accepted = await client.post(
        f"/applications/{application_id}/accept",
        json={"version": version},
        headers=staff,
    )

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["intake_status"] == "accepted"

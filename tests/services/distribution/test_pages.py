"""Distribution desk pages on the real servers: queue, dispatch, hand-over, register."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from services.distribution.service import DistributionService
from shared.auth import IdentityStore, Role
from shared.events import Envelope
from shared.storage import ObjectStore
from tests.services.distribution.conftest import signed_delivery
from tests.support import staff_headers
from tools.samples import VILLAGE_CODE

pytestmark = pytest.mark.integration

OTHER_VILLAGE = "12.17.08.2002"
HTML = {"accept": "text/html"}
COLLECTOR = {
    "collector_name": "Rosmaida Situmorang",
    "collector_nik": "1217085703940042",
    "relationship": "ibu",
}


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def clerk(identity: IdentityStore) -> dict[str, str]:
    """Headers of a distribution clerk's session."""
    return await staff_headers(identity, Role.DISTRIBUTION)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def ops(identity: IdentityStore) -> dict[str, str]:
    return await staff_headers(identity, Role.OPS)


@pytest.fixture
def client(desk: FastAPI) -> httpx.AsyncClient:
    http: httpx.AsyncClient = desk.state.client
    return http


@pytest.fixture
def service(desk: FastAPI) -> DistributionService:
    distribution: DistributionService = desk.state.service
    return distribution


async def new_delivery(
    service: DistributionService, documents: ObjectStore, **options: str
) -> Envelope:
    return await signed_delivery(service, documents, **options)


async def printed_delivery(
    service: DistributionService,
    documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    **options: str,
) -> Envelope:
    event = await signed_delivery(service, documents, **options)
    response = await client.post(
        f"/distribusi/kiriman/{event.subject}/cetak", headers=clerk
    )
    assert response.status_code == 200, response.text
    return event


async def handed_over(
    service: DistributionService,
    documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> Envelope:
    event = await printed_delivery(service, documents, client, clerk)
    response = await client.post(
        f"/distribusi/serah/{event.subject}", data=COLLECTOR, headers=clerk
    )
    assert response.status_code == 303, response.text
    return event


async def register_count(service: DistributionService, event: Envelope) -> int:
    return await service._repository.register_book.count_documents(
        {"document_id": event.data["document_id"]}
    )


async def test_queue_page_lists_delivery(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents)

    page = await client.get("/distribusi", headers={**clerk, **HTML})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert event.data["subject_name"] in page.text
    assert f"/deliveries/{event.subject}/pdf" in page.text
    assert f"/distribusi/kiriman/{event.subject}/cetak" in page.text
    assert 'hx-trigger="every 5s' in page.text


async def test_queue_fragment_filters_service(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    deed = await new_delivery(service, desk_documents)
    card = await new_delivery(service, desk_documents, service_code="kia")

    fragment = await client.get(
        "/distribusi/antrian",
        params={"status": "awaiting_print", "service_code": "kia"},
        headers=clerk,
    )

    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert card.data["subject_name"] in fragment.text
    assert deed.data["subject_name"] not in fragment.text


async def test_queue_fragment_filters_village(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    same_village = await new_delivery(service, desk_documents)
    other_village = await new_delivery(
        service, desk_documents, village_code=OTHER_VILLAGE
    )

    fragment = await client.get(
        "/distribusi/antrian", params={"village_code": OTHER_VILLAGE}, headers=clerk
    )

    assert other_village.data["subject_name"] in fragment.text
    assert same_village.data["subject_name"] not in fragment.text


async def test_queue_unknown_status_rejected(
    client: httpx.AsyncClient, clerk: dict[str, str]
) -> None:
    fragment = await client.get(
        "/distribusi/antrian", params={"status": "lost"}, headers=clerk
    )

    assert fragment.status_code == 422
    assert "'lost'" in fragment.json()["message"]


async def test_take_shows_assignee(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents)

    assigned = await client.post(
        f"/distribusi/kiriman/{event.subject}/ambil", headers=clerk
    )
    fragment = await client.get("/distribusi/antrian", headers=clerk)

    stored = await service.get(event.subject)
    row = fragment.text.split(f'id="kiriman-{event.subject}"')[1].split("</tr>")[0]
    assert assigned.status_code == 200
    assert assigned.headers["hx-trigger"] == "antrian"
    assert stored["assignee"]["name"] in row
    assert f"/distribusi/kiriman/{event.subject}/lepas" in row


async def test_mark_printed_moves_to_printed(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents)

    response = await client.post(
        f"/distribusi/kiriman/{event.subject}/cetak", headers=clerk
    )
    again = await client.post(
        f"/distribusi/kiriman/{event.subject}/cetak", headers=clerk
    )
    printed = await client.get(
        "/distribusi/antrian", params={"status": "printed"}, headers=clerk
    )

    stored = await service.get(event.subject)
    assert response.status_code == 200
    assert stored["status"] == "printed"
    assert stored["printed_by"].startswith("uji")
    assert again.status_code == 409
    assert event.data["subject_name"] in printed.text


async def test_ops_queue_without_actions(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    ops: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents)

    page = await client.get("/distribusi", headers={**ops, **HTML})

    assert page.status_code == 200
    assert event.data["subject_name"] in page.text
    assert f"/distribusi/kiriman/{event.subject}/cetak" not in page.text
    assert f"/deliveries/{event.subject}/pdf" not in page.text


async def test_dispatch_page_lists_village_documents(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    same_village = await printed_delivery(service, desk_documents, client, clerk)
    other_village = await printed_delivery(
        service, desk_documents, client, clerk, village_code=OTHER_VILLAGE
    )
    card = await printed_delivery(
        service, desk_documents, client, clerk, service_code="kia"
    )

    page = await client.get(
        "/distribusi/kirim",
        params={"village_code": VILLAGE_CODE},
        headers={**clerk, **HTML},
    )

    assert page.status_code == 200
    assert f'value="{same_village.subject}"' in page.text
    assert f'value="{other_village.subject}"' not in page.text
    assert f'value="{card.subject}"' not in page.text
    assert "<optgroup" in page.text


async def test_batch_dispatch_prints_list(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    events = [
        await printed_delivery(service, desk_documents, client, clerk) for _ in range(3)
    ]
    chosen = [event.subject for event in events[:2]]

    response = await client.post(
        "/distribusi/kirim",
        data={"village_code": VILLAGE_CODE, "application_id": chosen},
        headers=clerk,
    )
    sheet = await client.get(response.headers["location"], headers={**clerk, **HTML})

    assert response.status_code == 303, response.text
    assert re.fullmatch(
        r"/distribusi/kirim/[0-9a-f-]{36}", response.headers["location"]
    )
    assert sheet.status_code == 200
    assert "sign-line" in sheet.text
    for event in events[:2]:
        assert event.data["subject_name"] in sheet.text
        assert (await service.get(event.subject))["status"] == "dispatched"
    assert events[2].data["subject_name"] not in sheet.text
    assert (await service.get(events[2].subject))["status"] == "printed"


async def test_batch_dispatch_other_village_rejected(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    same_village = await printed_delivery(service, desk_documents, client, clerk)
    other_village = await printed_delivery(
        service, desk_documents, client, clerk, village_code=OTHER_VILLAGE
    )
    lists_before = await service._repository.dispatch_lists.count_documents({})

    response = await client.post(
        "/distribusi/kirim",
        data={
            "village_code": VILLAGE_CODE,
            "application_id": [same_village.subject, other_village.subject],
        },
        headers=clerk,
    )

    lists_after = await service._repository.dispatch_lists.count_documents({})
    assert response.status_code == 422
    assert other_village.subject in response.text
    assert "a village other than" in response.text
    assert (await service.get(same_village.subject))["status"] == "printed"
    assert (await service.get(other_village.subject))["status"] == "printed"
    assert lists_after == lists_before


async def test_batch_dispatch_nothing_chosen_rejected(
    client: httpx.AsyncClient, clerk: dict[str, str]
) -> None:
    response = await client.post(
        "/distribusi/kirim", data={"village_code": VILLAGE_CODE}, headers=clerk
    )

    assert response.status_code == 422
    assert "Dokumen" in response.text


async def test_hand_over_form_gives_receipt(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await printed_delivery(service, desk_documents, client, clerk)
    form = await client.get(
        f"/distribusi/serah/{event.subject}", headers={**clerk, **HTML}
    )

    response = await client.post(
        f"/distribusi/serah/{event.subject}", data=COLLECTOR, headers=clerk
    )
    receipt = await client.get(response.headers["location"], headers={**clerk, **HTML})

    stored = await service.get(event.subject)
    assert form.status_code == 200
    assert 'name="collector_nik"' in form.text
    assert response.status_code == 303
    assert response.headers["location"] == f"/distribusi/tanda-terima/{event.subject}"
    assert stored["status"] == "handed_over"
    assert stored["collector"]["relationship"] == "ibu"
    assert receipt.status_code == 200
    assert stored["receipt_number"] in receipt.text
    assert event.data["register_number"] in receipt.text
    assert COLLECTOR["collector_nik"] in receipt.text
    assert await register_count(service, event) == 1


@pytest.mark.parametrize(
    "nik",
    ["121708570394004", "12170857039400AB", "1217089913940042", "1217085703940000"],
    ids=["15_digits", "letters", "no_birth_date", "serial_0000"],
)
async def test_hand_over_bad_nik_records_nothing(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    nik: str,
) -> None:
    event = await printed_delivery(service, desk_documents, client, clerk)

    response = await client.post(
        f"/distribusi/serah/{event.subject}",
        data={**COLLECTOR, "collector_nik": nik},
        headers=clerk,
    )

    stored = await service.get(event.subject)
    assert response.status_code == 422
    assert "NIK penerima" in response.text
    assert f'value="{nik}"' in response.text
    assert stored["status"] == "printed"
    assert stored["receipt_number"] is None
    assert "collector" not in stored
    assert await register_count(service, event) == 0


async def test_hand_over_before_print_rejected(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents)

    response = await client.post(
        f"/distribusi/serah/{event.subject}", data=COLLECTOR, headers=clerk
    )

    assert response.status_code == 409
    assert "awaiting_print" in response.text
    assert await register_count(service, event) == 0


async def test_receipt_before_hand_over_rejected(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await printed_delivery(service, desk_documents, client, clerk)

    page = await client.get(
        f"/distribusi/tanda-terima/{event.subject}", headers={**clerk, **HTML}
    )

    assert page.status_code == 422
    assert "not handed over" in page.text


async def test_appointment_form_books_visit(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents, service_code="ktp_el_new")
    day = (service.regency.today() + timedelta(days=3)).isoformat()

    form = await client.get(
        f"/distribusi/serah/{event.subject}", headers={**clerk, **HTML}
    )
    response = await client.post(
        f"/distribusi/serah/{event.subject}/jadwal",
        data={"day": day, "time": "10:30", "place": "Kantor Disdukcapil Pangururan"},
        headers=clerk,
    )

    stored = await service.get(event.subject)
    assert 'name="day"' in form.text
    assert 'name="collector_nik"' not in form.text
    assert response.status_code == 303
    assert stored["status"] == "appointment_scheduled"
    assert stored["appointment"]["starts_at"] == f"{day}T10:30:00+07:00"
    assert stored["appointment"]["place"] == "Kantor Disdukcapil Pangururan"


async def test_appointment_form_past_day_rejected(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents, service_code="ktp_el_new")
    day = (service.regency.today() - timedelta(days=1)).isoformat()

    response = await client.post(
        f"/distribusi/serah/{event.subject}/jadwal",
        data={"day": day, "time": "10:30", "place": ""},
        headers=clerk,
    )

    assert response.status_code == 422
    assert "not in the future" in response.text
    assert (await service.get(event.subject))["status"] == "awaiting_appointment"


async def test_register_page_searches_name(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await handed_over(service, desk_documents, client, clerk)
    part = event.data["subject_name"].split()[-1].upper()

    page = await client.get(
        "/register", params={"name": part}, headers={**clerk, **HTML}
    )
    api = await client.get("/register", params={"name": part}, headers=clerk)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert event.data["register_number"] in page.text
    assert [e["register_number"] for e in api.json()] == [event.data["register_number"]]


async def test_register_fragment_filters_service_and_dates(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await handed_over(service, desk_documents, client, clerk)
    today = service.regency.today()
    number = event.data["register_number"]

    same_day = await client.get(
        "/register/hasil",
        params={
            "service_code": "birth_deed",
            "date_from": today.isoformat(),
            "date_to": today.isoformat(),
        },
        headers=clerk,
    )
    other_service = await client.get(
        "/register/hasil",
        params={"number": number, "service_code": "death_deed"},
        headers=clerk,
    )
    before = await client.get(
        "/register/hasil",
        params={"number": number, "date_to": (today - timedelta(days=1)).isoformat()},
        headers=clerk,
    )

    assert same_day.status_code == 200
    assert number in same_day.text
    assert number not in other_service.text
    assert number not in before.text


async def test_register_reversed_dates_rejected(
    client: httpx.AsyncClient, clerk: dict[str, str]
) -> None:
    response = await client.get(
        "/register/hasil",
        params={"date_from": "2026-12-10", "date_to": "2026-12-01"},
        headers=clerk,
    )

    assert response.status_code == 422
    assert "swap the dates" in response.json()["message"]


async def test_register_print_view(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await handed_over(service, desk_documents, client, clerk)

    page = await client.get(
        "/register/cetak",
        params={"number": event.data["register_number"]},
        headers={**clerk, **HTML},
    )

    assert page.status_code == 200
    assert event.data["register_number"] in page.text
    assert "data-print" in page.text


# Hand-over at the village office


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def official(identity: IdentityStore) -> dict[str, str]:
    """Headers of a village official of VILLAGE_CODE."""
    return await staff_headers(identity, Role.VILLAGE, village_code=VILLAGE_CODE)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def other_official(identity: IdentityStore) -> dict[str, str]:
    """Headers of a village official of OTHER_VILLAGE."""
    return await staff_headers(identity, Role.VILLAGE, village_code=OTHER_VILLAGE)


async def username_of(identity: IdentityStore, headers: dict[str, str]) -> str:
    principal = await identity.resolve(headers["authorization"].split()[1])
    assert principal is not None
    return principal.subject


async def dispatched_delivery(
    service: DistributionService,
    documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    village_code: str = VILLAGE_CODE,
) -> Envelope:
    """Print a delivery of `village_code` and dispatch it to that village."""
    event = await printed_delivery(
        service, documents, client, clerk, village_code=village_code
    )
    response = await client.post(
        "/distribusi/kirim",
        data={"village_code": village_code, "application_id": [event.subject]},
        headers=clerk,
    )
    assert response.status_code == 303, response.text
    return event


async def test_village_page_lists_own_dispatched(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    official: dict[str, str],
) -> None:
    own = await dispatched_delivery(service, desk_documents, client, clerk)
    other = await dispatched_delivery(
        service, desk_documents, client, clerk, village_code=OTHER_VILLAGE
    )
    not_sent = await printed_delivery(service, desk_documents, client, clerk)

    page = await client.get("/distribusi/desa", headers={**official, **HTML})

    html = page.text
    assert page.status_code == 200
    assert own.data["subject_name"] in html
    assert f'href="/distribusi/serah/{own.subject}"' in html
    assert other.data["subject_name"] not in html
    assert not_sent.data["subject_name"] not in html
    assert 'hx-get="/distribusi/desa/daftar"' in html
    assert 'href="/distribusi/kirim"' not in html
    assert 'href="/register"' not in html
    assert "/cetak" not in html


async def test_village_official_hands_over(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    official: dict[str, str],
    identity: IdentityStore,
) -> None:
    event = await dispatched_delivery(service, desk_documents, client, clerk)
    form = await client.get(
        f"/distribusi/serah/{event.subject}", headers={**official, **HTML}
    )

    response = await client.post(
        f"/distribusi/serah/{event.subject}", data=COLLECTOR, headers=official
    )
    receipt = await client.get(
        f"/distribusi/tanda-terima/{event.subject}", headers={**official, **HTML}
    )
    handed = await client.get(
        "/distribusi/desa/daftar", params={"status": "handed_over"}, headers=official
    )

    stored = await service.get(event.subject)
    assert form.status_code == 200
    assert 'name="collector_nik"' in form.text
    assert "/jadwal" not in form.text
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/distribusi/tanda-terima/{event.subject}"
    assert stored["status"] == "handed_over"
    assert stored["handed_over_by"] == await username_of(identity, official)
    assert stored["collector"]["nik"] == COLLECTOR["collector_nik"]
    assert await register_count(service, event) == 1
    assert receipt.status_code == 200
    assert stored["receipt_number"] in receipt.text
    assert 'href="/distribusi/desa"' in receipt.text
    assert f"/distribusi/tanda-terima/{event.subject}" in handed.text


async def test_village_hand_over_over_api(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    official: dict[str, str],
    identity: IdentityStore,
) -> None:
    event = await dispatched_delivery(service, desk_documents, client, clerk)

    response = await client.post(
        f"/deliveries/{event.subject}/hand-over", json=COLLECTOR, headers=official
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "handed_over"
    stored = await service.get(event.subject)
    assert stored["handed_over_by"] == await username_of(identity, official)


async def test_other_village_official_refused(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    other_official: dict[str, str],
) -> None:
    event = await dispatched_delivery(service, desk_documents, client, clerk)

    form = await client.get(
        f"/distribusi/serah/{event.subject}", headers={**other_official, **HTML}
    )
    posted = await client.post(
        f"/distribusi/serah/{event.subject}", data=COLLECTOR, headers=other_official
    )
    api = await client.post(
        f"/deliveries/{event.subject}/hand-over", json=COLLECTOR, headers=other_official
    )
    listed = await client.get("/distribusi/desa/daftar", headers=other_official)

    stored = await service.get(event.subject)
    assert form.status_code == 404
    assert posted.status_code == 404
    assert api.status_code == 404
    assert event.data["subject_name"] not in form.text
    assert event.data["subject_name"] not in listed.text
    assert stored["status"] == "dispatched"
    assert stored["receipt_number"] is None
    assert "collector" not in stored
    assert await register_count(service, event) == 0


async def test_other_village_receipt_not_found(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    official: dict[str, str],
    other_official: dict[str, str],
) -> None:
    event = await dispatched_delivery(service, desk_documents, client, clerk)
    handed = await client.post(
        f"/distribusi/serah/{event.subject}", data=COLLECTOR, headers=official
    )

    receipt = await client.get(
        f"/distribusi/tanda-terima/{event.subject}", headers={**other_official, **HTML}
    )

    assert handed.status_code == 303
    assert receipt.status_code == 404
    assert COLLECTOR["collector_nik"] not in receipt.text


async def test_village_undispatched_not_found(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    official: dict[str, str],
) -> None:
    event = await printed_delivery(service, desk_documents, client, clerk)

    response = await client.post(
        f"/distribusi/serah/{event.subject}", data=COLLECTOR, headers=official
    )

    assert response.status_code == 404
    assert (await service.get(event.subject))["status"] == "printed"
    assert await register_count(service, event) == 0


async def test_village_bad_nik_records_nothing(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    official: dict[str, str],
) -> None:
    event = await dispatched_delivery(service, desk_documents, client, clerk)

    response = await client.post(
        f"/distribusi/serah/{event.subject}",
        data={**COLLECTOR, "collector_nik": "121708570394004"},
        headers=official,
    )

    stored = await service.get(event.subject)
    assert response.status_code == 422
    assert "NIK penerima" in response.text
    assert stored["status"] == "dispatched"
    assert await register_count(service, event) == 0


async def test_village_list_unknown_status_rejected(
    client: httpx.AsyncClient, official: dict[str, str]
) -> None:
    response = await client.get(
        "/distribusi/desa/daftar", params={"status": "printed"}, headers=official
    )

    assert response.status_code == 422
    assert "printed" in response.json()["message"]


@pytest.mark.parametrize("path", ["/distribusi/antrian", "/queue"])
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"village_code": "nope"}, ["'nope'", "village filter"]),
        ({"village_code": "12.17.99.9999"}, ["'12.17.99.9999'", "village filter"]),
        ({"service_code": "nope"}, ["'nope'", "birth_deed"]),
        ({"status": "lost"}, ["'lost'", "awaiting_print"]),
        ({"village": "x"}, ["no filter 'village'", "status, village_code"]),
    ],
    ids=["village", "village-elsewhere", "service", "status", "unknown-name"],
)
async def test_queue_unknown_filter_rejected(
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    path: str,
    params: dict[str, str],
    named: list[str],
) -> None:
    response = await client.get(path, params=params, headers=clerk)

    assert response.status_code == 422
    for text in named:
        assert text in response.json()["message"]


async def test_queue_page_shows_unknown_village(
    client: httpx.AsyncClient, clerk: dict[str, str]
) -> None:
    page = await client.get(
        "/distribusi", params={"village_code": "nope"}, headers=clerk | HTML
    )

    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "village &#39;nope&#39; is not a village" in page.text


async def test_queue_empty_filters_mean_any(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents)
    empty = {"status": "", "village_code": "", "service_code": ""}

    fragment = await client.get("/distribusi/antrian", params=empty, headers=clerk)
    api = await client.get("/queue", params=empty, headers=clerk)

    assert fragment.status_code == 200
    assert event.data["subject_name"] in fragment.text
    assert api.status_code == 200
    assert event.subject in [d["application_id"] for d in api.json()]


async def test_queue_village_filter_takes_digits(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents, village_code=OTHER_VILLAGE)

    api = await client.get(
        "/queue", params={"village_code": OTHER_VILLAGE.replace(".", "")}, headers=clerk
    )

    assert api.status_code == 200
    assert event.subject in [d["application_id"] for d in api.json()]


async def test_register_unknown_service_rejected(
    client: httpx.AsyncClient, clerk: dict[str, str]
) -> None:
    params = {"service_code": "nope"}

    page = await client.get("/register", params=params, headers=clerk | HTML)
    fragment = await client.get("/register/hasil", params=params, headers=clerk)
    api = await client.get("/register", params=params, headers=clerk)

    assert page.status_code == 422
    assert "service &#39;nope&#39; is not in the catalogue" in page.text
    assert fragment.status_code == 422
    assert "'nope'" in fragment.json()["message"]
    assert api.status_code == 422
    assert "birth_deed" in api.json()["message"]


async def test_hand_over_long_name_rejected_not_cut(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await printed_delivery(service, desk_documents, client, clerk)

    response = await client.post(
        f"/distribusi/serah/{event.subject}",
        data={**COLLECTOR, "collector_name": "Rosmaida " * 300},
        headers=clerk,
    )

    stored = await service.get(event.subject)
    assert response.status_code == 422
    assert "at most 80 characters" in response.text
    assert stored["status"] == "printed"
    assert "collector" not in stored
    assert await register_count(service, event) == 0


async def test_appointment_long_place_rejected_not_cut(
    service: DistributionService,
    desk_documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: dict[str, str],
) -> None:
    event = await new_delivery(service, desk_documents, service_code="ktp_el_new")
    day = (service.regency.today() + timedelta(days=3)).isoformat()

    response = await client.post(
        f"/distribusi/serah/{event.subject}/jadwal",
        data={"day": day, "time": "10:30", "place": "p" * 3000},
        headers=clerk,
    )

    assert response.status_code == 422
    assert "at most 120 characters" in response.text
    assert (await service.get(event.subject))["status"] == "awaiting_appointment"

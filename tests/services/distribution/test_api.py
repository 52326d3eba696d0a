"""Distribution service on the real servers: print, hand-over, register book."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from structlog.testing import capture_logs

from services.distribution.main import create_app
from services.distribution.service import DistributionService
from services.distribution.settings import DistributionSettings
from shared.auth import IdentityStore, Role
from shared.devstack import Endpoints
from shared.events import Applicant, DocumentSigned, Envelope, EventType, new_event
from shared.storage import ObjectStore
from tests.conftest import settings_values
from tests.support import running_app, staff_headers
from tools.samples import VILLAGE_CODE, birth_deed_application

pytestmark = pytest.mark.integration

DOCUMENTS_BUCKET = "test-distribution-documents"
RECEIPT = re.compile(rf"^TT-1217-{datetime.now(UTC).year}-\d{{6}}$")
OTHER_VILLAGE = "12.17.08.2002"


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def documents(endpoints: Endpoints) -> ObjectStore:
    store = ObjectStore(
        endpoint=endpoints.s3_endpoint,
        access_key=endpoints.s3_access_key,
        secret_key=endpoints.s3_secret_key,
        bucket=DOCUMENTS_BUCKET,
    )
    await store.ensure_bucket()
    return store


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def app(
    endpoints: Endpoints, state_dir: Path, identity: IdentityStore
) -> AsyncIterator[FastAPI]:
    settings = DistributionSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        signed_documents_bucket=DOCUMENTS_BUCKET,
    )
    application = create_app(settings)
    headers = await staff_headers(identity, Role.DISTRIBUTION)
    clerk = await identity.resolve(headers["authorization"].removeprefix("Bearer "))
    assert clerk is not None
    async with running_app(application) as client:
        client.headers.update(headers)
        application.state.client = client
        application.state.clerk = clerk.subject
        yield application


@pytest.fixture
def client(app: FastAPI) -> httpx.AsyncClient:
    http: httpx.AsyncClient = app.state.client
    return http


@pytest.fixture
def clerk(app: FastAPI) -> str:
    """Username of the distribution clerk whose session the client sends."""
    username: str = app.state.clerk
    return username


@pytest.fixture
def service(app: FastAPI) -> DistributionService:
    distribution: DistributionService = app.state.service
    return distribution


def sample_pdf(title: str) -> bytes:
    """Draw a one-page PDF with a title, standing in for a signed deed."""
    output = io.BytesIO()
    page = canvas.Canvas(output, pagesize=A4)
    page.drawString(72, 760, title)
    page.drawString(72, 740, "CONTOH / SAMPLE - data fiktif")
    page.showPage()
    page.save()
    return output.getvalue()


def signed_event(
    application_id: str,
    *,
    object_key: str,
    sha256: str,
    subject_name: str,
    service_code: str = "birth_deed",
    register_number: str | None = None,
) -> Envelope:
    applicant = birth_deed_application(5)["applicant"]
    serial = uuid.uuid4().int % 10**8
    return new_event(
        source="/test",
        event_type=EventType.DOCUMENT_SIGNED,
        application_id=application_id,
        payload=DocumentSigned(
            document_id=str(uuid.uuid4()),
            service_code=service_code,
            tracking_code=f"UJID-{application_id[:4].upper()}-0000",
            register_number=register_number or f"1217-UJ-{serial:08d}-0001",
            object_key=object_key,
            sha256=sha256,
            subject_name=subject_name,
            applicant=Applicant(nik=applicant["nik"], name=applicant["name"]),
            village_code=VILLAGE_CODE,
            signed_at=datetime.now(UTC),
            actor="kadis.uji",
        ),
    )


async def opened(
    service: DistributionService,
    documents: ObjectStore,
    *,
    pdf: bytes | None = None,
    sha256: str | None = None,
    upload: bool = True,
    service_code: str = "birth_deed",
    register_number: str | None = None,
) -> Envelope:
    """Store a PDF and open its delivery the way the signed event does."""
    application_id = str(uuid.uuid4())
    subject_name = f"Anak Uji {application_id[:8]}"
    pdf = pdf if pdf is not None else sample_pdf(subject_name)
    object_key = f"deeds/{application_id}.pdf"
    if upload:
        await documents.put(object_key, pdf, "application/pdf")
    event = signed_event(
        application_id,
        object_key=object_key,
        sha256=sha256 or hashlib.sha256(pdf).hexdigest(),
        subject_name=subject_name,
        service_code=service_code,
        register_number=register_number,
    )
    await service.open_delivery(event)
    return event


async def post_action(
    client: httpx.AsyncClient, application_id: str, action: str, **fields: Any
) -> httpx.Response:
    return await client.post(f"/deliveries/{application_id}/{action}", json=fields)


def hand_over_fields(**changes: str) -> dict[str, str]:
    fields = {
        "collector_name": "Rosmaida Situmorang",
        "collector_nik": "1217085703940042",
        "relationship": "ibu",
    }
    fields.update(changes)
    return fields


async def printed(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> Envelope:
    event = await opened(service, documents)
    response = await post_action(client, event.subject, "print")
    assert response.status_code == 200, response.text
    return event


async def register_entries(service: DistributionService, event: Envelope) -> int:
    return await service._repository.register_book.count_documents(
        {"document_id": event.data["document_id"]}
    )


def receipt_serial(receipt: str) -> int:
    return int(receipt.rsplit("-", 1)[1])


async def test_signed_event_opens_delivery(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents)

    delivery = await client.get(f"/deliveries/{event.subject}")
    queue = await client.get("/queue", params={"village_code": VILLAGE_CODE})

    body = delivery.json()
    queued = [item["application_id"] for item in queue.json()]
    assert delivery.status_code == 200
    assert body["status"] == "awaiting_print"
    assert body["register_number"] == event.data["register_number"]
    assert body["subject_name"] == event.data["subject_name"]
    assert body["receipt_number"] is None
    assert queued.count(event.subject) == 1


async def test_redelivered_signed_event_changes_nothing(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents)
    await post_action(client, event.subject, "print")
    before = await service.get(event.subject)

    await service.open_delivery(event)

    after = await service.get(event.subject)
    stored = await service._repository.deliveries.collection.count_documents(
        {"_id": event.subject}
    )
    assert after == before
    assert after["status"] == "printed"
    assert stored == 1


async def test_print_dispatch_hand_over(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents)

    printed_response = await post_action(client, event.subject, "print")
    dispatched = await post_action(
        client, event.subject, "dispatch", village_code=OTHER_VILLAGE
    )
    handed_over = await post_action(
        client, event.subject, "hand-over", **hand_over_fields()
    )

    assert printed_response.status_code == 200
    assert printed_response.json()["status"] == "printed"
    assert dispatched.status_code == 200
    assert dispatched.json()["status"] == "dispatched"
    assert dispatched.json()["dispatched_to"] == OTHER_VILLAGE
    assert handed_over.status_code == 200
    assert handed_over.json()["status"] == "handed_over"
    assert RECEIPT.match(handed_over.json()["receipt_number"])


async def test_dispatch_defaults_to_applicant_village(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await printed(service, documents, client)

    response = await post_action(client, event.subject, "dispatch")

    assert response.status_code == 200
    assert response.json()["dispatched_to"] == VILLAGE_CODE


async def test_hand_over_writes_register_entry(
    service: DistributionService,
    documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: str,
) -> None:
    event = await printed(service, documents, client)

    response = await post_action(
        client, event.subject, "hand-over", **hand_over_fields()
    )

    receipt = response.json()["receipt_number"]
    found = await client.get(
        "/register", params={"number": event.data["register_number"]}
    )
    entries = found.json()
    assert response.status_code == 200
    assert RECEIPT.match(receipt)
    assert await register_entries(service, event) == 1
    assert len(entries) == 1
    assert entries[0]["receipt_number"] == receipt
    assert entries[0]["document_id"] == event.data["document_id"]
    assert entries[0]["application_id"] == event.subject
    assert entries[0]["collector_name"] == "Rosmaida Situmorang"
    assert entries[0]["recorded_by"] == clerk


async def test_register_search_by_name(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await printed(service, documents, client)
    await post_action(client, event.subject, "hand-over", **hand_over_fields())

    found = await client.get("/register", params={"name": event.data["subject_name"]})

    entries = found.json()
    assert found.status_code == 200
    assert [entry["register_number"] for entry in entries] == [
        event.data["register_number"]
    ]


async def test_register_search_unknown_number_empty(client: httpx.AsyncClient) -> None:
    found = await client.get("/register", params={"number": "1217-UJ-00000000-9999"})

    assert found.status_code == 200
    assert found.json() == []


async def test_hand_over_before_print_conflict(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents)

    response = await post_action(
        client, event.subject, "hand-over", **hand_over_fields()
    )

    body = response.json()
    assert response.status_code == 409
    assert "awaiting_print" in body["message"]
    assert "printed or dispatched" in body["message"]
    assert body["detail"]["status"] == "awaiting_print"
    assert await register_entries(service, event) == 0


async def test_dispatch_before_print_conflict(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents)

    response = await post_action(client, event.subject, "dispatch")

    assert response.status_code == 409
    assert "awaiting_print" in response.json()["message"]


async def test_repeated_hand_over_conflict(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await printed(service, documents, client)
    first = await post_action(client, event.subject, "hand-over", **hand_over_fields())

    again = await post_action(
        client, event.subject, "hand-over", **hand_over_fields(collector_name="Lain")
    )

    stored = await service.get(event.subject)
    assert first.status_code == 200
    assert again.status_code == 409
    assert "handed_over" in again.json()["message"]
    assert await register_entries(service, event) == 1
    assert stored["receipt_number"] == first.json()["receipt_number"]
    assert stored["collector"]["name"] == "Rosmaida Situmorang"


async def test_concurrent_hand_overs_consecutive_receipts(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    events = [await printed(service, documents, client) for _ in range(6)]

    responses = await asyncio.gather(
        *[
            post_action(client, event.subject, "hand-over", **hand_over_fields())
            for event in events
        ]
    )

    assert [r.status_code for r in responses] == [200] * len(events)
    receipts = [r.json()["receipt_number"] for r in responses]
    serials = sorted(receipt_serial(receipt) for receipt in receipts)
    assert len(set(receipts)) == len(receipts)
    assert serials == list(range(serials[0], serials[0] + len(serials)))
    for event in events:
        assert await register_entries(service, event) == 1


async def test_pdf_download_returns_stored_bytes(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    pdf = sample_pdf("Kutipan Akta Kelahiran - contoh")
    event = await opened(service, documents, pdf=pdf)

    response = await client.get(f"/deliveries/{event.subject}/pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content == pdf
    assert response.content.startswith(b"%PDF-")


async def test_pdf_digest_mismatch_server_error(
    app: FastAPI, service: DistributionService, documents: ObjectStore
) -> None:
    pdf = sample_pdf("Kutipan Akta Kelahiran - contoh")
    wrong = hashlib.sha256(b"a different document").hexdigest()
    event = await opened(service, documents, pdf=pdf, sha256=wrong)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    with capture_logs() as logs:
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://test",
            headers=app.state.client.headers,
        ) as client:
            response = await client.get(f"/deliveries/{event.subject}/pdf")

    errors = [entry for entry in logs if entry["log_level"] == "error"]
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert pdf not in response.content
    assert event.data["object_key"] in response.json()["message"]
    assert wrong in response.json()["message"]
    assert [entry["event"] for entry in errors] == ["document.unavailable"]
    assert errors[0]["application_id"] == event.subject


async def test_pdf_missing_object_server_error(
    app: FastAPI, service: DistributionService, documents: ObjectStore
) -> None:
    event = await opened(service, documents, upload=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    with capture_logs() as logs:
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://test",
            headers=app.state.client.headers,
        ) as client:
            response = await client.get(f"/deliveries/{event.subject}/pdf")

    errors = [entry for entry in logs if entry["log_level"] == "error"]
    assert response.status_code == 500
    assert event.data["object_key"] in response.json()["message"]
    assert [entry["event"] for entry in errors] == ["document.unavailable"]


@pytest.mark.parametrize(
    "nik",
    [
        "121708570394004",
        "12170857039400421",
        "12170857039400AB",
        "",
        "١٢١٧٠٨٥٧٠٣٩٤٠٠٤٢",
        "1217085703940000",
        "1217089913940042",
    ],
    ids=[
        "15_digits",
        "17_digits",
        "letters",
        "empty",
        "arabic_indic_digits",
        "serial_0000",
        "no_birth_date",
    ],
)
async def test_hand_over_invalid_collector_nik(
    service: DistributionService,
    documents: ObjectStore,
    client: httpx.AsyncClient,
    nik: str,
) -> None:
    event = await printed(service, documents, client)

    response = await post_action(
        client, event.subject, "hand-over", **hand_over_fields(collector_nik=nik)
    )

    fields = [problem["field"] for problem in response.json()["detail"]["problems"]]
    assert response.status_code == 422
    assert fields == ["collector_nik"]
    assert (await service.get(event.subject))["status"] == "printed"
    assert await register_entries(service, event) == 0


@pytest.mark.parametrize("name", ["12345 <>", "---", "<b>Ibu</b>"])
async def test_hand_over_invalid_collector_name(
    service: DistributionService,
    documents: ObjectStore,
    client: httpx.AsyncClient,
    name: str,
) -> None:
    event = await printed(service, documents, client)

    response = await post_action(
        client, event.subject, "hand-over", **hand_over_fields(collector_name=name)
    )

    assert response.status_code == 422
    assert "collector_name" in response.json()["message"]
    assert await register_entries(service, event) == 0


@pytest.mark.parametrize(
    ("action", "fields"),
    [("print", {}), ("dispatch", {}), ("hand-over", hand_over_fields())],
    ids=["print", "dispatch", "hand_over"],
)
async def test_unknown_delivery_not_found(
    client: httpx.AsyncClient, action: str, fields: dict[str, str]
) -> None:
    unknown = str(uuid.uuid4())

    response = await post_action(client, unknown, action, **fields)

    assert response.status_code == 404
    assert unknown in response.json()["message"]


async def test_unknown_delivery_pdf_not_found(client: httpx.AsyncClient) -> None:
    unknown = str(uuid.uuid4())

    response = await client.get(f"/deliveries/{unknown}/pdf")

    assert response.status_code == 404
    assert unknown in response.json()["message"]


def in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def test_ktp_el_starts_awaiting_appointment(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents, service_code="ktp_el_new")

    early_print = await post_action(client, event.subject, "print")
    view = (await client.get(f"/deliveries/{event.subject}")).json()

    assert view["status"] == "awaiting_appointment"
    assert view["output"] == "card_print"
    assert early_print.status_code == 409


async def test_ktp_el_appointment_then_hand_over(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents, service_code="ktp_el_new")

    booked = await post_action(
        client, event.subject, "appointment", starts_at=in_days(3)
    )
    printed_card = await post_action(client, event.subject, "print")
    handed = await post_action(client, event.subject, "hand-over", **hand_over_fields())

    assert booked.status_code == 200, booked.text
    assert booked.json()["appointment"]["place"] == "Kantor Disdukcapil"
    assert printed_card.status_code == 200
    assert handed.json()["status"] == "handed_over"


async def test_appointment_in_past_rejected(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents, service_code="ktp_el_reissue")

    response = await post_action(
        client, event.subject, "appointment", starts_at=in_days(-1)
    )

    assert response.status_code == 422
    assert "not in the future" in response.json()["message"]


async def test_appointment_for_deed_conflict(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents)

    response = await post_action(
        client, event.subject, "appointment", starts_at=in_days(2)
    )

    assert response.status_code == 409


async def test_card_dispatch_to_village_conflict(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents, service_code="kia")
    await post_action(client, event.subject, "print")

    response = await post_action(client, event.subject, "dispatch")

    assert response.status_code == 409
    assert "in person" in response.json()["message"]


async def test_naive_appointment_time_rejected(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents, service_code="ktp_el_new")

    response = await post_action(
        client, event.subject, "appointment", starts_at="2030-01-01T09:00:00"
    )

    assert response.status_code == 422
    assert "starts_at" in response.json()["message"]


async def test_far_appointment_rejected(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents, service_code="ktp_el_new")

    response = await post_action(
        client, event.subject, "appointment", starts_at=in_days(400)
    )

    assert response.status_code == 422
    assert "90 days" in response.json()["message"]


async def test_dispatch_outside_regency_rejected(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await printed(service, documents, client)

    response = await post_action(
        client, event.subject, "dispatch", village_code="99.99.99.9999"
    )

    assert response.status_code == 422
    assert "99.99.99.9999" in response.json()["message"]


async def test_same_number_twice_gets_two_entries(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    # A reissued card carries the holder's NIK again as its number.
    number = f"121708{uuid.uuid4().int % 10**10:010d}"
    first = await opened(service, documents, register_number=number)
    second = await opened(service, documents, register_number=number)
    receipts = []
    for event in (first, second):
        await post_action(client, event.subject, "print")
        handed = await post_action(
            client, event.subject, "hand-over", **hand_over_fields()
        )
        receipts.append(handed.json()["receipt_number"])

    entries = (await client.get("/register", params={"number": number})).json()

    assert len(set(receipts)) == 2
    assert len(entries) == 2
    assert {e["document_id"] for e in entries} == {
        first.data["document_id"],
        second.data["document_id"],
    }


async def test_appointment_can_be_moved_before_print(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents, service_code="ktp_el_new")
    await post_action(client, event.subject, "appointment", starts_at=in_days(3))

    moved = await post_action(
        client, event.subject, "appointment", starts_at=in_days(5)
    )
    await post_action(client, event.subject, "print")
    after_print = await post_action(
        client, event.subject, "appointment", starts_at=in_days(6)
    )

    assert moved.status_code == 200
    assert moved.json()["status"] == "appointment_scheduled"
    assert after_print.status_code == 409


async def test_assign_then_release(
    service: DistributionService,
    documents: ObjectStore,
    client: httpx.AsyncClient,
    clerk: str,
) -> None:
    event = await opened(service, documents)

    assigned = await client.post(f"/deliveries/{event.subject}/assign")
    assigned_again = await client.post(f"/deliveries/{event.subject}/assign")
    released = await client.post(f"/deliveries/{event.subject}/release")

    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee"]["username"] == clerk
    assert assigned_again.status_code == 200
    assert assigned_again.json()["assignee"] == assigned.json()["assignee"]
    assert released.status_code == 200
    assert released.json()["assignee"] is None


async def test_assign_held_by_colleague_conflict(
    service: DistributionService,
    documents: ObjectStore,
    client: httpx.AsyncClient,
    identity: IdentityStore,
) -> None:
    event = await opened(service, documents)
    colleague = await staff_headers(identity, Role.DISTRIBUTION)
    await client.post(f"/deliveries/{event.subject}/assign", headers=colleague)

    assigned = await client.post(f"/deliveries/{event.subject}/assign")
    released = await client.post(f"/deliveries/{event.subject}/release")

    stored = await service.get(event.subject)
    assert assigned.status_code == 409
    assert "release it first" in assigned.json()["message"]
    assert released.status_code == 409
    assert stored["assignee"]["username"] == assigned.json()["detail"]["assignee"]


async def test_print_clears_assignee(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await opened(service, documents)
    await client.post(f"/deliveries/{event.subject}/assign")

    response = await post_action(client, event.subject, "print")

    assert response.status_code == 200
    assert response.json()["assignee"] is None


async def test_actor_in_body_rejected(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    event = await printed(service, documents, client)

    response = await post_action(client, event.subject, "dispatch", actor="someone")

    assert response.status_code == 422
    assert "actor" in response.json()["message"]
    assert (await service.get(event.subject))["status"] == "printed"


async def test_batch_dispatch_writes_list(
    service: DistributionService, documents: ObjectStore, client: httpx.AsyncClient
) -> None:
    events = [await printed(service, documents, client) for _ in range(2)]
    ids = [event.subject for event in events]

    response = await client.post(
        "/dispatches", json={"village_code": VILLAGE_CODE, "application_ids": ids}
    )
    listed = await client.get(f"/dispatches/{response.json()['dispatch_list_id']}")

    assert response.status_code == 200, response.text
    assert response.json()["application_ids"] == ids
    assert response.json()["left_behind"] == []
    assert listed.json() == response.json()
    for event in events:
        stored = await service.get(event.subject)
        assert stored["status"] == "dispatched"
        assert stored["dispatch_list_id"] == response.json()["dispatch_list_id"]

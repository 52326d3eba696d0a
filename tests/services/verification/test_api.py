"""Verification service on the real servers: cases, drafts, four-eyes checks."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from kafka import KafkaConsumer

from services.verification.main import create_app
from services.verification.service import VerificationService
from services.verification.settings import VerificationSettings
from shared.broker import EventPublisher
from shared.consumer import PermanentError
from shared.devstack import Endpoints
from shared.events import (
    Applicant,
    ApplicationAccepted,
    ApplicationReturned,
    Envelope,
    EventType,
    Topic,
    new_event,
)
from tests.conftest import settings_values
from tests.support import eventually, running_app, wait_until_consumed
from tools.samples import VILLAGE_CODE, application_form, birth_deed_application

pytestmark = pytest.mark.integration

CIVIL_REGISTRY = "pencatatan_sipil"
POPULATION_REGISTRATION = "pendaftaran_penduduk"
OPERATOR = "operator.uji"
VERIFIER = "verifikator.uji"
HEAD = "kepala.uji"


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def app(endpoints: Endpoints, state_dir: Path) -> AsyncIterator[FastAPI]:
    settings = VerificationSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
    )
    application = create_app(settings)
    async with running_app(application) as client:
        application.state.client = client
        yield application


@pytest.fixture
def client(app: FastAPI) -> httpx.AsyncClient:
    http: httpx.AsyncClient = app.state.client
    return http


@pytest.fixture
def service(app: FastAPI) -> VerificationService:
    verification: VerificationService = app.state.service
    return verification


def accepted_event(
    application_id: str,
    *,
    form: dict[str, Any] | None = None,
    service_code: str = "birth_deed",
) -> Envelope:
    form = form if form is not None else birth_deed_application(7)
    applicant = form["applicant"]
    return new_event(
        source="/test",
        event_type=EventType.APPLICATION_ACCEPTED,
        application_id=application_id,
        payload=ApplicationAccepted(
            service_code=service_code,
            tracking_code=f"UJIV-{application_id[:4].upper()}-0000",
            applicant=Applicant(
                nik=applicant["nik"], name=applicant["name"], email=applicant["email"]
            ),
            village_code=form.get("village_code", VILLAGE_CODE),
            form=form,
            files=[],
            actor="loket.uji",
        ),
    )


async def opened(service: VerificationService, **options: Any) -> str:
    """Open a case the way the accepted event does and return its application id."""
    application_id = str(uuid.uuid4())
    await service.open_case(accepted_event(application_id, **options))
    return application_id


def valid_draft(**changes: Any) -> dict[str, Any]:
    draft: dict[str, Any] = {
        "child_name": "Yohana Br. Sinaga",
        "child_sex": "P",
        "birth_date": (date.today() - timedelta(days=10)).isoformat(),
        "birth_place": "Pangururan",
        "birth_order": 2,
        "father_name": "Tumpal Sinaga",
        "mother_name": "Rosmaida Situmorang",
    }
    draft.update(changes)
    return draft


async def post_draft(
    client: httpx.AsyncClient,
    application_id: str,
    draft: dict[str, Any] | None = None,
    actor: str = OPERATOR,
) -> httpx.Response:
    return await client.post(
        f"/cases/{application_id}/draft",
        json={"actor": actor, "draft": draft if draft is not None else valid_draft()},
    )


async def post_verify(
    client: httpx.AsyncClient, application_id: str, actor: str = VERIFIER
) -> httpx.Response:
    return await client.post(f"/cases/{application_id}/verify", json={"actor": actor})


async def drafted(
    service: VerificationService, client: httpx.AsyncClient, **options: Any
) -> str:
    application_id = await opened(service, **options)
    response = await post_draft(client, application_id)
    assert response.status_code == 200, response.text
    return application_id


async def verified(service: VerificationService, client: httpx.AsyncClient) -> str:
    application_id = await drafted(service, client)
    response = await post_verify(client, application_id)
    assert response.status_code == 200, response.text
    return application_id


def returned_event(
    application_id: str, reason: str = "Nama ibu di draf salah eja"
) -> Envelope:
    """Build the event the signing service publishes when the head returns a case."""
    return new_event(
        source="/dompak/signing",
        event_type=EventType.APPLICATION_RETURNED,
        application_id=application_id,
        payload=ApplicationReturned(stage="signing", reason=reason, actor=HEAD),
    )


async def publish_on_signing_topic(bootstrap: str, event: Envelope) -> None:
    publisher = await asyncio.to_thread(
        EventPublisher, bootstrap, client_id="test-signing"
    )
    try:
        await publisher.publish(Topic.SIGNING, event)
    finally:
        await asyncio.to_thread(publisher.close)


def published_events(bootstrap: str, application_id: str) -> list[dict[str, Any]]:
    """Read every event about one application from the verification topic."""
    consumer = KafkaConsumer(
        Topic.VERIFICATION.value,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=1000,
    )
    try:
        return [
            json.loads(record.value)
            for record in consumer
            if record.key == application_id.encode()
        ]
    finally:
        consumer.close()


async def queue_ids(
    client: httpx.AsyncClient, queue: str, division: str | None = None
) -> list[str]:
    params = {"division": division} if division is not None else {}
    response = await client.get(f"/queues/{queue}", params=params)
    assert response.status_code == 200, response.text
    return [case["application_id"] for case in response.json()]


async def test_accepted_event_opens_civil_registry_case(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await opened(service)

    case = await client.get(f"/cases/{application_id}")
    civil = await queue_ids(client, "operator", CIVIL_REGISTRY)
    population = await queue_ids(client, "operator", POPULATION_REGISTRATION)
    verifier = await queue_ids(client, "verifier")

    assert case.status_code == 200
    assert case.json()["status"] == "awaiting_draft"
    assert case.json()["division"] == CIVIL_REGISTRY
    assert case.json()["applicant_name"] == "Rosmaida Situmorang"
    assert civil.count(application_id) == 1
    assert application_id not in population
    assert application_id not in verifier


async def test_redelivered_accepted_event_changes_nothing(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = str(uuid.uuid4())
    event = accepted_event(application_id)
    await service.open_case(event)
    first = await service.get(application_id)

    await service.open_case(event)

    second = await service.get(application_id)
    stored = await service._repository.cases.collection.count_documents(
        {"_id": application_id}
    )
    assert second == first
    assert stored == 1
    assert (await queue_ids(client, "operator")).count(application_id) == 1


async def test_redelivery_after_draft_keeps_draft(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = str(uuid.uuid4())
    event = accepted_event(application_id)
    await service.open_case(event)
    await post_draft(client, application_id)

    await service.open_case(event)

    case = (await client.get(f"/cases/{application_id}")).json()
    assert case["status"] == "awaiting_verification"
    assert case["drafted_by"] == OPERATOR
    assert case["draft"] is not None


async def test_unknown_service_code_is_permanent_error(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = str(uuid.uuid4())
    event = accepted_event(application_id, service_code="passport")

    with pytest.raises(PermanentError, match="'passport'"):
        await service.open_case(event)

    missing = await client.get(f"/cases/{application_id}")
    assert missing.status_code == 404


async def test_draft_template_prefilled_from_form(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    form = birth_deed_application(21)
    application_id = await opened(service, form=form)

    response = await client.get(f"/cases/{application_id}/draft-template")

    template = response.json()
    assert response.status_code == 200
    assert template["child_name"] == form["child"]["name"]
    assert template["child_sex"] == form["child"]["sex"]
    assert template["birth_date"] == form["child"]["birth_date"]
    assert template["birth_place"] == form["child"]["birth_place"]
    assert template["birth_order"] == form["child"]["birth_order"]
    assert template["father_name"] == form["father"]["name"]
    assert template["mother_name"] == form["mother"]["name"]


async def test_draft_template_without_father(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    form = {**birth_deed_application(22), "father": None}
    application_id = await opened(service, form=form)

    response = await client.get(f"/cases/{application_id}/draft-template")

    assert response.status_code == 200
    assert response.json()["father_name"] is None


async def test_draft_moves_case_to_verifier_queue(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await opened(service)
    draft = valid_draft(child_name="  Yohana   Br.  Sinaga ")

    response = await post_draft(client, application_id, draft)

    case = response.json()
    assert response.status_code == 200
    assert case["status"] == "awaiting_verification"
    assert case["drafted_by"] == OPERATOR
    assert case["draft"]["child_name"] == "Yohana Br. Sinaga"
    assert application_id in await queue_ids(client, "verifier", CIVIL_REGISTRY)
    assert application_id not in await queue_ids(client, "operator")


async def test_verify_by_drafting_operator_forbidden(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await drafted(service, client)

    response = await post_verify(client, application_id, actor=OPERATOR)

    message = response.json()["message"]
    assert response.status_code == 403
    assert OPERATOR in message
    assert "four-eyes" in message
    assert (await service.get(application_id))["status"] == "awaiting_verification"


async def test_verify_by_another_verifies(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await drafted(service, client)

    response = await post_verify(client, application_id)

    stored = await service.get(application_id)
    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    assert stored["verified_by"] == VERIFIER
    assert application_id not in await queue_ids(client, "verifier")


async def test_verify_publishes_verified_event(
    service: VerificationService, client: httpx.AsyncClient, endpoints: Endpoints
) -> None:
    application_id = await drafted(service, client)

    await post_verify(client, application_id)

    async def verified_published() -> dict[str, Any] | None:
        events = await asyncio.to_thread(
            published_events, endpoints.kafka_bootstrap, application_id
        )
        return next((e for e in events if e["type"] == "application.verified"), None)

    event = await eventually(verified_published, what="the verified event")
    assert event["correlationid"] == application_id
    assert event["data"]["actor"] == VERIFIER
    assert event["data"]["draft"] == valid_draft()
    assert event["data"]["division"] == CIVIL_REGISTRY


async def test_verify_before_draft_conflict(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await opened(service)

    response = await post_verify(client, application_id)

    body = response.json()
    assert response.status_code == 409
    assert "awaiting_draft" in body["message"]
    assert "awaiting_verification" in body["message"]
    assert body["detail"]["status"] == "awaiting_draft"


async def test_draft_twice_conflict(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await drafted(service, client)

    response = await post_draft(client, application_id, actor="operator.lain")

    assert response.status_code == 409
    assert "awaiting_verification" in response.json()["message"]
    assert (await service.get(application_id))["drafted_by"] == OPERATOR


async def test_return_records_reason_and_reopens(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await drafted(service, client)
    reason = "Tempat lahir di draf tidak sesuai surat keterangan lahir"

    response = await client.post(
        f"/cases/{application_id}/return",
        json={"actor": VERIFIER, "reason": reason},
    )

    case = response.json()
    assert response.status_code == 200
    assert case["status"] == "awaiting_draft"
    assert len(case["returns"]) == 1
    assert case["returns"][0]["reason"] == reason
    assert case["returns"][0]["actor"] == VERIFIER
    assert application_id in await queue_ids(client, "operator", CIVIL_REGISTRY)
    assert application_id not in await queue_ids(client, "verifier")


async def test_returned_case_redrafted_then_verified(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await drafted(service, client)
    await client.post(
        f"/cases/{application_id}/return",
        json={"actor": VERIFIER, "reason": "Urutan kelahiran salah"},
    )

    redraft = await post_draft(client, application_id, valid_draft(birth_order=3))
    verified = await post_verify(client, application_id)

    assert redraft.status_code == 200
    assert redraft.json()["draft"]["birth_order"] == 3
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"
    assert len(verified.json()["returns"]) == 1


async def test_return_before_draft_conflict(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await opened(service)

    response = await client.post(
        f"/cases/{application_id}/return",
        json={"actor": VERIFIER, "reason": "Belum ada draf"},
    )

    assert response.status_code == 409
    assert "awaiting_draft" in response.json()["message"]


async def test_return_without_reason_invalid(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await drafted(service, client)

    response = await client.post(
        f"/cases/{application_id}/return", json={"actor": VERIFIER, "reason": ""}
    )

    assert response.status_code == 422
    assert "reason" in response.json()["message"]
    assert (await service.get(application_id))["status"] == "awaiting_verification"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            # Two days on: the office's date may already be one day past UTC.
            {"birth_date": (date.today() + timedelta(days=2)).isoformat()},
            "draft.birth_date",
        ),
        ({"child_sex": "X"}, "draft.child_sex"),
        ({"birth_order": 0}, "draft.birth_order"),
        ({"mother_name": ""}, "draft.mother_name"),
    ],
    ids=["future_birth_date", "sex_x", "birth_order_zero", "empty_mother_name"],
)
async def test_invalid_draft_names_field(
    service: VerificationService,
    client: httpx.AsyncClient,
    changes: dict[str, Any],
    field: str,
) -> None:
    application_id = await opened(service)

    response = await post_draft(client, application_id, valid_draft(**changes))

    body = response.json()
    fields = [problem["field"] for problem in body["detail"]["problems"]]
    assert response.status_code == 422
    assert fields == [field]
    assert field in body["message"]
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_future_birth_date_message_shows_date(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await opened(service)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()

    response = await post_draft(
        client, application_id, valid_draft(birth_date=tomorrow)
    )

    assert response.status_code == 422
    assert tomorrow in response.json()["message"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "", None),
        ("GET", "/draft-template", None),
        ("POST", "/draft", {"actor": OPERATOR, "draft": valid_draft()}),
        ("POST", "/verify", {"actor": VERIFIER}),
        ("POST", "/return", {"actor": VERIFIER, "reason": "Data tidak cocok"}),
    ],
    ids=["case", "draft_template", "draft", "verify", "return"],
)
async def test_unknown_application_not_found(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    unknown = str(uuid.uuid4())

    response = await client.request(method, f"/cases/{unknown}{path}", json=body)

    assert response.status_code == 404
    assert unknown in response.json()["message"]


async def test_concurrent_verifies_one_succeeds(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await drafted(service, client)
    verifiers = [f"verifikator.{n}" for n in range(4)]

    responses = await asyncio.gather(
        *[post_verify(client, application_id, actor) for actor in verifiers]
    )

    codes = sorted(response.status_code for response in responses)
    stored = await service.get(application_id)
    assert codes == [200, 409, 409, 409]
    assert stored["status"] == "verified"
    assert stored["verified_by"] in verifiers


@pytest.mark.parametrize("actor", ["OPERATOR.UJI", "  Operator.Uji  "])
async def test_verify_drafter_differently_cased_forbidden(
    service: VerificationService, client: httpx.AsyncClient, actor: str
) -> None:
    application_id = await drafted(service, client)

    response = await post_verify(client, application_id, actor=actor)

    assert response.status_code == 403
    assert "four-eyes" in response.json()["message"]
    assert (await service.get(application_id))["status"] == "awaiting_verification"


@pytest.mark.parametrize(
    ("service_code", "division"),
    [
        ("kk_new", POPULATION_REGISTRATION),
        ("kk_change", POPULATION_REGISTRATION),
        ("ktp_el_new", POPULATION_REGISTRATION),
        ("ktp_el_reissue", POPULATION_REGISTRATION),
        ("marriage_deed", CIVIL_REGISTRY),
        ("divorce_deed", CIVIL_REGISTRY),
        ("death_deed", CIVIL_REGISTRY),
        ("moving_letter", POPULATION_REGISTRATION),
        ("kia", POPULATION_REGISTRATION),
    ],
)
async def test_service_template_drafted_and_verified(
    service: VerificationService,
    client: httpx.AsyncClient,
    endpoints: Endpoints,
    service_code: str,
    division: str,
) -> None:
    form = application_form(service_code, seed=11)
    application_id = await opened(service, form=form, service_code=service_code)
    template = (await client.get(f"/cases/{application_id}/draft-template")).json()

    drafted_response = await post_draft(client, application_id, template)
    in_verifier_queue = await queue_ids(client, "verifier", division)
    verified_response = await post_verify(client, application_id)

    assert drafted_response.status_code == 200, drafted_response.text
    assert drafted_response.json()["draft"] == template
    assert application_id in in_verifier_queue
    assert verified_response.status_code == 200, verified_response.text

    async def verified_draft() -> dict[str, Any] | None:
        events = await asyncio.to_thread(
            published_events, endpoints.kafka_bootstrap, application_id
        )
        verified = [e for e in events if e["type"] == "application.verified"]
        return verified[0]["data"] if verified else None

    data = await eventually(verified_draft, what="the verified event")
    assert data["draft"] == template
    assert data["division"] == division
    assert data["service_code"] == service_code


async def test_draft_template_moving_letter_regions(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    form = application_form("moving_letter", seed=12)
    application_id = await opened(service, form=form, service_code="moving_letter")

    response = await client.get(f"/cases/{application_id}/draft-template")

    origin = response.json()["origin"]
    assert response.status_code == 200
    assert origin["village"] == "Lumban SS Dolok"
    assert origin["district"] == "Pangururan"
    assert origin["regency"] == "Kabupaten Samosir"
    assert origin["province"] == "Sumatera Utara"


async def test_draft_with_wrong_keys_names_them(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    form = application_form("death_deed", seed=13)
    application_id = await opened(service, form=form, service_code="death_deed")
    template = (await client.get(f"/cases/{application_id}/draft-template")).json()
    del template["reporter_name"]
    template["child_name"] = "Tiur Sitanggang"

    response = await post_draft(client, application_id, template)

    body = response.json()
    fields = [problem["field"] for problem in body["detail"]["problems"]]
    assert response.status_code == 422
    assert fields == ["draft.reporter_name", "draft.child_name"]
    assert body["detail"]["missing"] == ["reporter_name"]
    assert body["detail"]["unexpected"] == ["child_name"]
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_empty_draft_invalid(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    form = application_form("kia", seed=14)
    application_id = await opened(service, form=form, service_code="kia")

    response = await post_draft(client, application_id, {})

    assert response.status_code == 422
    assert "empty" in response.json()["message"]


async def test_father_name_without_father_papers_invalid(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    form = {**birth_deed_application(23), "father": None}
    application_id = await opened(service, form=form)

    response = await post_draft(client, application_id, valid_draft())

    body = response.json()
    assert response.status_code == 422
    assert body["detail"]["rule"] == "no_father_without_papers"
    assert "draft.father_name" in body["message"]
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_draft_without_father_name_accepted(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    form = {**birth_deed_application(24), "father": None}
    application_id = await opened(service, form=form)

    response = await post_draft(client, application_id, valid_draft(father_name=None))

    assert response.status_code == 200, response.text
    assert response.json()["draft"]["father_name"] is None


async def test_returned_from_signing_reopens_case(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await verified(service, client)
    event = returned_event(application_id, "Tanggal lahir tidak sesuai akta")

    await service.return_from_signing(event)

    case = (await client.get(f"/cases/{application_id}")).json()
    assert case["status"] == "awaiting_draft"
    assert case["draft"] == valid_draft()
    assert len(case["returns"]) == 1
    assert case["returns"][0]["stage"] == "signing"
    assert case["returns"][0]["reason"] == "Tanggal lahir tidak sesuai akta"
    assert case["returns"][0]["actor"] == HEAD
    assert case["returns"][0]["event_id"] == event.id
    assert application_id in await queue_ids(client, "operator", CIVIL_REGISTRY)


async def test_returned_from_signing_redelivery_changes_nothing(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await verified(service, client)
    event = returned_event(application_id)
    await service.return_from_signing(event)
    first = await service.get(application_id)

    await service.return_from_signing(event)

    second = await service.get(application_id)
    assert second["version"] == first["version"]
    assert second["returns"] == first["returns"]
    assert second["status"] == "awaiting_draft"


async def test_returned_from_signing_after_redraft_again(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await verified(service, client)
    first_return = returned_event(application_id, "Nama anak salah eja")
    await service.return_from_signing(first_return)
    await post_draft(client, application_id, valid_draft(child_name="Tiur Sinaga"))
    await post_verify(client, application_id)

    await service.return_from_signing(first_return)
    after_redelivery = await service.get(application_id)
    await service.return_from_signing(returned_event(application_id, "Urutan salah"))

    case = await service.get(application_id)
    assert after_redelivery["status"] == "verified"
    assert case["status"] == "awaiting_draft"
    assert [entry["reason"] for entry in case["returns"]] == [
        "Nama anak salah eja",
        "Urutan salah",
    ]


@pytest.mark.parametrize("state", ["awaiting_draft", "awaiting_verification"])
async def test_returned_from_signing_unverified_ignored(
    service: VerificationService, client: httpx.AsyncClient, state: str
) -> None:
    if state == "awaiting_draft":
        application_id = await opened(service)
    else:
        application_id = await drafted(service, client)
    before = await service.get(application_id)

    await service.return_from_signing(returned_event(application_id))

    after = await service.get(application_id)
    assert after["status"] == state
    assert after["version"] == before["version"]
    assert after["returns"] == []


async def test_returned_from_other_stage_ignored(
    service: VerificationService, client: httpx.AsyncClient
) -> None:
    application_id = await verified(service, client)
    event = new_event(
        source="/test",
        event_type=EventType.APPLICATION_RETURNED,
        application_id=application_id,
        payload=ApplicationReturned(stage="verification", reason="Lain", actor=HEAD),
    )

    await service.return_from_signing(event)

    assert (await service.get(application_id))["status"] == "verified"


async def test_returned_from_signing_unknown_case_permanent(
    service: VerificationService,
) -> None:
    unknown = str(uuid.uuid4())

    with pytest.raises(PermanentError, match=unknown):
        await service.return_from_signing(returned_event(unknown))


async def test_returned_event_on_signing_topic_applied_once(
    service: VerificationService, client: httpx.AsyncClient, endpoints: Endpoints
) -> None:
    application_id = await verified(service, client)
    event = returned_event(application_id, "Tempat lahir salah")

    await publish_on_signing_topic(endpoints.kafka_bootstrap, event)

    async def reopened() -> Any:
        case = await service.get(application_id)
        return case if case["status"] == "awaiting_draft" else None

    first = await eventually(reopened, what="the case reopening")
    await publish_on_signing_topic(endpoints.kafka_bootstrap, event)
    await asyncio.to_thread(
        wait_until_consumed,
        endpoints.kafka_bootstrap,
        "dompak-verification",
        [Topic.SIGNING.value],
    )
    second = await service.get(application_id)
    assert second["version"] == first["version"]
    assert [entry["event_id"] for entry in second["returns"]] == [event.id]

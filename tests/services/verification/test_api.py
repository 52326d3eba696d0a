"""Verification service on the real servers: cases, drafts, four-eyes checks."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from kafka import KafkaConsumer

from services.verification.service import VerificationService
from shared.auth import IdentityStore, Role
from shared.broker import EventPublisher
from shared.consumer import PermanentError
from shared.devstack import Endpoints
from shared.errors import ForbiddenError
from shared.events import (
    ApplicationReturned,
    Envelope,
    EventType,
    Topic,
    new_event,
)
from tests.services.verification.cases import (
    CIVIL_REGISTRY,
    POPULATION_REGISTRATION,
    Staff,
    accepted_event,
    drafted,
    opened,
    staff_member,
    valid_draft,
)
from tests.support import eventually, wait_until_consumed
from tools.samples import application_form, birth_deed_application

pytestmark = pytest.mark.integration

HEAD = "kepala.uji"


async def post_draft(
    operator: Staff, application_id: str, draft: dict[str, Any] | None = None
) -> httpx.Response:
    return await operator.client.post(
        f"/cases/{application_id}/draft",
        json={"draft": draft if draft is not None else valid_draft()},
    )


async def post_verify(verifier: Staff, application_id: str) -> httpx.Response:
    return await verifier.client.post(f"/cases/{application_id}/verify")


async def post_return(
    verifier: Staff, application_id: str, reason: str
) -> httpx.Response:
    return await verifier.client.post(
        f"/cases/{application_id}/return", json={"reason": reason}
    )


async def verified(
    service: VerificationService, operator: Staff, verifier: Staff
) -> str:
    application_id = await drafted(service, operator)
    response = await post_verify(verifier, application_id)
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


async def queue_ids(staff: Staff, queue: str, division: str | None = None) -> list[str]:
    # The queue returns its oldest cases first, and the whole test session
    # shares one database, so a case opened now needs a limit above the default.
    params: dict[str, str | int] = {"limit": 1000}
    if division is not None:
        params["division"] = division
    response = await staff.client.get(f"/queues/{queue}", params=params)
    assert response.status_code == 200, response.text
    return [case["application_id"] for case in response.json()]


async def test_accepted_event_opens_civil_registry_case(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await opened(service)

    case = await operator.client.get(f"/cases/{application_id}")
    civil = await queue_ids(operator, "operator", CIVIL_REGISTRY)
    population = await queue_ids(operator, "operator", POPULATION_REGISTRATION)
    checking = await queue_ids(verifier, "verifier")

    assert case.status_code == 200
    assert case.json()["status"] == "awaiting_draft"
    assert case.json()["division"] == CIVIL_REGISTRY
    assert case.json()["applicant_name"] == "Rosmaida Situmorang"
    assert civil.count(application_id) == 1
    assert application_id not in population
    assert application_id not in checking


async def test_redelivered_accepted_event_changes_nothing(
    service: VerificationService, operator: Staff, verifier: Staff
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
    assert (await queue_ids(operator, "operator")).count(application_id) == 1


async def test_redelivery_after_draft_keeps_draft(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = str(uuid.uuid4())
    event = accepted_event(application_id)
    await service.open_case(event)
    await post_draft(operator, application_id)

    await service.open_case(event)

    case = (await operator.client.get(f"/cases/{application_id}")).json()
    assert case["status"] == "awaiting_verification"
    assert case["drafted_by"] == operator.username
    assert case["draft"] is not None


async def test_unknown_service_code_is_permanent_error(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = str(uuid.uuid4())
    event = accepted_event(application_id, service_code="passport")

    with pytest.raises(PermanentError, match="'passport'"):
        await service.open_case(event)

    missing = await operator.client.get(f"/cases/{application_id}")
    assert missing.status_code == 404


async def test_draft_template_prefilled_from_form(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    form = birth_deed_application(21)
    application_id = await opened(service, form=form)

    response = await operator.client.get(f"/cases/{application_id}/draft-template")

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
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    form = {**birth_deed_application(22), "father": None}
    application_id = await opened(service, form=form)

    response = await operator.client.get(f"/cases/{application_id}/draft-template")

    assert response.status_code == 200
    assert response.json()["father_name"] is None


async def test_draft_moves_case_to_verifier_queue(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await opened(service)
    draft = valid_draft(child_name="  Yohana   Br.  Sinaga ")

    response = await post_draft(operator, application_id, draft)

    case = response.json()
    assert response.status_code == 200
    assert case["status"] == "awaiting_verification"
    assert case["drafted_by"] == operator.username
    assert case["draft"]["child_name"] == "Yohana Br. Sinaga"
    assert application_id in await queue_ids(verifier, "verifier", CIVIL_REGISTRY)
    assert application_id not in await queue_ids(operator, "operator")


async def test_verify_by_drafting_operator_forbidden(
    service: VerificationService, operator_verifier: Staff
) -> None:
    application_id = await drafted(service, operator_verifier)

    response = await post_verify(operator_verifier, application_id)

    message = response.json()["message"]
    assert response.status_code == 403
    assert operator_verifier.username in message
    assert "four-eyes" in message
    assert (await service.get(application_id))["status"] == "awaiting_verification"


async def test_verify_by_another_verifies(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)

    response = await post_verify(verifier, application_id)

    stored = await service.get(application_id)
    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    assert stored["verified_by"] == verifier.username
    assert application_id not in await queue_ids(verifier, "verifier")


async def test_verify_publishes_verified_event(
    service: VerificationService, operator: Staff, verifier: Staff, endpoints: Endpoints
) -> None:
    application_id = await drafted(service, operator)

    await post_verify(verifier, application_id)

    async def verified_published() -> dict[str, Any] | None:
        events = await asyncio.to_thread(
            published_events, endpoints.kafka_bootstrap, application_id
        )
        return next((e for e in events if e["type"] == "application.verified"), None)

    event = await eventually(verified_published, what="the verified event")
    assert event["correlationid"] == application_id
    assert event["data"]["actor"] == verifier.username
    assert event["data"]["draft"] == valid_draft()
    assert event["data"]["division"] == CIVIL_REGISTRY


async def test_verify_before_draft_conflict(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await opened(service)

    response = await post_verify(verifier, application_id)

    body = response.json()
    assert response.status_code == 409
    assert "awaiting_draft" in body["message"]
    assert "awaiting_verification" in body["message"]
    assert body["detail"]["status"] == "awaiting_draft"


async def test_draft_twice_conflict(
    service: VerificationService, operator: Staff, operator_verifier: Staff
) -> None:
    application_id = await drafted(service, operator)

    response = await post_draft(operator_verifier, application_id)

    assert response.status_code == 409
    assert "awaiting_verification" in response.json()["message"]
    assert (await service.get(application_id))["drafted_by"] == operator.username


async def test_return_records_reason_and_reopens(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)
    reason = "Tempat lahir di draf tidak sesuai surat keterangan lahir"

    response = await post_return(verifier, application_id, reason)

    case = response.json()
    assert response.status_code == 200
    assert case["status"] == "awaiting_draft"
    assert len(case["returns"]) == 1
    assert case["returns"][0]["reason"] == reason
    assert case["returns"][0]["actor"] == verifier.username
    assert application_id in await queue_ids(operator, "operator", CIVIL_REGISTRY)
    assert application_id not in await queue_ids(verifier, "verifier")


async def test_returned_case_redrafted_then_verified(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)
    await post_return(verifier, application_id, "Urutan kelahiran salah")

    redraft = await post_draft(operator, application_id, valid_draft(birth_order=3))
    verified = await post_verify(verifier, application_id)

    assert redraft.status_code == 200
    assert redraft.json()["draft"]["birth_order"] == 3
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"
    assert len(verified.json()["returns"]) == 1


async def test_return_before_draft_conflict(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await opened(service)

    response = await post_return(verifier, application_id, "Belum ada draf")

    assert response.status_code == 409
    assert "awaiting_draft" in response.json()["message"]


async def test_return_without_reason_invalid(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)

    response = await post_return(verifier, application_id, "")

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
    operator: Staff,
    verifier: Staff,
    changes: dict[str, Any],
    field: str,
) -> None:
    application_id = await opened(service)

    response = await post_draft(operator, application_id, valid_draft(**changes))

    body = response.json()
    fields = [problem["field"] for problem in body["detail"]["problems"]]
    assert response.status_code == 422
    assert fields == [field]
    assert field in body["message"]
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_future_birth_date_message_shows_date(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await opened(service)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()

    response = await post_draft(
        operator, application_id, valid_draft(birth_date=tomorrow)
    )

    assert response.status_code == 422
    assert tomorrow in response.json()["message"]


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("operator", "GET", "", None),
        ("operator", "GET", "/draft-template", None),
        ("operator", "POST", "/draft", {"draft": valid_draft()}),
        ("verifier", "POST", "/verify", None),
        ("verifier", "POST", "/return", {"reason": "Data tidak cocok"}),
        ("operator", "POST", "/assign", None),
        ("verifier", "POST", "/release", None),
    ],
    ids=["case", "draft_template", "draft", "verify", "return", "assign", "release"],
)
async def test_unknown_application_not_found(
    operator: Staff,
    verifier: Staff,
    role: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    unknown = str(uuid.uuid4())
    staff = operator if role == "operator" else verifier

    response = await staff.client.request(method, f"/cases/{unknown}{path}", json=body)

    assert response.status_code == 404
    assert unknown in response.json()["message"]


async def test_concurrent_verifies_one_succeeds(
    service: VerificationService, operator: Staff, app: FastAPI, identity: IdentityStore
) -> None:
    application_id = await drafted(service, operator)
    verifiers = [await staff_member(app, identity, Role.VERIFIER) for _ in range(4)]

    responses = await asyncio.gather(
        *[post_verify(verifier, application_id) for verifier in verifiers]
    )

    codes = sorted(response.status_code for response in responses)
    stored = await service.get(application_id)
    assert codes == [200, 409, 409, 409]
    assert stored["status"] == "verified"
    assert stored["verified_by"] in [verifier.username for verifier in verifiers]


@pytest.mark.parametrize("spelling", ["upper", "padded"])
async def test_verify_drafter_differently_cased_forbidden(
    service: VerificationService, operator: Staff, spelling: str
) -> None:
    application_id = await drafted(service, operator)
    name = operator.username
    actor = name.upper() if spelling == "upper" else f"  {name.title()}  "

    with pytest.raises(ForbiddenError, match="four-eyes"):
        await service.verify(application_id, actor)

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
    operator: Staff,
    verifier: Staff,
    endpoints: Endpoints,
    service_code: str,
    division: str,
) -> None:
    form = application_form(service_code, seed=11)
    application_id = await opened(service, form=form, service_code=service_code)
    template = (
        await operator.client.get(f"/cases/{application_id}/draft-template")
    ).json()

    drafted_response = await post_draft(operator, application_id, template)
    in_verifier_queue = await queue_ids(verifier, "verifier", division)
    verified_response = await post_verify(verifier, application_id)

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
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    form = application_form("moving_letter", seed=12)
    application_id = await opened(service, form=form, service_code="moving_letter")

    response = await operator.client.get(f"/cases/{application_id}/draft-template")

    origin = response.json()["origin"]
    assert response.status_code == 200
    assert origin["village"] == "Lumban SS Dolok"
    assert origin["district"] == "Pangururan"
    assert origin["regency"] == "Kabupaten Samosir"
    assert origin["province"] == "Sumatera Utara"


async def test_draft_with_wrong_keys_names_them(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    form = application_form("death_deed", seed=13)
    application_id = await opened(service, form=form, service_code="death_deed")
    template = (
        await operator.client.get(f"/cases/{application_id}/draft-template")
    ).json()
    del template["reporter_name"]
    template["child_name"] = "Tiur Sitanggang"

    response = await post_draft(operator, application_id, template)

    body = response.json()
    fields = [problem["field"] for problem in body["detail"]["problems"]]
    assert response.status_code == 422
    assert fields == ["draft.reporter_name", "draft.child_name"]
    assert body["detail"]["missing"] == ["reporter_name"]
    assert body["detail"]["unexpected"] == ["child_name"]
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_empty_draft_invalid(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    form = application_form("kia", seed=14)
    application_id = await opened(service, form=form, service_code="kia")

    response = await post_draft(operator, application_id, {})

    assert response.status_code == 422
    assert "empty" in response.json()["message"]


async def test_father_name_without_father_papers_invalid(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    form = {**birth_deed_application(23), "father": None}
    application_id = await opened(service, form=form)

    response = await post_draft(operator, application_id, valid_draft())

    body = response.json()
    assert response.status_code == 422
    assert body["detail"]["rule"] == "no_father_without_papers"
    assert "draft.father_name" in body["message"]
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_draft_without_father_name_accepted(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    form = {**birth_deed_application(24), "father": None}
    application_id = await opened(service, form=form)

    response = await post_draft(operator, application_id, valid_draft(father_name=None))

    assert response.status_code == 200, response.text
    assert response.json()["draft"]["father_name"] is None


async def test_returned_from_signing_reopens_case(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await verified(service, operator, verifier)
    event = returned_event(application_id, "Tanggal lahir tidak sesuai akta")

    await service.return_from_signing(event)

    case = (await operator.client.get(f"/cases/{application_id}")).json()
    assert case["status"] == "awaiting_draft"
    assert case["draft"] == valid_draft()
    assert len(case["returns"]) == 1
    assert case["returns"][0]["stage"] == "signing"
    assert case["returns"][0]["reason"] == "Tanggal lahir tidak sesuai akta"
    assert case["returns"][0]["actor"] == HEAD
    assert case["returns"][0]["event_id"] == event.id
    assert application_id in await queue_ids(operator, "operator", CIVIL_REGISTRY)


async def test_returned_from_signing_redelivery_changes_nothing(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await verified(service, operator, verifier)
    event = returned_event(application_id)
    await service.return_from_signing(event)
    first = await service.get(application_id)

    await service.return_from_signing(event)

    second = await service.get(application_id)
    assert second["version"] == first["version"]
    assert second["returns"] == first["returns"]
    assert second["status"] == "awaiting_draft"


async def test_returned_from_signing_after_redraft_again(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await verified(service, operator, verifier)
    first_return = returned_event(application_id, "Nama anak salah eja")
    await service.return_from_signing(first_return)
    await post_draft(operator, application_id, valid_draft(child_name="Tiur Sinaga"))
    await post_verify(verifier, application_id)

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
    service: VerificationService, operator: Staff, verifier: Staff, state: str
) -> None:
    if state == "awaiting_draft":
        application_id = await opened(service)
    else:
        application_id = await drafted(service, operator)
    before = await service.get(application_id)

    await service.return_from_signing(returned_event(application_id))

    after = await service.get(application_id)
    assert after["status"] == state
    assert after["version"] == before["version"]
    assert after["returns"] == []


async def test_returned_from_other_stage_ignored(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await verified(service, operator, verifier)
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
    service: VerificationService, operator: Staff, verifier: Staff, endpoints: Endpoints
) -> None:
    application_id = await verified(service, operator, verifier)
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


async def test_actor_in_body_rejected(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)

    response = await operator.client.post(
        f"/cases/{application_id}/draft",
        json={"actor": "orang.lain", "draft": valid_draft()},
    )

    assert response.status_code == 422
    assert "actor" in response.json()["message"]
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_assign_shows_assignee_in_queue(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)

    response = await operator.client.post(f"/cases/{application_id}/assign")

    assignee = response.json()["assignee"]
    queue = await operator.client.get(
        "/queues/operator", params={"assignee": operator.username, "limit": 1000}
    )
    assert response.status_code == 200, response.text
    assert assignee["username"] == operator.username
    assert assignee["name"].startswith("Petugas ")
    assert application_id in [case["application_id"] for case in queue.json()]


async def test_assign_twice_by_same_staff_unchanged(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)
    first = await operator.client.post(f"/cases/{application_id}/assign")

    second = await operator.client.post(f"/cases/{application_id}/assign")

    assert second.status_code == 200
    assert second.json()["assignee"] == first.json()["assignee"]


async def test_assign_taken_case_conflict(
    service: VerificationService, operator: Staff, operator_verifier: Staff
) -> None:
    application_id = await opened(service)
    await operator.client.post(f"/cases/{application_id}/assign")

    response = await operator_verifier.client.post(f"/cases/{application_id}/assign")

    assert response.status_code == 409
    assert operator.username in response.json()["message"]
    stored = await service.get(application_id)
    assert stored["assignee"]["username"] == operator.username


async def test_release_by_other_staff_forbidden(
    service: VerificationService, operator: Staff, operator_verifier: Staff
) -> None:
    application_id = await opened(service)
    await operator.client.post(f"/cases/{application_id}/assign")

    response = await operator_verifier.client.post(f"/cases/{application_id}/release")

    assert response.status_code == 403
    stored = await service.get(application_id)
    assert stored["assignee"]["username"] == operator.username


async def test_release_clears_assignee(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)
    await operator.client.post(f"/cases/{application_id}/assign")

    response = await operator.client.post(f"/cases/{application_id}/release")

    assert response.status_code == 200
    assert response.json()["assignee"] is None
    assert (await service.get(application_id))["assignee"] is None


async def test_assign_needs_role_of_stage(
    service: VerificationService, verifier: Staff
) -> None:
    application_id = await opened(service)

    response = await verifier.client.post(f"/cases/{application_id}/assign")

    assert response.status_code == 403
    assert "operator" in response.json()["message"]
    assert (await service.get(application_id))["assignee"] is None


async def test_assign_drafter_to_verify_forbidden(
    service: VerificationService, operator_verifier: Staff
) -> None:
    application_id = await drafted(service, operator_verifier)

    response = await operator_verifier.client.post(f"/cases/{application_id}/assign")

    assert response.status_code == 403
    assert "four-eyes" in response.json()["message"]


async def test_draft_clears_assignee(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await opened(service)
    await operator.client.post(f"/cases/{application_id}/assign")

    await post_draft(operator, application_id)
    assigned = await verifier.client.post(f"/cases/{application_id}/assign")

    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee"]["username"] == verifier.username


async def test_assign_verified_case_conflict(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await verified(service, operator, verifier)

    response = await verifier.client.post(f"/cases/{application_id}/assign")

    assert response.status_code == 409
    assert "verified" in response.json()["message"]


async def test_concurrent_assigns_one_wins(
    service: VerificationService, app: FastAPI, identity: IdentityStore
) -> None:
    application_id = await opened(service)
    operators = [await staff_member(app, identity, Role.OPERATOR) for _ in range(3)]

    responses = await asyncio.gather(
        *[o.client.post(f"/cases/{application_id}/assign") for o in operators]
    )

    codes = sorted(response.status_code for response in responses)
    stored = await service.get(application_id)
    assert codes == [200, 409, 409]
    assert stored["assignee"]["username"] in [o.username for o in operators]


async def test_queue_filtered_by_service(
    service: VerificationService, operator: Staff
) -> None:
    kia = await opened(service, form=application_form("kia", 15), service_code="kia")
    birth = await opened(service)

    response = await operator.client.get(
        "/queues/operator", params={"service_code": "kia", "limit": 1000}
    )

    ids = [case["application_id"] for case in response.json()]
    assert kia in ids
    assert birth not in ids


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"division": "zzz"}, ["'zzz'", "pendaftaran_penduduk or pencatatan_sipil"]),
        ({"service_code": "nope"}, ["'nope'", "birth_deed"]),
        ({"status": "nope"}, ["no filter 'status'", "division, service_code"]),
    ],
    ids=["division", "service", "unknown-name"],
)
async def test_queue_unknown_filter_rejected(
    verifier: Staff, params: dict[str, str], named: list[str]
) -> None:
    response = await verifier.client.get("/queues/verifier", params=params)

    assert response.status_code == 422
    for text in named:
        assert text in response.json()["message"]


async def test_queue_empty_filters_mean_any(operator: Staff) -> None:
    response = await operator.client.get(
        "/queues/operator", params={"division": "", "service_code": "", "assignee": ""}
    )

    assert response.status_code == 200

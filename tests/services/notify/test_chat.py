"""Chat and sign-in code delivery of the notify service, on the real servers."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from kafka import KafkaConsumer
from structlog.testing import capture_logs

from services.notify.chat import MAX_TEXT_LENGTH, RESIDENT_MESSAGE_LIMIT, ChatService
from services.notify.schemas import CodeDelivery
from services.notify.service import NotifyService
from services.notify.sign_in import SignInCodeSender
from shared.auth import IdentityStore, Role
from shared.broker import EventPublisher
from shared.devstack import Endpoints
from shared.events import (
    Envelope,
    EventType,
    SignInCodeRequested,
    Topic,
    new_event,
)
from tests.services.notify.conftest import NOTIFY_URL
from tests.services.notify.notify_support import (
    Application,
    body_of,
    mails_matching,
)
from tests.support import eventually, staff_headers, wait_until_consumed

pytestmark = pytest.mark.integration


@pytest.fixture
def codes(app: FastAPI) -> SignInCodeSender:
    sender: SignInCodeSender = app.state.sign_in_codes
    return sender


async def submitted(
    service: NotifyService, identity: IdentityStore, seed: int
) -> tuple[Application, dict[str, str]]:
    """Return a submitted application and its resident's headers."""
    application = Application(seed)
    headers = await application.grant_to_applicant(identity)
    await service.notify(application.submitted())
    return application, headers


def code_event(
    *, email: str | None, phone: str | None = None, minutes: int = 10
) -> Envelope:
    return new_event(
        source="/test",
        event_type=EventType.SIGN_IN_CODE_REQUESTED,
        application_id=f"masuk-{uuid.uuid4()}",
        payload=SignInCodeRequested(
            nik="1217014107950003",
            name="Rosmawati Sinaga",
            email=email,
            phone=phone,
            code=f"{uuid.uuid4().int % 1_000_000:06d}",
            expires_at=datetime.now(UTC) + timedelta(minutes=minutes),
        ),
    )


def new_address() -> str:
    return f"warga.{uuid.uuid4().hex[:10]}@contoh.localhost"


# Conversations ------------------------------------------------------------


async def test_resident_and_staff_exchange_messages(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 51)
    staff = await staff_headers(identity, Role.FRONT_OFFICE)

    asked = await client.post(
        f"/chat/{application.id}/messages",
        json={"text": "Apakah akta lahir bisa diambil di kantor desa?"},
        headers=resident,
    )
    seen_by_staff = await client.get(
        f"/conversations/{application.id}/messages", headers=staff
    )
    answered = await client.post(
        f"/conversations/{application.id}/messages",
        json={"text": "Bisa, setelah dokumen dikirim ke desa."},
        headers=staff,
    )
    seen_by_resident = await client.get(
        f"/chat/{application.id}/messages", headers=resident
    )

    assert asked.status_code == 201
    assert answered.status_code == 201
    assert [m["text"] for m in seen_by_staff.json()] == [
        "Apakah akta lahir bisa diambil di kantor desa?"
    ]
    messages = seen_by_resident.json()
    assert [m["author_kind"] for m in messages] == ["resident", "staff"]
    assert [m["seq"] for m in messages] == [1, 2]
    assert messages[0]["author"] == application.applicant.nik
    assert messages[0]["author_name"] == application.applicant.name
    assert messages[1]["text"] == "Bisa, setelah dokumen dikirim ke desa."


async def test_poll_returns_only_newer_messages(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 52)
    for text in ("satu", "dua", "tiga"):
        await client.post(
            f"/chat/{application.id}/messages", json={"text": text}, headers=resident
        )

    newer = await client.get(
        f"/chat/{application.id}/messages", params={"after": 1}, headers=resident
    )
    none_newer = await client.get(
        f"/chat/{application.id}/messages", params={"after": 3}, headers=resident
    )

    assert [m["text"] for m in newer.json()] == ["dua", "tiga"]
    assert none_newer.json() == []


async def test_hostile_text_cleaned_and_escaped(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 53)
    hostile = "<script>alert(1)</script>\u202eabc\u0007\x00 \u200fok\r\nbaris"

    posted = await client.post(
        f"/chat/{application.id}/messages", json={"text": hostile}, headers=resident
    )
    page = await client.get(f"/obrolan/{application.id}", headers=resident)

    stored = posted.json()["text"]
    assert posted.status_code == 201
    assert stored == "<script>alert(1)</script>abc ok\nbaris"
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;abc ok" in page.text


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\u202e\u2066\x07", "empty"),
        ("a" * (MAX_TEXT_LENGTH + 1), "more than the maximum 1000"),
    ],
    ids=["empty", "blank", "only-controls", "too-long"],
)
async def test_bad_text_rejected_nothing_stored(
    service: NotifyService,
    client: httpx.AsyncClient,
    identity: IdentityStore,
    text: str,
    phrase: str,
) -> None:
    application, resident = await submitted(service, identity, 54)

    response = await client.post(
        f"/chat/{application.id}/messages", json={"text": text}, headers=resident
    )
    messages = await client.get(f"/chat/{application.id}/messages", headers=resident)

    assert response.status_code == 422
    assert phrase in response.json()["message"]
    assert messages.json() == []


async def test_longest_text_accepted(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 55)

    response = await client.post(
        f"/chat/{application.id}/messages",
        json={"text": "é" * MAX_TEXT_LENGTH},
        headers=resident,
    )

    assert response.status_code == 201


async def test_other_resident_gets_not_found(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 56)
    _, other = await submitted(service, identity, 57)
    await client.post(
        f"/chat/{application.id}/messages", json={"text": "rahasia"}, headers=resident
    )

    read = await client.get(f"/chat/{application.id}/messages", headers=other)
    wrote = await client.post(
        f"/chat/{application.id}/messages", json={"text": "halo"}, headers=other
    )
    page = await client.get(f"/obrolan/{application.id}", headers=other)
    messages = await client.get(f"/chat/{application.id}/messages", headers=resident)

    assert read.status_code == 404
    assert wrote.status_code == 404
    assert page.status_code == 404
    assert "rahasia" not in page.text
    assert [m["text"] for m in messages.json()] == ["rahasia"]


async def test_concurrent_posts_all_stored(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 58)
    texts = [f"pesan {n}" for n in range(4)]

    answers = await asyncio.gather(
        *(
            client.post(
                f"/chat/{application.id}/messages", json={"text": t}, headers=resident
            )
            for t in texts
        )
    )
    messages = await client.get(f"/chat/{application.id}/messages", headers=resident)

    assert [a.status_code for a in answers] == [201] * len(texts)
    assert sorted(m["text"] for m in messages.json()) == texts
    assert [m["seq"] for m in messages.json()] == [1, 2, 3, 4]


async def test_posted_message_published(
    service: NotifyService,
    client: httpx.AsyncClient,
    identity: IdentityStore,
    endpoints: Endpoints,
) -> None:
    application, resident = await submitted(service, identity, 59)
    posted = await client.post(
        f"/chat/{application.id}/messages", json={"text": "halo"}, headers=resident
    )
    message_id = posted.json()["message_id"]

    event = await asyncio.to_thread(
        find_published, endpoints.kafka_bootstrap, message_id
    )

    assert event["type"] == "chat.message_posted"
    assert event["subject"] == application.id
    assert event["data"]["author_kind"] == "resident"
    assert (
        event["data"]["author"]
        == application.applicant.nik[:6] + "*" * 8 + (application.applicant.nik[-2:])
    )
    assert event["data"]["text_length"] == 4
    assert "halo" not in json.dumps(event)


def find_published(bootstrap: str, message_id: str) -> dict[str, Any]:
    """Read the notify topic until the event of `message_id` turns up."""
    consumer = KafkaConsumer(
        Topic.NOTIFY.value,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=15_000,
    )
    try:
        for record in consumer:
            event: dict[str, Any] = json.loads(record.value)
            data = event.get("data")
            if isinstance(data, dict) and data.get("message_id") == message_id:
                return event
    finally:
        consumer.close()
    raise AssertionError(f"no chat.message_posted event for message {message_id}")


async def test_staff_reply_emails_once_per_interval(
    service: NotifyService,
    client: httpx.AsyncClient,
    identity: IdentityStore,
    maildir: Path,
) -> None:
    application, resident = await submitted(service, identity, 60)
    staff = await staff_headers(identity, Role.FRONT_OFFICE)
    await client.post(
        f"/chat/{application.id}/messages", json={"text": "Tanya"}, headers=resident
    )

    for text in ("Jawaban pertama", "Jawaban kedua"):
        await client.post(
            f"/conversations/{application.id}/messages",
            json={"text": text},
            headers=staff,
        )

    notices = [
        m
        for m in mails_matching(maildir, application.tracking_code)
        if "balasan" in str(m["Subject"])
    ]
    assert len(notices) == 1
    body = body_of(notices[0])
    assert "Ada balasan dari petugas" in body
    assert f"{NOTIFY_URL}/obrolan/{application.id}" in body
    assert "Jawaban pertama" not in body


async def test_ops_reads_but_cannot_post(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, _ = await submitted(service, identity, 61)
    ops = await staff_headers(identity, Role.OPS)

    read = await client.get(f"/conversations/{application.id}/messages", headers=ops)
    wrote = await client.post(
        f"/conversations/{application.id}/messages",
        json={"text": "halo"},
        headers=ops,
    )

    assert read.status_code == 200
    assert wrote.status_code == 403


async def test_unknown_application_not_found(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    staff = await staff_headers(identity, Role.FRONT_OFFICE)

    response = await client.get(
        f"/conversations/{uuid.uuid4()}/messages", headers=staff
    )

    assert response.status_code == 404
    assert "still being processed" in response.json()["message"]


async def test_list_puts_unanswered_first(
    service: NotifyService,
    client: httpx.AsyncClient,
    identity: IdentityStore,
    chat: ChatService,
) -> None:
    answered, resident_a = await submitted(service, identity, 62)
    waiting, resident_b = await submitted(service, identity, 63)
    staff = await staff_headers(identity, Role.FRONT_OFFICE)
    await client.post(
        f"/chat/{waiting.id}/messages", json={"text": "Tanya"}, headers=resident_b
    )
    await client.post(
        f"/chat/{answered.id}/messages", json={"text": "Tanya"}, headers=resident_a
    )
    await client.post(
        f"/conversations/{answered.id}/messages", json={"text": "Jawab"}, headers=staff
    )

    listed = await client.get("/conversations", headers=staff)
    only_waiting = await client.get(
        "/conversations", params={"unanswered": "true"}, headers=staff
    )
    by_code = await client.get(
        "/conversations",
        params={"tracking_code": answered.tracking_code.lower()},
        headers=staff,
    )

    order = [row["application_id"] for row in listed.json()]
    assert order.index(waiting.id) < order.index(answered.id)
    assert waiting.id in [r["application_id"] for r in only_waiting.json()]
    assert answered.id not in [r["application_id"] for r in only_waiting.json()]
    assert [r["application_id"] for r in by_code.json()] == [answered.id]
    assert by_code.json()[0]["service_code"] == "birth_deed"


# Sign-in codes --------------------------------------------------------------


async def test_code_email_reaches_maildir(
    endpoints: Endpoints, codes: SignInCodeSender, maildir: Path
) -> None:
    address = new_address()
    event = code_event(email=address)
    publisher = EventPublisher(endpoints.kafka_bootstrap, client_id="test-codes")
    try:
        await publisher.publish(Topic.INTAKE.value, event)
    finally:
        publisher.close()

    async def delivered() -> list[EmailMessage] | None:
        return await asyncio.to_thread(mails_matching, maildir, address) or None

    [mail] = await eventually(delivered, what="the sign-in code email")

    body = body_of(mail)
    code = event.data["code"]
    assert mail["To"] == address
    assert code not in str(mail["Subject"])
    assert f"Kode masuk DOMPAK Anda: {code}" in body
    assert f"Your DOMPAK sign-in code: {code}" in body
    assert "tidak pernah meminta kode ini, juga tidak lewat telepon" in body
    assert "berlaku sampai pukul" in body
    assert body.index("Kode masuk") < body.index("Your DOMPAK")
    assert await codes.delivery_state(event.id) == CodeDelivery.EMAILED


async def test_redelivered_code_event_emails_once(
    endpoints: Endpoints, codes: SignInCodeSender, maildir: Path
) -> None:
    address = new_address()
    event = code_event(email=address)
    publisher = EventPublisher(endpoints.kafka_bootstrap, client_id="test-codes")
    try:
        await publisher.publish(Topic.INTAKE.value, event)
        await publisher.publish(Topic.INTAKE.value, event)
    finally:
        publisher.close()
    await asyncio.to_thread(
        wait_until_consumed,
        endpoints.kafka_bootstrap,
        "dompak-notify",
        [Topic.INTAKE.value],
    )

    await codes.deliver(event)

    assert len(mails_matching(maildir, address)) == 1


async def test_code_never_logged(codes: SignInCodeSender) -> None:
    event = code_event(email=new_address())

    with capture_logs() as logs:
        await codes.deliver(event)

    assert logs
    assert event.data["code"] not in repr(logs)


async def test_phone_only_code_not_sent(codes: SignInCodeSender, maildir: Path) -> None:
    event = code_event(email=None, phone="+6281234500001")

    with capture_logs() as logs:
        await codes.deliver(event)

    assert await codes.delivery_state(event.id) == CodeDelivery.CHANNEL_UNAVAILABLE
    assert [e["event"] for e in logs] == ["sign_in.code_channel_unavailable"]
    assert logs[0]["request_id"] == event.subject


async def test_expired_code_not_sent(codes: SignInCodeSender, maildir: Path) -> None:
    address = new_address()
    event = code_event(email=address, minutes=-1)

    await codes.deliver(event)

    assert await codes.delivery_state(event.id) == CodeDelivery.EXPIRED
    assert mails_matching(maildir, address) == []


async def test_resident_message_rate_limited(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application, resident = await submitted(service, identity, 64)
    url = f"/chat/{application.id}/messages"
    for number in range(RESIDENT_MESSAGE_LIMIT):
        sent = await client.post(url, json={"text": f"{number}"}, headers=resident)
        assert sent.status_code == 201

    refused = await client.post(url, json={"text": "lagi"}, headers=resident)
    messages = await client.get(url, headers=resident)

    assert refused.status_code == 429
    assert "wait 10 minutes" in refused.json()["message"]
    assert len(messages.json()) == RESIDENT_MESSAGE_LIMIT

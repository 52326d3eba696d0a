"""Resident sign-in on the real servers: codes through Kafka, limits, pages."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from kafka import KafkaConsumer, TopicPartition
from pymongo import MongoClient

from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.auth import SESSION_COOKIE, IdentityStore
from shared.devstack import Endpoints
from shared.events import Envelope, EventType, Topic
from tests.conftest import settings_values
from tests.support import eventually
from tools.samples import synthetic_nik

pytestmark = pytest.mark.integration


class CodeInbox:
    """Reads sign-in code events from the intake topic, as notify would."""

    def __init__(self, bootstrap: str) -> None:
        self._consumer = KafkaConsumer(
            bootstrap_servers=bootstrap, enable_auto_commit=False
        )
        partitions = [
            TopicPartition(Topic.INTAKE, p)
            for p in self._consumer.partitions_for_topic(Topic.INTAKE) or ()
        ]
        self._consumer.assign(partitions)
        self._consumer.seek_to_beginning()
        self._events: dict[str, list[Envelope]] = {}

    def _poll(self) -> None:
        for batch in self._consumer.poll(timeout_ms=200).values():
            for record in batch:
                event = Envelope.model_validate_json(record.value)
                if event.type == EventType.SIGN_IN_CODE_REQUESTED:
                    self._events.setdefault(event.subject, []).append(event)

    async def events(self, request_id: str, count: int = 1) -> list[Envelope]:
        """Wait for the `count` first code events of a sign-in request."""
        for _ in range(150):
            if len(self._events.get(request_id, [])) >= count:
                return self._events[request_id]
            await asyncio.to_thread(self._poll)
        raise AssertionError(f"no code event {count} for request {request_id}")

    async def code(self, request_id: str, count: int = 1) -> str:
        """Return the code of the request's `count`-th code event."""
        events = await self.events(request_id, count)
        return str(events[count - 1].data["code"])

    def close(self) -> None:
        self._consumer.close()


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def app(endpoints: Endpoints, state_dir: Path) -> AsyncIterator[FastAPI]:
    settings = IntakeSettings(
        **settings_values(endpoints, state_dir),  # type: ignore[arg-type]
        uploads_bucket="test-intake-residents",
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
def inbox(app: FastAPI, endpoints: Endpoints) -> Iterator[CodeInbox]:
    """Reader of the code events; after `app`, which creates the topics."""
    reader = CodeInbox(endpoints.kafka_bootstrap)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def intake_db(endpoints: Endpoints) -> Iterator[Any]:
    client: MongoClient[dict[str, Any]] = MongoClient(endpoints.mongodb_url)
    yield client["dompak_intake"]
    client.close()


@pytest_asyncio.fixture(loop_scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client with an address of its own, so the per-address limit is its own."""
    async with address_client(app) as own:
        yield own


def address_client(app: FastAPI) -> httpx.AsyncClient:
    """Return a client calling from a random private address."""
    address = ".".join(str(random.randint(1, 254)) for _ in range(3))
    transport = httpx.ASGITransport(app=app, client=(f"10.{address}", 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def new_nik() -> str:
    rng = random.Random(uuid.uuid4().int)
    birth = date(1970, 1, 1) + timedelta(days=rng.randint(0, 15000))
    return synthetic_nik(birth, female=rng.random() < 0.5, rng=rng)


def new_email() -> str:
    return f"warga{uuid.uuid4().hex[:10]}@contoh.test"


async def request_code(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post("/auth/resident/code", json=body)


async def register(
    client: httpx.AsyncClient, inbox: CodeInbox, nik: str, email: str
) -> str:
    """Register `nik` with `email` through the code flow; return the token."""
    sent = await request_code(client, nik=nik, name="Tiurma Sinaga", email=email)
    assert sent.status_code == 200, sent.text
    request_id = sent.json()["request_id"]
    code = await inbox.code(request_id)
    confirmed = await client.post(
        "/auth/resident", json={"request_id": request_id, "code": code}
    )
    assert confirmed.status_code == 200, confirmed.text
    return str(confirmed.json()["token"])


async def test_registration_stored_only_after_confirmation(
    client: httpx.AsyncClient, inbox: CodeInbox, intake_db: Any
) -> None:
    nik, email = new_nik(), new_email()
    sent = await request_code(
        client, nik=nik, name="Tiurma Sinaga", email=email, phone="081234567890"
    )
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert body["sent_to"] == f"w***@{email.split('@')[1]}"
    assert intake_db["residents"].find_one({"_id": nik}) is None

    events = await inbox.events(body["request_id"])
    assert events[0].data["email"] == email
    assert events[0].data["nik"] == nik
    confirmed = await client.post(
        "/auth/resident",
        json={"request_id": body["request_id"], "code": events[0].data["code"]},
    )
    assert confirmed.status_code == 200, confirmed.text
    account = intake_db["residents"].find_one({"_id": nik})
    assert account is not None
    assert account["email"] == email
    assert account["phone"] == "081234567890"
    assert account["email_verified_at"] is not None

    token = confirmed.json()["token"]
    mine = await client.get(
        "/my/applications", headers={"authorization": f"Bearer {token}"}
    )
    assert mine.status_code == 200
    assert mine.json() == []


async def test_stored_request_keeps_only_code_hash(
    client: httpx.AsyncClient, inbox: CodeInbox, intake_db: Any
) -> None:
    sent = await request_code(client, nik=new_nik(), name="Lasma", email=new_email())
    request_id = sent.json()["request_id"]
    code = await inbox.code(request_id)

    async def relayed() -> dict[str, Any] | None:
        stored: dict[str, Any] = intake_db["sign_in_requests"].find_one(
            {"_id": request_id}
        )
        return stored if stored["outbox"] == [] else None

    stored = await eventually(relayed, seconds=10, what="outbox drained")
    assert code not in str(stored)


async def test_unregistered_nik_without_email_asks_to_register(
    client: httpx.AsyncClient, intake_db: Any
) -> None:
    nik = new_nik()
    response = await request_code(client, nik=nik)
    assert response.status_code == 422
    assert response.json()["error"] == "registration_required"
    assert "name and email" in response.json()["message"]
    assert intake_db["sign_in_requests"].find_one({"nik": nik}) is None


async def test_registered_nik_code_goes_to_registered_email(
    app: FastAPI, client: httpx.AsyncClient, inbox: CodeInbox
) -> None:
    nik, email = new_nik(), new_email()
    await register(client, inbox, nik, email)
    async with address_client(app) as other:
        sent = await request_code(
            other, nik=nik, name="Orang Lain", email="penyusup@contoh.test"
        )
    assert sent.status_code == 200, sent.text
    assert sent.json()["sent_to"] == f"w***@{email.split('@')[1]}"
    event = (await inbox.events(sent.json()["request_id"]))[0]
    assert event.data["email"] == email
    assert event.data["name"] == "Tiurma Sinaga"


async def test_expired_code_rejected_then_resent(
    client: httpx.AsyncClient, inbox: CodeInbox, intake_db: Any
) -> None:
    sent = await request_code(client, nik=new_nik(), name="Rut", email=new_email())
    request_id = sent.json()["request_id"]
    code = await inbox.code(request_id)
    intake_db["sign_in_requests"].update_one(
        {"_id": request_id},
        {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}},
    )
    expired = await client.post(
        "/auth/resident", json={"request_id": request_id, "code": code}
    )
    assert expired.status_code == 410
    assert "expired" in expired.json()["message"]

    resent = await client.post("/masuk/kode/ulang", data={"permintaan": request_id})
    assert resent.status_code == 303
    new_code = await inbox.code(request_id, count=2)
    confirmed = await client.post(
        "/auth/resident", json={"request_id": request_id, "code": new_code}
    )
    assert confirmed.status_code == 200, confirmed.text


async def test_resent_code_replaces_old_code(
    client: httpx.AsyncClient, inbox: CodeInbox
) -> None:
    sent = await request_code(client, nik=new_nik(), name="Ester", email=new_email())
    request_id = sent.json()["request_id"]
    old_code = await inbox.code(request_id)
    await client.post("/masuk/kode/ulang", data={"permintaan": request_id})
    new_code = await inbox.code(request_id, count=2)
    if new_code == old_code:
        pytest.skip("the random codes happened to be equal")
    old = await client.post(
        "/auth/resident", json={"request_id": request_id, "code": old_code}
    )
    new = await client.post(
        "/auth/resident", json={"request_id": request_id, "code": new_code}
    )
    assert old.status_code == 422
    assert new.status_code == 200


async def test_code_opens_one_session_only(
    client: httpx.AsyncClient, inbox: CodeInbox
) -> None:
    sent = await request_code(client, nik=new_nik(), name="Debora", email=new_email())
    request_id = sent.json()["request_id"]
    code = await inbox.code(request_id)
    body = {"request_id": request_id, "code": code}
    first, second = await asyncio.gather(
        client.post("/auth/resident", json=body),
        client.post("/auth/resident", json=body),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    again = await client.post("/auth/resident", json=body)
    assert again.status_code == 409
    assert "used already" in again.json()["message"]


async def test_five_wrong_codes_lock_the_code(
    client: httpx.AsyncClient, inbox: CodeInbox
) -> None:
    sent = await request_code(client, nik=new_nik(), name="Maria", email=new_email())
    request_id = sent.json()["request_id"]
    code = await inbox.code(request_id)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    statuses = []
    for _ in range(5):
        response = await client.post(
            "/auth/resident", json={"request_id": request_id, "code": wrong}
        )
        statuses.append(response.status_code)
    assert statuses == [422] * 5
    right = await client.post(
        "/auth/resident", json={"request_id": request_id, "code": code}
    )
    assert right.status_code == 429
    assert "new code" in right.json()["message"]

    resent = await client.post("/masuk/kode/ulang", data={"permintaan": request_id})
    assert resent.status_code == 303
    new_code = await inbox.code(request_id, count=2)
    unlocked = await client.post(
        "/auth/resident", json={"request_id": request_id, "code": new_code}
    )
    assert unlocked.status_code == 200


async def test_code_requests_limited_per_nik(
    app: FastAPI, inbox: CodeInbox, intake_db: Any
) -> None:
    nik, email = new_nik(), new_email()
    statuses = []
    for _ in range(4):
        # A new address each time, so only the per-NIK limit applies.
        async with address_client(app) as own:
            response = await request_code(own, nik=nik, name="Yohana", email=email)
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]
    assert intake_db["sign_in_requests"].count_documents({"nik": nik}) == 3


async def test_code_requests_limited_per_address(client: httpx.AsyncClient) -> None:
    statuses = []
    for _ in range(21):
        response = await request_code(
            client, nik=new_nik(), name="Sarma", email=new_email()
        )
        statuses.append(response.status_code)
    assert statuses == [200] * 20 + [429]


async def test_other_request_id_does_not_take_own_code(
    app: FastAPI, inbox: CodeInbox
) -> None:
    nik_a, nik_b = new_nik(), new_nik()
    async with address_client(app) as first, address_client(app) as second:
        sent_a = await request_code(first, nik=nik_a, name="Ana", email=new_email())
        sent_b = await request_code(second, nik=nik_b, name="Beni", email=new_email())
        request_a = sent_a.json()["request_id"]
        request_b = sent_b.json()["request_id"]
        code_a = await inbox.code(request_a)
        code_b = await inbox.code(request_b)
        if code_a == code_b:
            pytest.skip("the random codes happened to be equal")
        stolen = await second.post(
            "/auth/resident", json={"request_id": request_a, "code": code_b}
        )
        own = await second.post(
            "/auth/resident", json={"request_id": request_b, "code": code_b}
        )
    assert stolen.status_code == 422
    assert own.status_code == 200
    identity: IdentityStore = app.state.identity
    principal = await identity.resolve(own.json()["token"])
    assert principal is not None
    assert principal.subject == nik_b


HOSTILE_REQUESTS: dict[str, tuple[dict[str, Any], str]] = {
    "short_nik": ({"nik": "1217081234"}, "16 digits"),
    "letters_in_nik": ({"nik": "12170857O3900007"}, "16 digits"),
    "script_in_nik": ({"nik": "<script>alert(1)</script>"}, "16 digits"),
    "nik_bad_birth_date": ({"nik": "1217083213900007"}, "birth date"),
    "nik_unknown_region": ({"nik": "9917085703900007"}, "region"),
    "email_header_injection": (
        {"name": "Rina", "email": "rina@contoh.test\r\nBcc: x@contoh.test"},
        "not an email address",
    ),
    "email_without_domain": ({"name": "Rina", "email": "rina@"}, "email"),
    "name_with_digits": ({"name": "R1na <b>", "email": "r@contoh.test"}, "name"),
    "name_in_cyrillic": ({"name": "Рина", "email": "r@contoh.test"}, "Latin"),
    "phone_with_letters": (
        {"name": "Rina", "email": "r@contoh.test", "phone": "0812-abc"},
        "phone",
    ),
    "unknown_field": ({"name": "Rina", "email": "r@contoh.test", "role": "head"}, ""),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_REQUESTS))
async def test_hostile_sign_in_input_rejected(
    client: httpx.AsyncClient, intake_db: Any, case: str
) -> None:
    fields, fragment = HOSTILE_REQUESTS[case]
    body = {"nik": new_nik(), **fields}
    before = intake_db["sign_in_requests"].count_documents({})
    response = await request_code(client, **body)
    assert response.status_code == 422, response.text
    assert fragment in response.json()["message"]
    assert intake_db["sign_in_requests"].count_documents({}) == before


async def test_confirm_rejects_malformed_code(client: httpx.AsyncClient) -> None:
    sent = await request_code(client, nik=new_nik(), name="Ani", email=new_email())
    response = await client.post(
        "/auth/resident",
        json={"request_id": sent.json()["request_id"], "code": "12 34'"},
    )
    assert response.status_code == 422
    assert "6 digits" in response.json()["message"]


async def test_confirm_unknown_request_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/resident", json={"request_id": "tidak-ada", "code": "123456"}
    )
    assert response.status_code == 404


async def test_sign_in_pages_register_and_redirect(
    client: httpx.AsyncClient, inbox: CodeInbox
) -> None:
    nik, email = new_nik(), new_email()
    start = await client.get("/masuk?next=/permohonan/abc")
    assert start.status_code == 200
    assert 'name="nik"' in start.text

    asked = await client.post("/masuk", data={"nik": nik, "next": "/permohonan/abc"})
    assert asked.status_code == 200
    assert "belum terdaftar" in asked.text
    assert 'name="email"' in asked.text

    registered = await client.post(
        "/masuk",
        data={
            "nik": nik,
            "name": "Tiurma Sinaga",
            "email": email,
            "registering": "1",
            "next": "/permohonan/abc",
        },
    )
    assert registered.status_code == 303
    code_page = registered.headers["location"]
    assert code_page.startswith("/masuk/kode?permintaan=")
    request_id = code_page.split("permintaan=")[1].split("&")[0]

    shown = await client.get(code_page)
    assert shown.status_code == 200
    assert f"w***@{email.split('@')[1]}" in shown.text

    code = await inbox.code(request_id)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    wrong = await client.post(
        "/masuk/kode", data={"permintaan": request_id, "kode": wrong_code}
    )
    assert wrong.status_code == 422
    assert "Kode salah" in wrong.text

    signed_in = await client.post(
        "/masuk/kode",
        data={"permintaan": request_id, "kode": code, "next": "/permohonan/abc"},
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/permohonan/abc"
    cookie = signed_in.cookies.get(SESSION_COOKIE)
    assert cookie
    # The client keeps the cookie, as a browser does, and sends no other token.
    mine = await client.get("/my/applications")
    assert mine.status_code == 200


async def test_sign_in_page_refuses_foreign_next(
    client: httpx.AsyncClient, inbox: CodeInbox
) -> None:
    nik = new_nik()
    await register(client, inbox, nik, new_email())
    sent = await client.post("/masuk", data={"nik": nik, "next": "//contoh.test/x"})
    assert sent.status_code == 303
    request_id = sent.headers["location"].split("permintaan=")[1].split("&")[0]
    code = await inbox.code(request_id)
    signed_in = await client.post(
        "/masuk/kode",
        data={"permintaan": request_id, "kode": code, "next": "//contoh.test/x"},
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"


async def test_sign_in_page_errors_in_english(client: httpx.AsyncClient) -> None:
    indonesian = await client.post("/masuk", data={"nik": "1234"})
    client.cookies.set("lang", "en")
    english = await client.post("/masuk", data={"nik": "1234"})
    assert indonesian.status_code == 422
    assert "NIK tidak valid" in indonesian.text
    assert english.status_code == 422
    assert "must be exactly 16 digits" in english.text


async def test_code_page_for_used_request_links_back(
    client: httpx.AsyncClient, inbox: CodeInbox
) -> None:
    sent = await request_code(client, nik=new_nik(), name="Uli", email=new_email())
    request_id = sent.json()["request_id"]
    code = await inbox.code(request_id)
    await client.post("/auth/resident", json={"request_id": request_id, "code": code})
    page = await client.get(f"/masuk/kode?permintaan={request_id}")
    assert page.status_code == 409
    assert "sudah dipakai" in page.text
    assert 'href="/masuk"' in page.text

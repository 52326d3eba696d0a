"""Subject claims on the real MongoDB-protocol server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
import pytest_asyncio

from services.intake.forms import FORMS, ApplicationForm
from services.intake.repository import ApplicationRepository
from services.intake.subjects import STALE_CLAIM_AGE, SubjectClaims, subject_of
from shared.catalogue import ServiceEntry, load_catalogue
from shared.database import connect
from shared.devstack import Endpoints
from shared.errors import ConflictError
from shared.events import (
    ApplicationRejected,
    Envelope,
    EventType,
    RegisterRecorded,
    new_event,
)
from shared.settings import REPOSITORY
from tools.samples import application_form

pytestmark = pytest.mark.integration

CATALOGUE = load_catalogue(REPOSITORY / "config" / "catalogue.toml")


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def repository(endpoints: Endpoints) -> AsyncIterator[ApplicationRepository]:
    client = connect(endpoints.mongodb_url)
    name = f"dompak_test_{uuid.uuid4().hex[:12]}"
    try:
        repository = ApplicationRepository(client[name])
        await repository.create_indexes()
        yield repository
    finally:
        await client.drop_database(name)
        await client.close()


def _form(service: str, seed: int) -> tuple[ServiceEntry, ApplicationForm]:
    entry = CATALOGUE.service(service)
    form = FORMS[entry.form].model_validate(application_form(service, seed))
    return entry, form


def _unique_seed() -> int:
    return uuid.uuid4().int % 10**6


async def test_claim_first_wins(repository: ApplicationRepository) -> None:
    claims = SubjectClaims(repository)
    entry, form = _form("birth_deed", _unique_seed())

    subject = await claims.claim(entry, form, "app-1", "AAAA-BBBB-CCC1")
    with pytest.raises(ConflictError) as caught:
        await claims.claim(entry, form, "app-2", "AAAA-BBBB-CCC2")

    assert subject == subject_of(entry, form)
    assert caught.value.status_code == 409
    assert "submitted already" in caught.value.message
    assert "AAAA-BBBB-CCC1" not in caught.value.message
    assert caught.value.detail == {}


async def test_claim_concurrent_lets_one_win(
    repository: ApplicationRepository,
) -> None:
    claims = SubjectClaims(repository)
    entry, form = _form("death_deed", _unique_seed())

    results = await asyncio.gather(
        *[
            claims.claim(entry, form, f"app-{i}", f"AAAA-BBBB-{i:04d}")
            for i in range(8)
        ],
        return_exceptions=True,
    )

    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1
    assert len(losers) == 7


async def test_claim_other_service_separate(
    repository: ApplicationRepository,
) -> None:
    claims = SubjectClaims(repository)
    seed = _unique_seed()
    new_entry, new_form = _form("ktp_el_new", seed)
    reissue_entry, reissue_form = _form("ktp_el_reissue", seed)

    first = await claims.claim(new_entry, new_form, "app-new", "AAAA-BBBB-0001")
    second = await claims.claim(
        reissue_entry, reissue_form, "app-reissue", "AAAA-BBBB-0002"
    )

    assert first != second


async def test_claim_stale_without_application_taken_over(
    repository: ApplicationRepository,
) -> None:
    claims = SubjectClaims(repository)
    entry, form = _form("birth_deed", _unique_seed())
    await repository.claim_subject(
        {
            "_id": subject_of(entry, form),
            "application_id": "crashed-before-insert",
            "tracking_code": "AAAA-BBBB-DEAD",
            "reusable_after_completion": False,
            "claimed_at": datetime.now(UTC) - STALE_CLAIM_AGE - timedelta(minutes=1),
        }
    )

    await claims.claim(entry, form, "app-new", "AAAA-BBBB-0003")
    claim = await repository.subject_claim(subject_of(entry, form))

    assert claim is not None
    assert claim["application_id"] == "app-new"


async def test_claim_recent_without_application_blocks(
    repository: ApplicationRepository,
) -> None:
    claims = SubjectClaims(repository)
    entry, form = _form("birth_deed", _unique_seed())
    await claims.claim(entry, form, "still-storing", "AAAA-BBBB-0004")

    with pytest.raises(ConflictError, match="submitted already"):
        await claims.claim(entry, form, "app-new", "AAAA-BBBB-0005")


async def test_release_only_by_owner(repository: ApplicationRepository) -> None:
    claims = SubjectClaims(repository)
    entry, form = _form("birth_deed", _unique_seed())
    subject = await claims.claim(entry, form, "owner", "AAAA-BBBB-0006")

    await claims.release(subject, "someone-else")
    kept = await repository.subject_claim(subject)
    await claims.release(subject, "owner")
    released = await repository.subject_claim(subject)

    assert kept is not None
    assert released is None


async def test_rejection_releases_subject(repository: ApplicationRepository) -> None:
    claims = SubjectClaims(repository)
    entry, form = _form("birth_deed", _unique_seed())
    subject = await claims.claim(entry, form, "app-rejected", "AAAA-BBBB-0007")
    rejected = new_event(
        source="/dompak/signing",
        event_type=EventType.APPLICATION_REJECTED,
        application_id="app-rejected",
        payload=ApplicationRejected(stage="signing", reason="Data palsu", actor="kd"),
    )

    await claims.apply_event(rejected)
    await claims.apply_event(rejected)

    assert await repository.subject_claim(subject) is None
    assert await claims.claim(entry, form, "app-again", "AAAA-BBBB-0008")


def _recorded(application_id: str, service_code: str) -> Envelope:
    return new_event(
        source="/dompak/distribution",
        event_type=EventType.REGISTER_RECORDED,
        application_id=application_id,
        payload=RegisterRecorded(
            register_number="1217-XX-00000000-0001",
            document_id=str(uuid.uuid4()),
            service_code=service_code,
            recorded_on=date(2026, 1, 5),
            actor="dist",
        ),
    )


@pytest.mark.parametrize(
    ("service", "released"),
    [("birth_deed", False), ("ktp_el_reissue", True), ("kia", True)],
)
async def test_completion_releases_only_reusable_subject(
    repository: ApplicationRepository, service: str, released: bool
) -> None:
    claims = SubjectClaims(repository)
    entry, form = _form(service, _unique_seed())
    application_id = f"app-{uuid.uuid4().hex[:8]}"
    subject = await claims.claim(entry, form, application_id, "AAAA-BBBB-0009")

    await claims.apply_event(_recorded(application_id, entry.code))

    assert (await repository.subject_claim(subject) is None) is released

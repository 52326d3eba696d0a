"""Notify service on the real servers: recipients, emails over SMTP, inbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from services.notify.service import NotifyService
from shared.auth import IdentityStore, Role
from tests.services.notify.conftest import PUBLIC_INTAKE_URL
from tests.services.notify.notify_support import Application, body_of, mails_about
from tests.support import staff_headers

pytestmark = pytest.mark.integration


async def notifications_of(
    service: NotifyService, application_id: str
) -> list[dict[str, Any]]:
    views = await service.of_application(application_id)
    return [view.model_dump(mode="json") for view in views]


async def test_submitted_event_emails_recipient(
    service: NotifyService, maildir: Path
) -> None:
    application = Application(31)

    await service.notify(application.submitted())

    recipient = await service._repository.recipient(application.id)
    notifications = await notifications_of(service, application.id)
    mails = mails_about(maildir, application.tracking_code)
    assert recipient is not None
    assert recipient["tracking_code"] == application.tracking_code
    assert recipient["email"] == application.email
    assert recipient["name"] == application.applicant.name
    assert len(notifications) == 1
    assert notifications[0]["channels"] == {"in_app": "sent", "email": "sent"}
    assert len(mails) == 1
    assert mails[0]["To"] == application.email


async def test_email_carries_texts_and_link(
    service: NotifyService, maildir: Path
) -> None:
    application = Application(32)

    await service.notify(application.submitted())

    [notification] = await notifications_of(service, application.id)
    [mail] = mails_about(maildir, application.tracking_code)
    body = body_of(mail)
    assert f"Yth. {application.applicant.name}" in body
    assert notification["text_id"] in body
    assert notification["text_en"] in body
    assert f"{PUBLIC_INTAKE_URL}/permohonan/{application.id}" in body


async def test_later_event_sends_another_email(
    service: NotifyService, maildir: Path
) -> None:
    application = Application(33)
    await service.notify(application.submitted())

    await service.notify(application.accepted())

    notifications = await notifications_of(service, application.id)
    bodies = [body_of(mail) for mail in mails_about(maildir, application.tracking_code)]
    accepted = notifications[1]
    assert [n["event_type"] for n in notifications] == [
        "application.submitted",
        "application.accepted",
    ]
    assert accepted["channels"] == {"in_app": "sent", "email": "sent"}
    assert len(bodies) == 2
    assert sum(accepted["text_id"] in body for body in bodies) == 1


@pytest.mark.parametrize("event_name", ["submitted", "accepted"])
async def test_redelivered_event_sends_once(
    service: NotifyService, maildir: Path, event_name: str
) -> None:
    application = Application(34)
    submitted = application.submitted()
    await service.notify(submitted)
    event = submitted if event_name == "submitted" else application.accepted()
    await service.notify(event)

    await service.notify(event)

    notifications = await notifications_of(service, application.id)
    ids = [n["notification_id"] for n in notifications]
    mails = mails_about(maildir, application.tracking_code)
    assert ids.count(event.id) == 1
    assert len(notifications) == len({submitted.id, event.id})
    assert len(mails) == len(notifications)


async def test_applicant_without_email_in_app_only(
    service: NotifyService,
    client: httpx.AsyncClient,
    identity: IdentityStore,
    maildir: Path,
) -> None:
    application = Application(35, with_email=False)
    headers = await application.grant_to_applicant(identity)

    await service.notify(application.submitted())
    await service.notify(application.accepted())

    notifications = await notifications_of(service, application.id)
    inbox = await client.get(f"/inbox/{application.tracking_code}", headers=headers)
    assert [n["channels"] for n in notifications] == [
        {"in_app": "sent", "email": "skipped"},
        {"in_app": "sent", "email": "skipped"},
    ]
    assert mails_about(maildir, application.tracking_code) == []
    assert inbox.status_code == 200
    assert len(inbox.json()) == 2


async def test_event_before_submission_is_parked(service: NotifyService) -> None:
    application = Application(36)

    await service.notify(application.accepted())

    assert await notifications_of(service, application.id) == []


async def test_parked_event_sent_after_submission(
    service: NotifyService, maildir: Path
) -> None:
    application = Application(37)
    drafted = application.drafted()
    accepted = application.accepted()
    await service.notify(drafted)
    await service.notify(accepted)

    await service.notify(application.submitted())

    notifications = await notifications_of(service, application.id)
    sent = sorted(n["notification_id"] for n in notifications)
    assert len(notifications) == 3
    assert accepted.id in sent
    assert drafted.id in sent
    assert len(mails_about(maildir, application.tracking_code)) == 3


async def test_redelivered_parked_event_sent_once(
    service: NotifyService, maildir: Path
) -> None:
    application = Application(39)
    accepted = application.accepted()
    await service.notify(accepted)
    await service.notify(accepted)
    await service.notify(application.submitted())
    await service.notify(accepted)

    notifications = await notifications_of(service, application.id)
    assert len(notifications) == 2
    assert len(mails_about(maildir, application.tracking_code)) == 2


async def test_inbox_lists_messages_in_order(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application = Application(38)
    headers = await application.grant_to_applicant(identity)
    events = [application.submitted(), application.accepted(), application.drafted()]
    for event in events:
        await service.notify(event)

    response = await client.get(f"/inbox/{application.tracking_code}", headers=headers)

    messages = response.json()
    assert response.status_code == 200
    assert [m["notification_id"] for m in messages] == [e.id for e in events]
    assert [m["event_type"] for m in messages] == [
        "application.submitted",
        "application.accepted",
        "application.drafted",
    ]
    for message in messages:
        assert application.tracking_code in message["text_id"]
        assert application.tracking_code in message["text_en"]


async def test_inbox_code_case_insensitive(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application = Application(39)
    headers = await application.grant_to_applicant(identity)
    await service.notify(application.submitted())

    response = await client.get(
        f"/inbox/{application.tracking_code.lower()}", headers=headers
    )

    assert response.status_code == 200
    assert len(response.json()) == 1


async def test_inbox_unknown_code_not_found(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await Application(41).grant_to_applicant(identity)

    response = await client.get("/inbox/ZZZZ-ZZZZ-ZZZZ", headers=headers)

    assert response.status_code == 404
    assert "ZZZZ-ZZZZ-ZZZZ" in response.json()["message"]


async def test_staff_list_shows_channel_states(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application = Application(40)
    headers = await staff_headers(identity, Role.FRONT_OFFICE)
    await service.notify(application.submitted())

    response = await client.get(
        f"/applications/{application.id}/notifications", headers=headers
    )

    [notification] = response.json()
    assert response.status_code == 200
    assert notification["application_id"] == application.id
    assert notification["tracking_code"] == application.tracking_code
    assert notification["channels"] == {"in_app": "sent", "email": "sent"}


async def test_inbox_other_resident_not_found(
    service: NotifyService, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application = Application(42)
    await application.grant_to_applicant(identity)
    other_headers = await Application(43).grant_to_applicant(identity)
    await service.notify(application.submitted())

    response = await client.get(
        f"/inbox/{application.tracking_code}", headers=other_headers
    )

    assert response.status_code == 404
    assert application.id in response.json()["message"]


async def test_recipient_keeps_service_code(service: NotifyService) -> None:
    application = Application(44)

    await service.notify(application.submitted())

    recipient = await service._repository.recipient(application.id)
    assert recipient is not None
    assert recipient["service_code"] == "birth_deed"

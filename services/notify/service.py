"""Notify stage: a message to the resident for every state change."""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import structlog

from services.notify.channels import MessageChannel
from services.notify.repository import NotificationRepository
from services.notify.schemas import (
    MESSAGES,
    Channel,
    DeliveryState,
    NotificationView,
)
from services.notify.settings import NotifySettings
from shared.database import Document
from shared.errors import NotFoundError
from shared.events import (
    ApplicationSubmitted,
    Envelope,
    EventType,
    NotificationSent,
    new_event,
)

log = structlog.get_logger()

SOURCE = "/dompak/notify"


class _BlankMissing(string.Formatter):
    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        return (
            kwargs.get(key, "")
            if isinstance(key, str)
            else super().get_value(key, args, kwargs)
        )


def render_texts(event: Envelope, tracking_code: str) -> tuple[str, str]:
    """Return the Indonesian and English text of the message about an event."""
    template_id, template_en = MESSAGES[EventType(event.type)]
    missing = event.data.get("missing") or []
    values = {
        **event.data,
        "tracking_code": tracking_code,
        "missing_text": " ".join(
            f"{m['requirement']}: {m['reason']}." for m in missing
        ),
    }
    formatter = _BlankMissing()
    return formatter.format(template_id, **values), formatter.format(
        template_en, **values
    )


class NotifyService:
    def __init__(
        self,
        repository: NotificationRepository,
        email: MessageChannel,
        settings: NotifySettings,
        on_outbox_written: Callable[[], None],
    ) -> None:
        self._repository = repository
        self._email = email
        self._settings = settings
        self._on_outbox_written = on_outbox_written

    async def notify(self, event: Envelope) -> None:
        """Record the in-app message and send the email; safe to redeliver.

        The notification is keyed by the event id, so a redelivered event finds
        it. An email whose sending succeeded but whose `sent` mark was lost in a
        crash goes out again: email delivery is at least once. Events of other
        stages come on other topics, so they can arrive before the submission
        that carries the contact. Those are parked and sent once it is in.
        """
        if event.type == EventType.APPLICATION_SUBMITTED:
            await self._remember(event)
            recipient = await self._repository.recipient(event.subject)
            if recipient is not None:
                await self._deliver(event, recipient)
                await self._release_parked(event.subject, recipient)
            return
        recipient = await self._repository.recipient(event.subject)
        if recipient is None:
            await self._repository.park(event)
            log.info("notification.parked", notification_id=event.id)
            # The submission may have been processed while this was parked.
            recipient = await self._repository.recipient(event.subject)
            if recipient is None:
                return
            await self._release_parked(event.subject, recipient)
            return
        await self._deliver(event, recipient)

    async def _release_parked(self, application_id: str, recipient: Document) -> None:
        for parked in await self._repository.parked_for(application_id):
            await self._deliver(parked, recipient)
            await self._repository.unpark(parked.id)
            log.info("notification.unparked", notification_id=parked.id)

    async def _deliver(self, event: Envelope, recipient: Document) -> None:
        notification = await self._repository.get(event.id)
        if notification is None:
            notification = await self._record(event, recipient)
        if notification["channels"][Channel.EMAIL] == DeliveryState.PENDING:
            await self._send_email(notification, recipient)

    async def _remember(self, event: Envelope) -> None:
        submitted = ApplicationSubmitted.model_validate(event.data)
        await self._repository.remember_recipient(
            event.subject,
            {
                "tracking_code": submitted.tracking_code,
                "service_code": submitted.service_code,
                **submitted.applicant.model_dump(mode="json"),
            },
        )

    async def _record(self, event: Envelope, recipient: Document) -> Document:
        text_id, text_en = render_texts(event, recipient["tracking_code"])
        email_state = (
            DeliveryState.PENDING if recipient.get("email") else DeliveryState.SKIPPED
        )
        document: Document = {
            "_id": event.id,
            "application_id": event.subject,
            "tracking_code": recipient["tracking_code"],
            "event_type": event.type,
            "text_id": text_id,
            "text_en": text_en,
            "channels": {
                Channel.IN_APP: DeliveryState.SENT,
                Channel.EMAIL: email_state,
            },
            "created_at": datetime.now(UTC),
        }
        sent = self._sent_event(event.id, event.subject, event.type, Channel.IN_APP)
        if await self._repository.notifications.insert(document, [sent]):
            log.info("notification.recorded", notification_id=event.id)
            self._on_outbox_written()
            return {**document, "version": 1}
        existing = await self._repository.get(event.id)
        if existing is None:
            raise RuntimeError(
                f"notification {event.id} vanished after a duplicate insert"
            )
        return existing

    async def _send_email(self, notification: Document, recipient: Document) -> None:
        subject = (
            f"[{self._settings.office_name}] Permohonan {notification['tracking_code']}"
        )
        # The status page, which requires the resident to sign in first.
        link = (
            f"{self._settings.public_intake_url}/permohonan/"
            f"{notification['application_id']}"
        )
        body = (
            f"Yth. {recipient['name']},\n\n{notification['text_id']}\n\n"
            f"{notification['text_en']}\n\nLihat status / view status: {link}\n\n"
            f"{self._settings.office_name}\n"
        )
        await self._email.send(recipient["email"], subject, body)
        sent = self._sent_event(
            notification["_id"],
            notification["application_id"],
            notification["event_type"],
            Channel.EMAIL,
        )
        channels = {**notification["channels"], Channel.EMAIL: DeliveryState.SENT}
        await self._repository.notifications.apply(
            notification,
            {"channels": channels},
            [sent],
            on_written=self._on_outbox_written,
        )
        log.info("notification.emailed", notification_id=notification["_id"])

    def _sent_event(
        self,
        notification_id: str,
        application_id: str,
        about_type: str,
        channel: Channel,
    ) -> Envelope:
        return new_event(
            source=SOURCE,
            event_type=EventType.NOTIFICATION_SENT,
            application_id=application_id,
            payload=NotificationSent(
                notification_id=notification_id,
                channel=channel,
                about_event_id=notification_id,
                about_event_type=about_type,
            ),
        )

    async def application_id_for(self, tracking_code: str) -> str:
        """Return the id of the application with this tracking code."""
        recipient = await self._repository.recipient_by_tracking_code(tracking_code)
        if recipient is None:
            raise NotFoundError(
                f"no messages for tracking code {tracking_code!r}; check the code on "
                "your receipt"
            )
        application_id: str = recipient["_id"]
        return application_id

    async def of_application(self, application_id: str) -> list[NotificationView]:
        documents = await self._repository.of_application(application_id)
        return [
            NotificationView(
                notification_id=d["_id"],
                application_id=d["application_id"],
                tracking_code=d["tracking_code"],
                event_type=d["event_type"],
                text_id=d["text_id"],
                text_en=d["text_en"],
                channels=d["channels"],
                created_at=d["created_at"],
            )
            for d in documents
        ]

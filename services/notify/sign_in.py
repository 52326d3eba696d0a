"""Delivery of the one-time sign-in codes residents request at intake.

A delivery record keyed by the event id makes a redelivered event a no-op
once its email went out. Notify neither stores nor logs the code itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

import structlog

from services.notify.channels import MessageChannel
from services.notify.repository import NotificationRepository
from services.notify.schemas import CodeDelivery
from services.notify.settings import NotifySettings
from shared.events import Envelope, SignInCodeRequested

log = structlog.get_logger()


def code_email(
    request: SignInCodeRequested, office: str, timezone: tzinfo
) -> tuple[str, str]:
    """Return the subject and body of a sign-in code email."""
    expires = request.expires_at.astimezone(timezone)
    until = f"{expires:%H:%M} {expires.tzname() or ''}".strip()
    subject = f"[{office}] Kode masuk DOMPAK / DOMPAK sign-in code"
    body = (
        f"Yth. {request.name},\n\n"
        f"Kode masuk DOMPAK Anda: {request.code}\n\n"
        f"Kode ini berlaku sampai pukul {until} dan hanya bisa dipakai sekali. "
        f"Petugas {office} tidak pernah meminta kode ini, juga tidak lewat "
        "telepon. Jangan berikan kode ini kepada siapa pun. Jika Anda tidak "
        "meminta kode ini, abaikan email ini.\n\n"
        "---\n\n"
        f"Your DOMPAK sign-in code: {request.code}\n\n"
        f"The code expires at {until} and works only once. The staff of "
        f"{office} never ask for this code, not by phone either. Do not give "
        "it to anyone. If you did not request it, ignore this email.\n\n"
        f"{office}\n"
    )
    return subject, body


class SignInCodeSender:
    def __init__(
        self,
        repository: NotificationRepository,
        email: MessageChannel,
        settings: NotifySettings,
        timezone: tzinfo,
    ) -> None:
        self._repository = repository
        self._email = email
        self._settings = settings
        self._timezone = timezone

    async def deliver(self, event: Envelope) -> None:
        """Email the code of one request. Redelivering the event is safe.

        A failed send raises, so the consumer retries the event. A resident
        with only a phone number gets no code, because no SMS channel exists.
        """
        request = SignInCodeRequested.model_validate(event.data)
        existing = await self._repository.code_delivery(event.id)
        if existing is not None and existing["state"] != CodeDelivery.PENDING:
            log.info("sign_in.code_redelivered", request_id=event.subject)
            return
        if existing is None:
            await self._repository.record_code_delivery(
                {
                    "_id": event.id,
                    "request_id": event.subject,
                    "state": CodeDelivery.PENDING,
                    "has_email": bool(request.email),
                    "has_phone": bool(request.phone),
                    "created_at": datetime.now(UTC),
                }
            )
        if request.expires_at <= datetime.now(UTC):
            await self._finish(event, CodeDelivery.EXPIRED)
            log.warning("sign_in.code_expired_before_sending", request_id=event.subject)
            return
        if not request.email:
            await self._finish(event, CodeDelivery.CHANNEL_UNAVAILABLE)
            # TODO: send by SMS once an SMS adapter implements MessageChannel.
            log.warning(
                "sign_in.code_channel_unavailable",
                request_id=event.subject,
                event_id=event.id,
                has_phone=bool(request.phone),
            )
            return
        subject, body = code_email(request, self._settings.office_name, self._timezone)
        await self._email.send(request.email, subject, body)
        await self._finish(event, CodeDelivery.EMAILED)
        log.info("sign_in.code_emailed", request_id=event.subject, event_id=event.id)

    async def _finish(self, event: Envelope, state: CodeDelivery) -> None:
        await self._repository.mark_code_delivery(event.id, state)

    async def delivery_state(self, event_id: str) -> CodeDelivery | None:
        record = await self._repository.code_delivery(event_id)
        return None if record is None else CodeDelivery(record["state"])

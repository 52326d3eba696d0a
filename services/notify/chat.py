"""Chat between a resident and the front office, one conversation per application.

A conversation is one document holding its messages, so a new message, the
summary the staff list sorts on and the `chat.message_posted` event are a
single write (see `shared.outbox`).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from services.notify.channels import MessageChannel
from services.notify.repository import NotificationRepository
from services.notify.schemas import (
    Assignee,
    AuthorKind,
    ChatMessageView,
    ConversationView,
)
from services.notify.settings import NotifySettings
from shared.auth import IdentityStore, Principal
from shared.database import Document
from shared.errors import ConflictError, NotFoundError, ValidationFailedError
from shared.events import ChatMessagePosted, Envelope, EventType, new_event

log = structlog.get_logger()

SOURCE = "/dompak/notify"
MAX_TEXT_LENGTH = 1000
# Staff replies email the resident at most once per this interval, so a
# quick exchange does not flood their mailbox.
REPLY_EMAIL_INTERVAL = timedelta(minutes=10)
WRITE_ATTEMPTS = 5
# Messages one resident or village official may send in RESIDENT_WINDOW,
# across all their conversations; staff are not limited.
RESIDENT_MESSAGE_LIMIT = 20
RESIDENT_WINDOW = timedelta(minutes=10)
# Explicit direction marks, embeddings, overrides and isolates: they can make
# a message display in a different order than it was written.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def clean_text(raw: str) -> str:
    """Return the message as stored: NFC, no control or bidi characters.

    Line breaks stay and tabs become spaces. Raises ValidationFailedError when
    nothing is left or the text is longer than MAX_TEXT_LENGTH characters.
    """
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\t", " "))
    allowed = [
        character
        for character in text
        if character == "\n"
        or (
            character not in BIDI_CONTROLS
            and unicodedata.category(character) not in ("Cc", "Cs")
        )
    ]
    text = "".join(allowed).strip()
    if not text:
        raise ValidationFailedError(
            "the message is empty; write some text before sending it"
        )
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationFailedError(
            f"the message has {len(text)} characters, more than the maximum "
            f"{MAX_TEXT_LENGTH}; shorten it or send it in two parts",
            length=len(text),
            maximum=MAX_TEXT_LENGTH,
        )
    return text


def mask_nik(nik: str) -> str:
    """Keep the region (first 6 digits) and the last 2 digits of a NIK."""
    if len(nik) != 16 or not nik.isdigit():
        return "*" * len(nik)
    return nik[:6] + "*" * 8 + nik[-2:]


def message_view(message: Document) -> ChatMessageView:
    return ChatMessageView.model_validate(message)


def conversation_view(document: Document) -> ConversationView:
    return ConversationView(
        application_id=document["_id"],
        tracking_code=document["tracking_code"],
        service_code=document.get("service_code"),
        applicant_name=document.get("applicant_name", ""),
        message_count=document.get("message_count", 0),
        last_message_at=document.get("last_message_at"),
        last_author_kind=document.get("last_author_kind"),
        unanswered=document.get("unanswered", False),
        assignee=document.get("assignee"),
    )


class ChatService:
    def __init__(
        self,
        repository: NotificationRepository,
        email: MessageChannel,
        settings: NotifySettings,
        on_outbox_written: Callable[[], None],
        attempts: IdentityStore,
    ) -> None:
        self._repository = repository
        self._email = email
        self._settings = settings
        self._on_outbox_written = on_outbox_written
        self._attempts = attempts

    async def conversation(self, application_id: str) -> Document:
        """Return the application's conversation, creating it when it has none.

        Raises NotFoundError while notify has not yet learnt the application
        from intake's `application.submitted` event.
        """
        existing = await self._repository.conversation(application_id)
        if existing is not None:
            return existing
        recipient = await self._repository.recipient(application_id)
        if recipient is None:
            raise NotFoundError(
                f"application {application_id} has no conversation yet because "
                "its submission is still being processed; try again in a minute",
                application_id=application_id,
            )
        await self._repository.open_conversation(
            {
                "_id": application_id,
                "tracking_code": recipient["tracking_code"],
                "service_code": recipient.get("service_code"),
                "applicant_name": recipient.get("name", ""),
                "messages": [],
                "message_count": 0,
                "last_message_at": None,
                "last_author_kind": None,
                "unanswered": False,
                "assignee": None,
                "reply_emailed_at": None,
                "created_at": datetime.now(UTC),
            }
        )
        created = await self._repository.conversation(application_id)
        if created is None:
            raise RuntimeError(f"conversation {application_id} vanished after insert")
        return created

    async def messages_after(
        self, application_id: str, after: int = 0
    ) -> list[ChatMessageView]:
        """Return the messages whose sequence number is greater than `after`."""
        document = await self.conversation(application_id)
        return [message_view(m) for m in document["messages"] if m["seq"] > after]

    async def post(
        self,
        application_id: str,
        principal: Principal,
        author_kind: AuthorKind,
        raw_text: str,
    ) -> ChatMessageView:
        """Store a message, queue its event and email the resident on a staff reply."""
        text = clean_text(raw_text)
        limit_key = f"chat:{principal.kind}:{principal.subject}"
        if author_kind is AuthorKind.RESIDENT:
            # Taken before the write, so concurrent posts all count.
            await self._attempts.take_attempt(
                limit_key, RESIDENT_MESSAGE_LIMIT, RESIDENT_WINDOW
            )
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            current = await self.conversation(application_id)
            message, changes = self._append(current, principal, author_kind, text)
            event = self._posted_event(application_id, message, principal)
            try:
                written = await self._repository.conversations.apply(
                    current, changes, [event], on_written=self._on_outbox_written
                )
            except ConflictError:
                log.info(
                    "chat.post_retried", application_id=application_id, attempt=attempt
                )
                continue
            log.info(
                "chat.message_posted",
                application_id=application_id,
                message_id=message["message_id"],
                author_kind=str(author_kind),
            )
            if changes.get("reply_emailed_at") is not None:
                await self._email_reply_notice(written)
            return message_view(message)
        raise ConflictError(
            f"the conversation of application {application_id} is busy; send the "
            "message again"
        )

    def _append(
        self,
        current: Document,
        principal: Principal,
        author_kind: AuthorKind,
        text: str,
    ) -> tuple[Document, dict[str, Any]]:
        now = datetime.now(UTC)
        message: Document = {
            "seq": current["message_count"] + 1,
            "message_id": str(uuid.uuid4()),
            "author_kind": str(author_kind),
            "author": principal.subject,
            "author_name": principal.name,
            "text": text,
            "posted_at": now,
        }
        changes: dict[str, Any] = {
            "messages": [*current["messages"], message],
            "message_count": message["seq"],
            "last_message_at": now,
            "last_author_kind": str(author_kind),
            "unanswered": author_kind is AuthorKind.RESIDENT,
        }
        last_emailed = current.get("reply_emailed_at")
        if author_kind is AuthorKind.STAFF and (
            last_emailed is None or now - last_emailed >= REPLY_EMAIL_INTERVAL
        ):
            changes["reply_emailed_at"] = now
        return message, changes

    def _posted_event(
        self, application_id: str, message: Document, principal: Principal
    ) -> Envelope:
        # The event log is read by operations staff, so a resident author is
        # named by a masked NIK; the text stays in notify's database only.
        author = principal.subject
        if principal.is_resident:
            author = mask_nik(principal.subject)
        return new_event(
            source=SOURCE,
            event_type=EventType.CHAT_MESSAGE_POSTED,
            application_id=application_id,
            payload=ChatMessagePosted(
                message_id=message["message_id"],
                author_kind=message["author_kind"],
                author=author,
                text_length=len(message["text"]),
            ),
        )

    async def _email_reply_notice(self, conversation: Document) -> None:
        application_id = conversation["_id"]
        recipient = await self._repository.recipient(application_id)
        if recipient is None or not recipient.get("email"):
            log.info("chat.reply_email_skipped", application_id=application_id)
            return
        tracking_code = conversation["tracking_code"]
        office = self._settings.office_name
        link = f"{self._settings.notify_url.rstrip('/')}/obrolan/{application_id}"
        subject = f"[{office}] Ada balasan dari petugas ({tracking_code})"
        body = (
            f"Yth. {recipient['name']},\n\n"
            f"Ada balasan dari petugas tentang permohonan {tracking_code}. "
            f"Baca dan balas di: {link}\n\n"
            f"Staff replied about application {tracking_code}. Read and answer "
            f"it at: {link}\n\n{office}\n"
        )
        try:
            await self._email.send(recipient["email"], subject, body)
        except OSError as error:
            # smtplib errors are OSError subclasses. The message is stored, so
            # the post succeeds and the resident reads the reply in the app.
            log.error(
                "chat.reply_email_failed",
                application_id=application_id,
                error=str(error),
            )
            return
        log.info("chat.reply_emailed", application_id=application_id)

    async def list_conversations(
        self,
        *,
        tracking_code: str = "",
        service_code: str = "",
        only_unanswered: bool = False,
    ) -> list[ConversationView]:
        """List conversations with messages, unanswered first, then newest."""
        query: dict[str, Any] = {}
        if tracking_code.strip():
            query["tracking_code"] = tracking_code.strip().upper()
        if service_code.strip():
            query["service_code"] = service_code.strip()
        if only_unanswered:
            query["unanswered"] = True
        documents = await self._repository.list_conversations(query)
        return [conversation_view(d) for d in documents]

    async def assign(self, application_id: str, principal: Principal) -> Document:
        """Mark the conversation as handled by `principal` (assign to self)."""
        current = await self.conversation(application_id)
        assignee = current.get("assignee")
        if assignee is not None and assignee["username"] != principal.subject:
            raise ConflictError(
                f"{assignee['name']} is already handling this conversation; ask "
                "them to release it first",
                assignee=assignee["username"],
            )
        new_assignee = Assignee(
            username=principal.subject, name=principal.name, at=datetime.now(UTC)
        )
        written = await self._repository.conversations.apply(
            current,
            {"assignee": new_assignee.model_dump()},
            [],
            on_written=self._on_outbox_written,
        )
        log.info("chat.assigned", application_id=application_id)
        return written

    async def release(self, application_id: str, principal: Principal) -> Document:
        """Clear the assignee. Only the staff member who took it may release it."""
        current = await self.conversation(application_id)
        assignee = current.get("assignee")
        if assignee is None:
            return current
        if assignee["username"] != principal.subject:
            raise ConflictError(
                f"{assignee['name']} is handling this conversation, so only they "
                "can release it",
                assignee=assignee["username"],
            )
        written = await self._repository.conversations.apply(
            current, {"assignee": None}, [], on_written=self._on_outbox_written
        )
        log.info("chat.released", application_id=application_id)
        return written

"""Made-up applications and mailbox reading for the notify tests."""

from __future__ import annotations

import email
import email.policy
import mailbox
import uuid
from email.message import EmailMessage
from pathlib import Path

from shared.auth import IdentityStore
from shared.events import (
    Applicant,
    ApplicationAccepted,
    ApplicationDrafted,
    ApplicationSubmitted,
    Envelope,
    EventType,
    Payload,
    new_event,
)
from tests.support import resident_headers
from tools.samples import birth_deed_application


class Application:
    """One made-up application and the events about it."""

    def __init__(self, seed: int, *, with_email: bool = True) -> None:
        self.id = str(uuid.uuid4())
        code = uuid.uuid4().hex[:8].upper()
        self.tracking_code = f"UJIN-{code[:4]}-{code[4:]}"
        self.form = birth_deed_application(seed)
        person = self.form["applicant"]
        self.email: str | None = (
            f"pemohon.{code.lower()}@contoh.localhost" if with_email else None
        )
        self.applicant = Applicant(
            nik=person["nik"], name=person["name"], email=self.email
        )

    def event(self, event_type: EventType, payload: Payload) -> Envelope:
        return new_event(
            source="/test",
            event_type=event_type,
            application_id=self.id,
            payload=payload,
        )

    def submitted(self) -> Envelope:
        return self.event(
            EventType.APPLICATION_SUBMITTED,
            ApplicationSubmitted(
                service_code="birth_deed",
                tracking_code=self.tracking_code,
                applicant=self.applicant,
                village_code=self.form["village_code"],
                form=self.form,
                files=[],
            ),
        )

    def accepted(self) -> Envelope:
        return self.event(
            EventType.APPLICATION_ACCEPTED,
            ApplicationAccepted(
                service_code="birth_deed",
                tracking_code=self.tracking_code,
                applicant=self.applicant,
                village_code=self.form["village_code"],
                form=self.form,
                files=[],
                actor="loket.uji",
            ),
        )

    def drafted(self) -> Envelope:
        return self.event(
            EventType.APPLICATION_DRAFTED,
            ApplicationDrafted(
                division="pencatatan_sipil", draft={}, actor="operator.uji"
            ),
        )

    async def grant_to_applicant(self, identity: IdentityStore) -> dict[str, str]:
        """Grant the applicant access as intake does; return their headers."""
        await identity.grant(
            self.id,
            niks=[self.applicant.nik],
            village_code=self.form["village_code"],
            submitted_by=f"resident:{self.applicant.nik}",
        )
        return await resident_headers(identity, self.applicant.nik, self.applicant.name)


def mails_matching(maildir: Path, text: str) -> list[EmailMessage]:
    """Return the stored emails whose subject or recipient contains `text`."""
    box = mailbox.Maildir(maildir, create=False)
    found = []
    for key in box.iterkeys():
        message = email.message_from_bytes(
            box.get_bytes(key), policy=email.policy.default
        )
        assert isinstance(message, EmailMessage)
        if text in str(message["Subject"]) or text in str(message["To"]):
            found.append(message)
    return found


def mails_about(maildir: Path, tracking_code: str) -> list[EmailMessage]:
    """Return the stored emails whose subject names a tracking code."""
    return [
        m
        for m in mails_matching(maildir, tracking_code)
        if tracking_code in str(m["Subject"])
    ]


def body_of(message: EmailMessage) -> str:
    return str(message.get_content())

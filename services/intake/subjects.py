"""Duplicate check: one open application per document subject.

A subject is what the document is about, as the form's `subject_key()`
states it (a birth: mother, birth date and child's name). Submitting claims
the subject before any file is stored. The claim is released when the
application is rejected, when storing it fails, and for cards and letters
that may be needed again (see `subject_reusable_after_completion`) when it
is recorded in the register.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog

from services.intake.forms import ApplicationForm
from services.intake.repository import ApplicationRepository
from shared.catalogue import ServiceEntry
from shared.errors import ConflictError
from shared.events import Envelope, EventType

log = structlog.get_logger()

# A claim whose application was never stored (the process died in between)
# is taken over after this long. Storing the files and the application takes
# seconds, so no live submission keeps an unstored claim this long.
STALE_CLAIM_AGE = timedelta(minutes=10)
CLAIM_ATTEMPTS = 3


def subject_of(entry: ServiceEntry, form: ApplicationForm) -> str:
    return f"{entry.code}:{form.subject_key()}"


class SubjectClaims:
    def __init__(self, repository: ApplicationRepository) -> None:
        self._repository = repository

    async def claim(
        self,
        entry: ServiceEntry,
        form: ApplicationForm,
        application_id: str,
        tracking_code: str,
    ) -> str:
        """Claim the form's subject for an application and return the subject.

        Raises ConflictError naming the tracking code of the application that
        claimed the subject first.
        """
        subject = subject_of(entry, form)
        claim = {
            "_id": subject,
            "application_id": application_id,
            "tracking_code": tracking_code,
            "service_code": entry.code,
            "reusable_after_completion": form.subject_reusable_after_completion,
            "claimed_at": datetime.now(UTC),
        }
        for _ in range(CLAIM_ATTEMPTS):
            if await self._repository.claim_subject(claim):
                return subject
            existing = await self._repository.subject_claim(subject)
            if existing is None:
                continue  # released between the insert and the read
            if await self._is_stale(existing):
                await self._repository.release_subject(
                    subject, existing["application_id"]
                )
                log.warning(
                    "subject.stale_claim_released",
                    application_id=existing["application_id"],
                )
                continue
            raise self._duplicate(entry, existing)
        raise ConflictError(
            f"the same {entry.code} application is being submitted or withdrawn at "
            "this moment; send it again in a minute"
        )

    async def _is_stale(self, claim: dict[str, object]) -> bool:
        claimed_at = claim.get("claimed_at")
        if not isinstance(claimed_at, datetime):
            return False
        if datetime.now(UTC) - claimed_at < STALE_CLAIM_AGE:
            return False
        application_id = str(claim["application_id"])
        return await self._repository.get(application_id) is None

    def _duplicate(
        self, entry: ServiceEntry, existing: dict[str, object]
    ) -> ConflictError:
        log.info(
            "application.duplicate_rejected",
            service=entry.code,
            existing_application_id=existing["application_id"],
        )
        if existing.get("reusable_after_completion"):
            again = "once it is rejected or handed over"
        else:
            again = "only if the office rejects it"
        # The tracking code is the resident's key to the application, so it
        # is not shown to the sender of the duplicate, who may be someone else.
        return ConflictError(
            f"an application for {entry.code} for the same person was submitted "
            "already; follow it with the tracking code on its receipt, or ask the "
            f"office. A new application is possible {again}"
        )

    async def release(self, subject: str, application_id: str) -> None:
        """Release a claim after its application could not be stored."""
        try:
            await self._repository.release_subject(subject, application_id)
        except Exception:
            # The caller re-raises the storing error; this claim turns stale and
            # is taken over after STALE_CLAIM_AGE.
            log.exception("subject.release_failed", application_id=application_id)

    async def record_tracking_code(
        self, subject: str, application_id: str, tracking_code: str
    ) -> None:
        await self._repository.set_claim_tracking_code(
            subject, application_id, tracking_code
        )

    async def apply_event(self, event: Envelope) -> None:
        """Release the subject of a rejected, or a completed reusable, application."""
        if event.type == EventType.APPLICATION_REJECTED:
            released = await self._repository.release_subjects_of(event.subject)
        elif event.type == EventType.REGISTER_RECORDED:
            released = await self._repository.release_subjects_of(
                event.subject, reusable_only=True
            )
        else:
            return
        if released:
            log.info("subject.released", application_id=event.subject)

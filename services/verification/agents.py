"""Event handlers of the verification service."""

from __future__ import annotations

from services.verification.service import VerificationService
from shared.consumer import Handler
from shared.events import EventType, Topic

CONSUMED_TOPICS: tuple[Topic, ...] = (Topic.INTAKE, Topic.SIGNING)


def handlers(service: VerificationService) -> dict[EventType, Handler]:
    """Open a case per accepted application, and reopen it when the head returns it.

    Verification does not consume its own topic, so every application.returned
    event reaching it comes from the signing service.
    """
    return {
        EventType.APPLICATION_ACCEPTED: service.open_case,
        EventType.APPLICATION_RETURNED: service.return_from_signing,
    }

"""Event handlers of the verification service."""

from __future__ import annotations

from services.verification.service import VerificationService
from shared.consumer import Handler
from shared.events import EventType, Topic

CONSUMED_TOPICS: tuple[Topic, ...] = (Topic.INTAKE,)


def handlers(service: VerificationService) -> dict[EventType, Handler]:
    """Open a case for every application the front office accepts."""
    return {EventType.APPLICATION_ACCEPTED: service.open_case}

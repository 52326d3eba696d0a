"""Event handlers of the signing service."""

from __future__ import annotations

from services.signing.service import SigningService
from shared.consumer import Handler
from shared.events import EventType, Topic

CONSUMED_TOPICS: tuple[Topic, ...] = (Topic.VERIFICATION,)


def handlers(service: SigningService) -> dict[EventType, Handler]:
    """Queue every verified application for the head's approval."""
    return {EventType.APPLICATION_VERIFIED: service.open_approval}

"""Event handlers of the distribution service."""

from __future__ import annotations

from services.distribution.service import DistributionService
from shared.consumer import Handler
from shared.events import EventType, Topic

CONSUMED_TOPICS: tuple[Topic, ...] = (Topic.SIGNING,)


def handlers(service: DistributionService) -> dict[EventType, Handler]:
    """Queue every signed document for printing."""
    return {EventType.DOCUMENT_SIGNED: service.open_delivery}

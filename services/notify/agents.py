"""Event handlers of the notify service."""

from __future__ import annotations

from services.notify.schemas import MESSAGES
from services.notify.service import NotifyService
from shared.consumer import Handler
from shared.events import EventType, Topic

CONSUMED_TOPICS: tuple[Topic, ...] = (
    Topic.INTAKE,
    Topic.VERIFICATION,
    Topic.SIGNING,
    Topic.DISTRIBUTION,
)


def handlers(service: NotifyService) -> dict[EventType, Handler]:
    """Notify the resident of every state change that has a message."""
    return {event_type: service.notify for event_type in MESSAGES}

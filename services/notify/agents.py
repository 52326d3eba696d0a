"""Event handlers of the notify service."""

from __future__ import annotations

from services.notify.schemas import MESSAGES
from services.notify.service import NotifyService
from services.notify.sign_in import SignInCodeSender
from shared.consumer import Handler
from shared.events import EventType, Topic

CONSUMED_TOPICS: tuple[Topic, ...] = (
    Topic.INTAKE,
    Topic.VERIFICATION,
    Topic.SIGNING,
    Topic.DISTRIBUTION,
)


def handlers(
    service: NotifyService, codes: SignInCodeSender
) -> dict[EventType, Handler]:
    """Notify the resident of every state change and send sign-in codes."""
    table: dict[EventType, Handler] = {
        event_type: service.notify for event_type in MESSAGES
    }
    table[EventType.SIGN_IN_CODE_REQUESTED] = codes.deliver
    return table

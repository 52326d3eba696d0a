"""Event handlers of the intake service: the resident's status timeline."""

from __future__ import annotations

from services.intake.service import RESIDENT_STATUS, IntakeService
from shared.consumer import Handler
from shared.events import STAGE_TOPICS, EventType, Topic

CONSUMED_TOPICS: tuple[Topic, ...] = STAGE_TOPICS


def handlers(service: IntakeService) -> dict[EventType, Handler]:
    """Project every stage event the resident should see onto the timeline."""
    return {EventType(t): service.record_timeline for t in RESIDENT_STATUS}

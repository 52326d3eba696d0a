"""Stage workers: faust agents that apply events idempotently.

Each service registers a handler per event type it reacts to. The agent
parses the envelope, binds the ids to the log context, retries transient
failures with exponential backoff and sends an event that keeps failing to
the dead-letter topic with its error. Faust commits a message's offset only
after the agent has finished with it, so a crash mid-handler redelivers the
message; handlers must therefore be idempotent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faust
import structlog
from pydantic import ValidationError

from shared.broker import EventPublisher
from shared.events import Envelope, EventType, Topic

log = structlog.get_logger()

Handler = Callable[[Envelope], Awaitable[None]]
MAX_DEAD_LETTER_DELAY_SECONDS = 30.0


class PermanentError(Exception):
    """An event that no retry can apply (for example, it contradicts the state)."""


def create_faust_app(
    service: str, *, kafka_url: str, partitions: int, data_dir: Path
) -> faust.App:
    """Create the faust app of one service: consumer group `dompak-<service>`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return faust.App(
        f"dompak-{service}",
        broker=kafka_url,
        web_enabled=False,
        autodiscover=False,
        datadir=str(data_dir / f"faust-{service}"),
        topic_partitions=partitions,
        consumer_auto_offset_reset="earliest",
        broker_commit_every=1,
        broker_commit_interval=0.5,
        key_serializer="raw",
        value_serializer="raw",
        producer_acks=-1,
    )


class EventConsumer:
    """Applies events to one service's handlers with retry and dead-lettering."""

    def __init__(
        self,
        service: str,
        handlers: Mapping[EventType, Handler],
        dead_letters: EventPublisher,
        *,
        max_attempts: int,
        retry_base_seconds: float,
    ) -> None:
        self.service = service
        self._handlers = handlers
        self._dead_letters = dead_letters
        self._max_attempts = max_attempts
        self._retry_base_seconds = retry_base_seconds

    def attach(self, app: faust.App, topics: Sequence[str]) -> None:
        """Declare the faust agent that feeds this consumer from `topics`."""
        channel = app.topic(*[str(t) for t in topics], value_type=bytes)

        async def process(stream: Any) -> None:
            async for event in stream.events():
                message = event.message
                await self.handle(
                    message.topic, message.partition, message.offset, event.value
                )

        app.agent(channel, name=f"dompak-{self.service}-events")(process)

    async def handle(self, topic: str, partition: int, offset: int, raw: bytes) -> None:
        """Apply one message; failures go to the dead-letter topic, not the caller."""
        with structlog.contextvars.bound_contextvars(
            topic=topic, partition=partition, offset=offset
        ):
            try:
                envelope = Envelope.model_validate_json(raw)
            except ValidationError as error:
                log.error("event.unreadable", error=str(error))
                await self._dead_letter(topic, partition, offset, raw, str(error), None)
                return

            handler = self._handlers.get(envelope.event_type)  # type: ignore[arg-type]
            if handler is None:
                return
            with structlog.contextvars.bound_contextvars(
                event_id=envelope.id,
                event_type=envelope.type,
                application_id=envelope.subject,
            ):
                await self._apply(handler, envelope, topic, partition, offset, raw)

    async def _apply(
        self,
        handler: Handler,
        envelope: Envelope,
        topic: str,
        partition: int,
        offset: int,
        raw: bytes,
    ) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                await handler(envelope)
            except PermanentError as error:
                log.error("event.rejected", error=str(error))
                await self._dead_letter(
                    topic, partition, offset, raw, str(error), envelope
                )
                return
            except Exception as error:
                if attempt == self._max_attempts:
                    log.exception("event.failed", attempts=attempt)
                    await self._dead_letter(
                        topic, partition, offset, raw, repr(error), envelope
                    )
                    return
                delay = self._retry_base_seconds * 2 ** (attempt - 1)
                log.warning(
                    "event.retrying", attempt=attempt, delay=delay, error=repr(error)
                )
                await asyncio.sleep(delay)
            else:
                log.debug("event.applied")
                return

    async def _dead_letter(
        self,
        topic: str,
        partition: int,
        offset: int,
        raw: bytes,
        error: str,
        envelope: Envelope | None,
    ) -> None:
        record = {
            "consumer": self.service,
            "topic": topic,
            "partition": partition,
            "offset": offset,
            "error": error,
            "failed_at": datetime.now(UTC).isoformat(),
            "event": raw.decode("utf-8", errors="replace"),
        }
        key = envelope.subject if envelope else f"{topic}:{partition}:{offset}"
        # The offset is committed once this returns, so keep trying until the
        # dead-letter record is stored: losing it would lose the event.
        delay = self._retry_base_seconds
        while True:
            try:
                await self._dead_letters.publish_raw(
                    Topic.DEAD_LETTER, key, json.dumps(record)
                )
            except Exception as publish_error:
                log.error(
                    "event.dead_letter_failed", error=repr(publish_error), delay=delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_DEAD_LETTER_DELAY_SECONDS)
            else:
                break
        log.warning("event.dead_lettered", error=error)

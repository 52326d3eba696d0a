"""Connections and background workers of one service process.

A service process serves HTTP with uvicorn and, in the same event loop, runs
its faust agents and its outbox relay. `ServiceRuntime` starts and stops the
non-HTTP parts from the FastAPI lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager

import structlog

from shared.auth.store import IDENTITY_DATABASE, IdentityStore
from shared.broker import EventPublisher, provision_topics
from shared.consumer import EventConsumer, Handler, create_faust_app
from shared.database import Database, connect, database_name
from shared.events import EventType, Topic
from shared.outbox import OutboxRelay, VersionedCollection
from shared.settings import ServiceSettings

log = structlog.get_logger()


class ServiceRuntime:
    """Database, producer, outbox relay and faust agents of one service."""

    def __init__(self, name: str, settings: ServiceSettings) -> None:
        self.name = name
        self.settings = settings
        self.client = connect(settings.mongodb_url)
        self.db: Database = self.client[database_name(name)]
        # Sign-in sessions and access grants, shared by every service.
        self.identity = IdentityStore(self.client[IDENTITY_DATABASE])
        self.faust_app = create_faust_app(
            name,
            kafka_url=settings.kafka_url,
            partitions=settings.topic_partitions,
            data_dir=settings.state_dir,
        )
        self._publisher: EventPublisher | None = None
        self._relay: OutboxRelay | None = None
        self._relay_task: asyncio.Task[None] | None = None
        self._faust_started = False

    @property
    def publisher(self) -> EventPublisher:
        if self._publisher is None:
            raise RuntimeError("the service runtime has not been started")
        return self._publisher

    async def start(
        self,
        *,
        outbox_topic: Topic | None,
        outbox_collections: Sequence[VersionedCollection] = (),
        consume: Sequence[Topic] = (),
        handlers: Mapping[EventType, Handler] | None = None,
    ) -> None:
        """Provision topics, then start the relay and the faust agents."""
        settings = self.settings
        await self.identity.create_indexes()
        await asyncio.to_thread(
            provision_topics,
            settings.kafka_bootstrap,
            partitions=settings.topic_partitions,
        )
        self._publisher = await asyncio.to_thread(
            EventPublisher, settings.kafka_bootstrap, client_id=f"dompak-{self.name}"
        )
        if outbox_topic is not None:
            self._relay = OutboxRelay(
                outbox_collections,
                self._publisher,
                outbox_topic,
                poll_seconds=settings.outbox_poll_seconds,
            )
            self._relay_task = asyncio.create_task(self._relay.run())
        if handlers:
            consumer = EventConsumer(
                self.name,
                handlers,
                self._publisher,
                max_attempts=settings.consumer_max_attempts,
                retry_base_seconds=settings.consumer_retry_base_seconds,
            )
            consumer.attach(self.faust_app, consume)
            await self.faust_app.start()
            self._faust_started = True
        log.info("service.started", consumes=[str(t) for t in consume])

    @asynccontextmanager
    async def running(
        self,
        *,
        outbox_topic: Topic | None,
        outbox_collections: Sequence[VersionedCollection] = (),
        consume: Sequence[Topic] = (),
        handlers: Mapping[EventType, Handler] | None = None,
    ) -> AsyncIterator[None]:
        """Start the runtime for the body of a `with` block, and stop it after."""
        try:
            await self.start(
                outbox_topic=outbox_topic,
                outbox_collections=outbox_collections,
                consume=consume,
                handlers=handlers,
            )
            yield
        finally:
            await self.stop()

    def wake_relay(self) -> None:
        """Publish freshly written outbox events without waiting for the poll."""
        if self._relay is not None:
            self._relay.wake()

    async def stop(self) -> None:
        """Stop agents, relay and clients; safe after a partial start."""
        if self._faust_started:
            await self.faust_app.stop()
        if self._relay_task is not None:
            self._relay_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay_task
        if self._publisher is not None:
            await asyncio.to_thread(self._publisher.close)
        await self.client.close()
        log.info("service.stopped")

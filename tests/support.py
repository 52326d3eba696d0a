"""Helpers for integration tests: in-process apps, polling, consumer lag."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import TypeVar

import httpx
from fastapi import FastAPI
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from shared.auth import IdentityStore, Role, SessionKind

T = TypeVar("T")


@asynccontextmanager
async def running_app(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run an app's lifespan (agents, relay) and give a client for its routes."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test"
        ) as client:
            yield client


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, seconds: float = 30.0, what: str
) -> T:
    """Poll `probe` until it returns a value other than None or False."""
    deadline = time.monotonic() + seconds
    while True:
        value = await probe()
        if value is not None and value is not False:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds:.0f} s")
        await asyncio.sleep(0.1)


def consumer_lag(bootstrap: str, group: str, topics: Iterable[str]) -> int:
    """Return how many messages of `topics` the group has not committed yet."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        committed = admin.list_group_offsets(group).get(group, {})
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in consumer.partitions_for_topic(topic) or ()
        ]
        ends = consumer.end_offsets(partitions)
        lag = 0
        for partition, end in ends.items():
            offset = committed.get(partition)
            lag += end - (offset.offset if offset is not None else 0)
        return lag
    finally:
        consumer.close()
        admin.close()


def wait_until_consumed(
    bootstrap: str, group: str, topics: Iterable[str], *, timeout: float = 30.0
) -> None:
    """Wait until a consumer group has committed every message of `topics`."""
    topic_list = list(topics)
    deadline = time.monotonic() + timeout
    while consumer_lag(bootstrap, group, topic_list) > 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"group {group} did not catch up within {timeout} s")
        time.sleep(0.2)


def flip_signed_byte(pdf: bytes) -> bytes:
    """Change one byte in the middle of the first range a PDF signature covers."""
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)", pdf)
    if match is None:
        raise AssertionError("the PDF has no signature /ByteRange")
    start, length = int(match[1]), int(match[2])
    changed = bytearray(pdf)
    changed[start + length // 2] ^= 0x01
    return bytes(changed)


TEST_PASSWORD = "kata-sandi-uji-yang-panjang"


async def staff_headers(
    identity: IdentityStore, *roles: Role, village_code: str | None = None
) -> dict[str, str]:
    """Create a staff account with `roles` and return headers of its session."""
    username = f"uji{uuid.uuid4().hex[:12]}"
    await identity.create_staff(
        username,
        name=f"Petugas {username[3:9]}",
        roles=frozenset(roles),
        password=TEST_PASSWORD,
        village_code=village_code,
    )
    opened = await identity.open_session(
        SessionKind.STAFF,
        username,
        name=f"Petugas {username[3:9]}",
        roles=frozenset(roles),
        village_code=village_code,
    )
    return {"authorization": f"Bearer {opened.token}"}


async def resident_headers(
    identity: IdentityStore, nik: str, name: str = "Warga Uji"
) -> dict[str, str]:
    """Open a resident session for `nik` and return its headers."""
    opened = await identity.open_session(SessionKind.RESIDENT, nik, name=name)
    return {"authorization": f"Bearer {opened.token}"}

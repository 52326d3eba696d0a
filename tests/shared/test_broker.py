"""Topic provisioning and publishing against the real Kafka broker."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from shared.broker import EventPublisher, provision_topics
from shared.devstack import Endpoints
from shared.events import Applicant, ApplicationSubmitted, EventType, new_event

pytestmark = pytest.mark.integration


def unique_topic(label: str) -> str:
    return f"test.broker.{label}.{uuid.uuid4().hex[:12]}"


def partition_counts(bootstrap: str, topics: list[str]) -> dict[str, int]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        described = admin.describe_topics(topics)
    finally:
        admin.close()
    return {topic["name"]: len(topic["partitions"]) for topic in described}


def read_records(bootstrap: str, topic: str) -> list[tuple[int, bytes, bytes]]:
    """Return (partition, key, value) of every record in `topic`."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [
            TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        records: list[tuple[int, bytes, bytes]] = []
        while any(consumer.position(p) < ends[p] for p in partitions):
            for batch in consumer.poll(timeout_ms=1000).values():
                records.extend((r.partition, r.key, r.value) for r in batch)
        return records
    finally:
        consumer.close()


def test_provision_topics_creates_missing_with_partitions(
    endpoints: Endpoints,
) -> None:
    requested = [unique_topic("first"), unique_topic("second")]

    created = provision_topics(
        endpoints.kafka_bootstrap, partitions=4, topics=requested
    )

    assert sorted(created) == sorted(requested)
    counts = partition_counts(endpoints.kafka_bootstrap, requested)
    assert counts == {requested[0]: 4, requested[1]: 4}


def test_provision_topics_second_call_is_noop(endpoints: Endpoints) -> None:
    requested = [unique_topic("again")]
    provision_topics(endpoints.kafka_bootstrap, partitions=2, topics=requested)

    created = provision_topics(
        endpoints.kafka_bootstrap, partitions=5, topics=requested
    )

    assert created == []
    assert partition_counts(endpoints.kafka_bootstrap, requested) == {requested[0]: 2}


def test_provision_topics_creates_only_missing(endpoints: Endpoints) -> None:
    present = unique_topic("present")
    absent = unique_topic("absent")
    provision_topics(endpoints.kafka_bootstrap, partitions=1, topics=[present])

    created = provision_topics(
        endpoints.kafka_bootstrap, partitions=3, topics=[present, absent]
    )

    assert created == [absent]
    counts = partition_counts(endpoints.kafka_bootstrap, [present, absent])
    assert counts == {present: 1, absent: 3}


async def test_publisher_keys_records_by_application(endpoints: Endpoints) -> None:
    topic = unique_topic("publish")
    provision_topics(endpoints.kafka_bootstrap, partitions=3, topics=[topic])
    payload = ApplicationSubmitted(
        service_code="birth_deed",
        tracking_code="LT-3K8W2PZQ",
        applicant=Applicant(nik="1217084107920002", name="Rüth Sitanggang"),
        village_code="12.17.08.2001",
        form={"child": {"name": "Tiur Sitanggang"}},
        files=[],
    )
    event = new_event(
        source="dompak/intake",
        event_type=EventType.APPLICATION_SUBMITTED,
        application_id="app-broker-0001",
        payload=payload,
    )
    publisher = EventPublisher(endpoints.kafka_bootstrap, client_id="test-broker")
    try:
        await publisher.publish(topic, event)
    finally:
        publisher.close()

    records = read_records(endpoints.kafka_bootstrap, topic)

    assert len(records) == 1
    _, key, value = records[0]
    assert key == b"app-broker-0001"
    assert value == event.model_dump_json().encode()

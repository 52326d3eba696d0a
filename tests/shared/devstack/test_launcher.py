"""Start real servers with the native launcher and talk to each with its client."""

from __future__ import annotations

import io
import mailbox
import smtplib
import socket
import time
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from minio import Minio
from minio.error import S3Error
from pymongo import MongoClient

from shared.devstack import DevStack, Endpoints, StartError
from shared.devstack import endpoints as variables
from shared.devstack.layout import PortLayout
from shared.devstack.process import port_open, read_pid

pytestmark = pytest.mark.integration

BASE_PORT = 29000
SECOND_BASE_PORT = 29100
CONFLICT_BASE_PORT = 29200
ENVIRONMENT_VARIABLES = (
    variables.KAFKA_BOOTSTRAP,
    variables.MONGODB_URL,
    variables.S3_ENDPOINT,
    variables.S3_ACCESS_KEY,
    variables.S3_SECRET_KEY,
    variables.SMTP_HOST,
    variables.SMTP_PORT,
    variables.MAILDIR,
)


def every_port(layout: PortLayout) -> list[int]:
    return [
        layout.kafka,
        layout.kafka_controller,
        layout.mongodb,
        layout.ferretdb_debug,
        layout.s3,
        *layout.seaweedfs_internal.values(),
        layout.smtp,
    ]


@pytest.fixture(scope="module")
def local_only() -> Iterator[None]:
    """Unset DOMPAK_* variables so the launcher starts every server itself."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ENVIRONMENT_VARIABLES:
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, local_only: None
) -> Iterator[DevStack]:
    stack = DevStack(tmp_path_factory.mktemp("stack"), base_port=BASE_PORT)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def local_endpoints(stack: DevStack) -> Endpoints:
    return stack.endpoints()


def test_endpoints_point_at_local_ports(local_endpoints: Endpoints) -> None:
    layout = PortLayout(BASE_PORT)

    assert local_endpoints.kafka_bootstrap == f"127.0.0.1:{layout.kafka}"
    assert local_endpoints.mongodb_url == f"mongodb://127.0.0.1:{layout.mongodb}/"
    assert local_endpoints.s3_endpoint == f"127.0.0.1:{layout.s3}"
    assert local_endpoints.smtp_host == "127.0.0.1"
    assert local_endpoints.smtp_port == layout.smtp
    assert local_endpoints.maildir is not None


def test_status_all_servers_up(stack: DevStack) -> None:
    assert stack.status() == {"kafka": True, "mongodb": True, "s3": True, "smtp": True}


def test_every_port_bound_to_loopback_only(stack: DevStack) -> None:
    listening = _listening_sockets()
    if listening is None:
        pytest.skip("/proc/net/tcp is not available on this system")
    for port in every_port(stack.ports):
        assert listening.get(port) == {"127.0.0.1"}, (
            f"port {port}: {listening.get(port)}"
        )


def test_kafka_produce_consume_in_group(local_endpoints: Endpoints) -> None:
    topic = f"devstack-probe-{uuid.uuid4().hex[:8]}"
    producer = KafkaProducer(bootstrap_servers=local_endpoints.kafka_bootstrap)
    try:
        producer.send(topic, b"akta-kelahiran-siap").get(timeout=30)
    finally:
        producer.close()

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=local_endpoints.kafka_bootstrap,
        group_id=f"{topic}-group",
        auto_offset_reset="earliest",
    )
    try:
        received = _poll_values(consumer, timeout=30)
    finally:
        consumer.close()

    assert received == [b"akta-kelahiran-siap"]


def test_kafka_partition_offsets(local_endpoints: Endpoints) -> None:
    topic = f"devstack-offsets-{uuid.uuid4().hex[:8]}"
    producer = KafkaProducer(bootstrap_servers=local_endpoints.kafka_bootstrap)
    try:
        for index in range(3):
            producer.send(topic, f"event-{index}".encode()).get(timeout=30)
    finally:
        producer.close()

    consumer = KafkaConsumer(bootstrap_servers=local_endpoints.kafka_bootstrap)
    try:
        partition = TopicPartition(topic, 0)
        offsets = consumer.end_offsets([partition])
    finally:
        consumer.close()

    assert offsets[partition] == 3


def test_mongodb_insert_and_find(local_endpoints: Endpoints) -> None:
    client: MongoClient[dict[str, object]] = MongoClient(
        local_endpoints.mongodb_url, serverSelectionTimeoutMS=5000
    )
    collection = client["devstack_probe"][f"applications_{uuid.uuid4().hex[:8]}"]
    try:
        collection.insert_one({"nik": "9999010101900001", "name": "Rina Contoh"})
        found = collection.find_one({"nik": "9999010101900001"})
    finally:
        collection.drop()
        client.close()

    assert found is not None
    assert found["name"] == "Rina Contoh"


def test_s3_put_and_get(local_endpoints: Endpoints) -> None:
    client = Minio(
        local_endpoints.s3_endpoint,
        access_key=local_endpoints.s3_access_key,
        secret_key=local_endpoints.s3_secret_key,
        secure=False,
    )
    bucket = f"devstack-probe-{uuid.uuid4().hex[:8]}"
    payload = b"%PDF-1.7 synthetic birth deed"
    client.make_bucket(bucket)
    client.put_object(bucket, "deeds/probe.pdf", io.BytesIO(payload), len(payload))

    response = client.get_object(bucket, "deeds/probe.pdf")
    try:
        stored = response.read()
    finally:
        response.close()
        response.release_conn()

    assert stored == payload
    assert bucket in {found.name for found in client.list_buckets()}


def test_s3_rejects_wrong_secret(local_endpoints: Endpoints) -> None:
    client = Minio(
        local_endpoints.s3_endpoint,
        access_key=local_endpoints.s3_access_key,
        secret_key="not-the-secret",
        secure=False,
    )
    with pytest.raises(S3Error, match="SignatureDoesNotMatch"):
        client.list_buckets()


def test_smtp_message_lands_in_maildir(local_endpoints: Endpoints) -> None:
    assert local_endpoints.maildir is not None
    subject = f"Akta kelahiran siap diambil {uuid.uuid4().hex[:8]}"
    message = EmailMessage()
    message["From"] = "disdukcapil@example.test"
    message["To"] = "warga@example.test"
    message["Subject"] = subject
    message.set_content("Yth. Bapak Joko Contoh, akta kelahiran sudah terbit.")

    with smtplib.SMTP(
        local_endpoints.smtp_host, local_endpoints.smtp_port, timeout=10
    ) as client:
        client.send_message(message)

    subjects = [
        stored["Subject"] for stored in mailbox.Maildir(local_endpoints.maildir)
    ]
    assert subject in subjects


def test_start_reuses_running_servers(stack: DevStack) -> None:
    pids_before = {name: read_pid(s.pid_file) for name, s in stack.servers.items()}

    stack.start()

    pids_after = {name: read_pid(s.pid_file) for name, s in stack.servers.items()}
    assert None not in pids_before.values()
    assert pids_after == pids_before


def test_second_stack_runs_beside_first_and_stops(
    stack: DevStack, tmp_path: Path, local_only: None
) -> None:
    second = DevStack(tmp_path / "second", base_port=SECOND_BASE_PORT)
    try:
        second.start()
        status = second.status()
    finally:
        second.stop()

    assert status == {"kafka": True, "mongodb": True, "s3": True, "smtp": True}
    assert stack.status()["s3"], "the first stack's S3 server stopped"
    open_ports = [port for port in every_port(second.ports) if port_open(port)]
    assert open_ports == []
    assert list((tmp_path / "second" / "run").glob("*.pid")) == []


def test_start_port_conflict_raises_and_cleans_up(
    tmp_path: Path, local_only: None
) -> None:
    conflicted = DevStack(tmp_path / "conflict", base_port=CONFLICT_BASE_PORT)
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", conflicted.ports.s3))
        blocker.listen()

        with pytest.raises(StartError, match=str(conflicted.ports.s3)):
            conflicted.start()

    layout = conflicted.ports
    assert not port_open(layout.kafka)
    assert not port_open(layout.mongodb)
    assert list((tmp_path / "conflict" / "run").glob("*.pid")) == []


def _poll_values(consumer: KafkaConsumer, timeout: float) -> list[bytes]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batches = consumer.poll(timeout_ms=500)
        values = [record.value for records in batches.values() for record in records]
        if values:
            return values
    return []


def _listening_sockets() -> dict[int, set[str]] | None:
    """Return the local addresses of listening TCP sockets by port, from /proc."""
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        return None
    listening: dict[int, set[str]] = {}
    for table in tables:
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state != "0A":  # TCP_LISTEN
                continue
            address_hex, port_hex = local.split(":")
            listening.setdefault(int(port_hex, 16), set()).add(_address(address_hex))
    return listening


def _address(address_hex: str) -> str:
    # /proc prints each 32-bit word of the address in host (little-endian) order;
    # an IPv4-mapped IPv6 address keeps the IPv4 part in its last word.
    last_word = bytes.fromhex(address_hex[-8:])[::-1]
    if len(address_hex) == 32 and address_hex[:24] != "0000000000000000FFFF0000":
        return address_hex
    return socket.inet_ntoa(last_word)

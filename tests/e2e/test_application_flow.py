"""The whole chain on real servers: five service processes, every service."""

from __future__ import annotations

import asyncio
import json
import mailbox
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from kafka import KafkaConsumer, KafkaProducer

from services.signing.signer import verify_signed_pdf
from shared.catalogue import load_catalogue
from shared.devstack import Endpoints
from shared.events import Envelope, Topic
from shared.settings import REPOSITORY
from tests.conftest import TEST_BASE_PORT
from tests.support import flip_signed_byte, wait_until_consumed
from tools.accounts import ensure_local_accounts
from tools.demo import Demo
from tools.deployment import (
    LOCAL_SIGN_IN_LIMITS,
    SERVICES,
    LocalDeployment,
    service_url,
)

pytestmark = pytest.mark.integration

# Service ports for this test, apart from `make run` (8001-8005) and from
# other test runs (they follow DOMPAK_TEST_BASE_PORT: 28001-28005 for 24000).
PORTS = {
    f"DOMPAK_{name.upper()}_PORT": str(TEST_BASE_PORT + 4001 + index)
    for index, name in enumerate(SERVICES)
}
REGISTER_NUMBER = re.compile(r"^1217-LT-\d{8}-\d{4}$")
STATE_CHANGES = 11


@pytest.fixture(scope="module")
def deployment(
    endpoints: Endpoints, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalDeployment]:
    environ = {
        **PORTS,
        **LOCAL_SIGN_IN_LIMITS,
        "DOMPAK_CONSUMER_RETRY_BASE_SECONDS": "0.05",
    }
    state = tmp_path_factory.mktemp("deployment")
    running = LocalDeployment(state, endpoints=endpoints, environ=environ)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def demo(deployment: LocalDeployment) -> Iterator[Demo]:
    """The resident and the local staff accounts, signed in over HTTP."""
    output = deployment.state_dir / "out"
    output.mkdir()
    catalogue = load_catalogue(REPOSITORY / "config" / "catalogue.toml")
    asyncio.run(ensure_local_accounts(deployment.settings()))
    maildir = Path(deployment.started_environment["DOMPAK_MAILDIR"])
    with httpx.Client(timeout=60) as client:
        yield Demo(
            client,
            output,
            "kepala-dinas-lokal",
            catalogue,
            maildir,
            deployment.environ,
        )


@pytest.fixture(scope="module")
def flow(demo: Demo) -> dict[str, Any]:
    """Carry one application from submission to the register book."""
    return demo.run("birth_deed", seed=7)


def url(name: str) -> str:
    return service_url(name, PORTS)


def test_flow_assigns_register_number(flow: dict[str, Any]) -> None:
    assert REGISTER_NUMBER.match(flow["register_number"])


def test_flow_pdf_validates_against_project_ca(
    flow: dict[str, Any], deployment: LocalDeployment
) -> None:
    pdf = Path(flow["document_pdf"]).read_bytes()
    ca = (deployment.state_dir / "pki" / "ca-certificate.pem").read_bytes()
    report = verify_signed_pdf(pdf, [ca])
    assert report.signed
    assert report.intact
    assert report.trusted


def test_flow_pdf_fails_after_one_byte_changed(
    flow: dict[str, Any], deployment: LocalDeployment
) -> None:
    pdf = flip_signed_byte(Path(flow["document_pdf"]).read_bytes())
    ca = (deployment.state_dir / "pki" / "ca-certificate.pem").read_bytes()
    report = verify_signed_pdf(pdf, [ca])
    assert not report.intact
    assert not report.trusted


def test_public_verification_reports_genuine_and_active(
    flow: dict[str, Any], demo: Demo
) -> None:
    approval = httpx.get(
        f"{url('signing')}/approvals/{flow['application_id']}",
        headers=demo.staff("kadis"),
    ).json()
    result = httpx.get(f"{url('signing')}/v/{approval['document_id']}").json()
    assert result["genuine"] is True
    assert result["active"] is True
    assert result["document_number"] == flow["register_number"]
    assert result["name"] == "Yohana Br. Sinaga"
    assert result["document_type"] == "Kutipan Akta Kelahiran"
    # A birth deed prints no NIK of the child, so the page shows none.
    assert result["nik_masked"] is None


def test_public_verification_rejects_unknown_document() -> None:
    result = httpx.get(f"{url('signing')}/v/00000000-0000-0000-0000-000000000000")
    assert result.status_code == 200
    assert result.json()["genuine"] is False


def test_pdf_check_spots_tampered_copy(flow: dict[str, Any]) -> None:
    pdf = Path(flow["document_pdf"]).read_bytes()
    genuine = httpx.post(f"{url('signing')}/verify-pdf", content=pdf).json()
    tampered = flip_signed_byte(pdf)
    forged = httpx.post(f"{url('signing')}/verify-pdf", content=tampered).json()
    assert genuine["issued_here"] is True
    assert genuine["intact"] is True
    assert forged["issued_here"] is False
    assert forged["intact"] is False


def test_timeline_shows_every_stage_once(flow: dict[str, Any], demo: Demo) -> None:
    view = httpx.get(
        f"{url('intake')}/track/{flow['tracking_code']}",
        headers=demo.resident(flow["applicant"]),
    ).json()
    statuses = [entry["status"] for entry in view["timeline"]]
    assert statuses[0] == "submitted"
    assert statuses[-1] == "completed"
    assert len(statuses) == STATE_CHANGES
    assert len(set(statuses)) == STATE_CHANGES


def test_notify_emails_every_state_change(
    flow: dict[str, Any], endpoints: Endpoints, demo: Demo
) -> None:
    notifications = httpx.get(
        f"{url('notify')}/applications/{flow['application_id']}/notifications",
        headers=demo.staff("loket"),
    ).json()
    emailed = [n for n in notifications if n["channels"]["email"] == "sent"]
    assert len(notifications) == STATE_CHANGES
    assert len(emailed) == STATE_CHANGES
    if endpoints.maildir is not None:
        box = mailbox.Maildir(endpoints.maildir, create=False)
        subjects = [m["subject"] for m in box if flow["tracking_code"] in m["subject"]]
        assert len(subjects) == STATE_CHANGES


def _published(bootstrap: str, topic: str, application_id: str) -> list[bytes]:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=3000,
        enable_auto_commit=False,
    )
    try:
        return [m.value for m in consumer if m.key == application_id.encode()]
    finally:
        consumer.close()


def test_redelivered_events_change_nothing(
    flow: dict[str, Any], endpoints: Endpoints, demo: Demo
) -> None:
    application_id = flow["application_id"]
    case = f"{url('verification')}/cases/{application_id}"
    notes = f"{url('notify')}/applications/{application_id}/notifications"
    track = f"{url('intake')}/track/{flow['tracking_code']}"
    operator, front_office = demo.staff("operator"), demo.staff("loket")
    resident = demo.resident(flow["applicant"])
    case_before = httpx.get(case, headers=operator).json()
    notes_before = httpx.get(notes, headers=front_office).json()
    timeline_before = httpx.get(track, headers=resident).json()

    producer = KafkaProducer(bootstrap_servers=endpoints.kafka_bootstrap)
    for topic in (Topic.INTAKE, Topic.VERIFICATION, Topic.SIGNING, Topic.DISTRIBUTION):
        for value in _published(endpoints.kafka_bootstrap, topic, application_id):
            assert Envelope.model_validate_json(value).subject == application_id
            producer.send(topic, key=application_id.encode(), value=value)
    producer.flush()
    producer.close()
    for group, topics in {
        "dompak-verification": [Topic.INTAKE, Topic.SIGNING],
        "dompak-notify": [Topic.INTAKE, Topic.SIGNING, Topic.DISTRIBUTION],
        "dompak-intake": [Topic.INTAKE, Topic.DISTRIBUTION],
    }.items():
        wait_until_consumed(endpoints.kafka_bootstrap, group, [str(t) for t in topics])

    case_after = httpx.get(case, headers=operator).json()
    notes_after = httpx.get(notes, headers=front_office).json()
    timeline_after = httpx.get(track, headers=resident).json()
    assert case_after == case_before
    assert json.dumps(notes_after) == json.dumps(notes_before)
    assert timeline_after["timeline"] == timeline_before["timeline"]


NUMBER_PATTERNS = {
    "kk_new": r"^121708\d{10}$",
    "kk_change": r"^121708\d{10}$",
    "ktp_el_new": r"^\d{16}$",
    "ktp_el_reissue": r"^\d{16}$",
    "marriage_deed": r"^1217-PK-\d{8}-\d{4}$",
    "divorce_deed": r"^1217-PC-\d{8}-\d{4}$",
    "death_deed": r"^1217-KM-\d{8}-\d{4}$",
    "moving_letter": r"^SKPWNI/1217/\d{6}/\d{4}$",
    "kia": r"^\d{16}$",
}


@pytest.mark.parametrize("service_code", sorted(NUMBER_PATTERNS))
def test_service_reaches_its_end(
    service_code: str, deployment: LocalDeployment, demo: Demo, flow: dict[str, Any]
) -> None:
    ca = (deployment.state_dir / "pki" / "ca-certificate.pem").read_bytes()
    result = demo.run(service_code, seed=11)
    report = verify_signed_pdf(Path(result["document_pdf"]).read_bytes(), [ca])
    assert result["status"] == "completed"
    assert re.match(NUMBER_PATTERNS[service_code], result["register_number"])
    assert report.intact
    assert report.trusted

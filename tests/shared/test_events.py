from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from shared.events import (
    PAYLOAD_MODELS,
    ApplicationRejected,
    ApplicationSubmitted,
    Envelope,
    EventType,
    new_event,
)

CLOUDEVENTS_ATTRIBUTES = (
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "time",
    "datacontenttype",
    "schemaversion",
    "correlationid",
    "causationid",
    "data",
)

APPLICANT: dict[str, Any] = {
    "nik": "1217084107920002",
    "name": "Rüth Sitanggang",
    "email": "ruth.sitanggang@example.org",
}
STORED_FILE: dict[str, Any] = {
    "requirement": "birth_letter",
    "object_key": "intake/app-0001/birth_letter.jpg",
    "sha256": "0" * 64,
    "content_type": "image/jpeg",
    "size": 48213,
}
APPLICATION: dict[str, Any] = {
    "service_code": "birth_deed",
    "tracking_code": "LT-7Q2M9XK4",
    "applicant": APPLICANT,
    "village_code": "12.17.08.2001",
    "form": {"child": {"name": "Tiur Sitanggang"}},
}

# Minimal valid data per payload model: only the required fields.
MINIMAL_DATA: dict[EventType, dict[str, Any]] = {
    EventType.APPLICATION_SUBMITTED: {**APPLICATION, "files": [STORED_FILE]},
    EventType.APPLICATION_DOCUMENTS_REQUESTED: {
        "missing": [{"requirement": "family_card", "reason": "blurred"}],
        "actor": "petugas.loket",
    },
    EventType.APPLICATION_RESUBMITTED: {"files": [STORED_FILE]},
    EventType.APPLICATION_ACCEPTED: {
        **APPLICATION,
        "files": [STORED_FILE],
        "actor": "petugas.loket",
    },
    EventType.APPLICATION_DRAFTED: {
        "division": "pencatatan_sipil",
        "draft": {"child_name": "Tiur Sitanggang"},
        "actor": "operator.capil",
    },
    EventType.APPLICATION_VERIFIED: {
        **APPLICATION,
        "division": "pencatatan_sipil",
        "draft": {"child_name": "Tiur Sitanggang"},
        "actor": "kabid.capil",
    },
    EventType.APPLICATION_RETURNED: {
        "stage": "signing",
        "reason": "birth place misspelt",
        "actor": "kadis",
    },
    EventType.APPLICATION_REJECTED: {
        "stage": "intake",
        "reason": "duplicate application",
        "actor": "petugas.loket",
    },
    EventType.DOCUMENT_SIGNED: {
        "document_id": "DOC-7Q2M9XK4",
        "service_code": "birth_deed",
        "tracking_code": "LT-7Q2M9XK4",
        "register_number": "1217-LT-04122026-0001",
        "object_key": "signed/DOC-7Q2M9XK4.pdf",
        "sha256": "f" * 64,
        "subject_name": "Tiur Sitanggang",
        "applicant": APPLICANT,
        "village_code": "12.17.08.2001",
        "signed_at": "2026-12-04T08:30:00Z",
        "actor": "kadis",
    },
    EventType.DOCUMENT_PRINTED: {"document_id": "DOC-7Q2M9XK4", "actor": "petugas"},
    EventType.DOCUMENT_DISPATCHED: {
        "document_id": "DOC-7Q2M9XK4",
        "village_code": "12.17.08.2001",
        "actor": "kurir",
    },
    EventType.APPOINTMENT_SCHEDULED: {
        "document_id": "DOC-7Q2M9XK4",
        "starts_at": "2026-12-11T09:00:00+07:00",
        "place": "Kantor Disdukcapil",
        "actor": "distribusi",
    },
    EventType.DOCUMENT_HANDED_OVER: {
        "document_id": "DOC-7Q2M9XK4",
        "register_number": "1217-LT-04122026-0001",
        "receipt_number": "TT-0001",
        "collector_name": "Rüth Sitanggang",
        "collector_nik": "1217084107920002",
        "actor": "kades",
    },
    EventType.REGISTER_RECORDED: {
        "register_number": "1217-LT-04122026-0001",
        "document_id": "DOC-7Q2M9XK4",
        "service_code": "birth_deed",
        "recorded_on": "2026-12-04",
        "actor": "petugas.register",
    },
    EventType.NOTIFICATION_SENT: {
        "notification_id": "evt-0001",
        "channel": "email",
        "about_event_id": "evt-0001",
        "about_event_type": "application.submitted",
    },
    EventType.SIGN_IN_CODE_REQUESTED: {
        "nik": "1217010101900001",
        "name": "Warga Contoh",
        "email": "warga@contoh.test",
        "code": "482913",
        "expires_at": "2026-01-02T03:14:00+00:00",
    },
    EventType.CHAT_MESSAGE_POSTED: {
        "message_id": "m-1",
        "author_kind": "resident",
        "author": "1217010101900001",
        "text_length": 12,
    },
}


def _envelope(event_type: str, data: dict[str, Any]) -> Envelope:
    return Envelope(
        source="/dompak/test",
        type=event_type,
        subject="app-0001",
        correlationid="app-0001",
        data=data,
    )


def test_payload_models_cover_every_event_type() -> None:
    assert set(PAYLOAD_MODELS) == set(EventType)


def test_minimal_data_covers_every_payload_model() -> None:
    assert set(MINIMAL_DATA) == set(PAYLOAD_MODELS)


def test_envelope_json_round_trip_keeps_attributes() -> None:
    cause = _envelope(
        "application.submitted", MINIMAL_DATA[EventType.APPLICATION_SUBMITTED]
    )
    original = Envelope(
        source="/dompak/intake",
        type="application.accepted",
        subject="app-0001",
        time=datetime(2026, 12, 4, 8, 30, 15, 123456, tzinfo=UTC),
        correlationid="app-0001",
        causationid=cause.id,
        data=MINIMAL_DATA[EventType.APPLICATION_ACCEPTED],
    )

    restored = Envelope.model_validate_json(original.model_dump_json())

    for name in CLOUDEVENTS_ATTRIBUTES:
        assert getattr(restored, name) == getattr(original, name), name


def test_envelope_json_names_every_attribute() -> None:
    envelope = _envelope(
        "application.rejected", MINIMAL_DATA[EventType.APPLICATION_REJECTED]
    )

    document = envelope.model_dump(mode="json")

    assert set(document) == set(CLOUDEVENTS_ATTRIBUTES)


def test_envelope_defaults_follow_cloudevents() -> None:
    envelope = _envelope("application.rejected", {})

    assert envelope.specversion == "1.0"
    assert envelope.datacontenttype == "application/json"
    assert envelope.time.tzinfo is not None
    assert envelope.causationid is None


def test_envelope_ids_are_unique() -> None:
    first = _envelope("application.rejected", {})
    second = _envelope("application.rejected", {})

    assert first.id != second.id


@pytest.mark.parametrize(
    ("event_type", "model"),
    list(PAYLOAD_MODELS.items()),
    ids=[event_type.value for event_type in PAYLOAD_MODELS],
)
def test_payload_parses_known_type(event_type: EventType, model: type[Any]) -> None:
    envelope = _envelope(event_type.value, MINIMAL_DATA[event_type])

    payload = envelope.payload()

    assert envelope.event_type is event_type
    assert type(payload) is model


@pytest.mark.parametrize("event_type", list(PAYLOAD_MODELS), ids=str)
def test_payload_rejects_missing_fields(event_type: EventType) -> None:
    envelope = _envelope(event_type.value, {})

    with pytest.raises(ValidationError):
        envelope.payload()


def test_payload_keeps_unknown_fields() -> None:
    data = {**MINIMAL_DATA[EventType.APPLICATION_REJECTED], "appeal_until": "2027"}

    payload = _envelope("application.rejected", data).payload()

    assert payload.model_dump()["appeal_until"] == "2027"


def test_payload_unknown_type_raises() -> None:
    envelope = _envelope("application.teleported", {"reason": "x"})

    assert envelope.event_type is None
    with pytest.raises(ValueError, match=r"application\.teleported"):
        envelope.payload()


def test_new_event_without_cause_starts_correlation() -> None:
    payload = ApplicationRejected(stage="intake", reason="duplicate", actor="loket")

    event = new_event(
        source="/dompak/intake",
        event_type=EventType.APPLICATION_REJECTED,
        application_id="app-0001",
        payload=payload,
    )

    assert event.subject == "app-0001"
    assert event.type == "application.rejected"
    assert event.correlationid == "app-0001"
    assert event.causationid is None


def test_new_event_with_cause_links_to_it() -> None:
    cause = Envelope(
        source="/dompak/intake",
        type="application.submitted",
        subject="app-0001",
        correlationid="corr-7f3a",
        data=MINIMAL_DATA[EventType.APPLICATION_SUBMITTED],
    )
    payload = ApplicationRejected(stage="intake", reason="duplicate", actor="loket")

    event = new_event(
        source="/dompak/intake",
        event_type=EventType.APPLICATION_REJECTED,
        application_id="app-0001",
        payload=payload,
        cause=cause,
    )

    assert event.correlationid == "corr-7f3a"
    assert event.causationid == cause.id
    assert event.id != cause.id


def test_new_event_payload_round_trips() -> None:
    payload = ApplicationSubmitted.model_validate(
        MINIMAL_DATA[EventType.APPLICATION_SUBMITTED]
    )

    event = new_event(
        source="/dompak/intake",
        event_type=EventType.APPLICATION_SUBMITTED,
        application_id="app-0001",
        payload=payload,
    )
    restored = Envelope.model_validate_json(event.model_dump_json())

    assert restored.payload() == payload

from __future__ import annotations

from typing import Any

import pytest

from services.notify.schemas import MESSAGES
from services.notify.service import render_texts
from shared.events import Envelope, EventType

TRACKING_CODE = "LT-7Q2M9XK4"

# Values for every placeholder the message templates use.
EVENT_DATA: dict[str, Any] = {
    "reason": "the birth place is misspelt",
    "register_number": "1217-LT-04122026-0001",
    "receipt_number": "TT-2026-0042",
    "missing": [{"requirement": "family_card", "reason": "the photo is blurred"}],
}

# The data value each message must show, beyond the tracking code.
SHOWN_VALUES: dict[EventType, str] = {
    EventType.APPLICATION_RETURNED: "the birth place is misspelt",
    EventType.APPLICATION_REJECTED: "the birth place is misspelt",
    EventType.DOCUMENT_SIGNED: "1217-LT-04122026-0001",
    EventType.DOCUMENT_HANDED_OVER: "TT-2026-0042",
    EventType.APPLICATION_DOCUMENTS_REQUESTED: "the photo is blurred",
}


def _event(event_type: EventType, data: dict[str, Any]) -> Envelope:
    return Envelope(
        source="/dompak/test",
        type=event_type.value,
        subject="app-0001",
        correlationid="app-0001",
        data=data,
    )


@pytest.mark.parametrize("event_type", list(MESSAGES), ids=str)
def test_render_texts_names_tracking_code(event_type: EventType) -> None:
    text_id, text_en = render_texts(_event(event_type, EVENT_DATA), TRACKING_CODE)

    assert TRACKING_CODE in text_id
    assert TRACKING_CODE in text_en


@pytest.mark.parametrize("event_type", list(MESSAGES), ids=str)
def test_render_texts_fills_every_placeholder(event_type: EventType) -> None:
    texts = render_texts(_event(event_type, EVENT_DATA), TRACKING_CODE)

    for text in texts:
        assert "{" not in text, text
        assert "}" not in text, text


@pytest.mark.parametrize("event_type", list(MESSAGES), ids=str)
def test_render_texts_languages_differ(event_type: EventType) -> None:
    text_id, text_en = render_texts(_event(event_type, EVENT_DATA), TRACKING_CODE)

    assert text_id != text_en


@pytest.mark.parametrize(
    ("event_type", "value"),
    list(SHOWN_VALUES.items()),
    ids=[event_type.value for event_type in SHOWN_VALUES],
)
def test_render_texts_shows_event_value(event_type: EventType, value: str) -> None:
    text_id, text_en = render_texts(_event(event_type, EVENT_DATA), TRACKING_CODE)

    assert value in text_id
    assert value in text_en


def test_render_texts_lists_missing_papers() -> None:
    data = {
        "missing": [
            {"requirement": "family_card", "reason": "the photo is blurred"},
            {"requirement": "birth_letter", "reason": "the stamp is cut off"},
        ],
        "actor": "petugas.loket",
    }
    event = _event(EventType.APPLICATION_DOCUMENTS_REQUESTED, data)

    text_id, text_en = render_texts(event, TRACKING_CODE)

    for text in (text_id, text_en):
        assert "family_card: the photo is blurred." in text
        assert "birth_letter: the stamp is cut off." in text


def test_render_texts_missing_placeholder_blank() -> None:
    event = _event(EventType.APPLICATION_REJECTED, {})

    text_id, text_en = render_texts(event, TRACKING_CODE)

    assert text_id == f"Permohonan {TRACKING_CODE} ditolak: "
    assert text_en == f"Application {TRACKING_CODE} was rejected: "


def test_render_texts_no_missing_papers_blank() -> None:
    event = _event(EventType.APPLICATION_DOCUMENTS_REQUESTED, {"actor": "loket"})

    text_id, _ = render_texts(event, TRACKING_CODE)

    assert text_id == f"Permohonan {TRACKING_CODE}: berkas perlu dilengkapi. "


def test_render_texts_braces_in_data_kept_literal() -> None:
    event = _event(EventType.APPLICATION_REJECTED, {"reason": "{tracking_code}"})

    _, text_en = render_texts(event, TRACKING_CODE)

    assert text_en == f"Application {TRACKING_CODE} was rejected: {{tracking_code}}"


def test_render_texts_tracking_code_argument_wins() -> None:
    data = {"tracking_code": "LT-FORGED00", "reason": "duplicate"}

    text_id, _ = render_texts(_event(EventType.APPLICATION_REJECTED, data), "LT-1")

    assert "LT-FORGED00" not in text_id

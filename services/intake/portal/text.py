"""Plain words for residents about catalogue entries and their conditions.

Each text is a pair (Bahasa Indonesia, English) that templates pass to `t`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from services.intake.form_labels import FIELD_LABELS
from services.intake.portal.form import OPTION_LABELS
from shared.catalogue import Condition, FormValueError, Output, ServiceEntry

Text = tuple[str, str]


def service_summary(entry: ServiceEntry) -> dict[str, Any]:
    """Describe a service for the catalogue list."""
    return {
        "code": entry.code,
        "name": (entry.name_id, entry.name_en),
        "output": output_text(entry),
        "standard_days": entry.standard_days,
        "days": days_text(entry.standard_days),
        "appointment": entry.appointment,
        "papers": len(entry.requirements),
    }


def days_text(days: int) -> Text:
    if days == 0:
        return ("selesai hari itu juga", "done the same day")
    unit = "working day" if days == 1 else "working days"
    return (f"selesai dalam {days} hari kerja", f"done within {days} {unit}")


def output_text(entry: ServiceEntry) -> Text:
    if entry.output is Output.A4_DOCUMENT:
        return (
            "Dokumen A4 bertanda tangan elektronik: bisa diunduh dan dicetak "
            "sendiri, atau diambil di kantor desa.",
            "A4 document with an electronic signature: download and print it at "
            "home, or collect it at the village office.",
        )
    return (
        "Kartu dicetak oleh dinas dan diambil sendiri di kantor dinas.",
        "A card printed by the office, collected in person at the office.",
    )


def _field_label(path: str) -> Text:
    """Name a form field, with its section in brackets: "nama ayah (anak)"."""
    *sections, name = path.split(".")
    label_id, label_en = FIELD_LABELS.get(name, (name, name))
    if sections:
        section_id, section_en = _person_label(".".join(sections))
        return (
            f"{label_id.lower()} ({section_id})",
            f"{label_en.lower()} ({section_en})",
        )
    return (label_id.lower(), label_en.lower())


def _person_label(path: str) -> Text:
    name = path.rsplit(".", 1)[-1]
    label_id, label_en = FIELD_LABELS.get(name, (name, name))
    return (label_id.lower(), label_en.lower())


def _value_label(value: object) -> Text:
    if isinstance(value, bool):
        return ("ya", "yes") if value else ("tidak", "no")
    return OPTION_LABELS.get(str(value), (str(value), str(value)))


def condition_text(condition: Condition | None) -> Text | None:
    """Say when a paper is needed, for example "only when the reason is lost"."""
    if condition is None:
        return None
    label_id, label_en = _field_label(condition.field)
    if condition.equals is not None:
        value_id, value_en = _value_label(condition.equals)
        return (
            f"hanya jika {label_id}: {value_id}",
            f"only when {label_en} is {value_en}",
        )
    if condition.in_ is not None:
        labels = [_value_label(v) for v in condition.in_]
        return (
            f"hanya jika {label_id}: {' atau '.join(v[0] for v in labels)}",
            f"only when {label_en} is {' or '.join(v[1] for v in labels)}",
        )
    if condition.present is not None:
        if condition.present:
            return (f"hanya jika {label_id} diisi", f"only when {label_en} is given")
        return (
            f"hanya jika {label_id} tidak diisi",
            f"only when {label_en} is left empty",
        )
    # An age condition reads a birth date; name the person it belongs to.
    person_id, person_en = _person_label(condition.field.rsplit(".", 1)[0])
    if condition.age_at_least is not None:
        years = condition.age_at_least
        return (
            f"hanya jika {person_id} berumur {years} tahun atau lebih",
            f"only when the {person_en} is {years} or older",
        )
    years = condition.age_below or 0
    return (
        f"hanya jika {person_id} berumur di bawah {years} tahun",
        f"only when the {person_en} is under {years}",
    )


def required_codes(entry: ServiceEntry, form: dict[str, Any], today: date) -> set[str]:
    """Select the codes of the papers that the form as typed so far needs.

    A condition on a date that is not complete yet counts as true, so the
    resident sees the paper instead of missing it.
    """
    codes = set()
    for requirement in entry.requirements:
        try:
            needed = requirement.is_required(form, today)
        except FormValueError:
            needed = True
        if needed:
            codes.add(requirement.code)
    return codes


# Indonesian wording of the form problems that services/intake/forms/parsing.py
# reports in English, by a pattern of the English message.
PROBLEMS_ID: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), indonesian)
    for pattern, indonesian in (
        (r"^is required", "wajib diisi"),
        (r"^needs at least (\d+) characters", r"minimal \1 huruf; tulis lengkap"),
        (r"^has more than (\d+) characters", r"lebih dari \1 huruf; persingkat"),
        (r"^is not a date", "bukan tanggal; pilih tanggal dari kalender"),
        (r"^must be a whole number", "harus angka bulat, contoh 2"),
        (r"^must be (\S+) or more", r"paling kecil \1"),
        (r"^must be (\S+) or less", r"paling besar \1"),
        (r"^is not an allowed value", "pilihan tidak sah; pilih dari daftar"),
        (r"^is not an email address", "bukan alamat email; contoh nama@contoh.id"),
        (
            r"^is not a phone number",
            "bukan nomor HP; tulis angka saja, 8 sampai 15, boleh diawali +",
        ),
        (r"^must be 1 to 3 digits", "harus 1 sampai 3 angka, contoh 003"),
    )
)


def problem_text(message: str, lang: str) -> str:
    """Return a form problem's message in the page's language where it is known.

    Messages of the forms' own checks (NIK, dates, villages) stay English.
    """
    if lang == "en":
        return message
    for pattern, indonesian in PROBLEMS_ID:
        match = pattern.match(message)
        if match:
            return match.expand(indonesian)
    return message

"""Drafts and resident forms as labelled fields for the pages.

A draft is nested JSON (an address inside a family card, a list of members).
The draft page shows each leaf value as one input named `draft.<path>`, for
example `draft.members.0.name`, and `draft_from_form` rebuilds the nested
draft from those inputs with the shape of the draft it started from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

FIELD_PREFIX = "draft."
DATE_KEY = re.compile(r"(^|_)(date|on)$")
NUMBER = re.compile(r"^-?\d{1,9}$")

# Bahasa Indonesia and English labels of the keys that drafts and forms use.
LABELS: dict[str, tuple[str, str]] = {
    "address": ("Alamat", "Address"),
    "applicant": ("Pemohon", "Applicant"),
    "birth_date": ("Tanggal lahir", "Date of birth"),
    "birth_order": ("Anak ke-", "Birth order"),
    "birth_place": ("Tempat lahir", "Place of birth"),
    "blood_type": ("Golongan darah", "Blood type"),
    "cause": ("Sebab kematian", "Cause of death"),
    "child": ("Anak", "Child"),
    "child_name": ("Nama anak", "Child's name"),
    "child_sex": ("Jenis kelamin anak", "Child's sex"),
    "court": ("Pengadilan", "Court"),
    "death_date": ("Tanggal kematian", "Date of death"),
    "death_place": ("Tempat kematian", "Place of death"),
    "deceased": ("Yang meninggal", "Deceased"),
    "destination": ("Alamat tujuan", "Destination address"),
    "district": ("Kecamatan", "District"),
    "education": ("Pendidikan", "Education"),
    "email": ("Email", "Email"),
    "father": ("Ayah", "Father"),
    "father_name": ("Nama ayah", "Father's name"),
    "former_husband": ("Mantan suami", "Former husband"),
    "former_wife": ("Mantan istri", "Former wife"),
    "head_of_family": ("Kepala keluarga", "Head of family"),
    "head_of_family_name": ("Nama kepala keluarga", "Head of family's name"),
    "husband": ("Suami", "Husband"),
    "kk_number": ("Nomor KK", "Family card number"),
    "marital_status": ("Status perkawinan", "Marital status"),
    "marriage_date": ("Tanggal perkawinan", "Date of marriage"),
    "marriage_place": ("Tempat perkawinan", "Place of marriage"),
    "members": ("Anggota keluarga", "Family members"),
    "mother": ("Ibu", "Mother"),
    "mother_name": ("Nama ibu", "Mother's name"),
    "moving_date": ("Tanggal pindah", "Moving date"),
    "name": ("Nama", "Name"),
    "nik": ("NIK", "NIK"),
    "occupation": ("Pekerjaan", "Occupation"),
    "origin": ("Alamat asal", "Origin address"),
    "phone": ("Telepon", "Phone"),
    "postal_code": ("Kode pos", "Postal code"),
    "province": ("Provinsi", "Province"),
    "reason": ("Alasan", "Reason"),
    "regency": ("Kabupaten/kota", "Regency or city"),
    "relationship": ("Hubungan keluarga", "Relationship"),
    "religion": ("Agama", "Religion"),
    "religious_leader": ("Pemuka agama", "Religious leader"),
    "reporter_name": ("Nama pelapor", "Reporter's name"),
    "rt": ("RT", "RT"),
    "ruling_date": ("Tanggal putusan", "Date of ruling"),
    "ruling_final_on": ("Berkekuatan hukum tetap", "Final on"),
    "ruling_number": ("Nomor putusan", "Ruling number"),
    "rw": ("RW", "RW"),
    "sex": ("Jenis kelamin", "Sex"),
    "street": ("Jalan", "Street"),
    "village": ("Desa/kelurahan", "Village"),
    "village_code": ("Kode desa", "Village code"),
    "wife": ("Istri", "Wife"),
}


def label(key: str) -> tuple[str, str]:
    """Return the Indonesian and English label of a key, or the key in words."""
    if key in LABELS:
        return LABELS[key]
    words = key.replace("_", " ").capitalize()
    return words, words


@dataclass(frozen=True)
class Field:
    """One leaf value of a draft or form, with its place in the nesting."""

    path: str
    key: str
    group: tuple[tuple[str, str], ...]
    value: Any

    @property
    def name(self) -> str:
        return FIELD_PREFIX + self.path

    @property
    def label(self) -> tuple[str, str]:
        return label(self.key)

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value)

    @property
    def input_type(self) -> str:
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            return "number"
        return "date" if DATE_KEY.search(self.key) else "text"


@dataclass(frozen=True)
class Group:
    """Fields that share a parent, such as one family member."""

    heading: tuple[tuple[str, str], ...]
    fields: list[Field]


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Yield `(dotted path, value)` for every leaf of nested dicts and lists."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}.{index}" if path else str(index))
    else:
        yield path, value


def grouped(value: Mapping[str, Any]) -> list[Group]:
    """Group the leaves of `value` by their parent, in document order."""
    groups: dict[str, Group] = {}
    for path, leaf in leaves(value):
        parts = path.split(".")
        parent = ".".join(parts[:-1])
        if parent not in groups:
            groups[parent] = Group(_heading(parts[:-1]), [])
        key = parts[-1]
        groups[parent].fields.append(Field(path, key, groups[parent].heading, leaf))
    return list(groups.values())


def _heading(parts: list[str]) -> tuple[tuple[str, str], ...]:
    # A list index reads as the member's number: "Anggota keluarga 2".
    heading: list[tuple[str, str]] = []
    for part in parts:
        if part.isdigit() and heading:
            indonesian, english = heading.pop()
            number = int(part) + 1
            heading.append((f"{indonesian} {number}", f"{english} {number}"))
        else:
            heading.append(label(part))
    return tuple(heading)


def draft_from_form(shape: Any, form: Mapping[str, str], path: str = "") -> Any:
    """Rebuild a draft with the nesting of `shape` from `draft.<path>` inputs.

    A leaf the form does not send keeps its value from `shape`. Text for a
    number leaf becomes an int when it is one, and stays text otherwise so
    that the draft checks name the field. A blank input for a leaf that was
    null in `shape` stays null.

    NOTE: lists keep the length they have in `shape`, so the page can correct
    a family member but cannot add or remove one.
    """
    if isinstance(shape, Mapping):
        return {
            key: draft_from_form(item, form, f"{path}.{key}" if path else key)
            for key, item in shape.items()
        }
    if isinstance(shape, list):
        return [
            draft_from_form(item, form, f"{path}.{index}" if path else str(index))
            for index, item in enumerate(shape)
        ]
    sent = form.get(FIELD_PREFIX + path)
    if sent is None:
        return shape
    text = sent.strip()
    if shape is None and not text:
        return None
    if isinstance(shape, int) and not isinstance(shape, bool):
        return int(text) if NUMBER.match(text) else text
    return text


def problems_by_field(problems: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Map the draft checks' problems to input names (`draft.<path>`)."""
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        field = str(problem.get("field", "draft"))
        by_field.setdefault(field, []).append(str(problem.get("message", "")))
    return by_field

"""Readable labels for the fields of the application forms, for staff pages.

The forms in forms/ name their fields in English snake case; staff read
them in Bahasa Indonesia (or English). `form_rows` flattens a stored form
into labelled rows in the order the resident filled them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Field name -> (Bahasa Indonesia, English).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "address": ("Alamat", "Address"),
    "applicant": ("Pemohon", "Applicant"),
    "birth_date": ("Tanggal lahir", "Date of birth"),
    "birth_order": ("Anak ke-", "Birth order"),
    "birth_place": ("Tempat lahir", "Place of birth"),
    "cause": ("Sebab kematian", "Cause of death"),
    "change_description": ("Uraian perubahan", "Description of the change"),
    "child": ("Anak", "Child"),
    "court": ("Pengadilan", "Court"),
    "death_date": ("Tanggal kematian", "Date of death"),
    "death_place": ("Tempat kematian", "Place of death"),
    "deceased": ("Yang meninggal", "Deceased"),
    "destination": ("Alamat tujuan", "Destination"),
    "education": ("Pendidikan", "Education"),
    "email": ("Email", "Email"),
    "father": ("Ayah", "Father"),
    "father_name": ("Nama ayah", "Father's name"),
    "final_date": ("Tanggal berkekuatan hukum tetap", "Date the ruling became final"),
    "former_husband": ("Mantan suami", "Former husband"),
    "former_wife": ("Mantan istri", "Former wife"),
    "head": ("Kepala keluarga", "Head of family"),
    "head_of_family": ("Kepala keluarga", "Head of family"),
    "holder": ("Pemegang kartu", "Card holder"),
    "husband": ("Suami", "Husband"),
    "joining_household": ("Bergabung ke KK", "Joining a household"),
    "kk_number": ("Nomor KK", "Family card number"),
    "marital_status": ("Status perkawinan", "Marital status"),
    "marriage_date": ("Tanggal perkawinan", "Date of marriage"),
    "marriage_deed_number": ("Nomor akta perkawinan", "Marriage deed number"),
    "marriage_place": ("Tempat perkawinan", "Place of marriage"),
    "members": ("Anggota keluarga", "Family members"),
    "members_moving": ("Anggota yang pindah", "Members moving"),
    "mother": ("Ibu", "Mother"),
    "mother_name": ("Nama ibu", "Mother's name"),
    "moving_date": ("Tanggal pindah", "Moving date"),
    "name": ("Nama", "Name"),
    "nik": ("NIK", "NIK"),
    "occupation": ("Pekerjaan", "Occupation"),
    "origin": ("Alamat asal", "Origin"),
    "phone": ("Telepon", "Phone"),
    "preferred_date": ("Tanggal yang diinginkan", "Preferred date"),
    "previously_married": ("Pernah kawin", "Previously married"),
    "reason": ("Alasan", "Reason"),
    "relationship": ("Hubungan", "Relationship"),
    "religion": ("Agama", "Religion"),
    "religious_leader": ("Pemuka agama", "Religious leader"),
    "rt": ("RT", "RT"),
    "ruling_date": ("Tanggal putusan", "Date of the ruling"),
    "ruling_number": ("Nomor putusan", "Ruling number"),
    "rw": ("RW", "RW"),
    "sex": ("Jenis kelamin", "Sex"),
    "street": ("Jalan", "Street"),
    "village_code": ("Kode desa/kelurahan", "Village code"),
    "wife": ("Istri", "Wife"),
    "witnesses": ("Saksi", "Witnesses"),
}

SEX_LABELS = {"L": ("Laki-laki", "Male"), "P": ("Perempuan", "Female")}


@dataclass(frozen=True)
class FormRow:
    """One labelled value of a stored form; `depth` is its nesting level."""

    label: str
    value: str
    depth: int


def field_label(name: str, lang: str) -> str:
    """Return the field's label, or the field name in words when it has none."""
    labels = FIELD_LABELS.get(name)
    if labels is None:
        return name.replace("_", " ").capitalize()
    return labels[1] if lang == "en" else labels[0]


def _value_text(
    name: str, value: Any, lang: str, village_names: Mapping[str, str]
) -> str:
    if name == "village_code" and value in village_names:
        return f"{value} ({village_names[value]})"
    if isinstance(value, bool):
        yes_no = ("Yes", "No") if lang == "en" else ("Ya", "Tidak")
        return yes_no[0] if value else yes_no[1]
    if name == "sex" and value in SEX_LABELS:
        return SEX_LABELS[value][1 if lang == "en" else 0]
    return str(value)


def form_rows(
    form: dict[str, Any],
    lang: str,
    village_names: Mapping[str, str],
    depth: int = 0,
) -> list[FormRow]:
    """Flatten a stored form into rows, with a heading row for each nested group.

    A village code is shown with the village's name from `village_names`.
    """
    rows: list[FormRow] = []
    for name, value in form.items():
        if value is None or value == "" or value == []:
            continue
        label = field_label(name, lang)
        if isinstance(value, dict):
            rows.append(FormRow(label, "", depth))
            rows.extend(form_rows(value, lang, village_names, depth + 1))
        elif isinstance(value, list):
            for number, item in enumerate(value, start=1):
                if isinstance(item, dict):
                    rows.append(FormRow(f"{label} {number}", "", depth))
                    rows.extend(form_rows(item, lang, village_names, depth + 1))
                else:
                    rows.append(
                        FormRow(
                            f"{label} {number}",
                            _value_text(name, item, lang, village_names),
                            depth,
                        )
                    )
        else:
            rows.append(
                FormRow(label, _value_text(name, value, lang, village_names), depth)
            )
    return rows

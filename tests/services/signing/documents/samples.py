"""Synthetic content for every template: a typical document and the longest one.

All people, numbers and addresses are made up.
"""

from __future__ import annotations

import copy
from typing import Any

ISSUER: dict[str, Any] = {
    "document_id": "DOC-7Q2M9XK4",
    "issued_on": "2026-12-04",
    "issued_at": "Pangururan",
    "regency_name": "Kabupaten Samosir",
    "office_name": "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir",
    "head_name": "Tiurma Simbolon",
    "verify_url": "https://dompak.example.id/verifikasi/DOC-7Q2M9XK4",
}
CARD_ISSUER = {
    key: value
    for key, value in ISSUER.items()
    if key not in ("head_name", "verify_url")
}
ADDRESS: dict[str, Any] = {
    "street": "Jalan Dr. Hadrianus Sinaga No. 12",
    "rt": "3",
    "rw": "2",
    "village": "Siogung Ogung",
    "district": "Pangururan",
    "regency": "Kabupaten Samosir",
    "province": "Sumatera Utara",
    "postal_code": "22392",
}
NEW_ADDRESS: dict[str, Any] = {
    "street": "Jalan Sisingamangaraja No. 45",
    "rt": "011",
    "rw": "004",
    "village": "Pasar Merah Barat",
    "district": "Medan Kota",
    "regency": "Kota Medan",
    "province": "Sumatera Utara",
}
FAMILY = [
    ("Sahat Sitanggang", "L", "kepala_keluarga", "1985-03-14"),
    ("Maria Lumbantoruan", "P", "istri", "1990-07-12"),
    ("Rüth Sitanggang", "P", "anak", "2012-11-20"),
    ("Dœrtë Sitanggang", "P", "anak", "2014-02-03"),
    ("Łukas Sitanggang", "L", "anak", "2016-05-30"),
    ("Ucok", "L", "anak", "2018-08-17"),
    ("Tiur Sitanggang", "P", "anak", "2020-01-09"),
    ("Ompu Na'ibaho", "L", "orang_tua", "1950-04-01"),
    ("Hotma Sitanggang", "L", "anak", "2022-10-10"),
    ("Rianto Sitanggang", "L", "famili_lain", "2001-12-24"),
]


def family_member(index: int) -> dict[str, Any]:
    name, sex, relationship, birth_date = FAMILY[index]
    adult = relationship in ("kepala_keluarga", "istri", "orang_tua")
    return {
        "name": name,
        "nik": f"121708{index:02d}0385{index + 1:04d}",
        "sex": sex,
        "birth_place": "Pangururan",
        "birth_date": birth_date,
        "religion": "kristen",
        "education": "slta" if adult else "sd",
        "occupation": "Petani/pekebun" if adult else "Pelajar/mahasiswa",
        "relationship": relationship,
        "marital_status": "kawin" if adult else "belum_kawin",
        "father_name": "Ompu Sahat Sitanggang",
        "mother_name": "Rosmawati br. Naibaho",
    }


SAMPLES: dict[str, dict[str, Any]] = {
    "birth_deed": {
        **ISSUER,
        "register_number": "1217-LT-04122026-0001",
        "child_name": "Rüth Sitanggang",
        "child_sex": "P",
        "birth_date": "2026-11-20",
        "birth_place": "Pangururan",
        "birth_order": 2,
        "father_name": "Ompu Na'ibaho",
        "mother_name": "Maria Lumbantoruan",
    },
    "marriage_deed": {
        **ISSUER,
        "register_number": "1217-KW-04122026-0001",
        "husband": {
            "name": "Sahat Sitanggang",
            "nik": "1217081403850001",
            "birth_place": "Pangururan",
            "birth_date": "1985-03-14",
        },
        "wife": {
            "name": "Maria Lumbantoruan",
            "nik": "1217085207900002",
            "birth_place": "Balige",
            "birth_date": "1990-07-12",
        },
        "marriage_date": "2026-11-28",
        "marriage_place": "Gereja HKBP Pangururan",
        "religion": "kristen",
        "religious_leader": "Pdt. Hotman Naibaho",
    },
    "divorce_deed": {
        **ISSUER,
        "register_number": "1217-CR-04122026-0001",
        "former_husband": {"name": "Sahat Sitanggang", "nik": "1217081403850001"},
        "former_wife": {"name": "Maria Lumbantoruan", "nik": "1217085207900002"},
        "court": "Pengadilan Negeri Balige",
        "ruling_number": "45/Pdt.G/2026/PN Blg",
        "ruling_date": "2026-09-10",
        "ruling_final_on": "2026-10-08",
    },
    "death_deed": {
        **ISSUER,
        "register_number": "1217-KM-04122026-0001",
        "deceased": {
            "name": "Ompu Na'ibaho",
            "nik": "1217080104500001",
            "sex": "L",
            "birth_date": "1950-04-01",
        },
        "death_date": "2026-11-30",
        "death_place": "Desa Siogung Ogung, Pangururan",
        "cause": "sakit_biasa",
        "reporter_name": "Sahat Sitanggang",
    },
    "family_card": {
        **ISSUER,
        "register_number": "1217-KK-04122026-0001",
        "kk_number": "1217080412260001",
        "address": ADDRESS,
        "members": [family_member(index) for index in range(4)],
    },
    "moving_letter": {
        **ISSUER,
        "register_number": "1217-PD-04122026-0001",
        "kk_number": "1217080412260001",
        "head_of_family": {"name": "Sahat Sitanggang", "nik": "1217081403850001"},
        "members": [
            {"name": "Maria Lumbantoruan", "nik": "1217085207900002"},
            {"name": "Rüth Sitanggang", "nik": "1217086011120001"},
        ],
        "origin": ADDRESS,
        "destination": NEW_ADDRESS,
        "reason": "pekerjaan",
        "moving_date": "2026-12-20",
    },
    "ktp_el_card": {
        **CARD_ISSUER,
        "register_number": "1217-KTP-04122026-0001",
        "nik": "1217081403850001",
        "name": "Sahat Sitanggang",
        "birth_place": "Pangururan",
        "birth_date": "1985-03-14",
        "sex": "L",
        "address": ADDRESS,
        "religion": "kristen",
        "marital_status": "kawin",
        "occupation": "Petani/pekebun",
        "blood_type": "O",
    },
    "kia_card": {
        **CARD_ISSUER,
        "head_name": "Tiurma Simbolon",
        "register_number": "1217-KIA-04122026-0001",
        "nik": "1217084302140001",
        "name": "Dœrtë Sitanggang",
        "birth_place": "Pangururan",
        "birth_date": "2014-02-03",
        "sex": "P",
        "address": ADDRESS,
        "kk_number": "1217080412260001",
        "head_of_family_name": "Sahat Sitanggang",
    },
}

# Text that each sample must show: its number and the names it carries.
EXPECTED_TEXT: dict[str, list[str]] = {
    "birth_deed": [
        "1217-LT-04122026-0001",
        "Rüth Sitanggang",
        "Ompu Na'ibaho",
        "Maria Lumbantoruan",
    ],
    "marriage_deed": [
        "1217-KW-04122026-0001",
        "Sahat Sitanggang",
        "Maria Lumbantoruan",
        "Pdt. Hotman Naibaho",
    ],
    "divorce_deed": [
        "1217-CR-04122026-0001",
        "Sahat Sitanggang",
        "Maria Lumbantoruan",
        "45/Pdt.G/2026/PN Blg",
    ],
    "death_deed": [
        "1217-KM-04122026-0001",
        "Ompu Na'ibaho",
        "Sahat Sitanggang",
    ],
    "family_card": [
        "1217080412260001",
        "1217-KK-04122026-0001",
        "Sahat Sitanggang",
        "Maria Lumbantoruan",
        "Rüth Sitanggang",
        "Dœrtë Sitanggang",
        "Ompu Sahat Sitanggang",
        "Rosmawati br. Naibaho",
    ],
    "moving_letter": [
        "1217-PD-04122026-0001",
        "Sahat Sitanggang",
        "Maria Lumbantoruan",
        "Rüth Sitanggang",
        "1217086011120001",
    ],
    "ktp_el_card": ["1217081403850001", "Sahat Sitanggang"],
    "kia_card": ["1217084302140001", "Dœrtë Sitanggang", "Sahat Sitanggang"],
}

# Wide letters at each limit: names 80, long text 120, places 60.
LONG_NAME = ("Wisnuwardhana " * 6)[:80]
LONG_TEXT = ("Desa Siopat Sosor Kecamatan Pangururan " * 4)[:120]
LONG_SHORT_TEXT = ("Pangururan " * 8)[:80]
LONG_PLACE = ("Sianjur Mula Mula " * 4)[:60]
LONG_OCCUPATION = ("Wiraswasta " * 5)[:50]
LONG_ISSUER: dict[str, Any] = {
    "document_id": "D" * 80,
    "issued_at": ("Pangururan " * 4)[:40],
    "regency_name": "W" * 60,
    "office_name": ("Dinas Kependudukan dan Pencatatan Sipil " * 4)[:120],
    "head_name": LONG_NAME,
    "verify_url": "https://dompak.example.id/verifikasi/" + "A" * 163,
    "register_number": "W" * 40,
}
LONG_ADDRESS: dict[str, Any] = {
    "street": LONG_SHORT_TEXT,
    "rt": "999",
    "rw": "999",
    "village": LONG_PLACE,
    "district": LONG_PLACE,
    "regency": LONG_PLACE,
    "province": LONG_PLACE,
    "postal_code": "99999",
}


def changed(template_id: str, **changes: Any) -> dict[str, Any]:
    """Return a copy of the sample with changes. A key "a__b" sets content[a][b]."""
    content = copy.deepcopy(SAMPLES[template_id])
    for key, value in changes.items():
        *parents, last = key.split("__")
        target: Any = content
        for parent in parents:
            target = target[int(parent) if parent.isdigit() else parent]
        target[last] = value
    return content


def longest(template_id: str) -> dict[str, Any]:
    """Return the sample with every text field at its length limit."""
    content = copy.deepcopy(SAMPLES[template_id])
    issuer_keys = [key for key in LONG_ISSUER if key in content]
    content.update({key: LONG_ISSUER[key] for key in issuer_keys})
    _LONGEST[template_id](content)
    return content


def _long_born_person(person: dict[str, Any]) -> None:
    person.update(name=LONG_NAME, birth_place=LONG_TEXT)


def _longest_birth_deed(content: dict[str, Any]) -> None:
    content.update(
        child_name=LONG_NAME,
        father_name=LONG_NAME,
        mother_name=LONG_NAME,
        birth_place=LONG_TEXT,
    )


def _longest_marriage_deed(content: dict[str, Any]) -> None:
    _long_born_person(content["husband"])
    _long_born_person(content["wife"])
    content.update(
        marriage_place=LONG_TEXT,
        religious_leader=LONG_NAME,
        religion="kepercayaan",
    )


def _longest_divorce_deed(content: dict[str, Any]) -> None:
    content["former_husband"]["name"] = LONG_NAME
    content["former_wife"]["name"] = LONG_NAME
    content.update(court=LONG_TEXT, ruling_number=LONG_SHORT_TEXT)


def _longest_death_deed(content: dict[str, Any]) -> None:
    content["deceased"]["name"] = LONG_NAME
    content.update(death_place=LONG_TEXT, reporter_name=LONG_NAME, cause="sakit_biasa")


def _longest_family_card(content: dict[str, Any]) -> None:
    members = [family_member(index) for index in range(10)]
    for member in members:
        member.update(
            name=LONG_NAME,
            birth_place=LONG_PLACE,
            occupation=LONG_OCCUPATION,
            father_name=LONG_NAME,
            mother_name=LONG_NAME,
            education="diploma_3",
            religion="kepercayaan",
        )
    content.update(address=LONG_ADDRESS, members=members)


def _longest_moving_letter(content: dict[str, Any]) -> None:
    content["head_of_family"]["name"] = LONG_NAME
    content["members"] = [
        {"name": LONG_NAME, "nik": f"12170852079000{index:02d}"}
        for index in range(1, 10)
    ]
    content.update(origin=LONG_ADDRESS, destination={**LONG_ADDRESS, "rt": "998"})


def _longest_ktp_el_card(content: dict[str, Any]) -> None:
    content.update(
        name=LONG_NAME,
        birth_place=LONG_PLACE,
        address=LONG_ADDRESS,
        occupation=LONG_OCCUPATION,
        religion="kepercayaan",
    )


def _longest_kia_card(content: dict[str, Any]) -> None:
    content.update(
        name=LONG_NAME,
        birth_place=LONG_PLACE,
        address=LONG_ADDRESS,
        head_of_family_name=LONG_NAME,
    )


_LONGEST = {
    "birth_deed": _longest_birth_deed,
    "marriage_deed": _longest_marriage_deed,
    "divorce_deed": _longest_divorce_deed,
    "death_deed": _longest_death_deed,
    "family_card": _longest_family_card,
    "moving_letter": _longest_moving_letter,
    "ktp_el_card": _longest_ktp_el_card,
    "kia_card": _longest_kia_card,
}

"""Synthetic applicants and paper photos for demos and tests.

Every person here is made up: names are invented and NIKs are generated with
a valid structure but random serials.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from typing import Any

from PIL import Image, ImageDraw

# Kemendagri code of Kecamatan Pangururan, Kabupaten Samosir, and one of its villages.
DISTRICT_CODE = "121708"
VILLAGE_CODE = "12.17.08.2001"


def synthetic_nik(birth: date, *, female: bool, rng: random.Random) -> str:
    """Build a structurally valid NIK for a made-up person."""
    day = birth.day + (40 if female else 0)
    serial = rng.randint(1, 9999)
    return f"{DISTRICT_CODE}{day:02d}{birth:%m%y}{serial:04d}"


def paper_photo(title: str, *, seed: int, size: tuple[int, int] = (900, 600)) -> bytes:
    """Draw a JPEG that looks like a photographed paper with a title on it."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (246, 243, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 20, size[1] - 20), outline=(60, 60, 60), width=3)
    draw.text((50, 50), title, fill=(20, 20, 20))
    draw.text((50, 80), "CONTOH / SAMPLE - data fiktif", fill=(150, 20, 20))
    for line in range(12):
        y = 130 + line * 35
        width = rng.randint(300, size[0] - 120)
        draw.line((50, y, 50 + width, y), fill=(90, 90, 90), width=2)
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return output.getvalue()


def birth_deed_application(seed: int = 1) -> dict[str, Any]:
    """Return the JSON form of a birth-deed application by made-up parents."""
    rng = random.Random(seed)
    child_birth = date.today() - timedelta(days=rng.randint(3, 40))
    mother_birth = date(1994, 3, 17)
    father_birth = date(1991, 11, 2)
    mother_nik = synthetic_nik(mother_birth, female=True, rng=rng)
    return {
        "applicant": {
            "nik": mother_nik,
            "name": "Rosmaida Situmorang",
            "email": f"pemohon{seed}@contoh.localhost",
            "phone": "081200000000",
            "relationship": "ibu",
        },
        "child": {
            "name": "Yohana Br. Sinaga",
            "sex": "P",
            "birth_date": child_birth.isoformat(),
            "birth_place": "Pangururan",
            "birth_order": 2,
        },
        "mother": {"nik": mother_nik, "name": "Rosmaida Situmorang"},
        "father": {
            "nik": synthetic_nik(father_birth, female=False, rng=rng),
            "name": "Tumpal Sinaga",
        },
        "village_code": VILLAGE_CODE,
    }


BIRTH_DEED_PAPERS = {
    "birth_letter": "SURAT KETERANGAN LAHIR",
    "family_card": "KARTU KELUARGA",
    "mother_id_card": "KTP-EL IBU",
    "father_id_card": "KTP-EL AYAH",
    "marriage_proof": "AKTA PERKAWINAN",
    "form_f201": "FORMULIR F-2.01",
}


def birth_deed_papers(seed: int = 1) -> dict[str, bytes]:
    """Return one generated JPEG per required paper of a birth-deed application."""
    return {
        field: paper_photo(title, seed=seed * 10 + index)
        for index, (field, title) in enumerate(BIRTH_DEED_PAPERS.items())
    }


def synthetic_kk_number(recorded: date, rng: random.Random) -> str:
    """Build a structurally valid family-card number recorded on a given day."""
    return f"{DISTRICT_CODE}{recorded:%d%m%y}{rng.randint(1, 9999):04d}"


def _person(
    name: str, birth: date, *, female: bool, rng: random.Random
) -> dict[str, Any]:
    return {
        "nik": synthetic_nik(birth, female=female, rng=rng),
        "name": name,
        "sex": "P" if female else "L",
        "birth_place": "Pangururan",
        "birth_date": birth.isoformat(),
    }


def _member(
    person: dict[str, Any], relationship: str, marital_status: str
) -> dict[str, Any]:
    return {
        **person,
        "relationship": relationship,
        "religion": "Kristen",
        "marital_status": marital_status,
        "education": "SLTA/sederajat",
        "occupation": "Petani",
        "father_name": "Ayah Contoh",
        "mother_name": "Ibu Contoh",
    }


ADDRESS = {"street": "Jalan Contoh No. 1", "rt": "001", "rw": "002"}


def application_form(service: str, seed: int = 1) -> dict[str, Any]:
    """Return a valid JSON form of one of the ten services, for made-up people."""
    rng = random.Random(seed)
    today = date.today()
    husband = _person("Tumpal Sinaga", date(1991, 11, 2), female=False, rng=rng)
    wife = _person("Rosmaida Situmorang", date(1994, 3, 17), female=True, rng=rng)
    applicant = {
        "nik": wife["nik"],
        "name": wife["name"],
        "email": f"pemohon{seed}@contoh.localhost",
        "phone": "081200000000",
        "relationship": "diri sendiri",
    }
    address = {**ADDRESS, "village_code": VILLAGE_CODE}
    kk_number = synthetic_kk_number(date(2019, 6, 3), rng)
    forms: dict[str, dict[str, Any]] = {
        "birth_deed": birth_deed_application(seed),
        "kk_new": {
            "reason": "marriage",
            "address": address,
            "members": [
                _member(husband, "kepala_keluarga", "kawin"),
                _member(wife, "istri_suami", "kawin"),
            ],
        },
        "kk_change": {
            "reason": "data_change",
            "kk_number": kk_number,
            "head": {"nik": husband["nik"], "name": husband["name"]},
            "change_description": "Penambahan anggota keluarga: anak kedua lahir",
            "address": address,
            "members": [
                _member(husband, "kepala_keluarga", "kawin"),
                _member(wife, "istri_suami", "kawin"),
            ],
        },
        "ktp_el_new": {
            "holder": {
                **_person("Lamhot Simbolon", date(2008, 1, 9), female=False, rng=rng),
                "religion": "Katolik",
                "marital_status": "belum_kawin",
                "occupation": "Pelajar/Mahasiswa",
            },
            "kk_number": kk_number,
            "address": address,
            "preferred_date": (today + timedelta(days=7)).isoformat(),
        },
        "ktp_el_reissue": {
            "holder": {
                **wife,
                "religion": "Kristen",
                "marital_status": "kawin",
                "occupation": "Wiraswasta",
            },
            "kk_number": kk_number,
            "reason": "damaged",
            "address": address,
        },
        "marriage_deed": {
            "husband": {**husband, "religion": "Kristen"},
            "wife": {**wife, "religion": "Kristen"},
            "marriage_date": (today - timedelta(days=10)).isoformat(),
            "marriage_place": "Gereja HKBP Pangururan",
            "religion": "Kristen",
            "religious_leader": "Pdt. Contoh Sihombing",
            "witnesses": [
                {
                    "nik": synthetic_nik(date(1980, 5, 5), female=False, rng=rng),
                    "name": "Saksi Pertama",
                },
                {
                    "nik": synthetic_nik(date(1982, 7, 7), female=True, rng=rng),
                    "name": "Saksi Kedua",
                },
            ],
            "village_code": VILLAGE_CODE,
        },
        "divorce_deed": {
            "former_husband": husband,
            "former_wife": wife,
            "marriage_deed_number": "1217-PK-01022015-0007",
            "court": "Pengadilan Negeri Balige",
            "ruling_number": "12/Pdt.G/2026/PN Blg",
            "ruling_date": (today - timedelta(days=40)).isoformat(),
            "final_date": (today - timedelta(days=20)).isoformat(),
            "village_code": VILLAGE_CODE,
        },
        "death_deed": {
            "deceased": _person(
                "Ompu Contoh Naibaho", date(1940, 2, 1), female=False, rng=rng
            ),
            "marital_status": "kawin",
            "death_date": (today - timedelta(days=5)).isoformat(),
            "death_place": "Pangururan",
            "cause": "Sakit",
            "kk_number": kk_number,
            "village_code": VILLAGE_CODE,
        },
        "moving_letter": {
            "head": {"nik": husband["nik"], "name": husband["name"]},
            "kk_number": kk_number,
            "members_moving": [
                {"nik": husband["nik"], "name": husband["name"]},
                {"nik": wife["nik"], "name": wife["name"]},
            ],
            "origin": address,
            "destination": {**ADDRESS, "village_code": "12.12.01.2003"},
            "reason": "Pekerjaan",
            "moving_date": (today + timedelta(days=14)).isoformat(),
            "joining_household": False,
        },
        "kia": {
            "child": _person(
                "Anak Contoh Sinaga", date(today.year - 6, 4, 4), female=False, rng=rng
            ),
            "kk_number": kk_number,
            "head_of_family": husband["name"],
            "father_name": husband["name"],
            "mother_name": wife["name"],
            "address": address,
        },
    }
    form = forms[service]
    if service != "birth_deed":
        form = {"applicant": applicant, **form}
    return form

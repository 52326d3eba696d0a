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
}


def birth_deed_papers(seed: int = 1) -> dict[str, bytes]:
    """Return one generated JPEG per required paper of a birth-deed application."""
    return {
        field: paper_photo(title, seed=seed * 10 + index)
        for index, (field, title) in enumerate(BIRTH_DEED_PAPERS.items())
    }

"""Form values as the documents print them, and region names of village codes.

The application forms and the document content models code some values
differently, for example religion ("Kristen" on the form, "kristen" on the
document) and the spouse relationship ("istri_suami" on the form, "istri"
or "suami" on the family card). Education, cause of death and reason for
moving are free text on the forms, so they are matched against known
wordings. A value without a match becomes MISSING for the operator to fill.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.regency import AreaIndex, Regency, dotted_village_code

# A value the form lacks and the operator fills from the papers. Every text
# field of a document needs at least one character, so an empty string never
# passes for a filled value.
MISSING = ""

RELIGIONS = {
    "Islam": "islam",
    "Kristen": "kristen",
    "Katolik": "katolik",
    "Hindu": "hindu",
    "Buddha": "buddha",
    "Khonghucu": "khonghucu",
    "Kepercayaan terhadap Tuhan YME": "kepercayaan",
}
MARITAL_STATUSES = frozenset({"belum_kawin", "kawin", "cerai_hidup", "cerai_mati"})
# Family-card relationships that both the form and the card code the same way.
SHARED_RELATIONSHIPS = frozenset(
    {"kepala_keluarga", "anak", "orang_tua", "famili_lain"}
)
FORM_SPOUSE = "istri_suami"
FEMALE = "P"

# Education wordings after normalising (see _words), by the family card's code.
EDUCATION_WORDINGS = {
    "tidak_sekolah": ("tidak sekolah", "belum sekolah", "tidak belum sekolah"),
    "belum_tamat_sd": ("belum tamat sd",),
    "sd": ("sd", "tamat sd"),
    "sltp": ("sltp", "smp", "tamat sltp", "tamat smp"),
    "slta": ("slta", "sma", "smk", "tamat slta", "tamat sma", "tamat smk"),
    "diploma_1_2": ("diploma i", "diploma ii", "diploma i ii", "d1", "d2"),
    "diploma_3": (
        "diploma iii",
        "d3",
        "sarjana muda",
        "akademi diploma iii sarjana muda",
    ),
    "diploma_4_s1": ("diploma iv", "d4", "s1", "strata i", "diploma iv strata i"),
    "s2": ("s2", "strata ii"),
    "s3": ("s3", "strata iii"),
}
EDUCATIONS = {
    wording: code
    for code, wordings in EDUCATION_WORDINGS.items()
    for wording in (*wordings, code.replace("_", " "))
}

# Words and phrases in a stated cause of death or reason for moving. Each
# table is checked in order, so "bunuh diri" wins over "sakit", and "rumah
# sakit" counts as health before "rumah" counts as housing.
DEATH_CAUSE_WORDS = (
    ("bunuh diri", "bunuh_diri"),
    ("kecelakaan", "kecelakaan"),
    ("wabah", "wabah"),
    ("kriminalitas", "kriminalitas"),
    ("pembunuhan", "kriminalitas"),
    ("sakit", "sakit_biasa"),
    ("tua", "sakit_biasa"),
    ("lainnya", "lainnya"),
)
MOVING_REASON_WORDS = (
    ("pekerjaan", "pekerjaan"),
    ("kerja", "pekerjaan"),
    ("bekerja", "pekerjaan"),
    ("mutasi", "pekerjaan"),
    ("pendidikan", "pendidikan"),
    ("sekolah", "pendidikan"),
    ("kuliah", "pendidikan"),
    ("keamanan", "keamanan"),
    ("kesehatan", "kesehatan"),
    ("berobat", "kesehatan"),
    ("sakit", "kesehatan"),
    ("perumahan", "perumahan"),
    ("rumah", "perumahan"),
    ("keluarga", "keluarga"),
    ("menikah", "keluarga"),
    ("lainnya", "lainnya"),
)


def _words(text: str) -> str:
    """Lower-case text with every run of non-letters as one space, "sederajat" cut."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return " ".join(word for word in words if word != "sederajat")


def field(data: Any, *path: str) -> Any:
    """Return the value at a path of keys, or MISSING where a key is absent."""
    current = data
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return MISSING
        current = current[key]
    return current


def person(data: Any) -> dict[str, Any]:
    """Return the name and NIK of a person on the form."""
    return {"name": field(data, "name"), "nik": field(data, "nik")}


def religion(value: Any) -> str:
    return RELIGIONS.get(value, MISSING) if isinstance(value, str) else MISSING


def marital_status(value: Any) -> str:
    return value if value in MARITAL_STATUSES else MISSING


def relationship(member: Mapping[str, Any]) -> str:
    """Return the family card's relationship code of one form member."""
    value = member.get("relationship")
    if value == FORM_SPOUSE:
        return "istri" if member.get("sex") == FEMALE else "suami"
    return value if value in SHARED_RELATIONSHIPS else MISSING


def education(value: Any) -> str:
    return EDUCATIONS.get(_words(value), MISSING) if isinstance(value, str) else MISSING


def death_cause(value: Any) -> str | None:
    """Return the cause category of a stated cause, None when none was stated."""
    if value is None or value == MISSING:
        return None
    return _first_match(value, DEATH_CAUSE_WORDS)


def moving_reason(value: Any) -> str:
    return _first_match(value, MOVING_REASON_WORDS)


def _first_match(value: Any, table: tuple[tuple[str, str], ...]) -> str:
    """Return the code of the first word or phrase of the table found in value."""
    if not isinstance(value, str):
        return MISSING
    padded = f" {_words(value)} "
    return next((code for words, code in table if f" {words} " in padded), MISSING)


class PlaceNames:
    """Names of the village, district, regency and province of a village code.

    Villages of the regency take the regency's names, including its name
    corrections. Other villages take the names of the national area data.
    """

    def __init__(self, regency: Regency, area: AreaIndex) -> None:
        self._regency = regency
        self._area = area

    def today(self) -> date:
        """Return the current date in the regency's time zone."""
        return self._regency.today()

    def region(self, village_code: Any) -> dict[str, str]:
        """Return the four region names, each MISSING where the code is unknown."""
        try:
            code = dotted_village_code(str(village_code))
        except ValueError:
            return dict.fromkeys(
                ("village", "district", "regency", "province"), MISSING
            )
        return {
            "village": self._village_name(code),
            "district": self._district_name(code[:8]),
            "regency": self._regency_name(code[:5]),
            "province": self._province_name(code[:2]),
        }

    def _village_name(self, code: str) -> str:
        village = self._regency.village(code) or self._area.village(code)
        return village.name if village is not None else MISSING

    def _district_name(self, code: str) -> str:
        district = self._regency.district(code)
        if district is not None:
            return district.name
        return self._area.district_name(code) or MISSING

    def _regency_name(self, code: str) -> str:
        if code == self._regency.region_code:
            return self._regency.name
        return self._area.regency_name(code) or MISSING

    def _province_name(self, code: str) -> str:
        return self._area.province_name(code) or MISSING


def address(form_address: Any, places: PlaceNames) -> dict[str, Any]:
    """Build a document address from a form address and its village code.

    The forms ask for no postal code, so it stays None, which documents allow.
    """
    return {
        "street": field(form_address, "street"),
        "rt": field(form_address, "rt"),
        "rw": field(form_address, "rw"),
        **places.region(field(form_address, "village_code")),
        "postal_code": None,
    }

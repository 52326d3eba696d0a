"""Service catalogue: the shipped file, the load-time checks and conditions."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from shared.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    Catalogue,
    CatalogueError,
    Condition,
    FormValueError,
    NumberKind,
    Output,
    ServiceEntry,
    UnknownServiceError,
    age_in_years,
    configured_catalogue_path,
    load_catalogue,
    missing_uploads,
    required_uploads,
)

TODAY = date(2026, 12, 4)
TEN_SERVICES = [
    "kk_new",
    "kk_change",
    "ktp_el_new",
    "ktp_el_reissue",
    "birth_deed",
    "marriage_deed",
    "divorce_deed",
    "death_deed",
    "moving_letter",
    "kia",
]

# A small valid catalogue that the broken cases below edit one line at a time.
MINIMAL = """
[[services]]
code = "kk_new"
name_id = "Kartu Keluarga baru"
name_en = "New family card"
division = "pendaftaran_penduduk"
form = "kk_new"
output = "a4_document"
template = "family_card"
standard_days = 1
[services.number]
kind = "family_card_number"
format = "{district}{date:%d%m%y}{serial:04d}"
[[services.requirements]]
code = "marriage_proof"
name_id = "Buku nikah atau akta perkawinan"
name_en = "Marriage book or marriage deed"
[[services.requirements.options]]
code = "marriage_book"
name_id = "Buku nikah"
name_en = "Marriage book"
[[services.requirements.options]]
code = "marriage_deed"
name_id = "Akta perkawinan"
name_en = "Marriage deed"

[[services]]
code = "ktp_el_reissue"
name_id = "KTP-el penggantian"
name_en = "Replacement ID card"
division = "pendaftaran_penduduk"
form = "ktp_el_reissue"
output = "card_print"
template = "ktp_el_card"
standard_days = 7
appointment = true
[services.number]
kind = "none"
[[services.requirements]]
code = "family_card"
name_id = "Kartu Keluarga"
name_en = "Family card"
[[services.requirements]]
code = "police_loss_report"
name_id = "Surat keterangan kehilangan"
name_en = "Police loss report"
[services.requirements.when]
field = "reason"
equals = "lost"

[[services]]
code = "birth_deed"
name_id = "Akta Kelahiran"
name_en = "Birth deed"
division = "pencatatan_sipil"
form = "birth_deed"
output = "a4_document"
template = "birth_deed"
standard_days = 1
[services.number]
kind = "deed_register"
letters = "LT"
format = "{region}-{letters}-{date:%d%m%Y}-{serial:04d}"
[[services.requirements]]
code = "birth_letter"
name_id = "Surat keterangan lahir"
name_en = "Birth letter"

[[services]]
code = "death_deed"
name_id = "Akta Kematian"
name_en = "Death deed"
division = "pencatatan_sipil"
form = "death_deed"
output = "a4_document"
template = "death_deed"
standard_days = 1
report_deadline_days = 30
[services.number]
kind = "deed_register"
letters = "KM"
format = "{region}-{letters}-{date:%d%m%Y}-{serial:04d}"
[[services.requirements]]
code = "death_letter"
name_id = "Surat keterangan kematian"
name_en = "Death letter"
"""

# (case, text replaced, replacement, expected entry and field of the message)
BROKEN = [
    (
        "unknown division",
        'division = "pencatatan_sipil"\nform = "death_deed"',
        'division = "pencatatan"\nform = "death_deed"',
        "service 4 (death_deed): division: ",
    ),
    (
        "duplicate service code",
        'code = "death_deed"',
        'code = "birth_deed"',
        "service 4 (birth_deed): code: 'birth_deed' is already used by service 3",
    ),
    (
        "unknown placeholder",
        'format = "{region}-{letters}-{date:%d%m%Y}-{serial:04d}"\n'
        "[[services.requirements]]\n"
        'code = "birth_letter"',
        'format = "{regency}-{letters}-{date:%d%m%Y}-{serial:04d}"\n'
        "[[services.requirements]]\n"
        'code = "birth_letter"',
        "service 3 (birth_deed): number.format: ",
    ),
    (
        "invalid format spec",
        'letters = "KM"\nformat = "{region}-{letters}-{date:%d%m%Y}-{serial:04d}"',
        'letters = "KM"\nformat = "{region}-{letters}-{date:%d%m%Y}-{serial:%d}"',
        "service 4 (death_deed): number.format: ",
    ),
    (
        "unbalanced brace",
        'letters = "KM"\nformat = "{region}-{letters}-{date:%d%m%Y}-{serial:04d}"',
        'letters = "KM"\nformat = "{region}-{letters}-{date:%d%m%Y}-{serial:04d"',
        "service 4 (death_deed): number.format: ",
    ),
    (
        "format without serial",
        'letters = "KM"\nformat = "{region}-{letters}-{date:%d%m%Y}-{serial:04d}"',
        'letters = "KM"\nformat = "{region}-{letters}-{date:%d%m%Y}"',
        "service 4 (death_deed): number.format: the format does not use {serial}",
    ),
    (
        "format without year",
        'letters = "KM"\nformat = "{region}-{letters}-{date:%d%m%Y}-{serial:04d}"',
        'letters = "KM"\nformat = "{region}-{letters}-{date:%d%m}-{serial:04d}"',
        "service 4 (death_deed): number.format: the format does not show the year",
    ),
    (
        "family card number not 16 digits",
        'format = "{district}{date:%d%m%y}{serial:04d}"',
        'format = "{district}{date:%d%m%Y}{serial:04d}"',
        "service 1 (kk_new): number.format: a family card number is 16 digits",
    ),
    (
        "letters outside a deed register",
        'kind = "family_card_number"',
        'kind = "family_card_number"\nletters = "KK"',
        "service 1 (kk_new): number.letters: only deed registers have letters",
    ),
    (
        "deed register without letters",
        'letters = "KM"\n',
        "",
        "service 4 (death_deed): number.letters: a deed register needs letters",
    ),
    (
        "duplicate register letters",
        'letters = "KM"',
        'letters = "LT"',
        "service 4 (death_deed): number.letters: 'LT' is already used by service 3",
    ),
    (
        "condition with two operators",
        'equals = "lost"',
        'equals = "lost"\npresent = true',
        "service 2 (ktp_el_reissue): requirements[2].when: give exactly one of "
        "equals, in, present, age_at_least, age_below",
    ),
    (
        "condition without operator",
        'equals = "lost"',
        "",
        "service 2 (ktp_el_reissue): requirements[2].when: give exactly one of",
    ),
    (
        "condition comparing a list",
        'equals = "lost"',
        'equals = ["lost"]',
        "service 2 (ktp_el_reissue): requirements[2].when.equals: ",
    ),
    (
        "condition with empty in",
        'equals = "lost"',
        "in = []",
        "service 2 (ktp_el_reissue): requirements[2].when.in: the list is empty",
    ),
    (
        "as_of without an age",
        'equals = "lost"',
        'equals = "lost"\nas_of = "lost_on"',
        "service 2 (ktp_el_reissue): requirements[2].when.as_of: ",
    ),
    (
        "card service with a deed register",
        'kind = "none"',
        'kind = "deed_register"\nletters = "KT"\n'
        'format = "{region}-{letters}-{date:%d%m%Y}-{serial:04d}"',
        "service 2 (ktp_el_reissue): number.kind: a card_print service has no "
        "deed_register",
    ),
    (
        "document without a number",
        'kind = "deed_register"\nletters = "KM"\n'
        'format = "{region}-{letters}-{date:%d%m%Y}-{serial:04d}"',
        'kind = "none"',
        "service 4 (death_deed): number.kind: an a4_document needs a number",
    ),
    (
        "deed register in population registration",
        'division = "pencatatan_sipil"\nform = "death_deed"',
        'division = "pendaftaran_penduduk"\nform = "death_deed"',
        "service 4 (death_deed): division: deeds belong to the civil registry",
    ),
    (
        "missing name_en",
        'name_en = "Death deed"\n',
        "",
        "service 4 (death_deed): name_en: missing",
    ),
    (
        "misspelt field",
        "appointment = true",
        "apointment = true",
        "service 2 (ktp_el_reissue): apointment: unknown field",
    ),
    (
        "duplicate requirement code",
        'code = "police_loss_report"',
        'code = "family_card"',
        "service 2 (ktp_el_reissue): requirements[2].code: upload code "
        "'family_card' is used twice",
    ),
    (
        "option code equal to a requirement code",
        'code = "marriage_deed"',
        'code = "marriage_proof"',
        "service 1 (kk_new): requirements[1].options[2].code: upload code "
        "'marriage_proof' is used twice",
    ),
    (
        "single option",
        '[[services.requirements.options]]\ncode = "marriage_deed"\n'
        'name_id = "Akta perkawinan"\nname_en = "Marriage deed"\n',
        "",
        "service 1 (kk_new): requirements[1].options: a single option",
    ),
    (
        "code with capitals",
        'code = "kk_new"',
        'code = "KK_new"',
        "service 1 (KK_new): code: ",
    ),
    (
        "negative standard",
        "standard_days = 7",
        "standard_days = -1",
        "service 2 (ktp_el_reissue): standard_days: ",
    ),
    (
        "service without requirements",
        '[[services.requirements]]\ncode = "death_letter"\n'
        'name_id = "Surat keterangan kematian"\nname_en = "Death letter"\n',
        "",
        "service 4 (death_deed): requirements: missing",
    ),
]


def write_catalogue(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue(DEFAULT_CATALOGUE_PATH)


def codes(requirements: list[Any]) -> list[str]:
    return [requirement.code for requirement in requirements]


def test_shipped_catalogue_has_ten_services(shipped: Catalogue) -> None:
    assert list(shipped.codes) == TEN_SERVICES


def test_shipped_catalogue_outputs_and_numbering(shipped: Catalogue) -> None:
    cards = {"ktp_el_new", "ktp_el_reissue", "kia"}
    for entry in shipped.services:
        expected = Output.CARD_PRINT if entry.code in cards else Output.A4_DOCUMENT
        assert entry.output is expected, entry.code
        assert (entry.number.kind is NumberKind.NONE) == (entry.code in cards)
        assert entry.form == entry.code


def test_shipped_catalogue_deed_letters_differ(shipped: Catalogue) -> None:
    deeds = ["birth_deed", "marriage_deed", "divorce_deed", "death_deed"]
    letters = [shipped.service(code).number.letters for code in deeds]
    assert None not in letters
    assert len(set(letters)) == 4


def test_shipped_catalogue_report_deadlines(shipped: Catalogue) -> None:
    deadlines = {e.code: e.report_deadline_days for e in shipped.services}
    assert deadlines.pop("death_deed") == 30
    assert deadlines.pop("divorce_deed") == 60
    assert set(deadlines.values()) == {None}


def test_shipped_catalogue_appointments(shipped: Catalogue) -> None:
    with_appointment = {e.code for e in shipped.services if e.appointment}
    assert with_appointment == {"ktp_el_new", "ktp_el_reissue"}


def test_shipped_birth_deed_keeps_upload_codes(shipped: Catalogue) -> None:
    entry = shipped.service("birth_deed")
    names = codes(list(entry.requirements))
    for code in [
        "birth_letter",
        "family_card",
        "mother_id_card",
        "father_id_card",
        "marriage_proof",
    ]:
        assert code in names


def test_birth_deed_number_renders(shipped: Catalogue) -> None:
    number = shipped.service("birth_deed").number.render(
        region="1217", district="121708", issued_on=TODAY, serial=1
    )
    assert number == "1217-LT-04122026-0001"


def test_family_card_number_renders(shipped: Catalogue) -> None:
    number = shipped.service("kk_new").number.render(
        region="1217", district="121708", issued_on=TODAY, serial=42
    )
    assert number == "1217080412260042"


def test_card_number_render_raises(shipped: Catalogue) -> None:
    with pytest.raises(ValueError, match="NIK"):
        shipped.service("kia").number.render(
            region="1217", district="121708", issued_on=TODAY, serial=1
        )


def test_service_unknown_code_names_known(shipped: Catalogue) -> None:
    with pytest.raises(UnknownServiceError) as caught:
        shipped.service("passport")
    assert isinstance(caught.value, KeyError)
    assert "'passport'" in str(caught.value)
    assert "kk_new, kk_change" in str(caught.value)


def test_minimal_catalogue_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path, MINIMAL))
    assert catalogue.codes == ("kk_new", "ktp_el_reissue", "birth_deed", "death_deed")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_load_catalogue_names_broken_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in MINIMAL
    path = write_catalogue(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert f"{path}: {expected}" in str(caught.value)
    assert len(caught.value.problems) == 1, caught.value.problems


def test_load_catalogue_lists_every_problem(tmp_path: Path) -> None:
    text = MINIMAL.replace('name_en = "Death deed"\n', "").replace(
        "standard_days = 7", "standard_days = -1"
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(write_catalogue(tmp_path, text))
    assert len(caught.value.problems) == 2


def test_load_catalogue_invalid_toml(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, MINIMAL.replace('code = "kk_new"', "code = kk"))
    with pytest.raises(CatalogueError, match="invalid TOML"):
        load_catalogue(path)


def test_load_catalogue_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="file not found; set DOMPAK_CATALOGUE"):
        load_catalogue(tmp_path / "absent.toml")


def test_load_catalogue_without_services(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="title: unknown field") as caught:
        load_catalogue(write_catalogue(tmp_path, 'title = "x"\n'))
    assert "services: missing" in str(caught.value)


def test_load_catalogue_empty_requirements(tmp_path: Path) -> None:
    death_letter = (
        '[[services.requirements]]\ncode = "death_letter"\n'
        'name_id = "Surat keterangan kematian"\nname_en = "Death letter"\n'
    )
    text = MINIMAL.replace(death_letter, "").replace(
        "report_deadline_days = 30\n", "report_deadline_days = 30\nrequirements = []\n"
    )
    expected = "service 4 (death_deed): requirements: the list is empty"
    with pytest.raises(CatalogueError, match=re.escape(expected)):
        load_catalogue(write_catalogue(tmp_path, text))


def test_load_catalogue_empty_services(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="services: the list is empty"):
        load_catalogue(write_catalogue(tmp_path, "services = []\n"))


def test_configured_path_reads_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOMPAK_CATALOGUE", str(tmp_path / "office.toml"))
    assert configured_catalogue_path() == tmp_path / "office.toml"
    monkeypatch.delenv("DOMPAK_CATALOGUE")
    assert configured_catalogue_path() == DEFAULT_CATALOGUE_PATH


@pytest.mark.parametrize(
    ("reason", "needed", "not_needed"),
    [
        ("lost", "police_loss_report", "damaged_id_card"),
        ("damaged", "damaged_id_card", "police_loss_report"),
    ],
)
def test_required_uploads_ktp_reissue_reason(
    shipped: Catalogue, reason: str, needed: str, not_needed: str
) -> None:
    entry = shipped.service("ktp_el_reissue")
    required = codes(required_uploads(entry, {"reason": reason}, today=TODAY))
    assert needed in required
    assert not_needed not in required
    assert "change_proof" not in required


def test_required_uploads_kk_change_lost(shipped: Catalogue) -> None:
    entry = shipped.service("kk_change")
    required = codes(required_uploads(entry, {"reason": "lost"}, today=TODAY))
    assert required == ["head_id_card", "police_loss_report"]


@pytest.mark.parametrize(
    ("birth_date", "photo_needed"),
    [
        ("2021-12-05", False),  # 4 years old, 5 tomorrow
        ("2021-12-04", True),  # 5 today
        ("2018-01-01", True),
    ],
)
def test_required_uploads_kia_photo_from_age_five(
    shipped: Catalogue, birth_date: str, photo_needed: bool
) -> None:
    form = {"child": {"birth_date": birth_date}, "father_name": "Ayah Contoh"}
    required = codes(required_uploads(shipped.service("kia"), form, today=TODAY))
    assert ("child_photo" in required) is photo_needed
    assert "father_id_card" in required


def test_required_uploads_accepts_date_objects(shipped: Catalogue) -> None:
    entry = shipped.service("kia")
    form = {"child": {"birth_date": date(2020, 1, 1)}}
    assert "child_photo" in codes(required_uploads(entry, form, today=TODAY))


def test_required_uploads_birth_deed_without_father(shipped: Catalogue) -> None:
    entry = shipped.service("birth_deed")
    required = codes(required_uploads(entry, {"father": None}, today=TODAY))
    assert "father_id_card" not in required
    assert "marriage_proof" not in required
    assert "mother_id_card" in required


def test_required_uploads_dispensation_at_marriage(
    shipped: Catalogue,
) -> None:
    entry = shipped.service("marriage_deed")
    form = {
        "marriage_date": "2026-10-01",
        "husband": {"birth_date": "2007-11-01", "previously_married": False},
        "wife": {"birth_date": "2000-01-01", "previously_married": True},
    }
    required = codes(required_uploads(entry, form, today=TODAY))
    # The groom is 19 today but was 18 on the day of the marriage.
    assert "groom_court_dispensation" in required
    assert "bride_court_dispensation" not in required
    assert "bride_former_marriage_end" in required
    assert "groom_former_marriage_end" not in required


def test_required_uploads_moving_into_household(shipped: Catalogue) -> None:
    entry = shipped.service("moving_letter")
    joining = codes(required_uploads(entry, {"joining_household": True}, today=TODAY))
    alone = codes(required_uploads(entry, {"joining_household": False}, today=TODAY))
    assert "host_consent" in joining
    assert "host_consent" not in alone


@pytest.mark.parametrize("uploaded", ["marriage_book", "marriage_deed"])
def test_missing_uploads_either_option_satisfies(
    shipped: Catalogue, uploaded: str
) -> None:
    entry = shipped.service("kk_new")
    form = {"reason": "marriage"}
    missing = missing_uploads(entry, form, ["form_f102", uploaded], today=TODAY)
    assert missing == []


def test_missing_uploads_lists_unsatisfied(shipped: Catalogue) -> None:
    entry = shipped.service("kk_new")
    missing = missing_uploads(entry, {"reason": "marriage"}, ["form_f102"], today=TODAY)
    assert codes(missing) == ["marriage_proof"]


def test_missing_uploads_requirement_code_satisfies(shipped: Catalogue) -> None:
    entry = shipped.service("birth_deed")
    uploaded = [
        "birth_letter",
        "family_card",
        "mother_id_card",
        "father_id_card",
        "marriage_proof",
        "form_f201",
    ]
    form = {"father": {"nik": "1217081503900001"}}
    assert missing_uploads(entry, form, uploaded, today=TODAY) == []


def test_missing_uploads_ignores_other_option_groups(shipped: Catalogue) -> None:
    entry = shipped.service("birth_deed")
    form = {"father": {"nik": "1217081503900001"}}
    uploaded = ["birth_sptjm", "family_card", "mother_id_card", "form_f201"]
    missing = missing_uploads(entry, form, uploaded, today=TODAY)
    assert codes(missing) == ["father_id_card", "marriage_proof"]


def condition(**fields: Any) -> Condition:
    return Condition.model_validate(fields)


def test_condition_in_matches_listed_values() -> None:
    when = condition(field="reason", **{"in": ["lost", "damaged"]})
    assert when.evaluate({"reason": "damaged"}, TODAY)
    assert not when.evaluate({"reason": "data_change"}, TODAY)


def test_condition_present_false_on_absent_field() -> None:
    when = condition(field="father.nik", present=False)
    assert when.evaluate({}, TODAY)
    assert when.evaluate({"father": None}, TODAY)
    assert when.evaluate({"father": {"nik": ""}}, TODAY)
    assert not when.evaluate({"father": {"nik": "1217081503900001"}}, TODAY)


def test_condition_absent_field_is_false() -> None:
    assert not condition(field="reason", equals="lost").evaluate({}, TODAY)
    assert not condition(field="child.birth_date", age_below=5).evaluate({}, TODAY)


def test_condition_true_does_not_equal_one() -> None:
    when = condition(field="count", equals=1)
    assert when.evaluate({"count": 1}, TODAY)
    assert not when.evaluate({"count": True}, TODAY)


def test_condition_age_below_boundary() -> None:
    when = condition(field="birth_date", age_below=17)
    assert when.evaluate({"birth_date": "2009-12-05"}, TODAY)
    assert not when.evaluate({"birth_date": "2009-12-04"}, TODAY)


def test_condition_reads_datetime_strings() -> None:
    when = condition(field="birth_date", age_at_least=5)
    assert when.evaluate({"birth_date": "2021-12-04T08:30:00+07:00"}, TODAY)
    assert when.evaluate({"birth_date": datetime(2021, 12, 4, 8, 30)}, TODAY)


def test_condition_rejects_non_date() -> None:
    when = condition(field="child.birth_date", age_at_least=5)
    with pytest.raises(FormValueError, match=r"child\.birth_date"):
        when.evaluate({"child": {"birth_date": "4 Dec 2021"}}, TODAY)


def test_age_in_years_leap_day_birthday() -> None:
    born = date(2020, 2, 29)
    assert age_in_years(born, date(2025, 2, 28)) == 4
    assert age_in_years(born, date(2025, 3, 1)) == 5
    assert age_in_years(born, date(2024, 2, 29)) == 4


def test_service_entry_is_frozen(shipped: Catalogue) -> None:
    entry: ServiceEntry = shipped.service("kia")
    with pytest.raises(ValueError, match="frozen"):
        entry.standard_days = 2  # type: ignore[misc]

"""Labelled rows of a stored form, as the front office reads them."""

from __future__ import annotations

from services.intake.form_labels import FormRow, field_label, form_rows

VILLAGES = {"12.17.08.2001": "Lumban SS Dolok"}


def test_nested_group_gets_heading_row() -> None:
    rows = form_rows({"mother": {"nik": "1217085703940001", "name": "Rosa"}}, "id", {})

    assert rows == [
        FormRow("Ibu", "", 0),
        FormRow("NIK", "1217085703940001", 1),
        FormRow("Nama", "Rosa", 1),
    ]


def test_list_items_are_numbered() -> None:
    rows = form_rows({"witnesses": [{"name": "A"}, {"name": "B"}]}, "en", {})

    assert [row.label for row in rows] == ["Witnesses 1", "Name", "Witnesses 2", "Name"]


def test_values_are_translated() -> None:
    rows = form_rows(
        {"sex": "P", "previously_married": False, "village_code": "12.17.08.2001"},
        "id",
        VILLAGES,
    )

    assert [row.value for row in rows] == [
        "Perempuan",
        "Tidak",
        "12.17.08.2001 (Lumban SS Dolok)",
    ]


def test_empty_values_are_left_out() -> None:
    rows = form_rows({"father": None, "email": "", "members": []}, "id", {})

    assert rows == []


def test_unknown_field_named_in_words() -> None:
    assert field_label("court_district", "id") == "Court district"
    assert field_label("birth_place", "en") == "Place of birth"

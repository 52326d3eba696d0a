"""HTML form fields generated from a service form's JSON Schema.

`build_fields` turns the schema into a tree of fields that the template
renders: nested objects become fieldsets, lists of objects become repeated
fieldsets, enums become selects, dates become date inputs, and patterns and
lengths become input attributes. Field names are dotted paths of the JSON
document (`applicant.nik`, `members.0.name`), the same paths the form
validation reports problems on, so each problem is shown next to its field.
`to_document` reads posted values back into the JSON document, and
`to_values` flattens a saved document for display.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from pydantic import BaseModel

from services.intake.form_labels import FIELD_LABELS
from services.intake.forms.fields import check_regency_village

# Labels (Indonesian, English) that read better on an input than the
# display labels of the stored form.
INPUT_LABELS: dict[str, tuple[str, str]] = {
    "street": ("Jalan / dusun", "Street / hamlet"),
    "village_code": ("Desa / kelurahan", "Village"),
}

# Option labels (Indonesian, English) by enum value.
OPTION_LABELS: dict[str, tuple[str, str]] = {
    "L": ("Laki-laki", "Male"),
    "P": ("Perempuan", "Female"),
    "kepala_keluarga": ("Kepala keluarga", "Head of family"),
    "istri_suami": ("Istri / suami", "Wife / husband"),
    "anak": ("Anak", "Child"),
    "orang_tua": ("Orang tua", "Parent"),
    "famili_lain": ("Famili lain", "Other relative"),
    "belum_kawin": ("Belum kawin", "Single"),
    "kawin": ("Kawin", "Married"),
    "cerai_hidup": ("Cerai hidup", "Divorced"),
    "cerai_mati": ("Cerai mati", "Widowed"),
    "marriage": ("Menikah", "Marriage"),
    "split": ("Pisah KK", "Leaving a family card"),
    "moving_in": ("Pindah datang", "Moving in"),
    "data_change": ("Perubahan data", "Change of data"),
    "lost": ("Hilang", "Lost"),
    "damaged": ("Rusak", "Damaged"),
}

# Hints (Indonesian, English) by field name, shown under the input.
HINTS: dict[str, tuple[str, str]] = {
    "nik": (
        "16 angka, seperti tertulis di KTP-el atau KK",
        "16 digits, as on the KTP-el or KK",
    ),
    "kk_number": (
        "16 angka, seperti tertulis di KK",
        "16 digits, as on the family card",
    ),
    "phone": (
        "Angka saja, 8 sampai 15, boleh diawali +",
        "Digits only, 8 to 15, may start with +",
    ),
    "email": ("Contoh: nama@contoh.id", "For example name@example.id"),
    "rt": ("1 sampai 3 angka, contoh 003", "1 to 3 digits, for example 003"),
    "rw": ("1 sampai 3 angka, contoh 002", "1 to 3 digits, for example 002"),
    "village_code": (
        "Kode desa Kemendagri, contoh 12.17.08.2001",
        "Kemendagri village code, for example 12.17.08.2001",
    ),
}

ROW_INDEX = re.compile(r"^(\d+)\.")


@dataclass
class FormField:
    """One node of a generated form: an input, a fieldset or a repeated fieldset.

    `kind` is one of text, email, tel, number, date, select, checkbox,
    village (a select of the regency's villages), group and list.
    """

    name: str
    key: str
    kind: str
    required: bool = False
    attributes: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    children: list[FormField] = field(default_factory=list)
    min_items: int = 0
    max_items: int = 1

    def label(self) -> tuple[str, str]:
        labels = INPUT_LABELS.get(self.key) or FIELD_LABELS.get(self.key)
        return labels or (self.key.replace("_", " ").capitalize(),) * 2

    def hint(self) -> tuple[str, str] | None:
        # A village chosen from the list needs no hint on its code.
        if self.kind == "village":
            return None
        return HINTS.get(self.key)

    def option_label(self, value: str) -> tuple[str, str]:
        return OPTION_LABELS.get(value, (value, value))

    def row(self, index: int) -> list[FormField]:
        """Return the fields of row `index` of a list, named for that row."""
        return [_renamed(child, f"{self.name}.{index}") for child in self.children]


def _renamed(node: FormField, prefix: str) -> FormField:
    name = f"{prefix}.{node.key}"
    children = [_renamed(child, name) for child in node.children]
    if node.kind == "list":
        children = node.children
    return FormField(
        name=name,
        key=node.key,
        kind=node.kind,
        required=node.required,
        attributes=node.attributes,
        options=node.options,
        children=children,
        min_items=node.min_items,
        max_items=node.max_items,
    )


def build_fields(model: type[BaseModel]) -> list[FormField]:
    """Build the form tree of a service form from its JSON Schema."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    regency_villages = regency_village_paths(model)
    return _object_fields(schema, definitions, "", regency_villages)


def _object_fields(
    schema: Mapping[str, Any],
    definitions: Mapping[str, Any],
    prefix: str,
    regency_villages: set[str],
) -> list[FormField]:
    required = set(schema.get("required", ()))
    fields = []
    for key, property_schema in schema.get("properties", {}).items():
        name = f"{prefix}.{key}" if prefix else key
        node = _field(
            key, name, property_schema, definitions, regency_villages, key in required
        )
        fields.append(node)
    return fields


def _resolve(
    schema: Mapping[str, Any], definitions: Mapping[str, Any]
) -> tuple[Mapping[str, Any], bool]:
    """Follow `$ref` and unwrap `X | None`; return the schema and whether it is
    nullable."""
    nullable = False
    if "anyOf" in schema:
        variants = [v for v in schema["anyOf"] if v.get("type") != "null"]
        nullable = len(variants) < len(schema["anyOf"])
        schema = variants[0]
    if "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
    return schema, nullable


def _field(
    key: str,
    name: str,
    raw: Mapping[str, Any],
    definitions: Mapping[str, Any],
    regency_villages: set[str],
    required: bool,
) -> FormField:
    schema, nullable = _resolve(raw, definitions)
    required = required and not nullable
    kind = schema.get("type")
    if kind == "object":
        children = _object_fields(schema, definitions, name, regency_villages)
        if not required:
            _make_optional(children)
        return FormField(name, key, "group", required=required, children=children)
    if kind == "array":
        item, _ = _resolve(schema["items"], definitions)
        children = _object_fields(item, definitions, "", regency_villages)
        return FormField(
            name,
            key,
            "list",
            required=required,
            children=children,
            min_items=schema.get("minItems", 0),
            max_items=schema.get("maxItems", 10),
        )
    if "enum" in schema:
        return FormField(
            name, key, "select", required=required, options=list(schema["enum"])
        )
    if key == "village_code" and _list_free(name) in regency_villages:
        return FormField(name, key, "village", required=required)
    attributes = _attributes(schema)
    if key == "email":
        # The browser checks addresses itself, and the schema's pattern is no
        # valid HTML pattern: browsers compile it with the `v` flag, where
        # the `-` at the end of its character class is a syntax error.
        attributes.pop("pattern", None)
    return FormField(name, key, _input_kind(key, schema), required, attributes)


def _make_optional(fields: list[FormField]) -> None:
    """Clear `required` below an optional fieldset, which may stay empty."""
    for node in fields:
        node.required = False
        _make_optional(node.children)


def _input_kind(key: str, schema: Mapping[str, Any]) -> str:
    if schema.get("type") == "boolean":
        return "checkbox"
    if schema.get("type") == "integer":
        return "number"
    if schema.get("format") == "date":
        return "date"
    if key == "email":
        return "email"
    if key == "phone":
        return "tel"
    return "text"


def _attributes(schema: Mapping[str, Any]) -> dict[str, str]:
    attributes = {}
    for source, target in (
        ("pattern", "pattern"),
        ("minLength", "minlength"),
        ("maxLength", "maxlength"),
        ("minimum", "min"),
        ("maximum", "max"),
    ):
        if source in schema:
            attributes[target] = str(schema[source])
    pattern = attributes.get("pattern")
    if pattern is not None:
        # The HTML attribute always matches the whole value, so anchors go.
        attributes["pattern"] = pattern.removeprefix("^").removesuffix("$")
    if pattern is not None and set(pattern) <= set("^$[]{}0-9,"):
        attributes["inputmode"] = "numeric"
    return attributes


def _list_free(name: str) -> str:
    return re.sub(r"\.\d+(?=\.|$)", "", name)


def regency_village_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Dotted paths of the fields that must name a village of the regency."""
    paths: set[str] = set()
    for key, info in model.model_fields.items():
        path = f"{prefix}.{key}" if prefix else key
        validators = [getattr(m, "func", None) for m in info.metadata]
        if check_regency_village in validators:
            paths.add(path)
        for nested in _models_in(info.annotation):
            paths |= regency_village_paths(nested, path)
    return paths


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for argument in get_args(annotation):
        found.extend(_models_in(argument))
    return found


# Posted values <-> JSON document -----------------------------------------


def to_document(fields: list[FormField], posted: Mapping[str, str]) -> dict[str, Any]:
    """Build the JSON document from posted values, leaving out empty inputs."""
    document: dict[str, Any] = {}
    for node in fields:
        value = _value_of(node, posted)
        if value is not None:
            document[node.key] = value
    return document


def _value_of(node: FormField, posted: Mapping[str, str]) -> Any:
    if node.kind == "group":
        nested = to_document(node.children, posted)
        return nested or None
    if node.kind == "list":
        rows = []
        for index in row_indexes(node.name, posted):
            row = to_document(node.row(index), posted)
            if row:
                rows.append(row)
        return rows or None
    if node.kind == "checkbox":
        return node.name in posted
    raw = posted.get(node.name, "").strip()
    if not raw:
        return None
    if node.kind == "number" and raw.lstrip("-").isdigit():
        return int(raw)
    return raw


def row_indexes(name: str, posted: Mapping[str, Any]) -> list[int]:
    """Return the row numbers of a list field that the posted values contain."""
    prefix = f"{name}."
    indexes = set()
    for key in posted:
        if key.startswith(prefix):
            match = ROW_INDEX.match(key[len(prefix) :])
            if match:
                indexes.add(int(match[1]))
    return sorted(indexes)


def to_values(document: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten a JSON document to input values by dotted name."""
    values: dict[str, str] = {}
    for key, value in document.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            values.update(to_values(value, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    values.update(to_values(item, f"{name}.{index}"))
        elif isinstance(value, bool):
            if value:
                values[name] = "on"
        elif value is not None:
            values[name] = str(value)
    return values


def row_count(node: FormField, values: Mapping[str, str]) -> int:
    """Return how many rows of a list field to show: its saved rows, at least min."""
    saved = row_indexes(node.name, values)
    shown = (max(saved) + 1) if saved else 0
    return min(max(shown, node.min_items, 1), node.max_items)

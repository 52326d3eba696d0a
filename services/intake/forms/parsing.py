"""Reading the `application` JSON into a form, with errors a resident can act on.

Pydantic's own messages ("String should match pattern ...", "Field
required") name neither the value nor the fix. Each problem here carries the
field, a plain message with a hint, and the offending input, shortened.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from services.intake.forms.common import ApplicationForm
from shared.errors import ValidationFailedError

MAX_SHOWN_INPUT = 60
DATE_HINT = "is not a date; write it as YYYY-MM-DD, for example 2024-05-17"
WHOLE_NUMBER_HINT = "must be a whole number, for example 2"

# Hints by pydantic error type; `{name}` placeholders come from the error's ctx.
HINTS: dict[str, str] = {
    "missing": "is required; fill it in",
    "greater_than_equal": "must be {ge} or more",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be {le} or less",
    "less_than": "must be less than {lt}",
    "date_parsing": DATE_HINT,
    "date_from_datetime_parsing": DATE_HINT,
    "date_from_datetime_inexact": DATE_HINT,
    "date_type": DATE_HINT,
    "enum": "is not an allowed value; choose one of {expected}",
    "literal_error": "is not an allowed value; choose one of {expected}",
    "string_too_long": "has more than {max_length} characters; shorten it",
    "string_too_short": "needs at least {min_length} characters; write it out in full",
    "too_short": "needs at least {min_length} entries",
    "too_long": "has more than {max_length} entries; send at most {max_length}",
    "int_parsing": WHOLE_NUMBER_HINT,
    "int_type": WHOLE_NUMBER_HINT,
    "int_from_float": WHOLE_NUMBER_HINT,
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": 'must be text in double quotes, for example "Pangururan"',
    "list_type": "must be a JSON list, written in [ ]",
}

# Hints for a value that does not match its field's pattern, by field name.
PATTERN_HINTS: dict[str, str] = {
    "email": "is not an email address; give an address like nama@contoh.id",
    "phone": "is not a phone number; use digits only, 8 to 15, optionally "
    "starting with +, for example +6281234567890",
    "rt": "must be 1 to 3 digits, as on the KK, for example 003",
    "rw": "must be 1 to 3 digits, as on the KK, for example 002",
}

OBJECT_TYPES = ("model_type", "dict_type", "model_attributes_type")


def parse_application(
    form_class: type[ApplicationForm], raw: str | None, context: dict[str, Any]
) -> ApplicationForm:
    """Validate the raw `application` field against a service's form.

    Raises ValidationFailedError with one problem per invalid field.
    """
    data = load_json(raw)
    try:
        return form_class.model_validate(data, context=context)
    except ValidationError as error:
        problems = [describe_problem(form_class, item) for item in error.errors()]
        summary = "; ".join(_summarise(problem) for problem in problems)
        raise ValidationFailedError(
            f"the application is invalid: {summary}", problems=problems
        ) from error


def load_json(raw: str | None) -> Any:
    """Decode the `application` field, rejecting what json cannot read."""
    if raw is None:
        raise ValidationFailedError(
            "the form field 'application' is missing; send the application data "
            "as JSON in it"
        )
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValidationFailedError(
            f"the field 'application' is not valid JSON ({error.msg} at position "
            f"{error.pos}); send the application data as a JSON object"
        ) from error
    except RecursionError:
        raise ValidationFailedError(
            "the application JSON is nested too deeply; send one JSON object whose "
            "sections (applicant, child, ...) hold the fields of the form schema"
        ) from None
    except ValueError as error:
        # For example an integer of more than 4300 digits (CPython's limit).
        raise ValidationFailedError(
            f"the field 'application' could not be read as JSON ({error}); send the "
            "application data as a JSON object of the form schema"
        ) from error


def describe_problem(form_class: type[BaseModel], item: ErrorDetails) -> dict[str, str]:
    """Turn one pydantic error into {field, message, input}."""
    problem = {
        "field": ".".join(str(part) for part in item["loc"]) or "application",
        "message": _message(form_class, item),
    }
    shown = _show_input(item)
    if shown is not None:
        problem["input"] = shown
    return problem


def _summarise(problem: dict[str, str]) -> str:
    text = f"{problem['field']}: {problem['message']}"
    if "input" in problem:
        text += f" (got {problem['input']})"
    return text


def _message(form_class: type[BaseModel], item: ErrorDetails) -> str:
    kind = item["type"]
    context = item.get("ctx", {})
    if kind in ("value_error", "assertion_error"):
        # The forms' own validators already name the value and the fix.
        return str(context.get("error", item["msg"]))
    if kind == "string_pattern_mismatch":
        return _pattern_hint(item["loc"], context)
    if kind == "extra_forbidden":
        fields = _fields_here(form_class, item["loc"][:-1])
        return f"is not a field of this form; remove it or check its spelling{fields}"
    if kind in OBJECT_TYPES:
        fields = _fields_here(form_class, item["loc"])
        return f"must be a JSON object, written in {{ }}{fields}"
    hint = HINTS.get(kind)
    if hint is None:
        return item["msg"]
    try:
        return hint.format(**context)
    except (KeyError, IndexError):
        return item["msg"]


def _pattern_hint(location: Sequence[int | str], context: dict[str, Any]) -> str:
    names = [part for part in location if isinstance(part, str)]
    hint = PATTERN_HINTS.get(names[-1]) if names else None
    if hint is not None:
        return hint
    return f"does not have the expected form (pattern {context.get('pattern')})"


def _fields_here(form_class: type[BaseModel], location: Sequence[int | str]) -> str:
    model = _model_at(form_class, location)
    if model is None:
        return ""
    return f" (fields here: {', '.join(model.model_fields)})"


def _model_at(
    form_class: type[BaseModel], location: Sequence[int | str]
) -> type[BaseModel] | None:
    """Find the model that validates the value at `location`, if there is one."""
    model: type[BaseModel] | None = form_class
    for part in location:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _model_in(model.model_fields[part].annotation)
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """Find the model inside an annotation such as `Person | None` or `list[M]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _show_input(item: ErrorDetails) -> str | None:
    """Render the rejected input briefly, or return None for a missing value and
    for a whole form section that a form-level check rejected."""
    value = item.get("input")
    if item["type"] == "missing":
        return None
    if isinstance(value, dict):
        # A form-level check receives the whole section as input.
        if item["type"] in ("value_error", "assertion_error"):
            return None
        return "a JSON object"
    if isinstance(value, list):
        return f"a list of {len(value)} {'entry' if len(value) == 1 else 'entries'}"
    if isinstance(value, str):
        if len(value) > MAX_SHOWN_INPUT:
            return f"{value[:MAX_SHOWN_INPUT]!r}... ({len(value)} characters)"
        return repr(value)
    # Numbers, booleans and null, shown as JSON writes them.
    return json.dumps(value, default=str)[:MAX_SHOWN_INPUT]

"""Service catalogue: the services an office offers, kept as an editable TOML file.

Each entry names a service, its division, application form, output, document
numbering, service standard and the papers a resident uploads. A paper may
accept alternatives (`options`) and may be asked only under a condition on
the form data (`when`). `load_catalogue` checks the whole file at start-up
and raises `CatalogueError` with one line per problem, naming the service
entry and field. Entries and list items are counted from 1, in file order.
The format is described in docs/catalogue.md.
"""

from __future__ import annotations

import os
import string
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import structlog
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

log = structlog.get_logger()

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOGUE_PATH = REPOSITORY_ROOT / "config" / "catalogue.toml"
CATALOGUE_PATH_VARIABLE = "DOMPAK_CATALOGUE"

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
FieldPath = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$", max_length=120
    ),
]
RegisterLetters = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,6}$")]

# Sample values that every number format is rendered with at load time.
SAMPLE_REGION = "1217"
SAMPLE_DISTRICT = "121708"
SAMPLE_DATE = date(2026, 12, 4)
FAMILY_CARD_NUMBER_DIGITS = 16
OPERATORS = ("equals", "in", "present", "age_at_least", "age_below")


class Division(StrEnum):
    """Division (bidang) of the office that handles a service."""

    POPULATION_REGISTRATION = "pendaftaran_penduduk"
    CIVIL_REGISTRY = "pencatatan_sipil"


class Output(StrEnum):
    """Kind of document a service issues: a signed A4 page or a card print job."""

    A4_DOCUMENT = "a4_document"
    CARD_PRINT = "card_print"


class NumberKind(StrEnum):
    """Numbering scheme of an issued document, `none` for cards (they carry the NIK)."""

    DEED_REGISTER = "deed_register"
    FAMILY_CARD_NUMBER = "family_card_number"
    MOVING_LETTER_NUMBER = "moving_letter_number"
    NONE = "none"


class CatalogueError(Exception):
    """Unreadable or invalid catalogue file, with one message line per problem."""

    def __init__(self, path: Path, problems: Iterable[str]) -> None:
        self.path = path
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{path}: {problem}" for problem in self.problems))


class UnknownServiceError(KeyError):
    """No service in the catalogue has the requested code."""

    def __init__(self, code: str, known: Iterable[str]) -> None:
        self.code = code
        self.message = (
            f"unknown service code {code!r}; the catalogue offers: {', '.join(known)}"
        )
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class FormValueError(ValueError):
    """A form value that a catalogue condition reads has the wrong type."""


class RuleError(ValueError):
    """A broken catalogue rule, located below the model that checks it.

    `loc` continues the location pydantic reports for the model, with list
    positions counted from 0 as pydantic counts them.
    """

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def _check_scalar(value: Any) -> Any:
    if isinstance(value, str | int | float | bool):
        return value
    raise ValueError(
        f"{value!r} is not a string, number or true/false; conditions compare "
        "plain values only"
    )


Scalar = Annotated[Any, AfterValidator(_check_scalar)]


class CatalogueModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Condition(CatalogueModel):
    """Condition on one form field that decides whether a requirement is asked."""

    field: FieldPath
    equals: Scalar | None = None
    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in")
    present: bool | None = None
    age_at_least: int | None = Field(default=None, ge=0, le=150)
    age_below: int | None = Field(default=None, ge=1, le=150)
    # Form field with the date on which an age is counted, else today.
    as_of: FieldPath | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        used = [name for name in OPERATORS if self._operand(name) is not None]
        if len(used) != 1:
            raise ValueError(f"give exactly one of {', '.join(OPERATORS)}")
        if self.in_ == ():
            raise RuleError(("in",), "the list is empty; give the values to match")
        if self.as_of is not None and used[0] not in ("age_at_least", "age_below"):
            raise RuleError(
                ("as_of",),
                "as_of counts an age, so use it with age_at_least or age_below only",
            )
        return self

    def _operand(self, name: str) -> Any:
        return self.in_ if name == "in" else getattr(self, name)

    def evaluate(self, form: Mapping[str, Any], today: date) -> bool:
        """Evaluate the condition against form data.

        A field that the form leaves out or leaves empty makes every operator
        false except `present = false`.
        """
        value = field_value(form, self.field)
        if self.present is not None:
            return _is_present(value) == self.present
        if not _is_present(value):
            return False
        if self.equals is not None:
            return _same_value(value, self.equals)
        if self.in_ is not None:
            return any(_same_value(value, item) for item in self.in_)
        return self._evaluate_age(form, value, today)

    def _evaluate_age(self, form: Mapping[str, Any], value: Any, today: date) -> bool:
        counted_on = today
        if self.as_of is not None:
            as_of_value = field_value(form, self.as_of)
            if _is_present(as_of_value):
                counted_on = form_date(as_of_value, self.as_of)
        age = age_in_years(form_date(value, self.field), counted_on)
        if self.age_at_least is not None:
            return age >= self.age_at_least
        assert self.age_below is not None
        return age < self.age_below


def field_value(form: Mapping[str, Any], path: str) -> Any:
    """Return the value at a dotted path of nested form data, or None when absent."""
    value: Any = form
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def form_date(value: Any, path: str) -> date:
    """Read a form date given as a date, a datetime or an ISO 8601 string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            pass
    raise FormValueError(
        f"form field {path} is {value!r}, not a date; give it as YYYY-MM-DD"
    )


def age_in_years(born: date, on: date) -> int:
    """Return the age in whole years on a date.

    In years without 29 February, a person born on that day turns a year
    older on 1 March.
    """
    before_birthday = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - int(before_birthday)


def _is_present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, Collection) and not isinstance(value, bytes):
        return len(value) > 0
    return True


def _same_value(value: Any, expected: Any) -> bool:
    # In Python True == 1, but a form's true must not match a catalogue's 1.
    if isinstance(value, bool) != isinstance(expected, bool):
        return False
    return bool(value == expected)


class Option(CatalogueModel):
    """One paper that satisfies a requirement in place of the others."""

    code: Code
    name_id: Text
    name_en: Text


class Requirement(CatalogueModel):
    """A paper the resident uploads as a photo or scan of the original."""

    code: Code
    name_id: Text
    name_en: Text
    options: tuple[Option, ...] = ()
    when: Condition | None = None

    @model_validator(mode="after")
    def _options_are_alternatives(self) -> Requirement:
        if len(self.options) == 1:
            raise RuleError(
                ("options",),
                "a single option is no alternative; give two or more options, or none",
            )
        return self

    @property
    def accepted_codes(self) -> tuple[str, ...]:
        """Upload codes that satisfy this requirement, its own and every option's."""
        return (self.code, *(option.code for option in self.options))

    def is_satisfied_by(self, uploaded_codes: Collection[str]) -> bool:
        return any(code in uploaded_codes for code in self.accepted_codes)

    def is_required(self, form: Mapping[str, Any], today: date) -> bool:
        return self.when is None or self.when.evaluate(form, today)


class Numbering(CatalogueModel):
    """Numbering scheme of the issued document, as a Python format string.

    Placeholders: `region` (regency code without the dot, e.g. 1217),
    `district` (district code without dots, e.g. 121708), `date` (the issue
    date, formatted with strftime codes such as `{date:%d%m%Y}`), `serial`
    (the sequence number within the document type and year) and, for deed
    registers only, `letters`.
    """

    kind: NumberKind
    letters: RegisterLetters | None = None
    format: str | None = Field(default=None, min_length=1, max_length=80)

    @model_validator(mode="after")
    def _fits_kind(self) -> Numbering:
        _check_numbering_fields(self)
        if self.format is not None:
            _check_format(self)
        return self

    def render(
        self, *, region: str, district: str, issued_on: date, serial: int
    ) -> str:
        """Format the number of a document issued on a date with a claimed serial."""
        if self.format is None:
            raise ValueError(
                f"documents numbered by kind {self.kind.value!r} get no number of "
                "their own; cards carry the holder's NIK"
            )
        return self.format.format(
            region=region,
            district=district,
            letters=self.letters,
            date=issued_on,
            serial=serial,
        )

    @property
    def placeholders(self) -> frozenset[str]:
        names = {"region", "district", "date", "serial"}
        if self.kind is NumberKind.DEED_REGISTER:
            names.add("letters")
        return frozenset(names)


def _check_numbering_fields(numbering: Numbering) -> None:
    kind = numbering.kind
    if kind is NumberKind.DEED_REGISTER and numbering.letters is None:
        raise RuleError(("letters",), 'a deed register needs letters, e.g. "LT"')
    if kind is not NumberKind.DEED_REGISTER and numbering.letters is not None:
        raise RuleError(
            ("letters",), f"only deed registers have letters; remove them for {kind}"
        )
    if kind is NumberKind.NONE and numbering.format is not None:
        raise RuleError(("format",), 'kind "none" issues no number; remove the format')
    if kind is not NumberKind.NONE and numbering.format is None:
        raise RuleError(("format",), f"missing; kind {kind} needs a number format")


def _check_format(numbering: Numbering) -> None:
    assert numbering.format is not None
    _check_placeholders(numbering.format, numbering.placeholders)
    first = _render_sample(numbering, SAMPLE_DATE, 1)
    if first == _render_sample(numbering, SAMPLE_DATE, 2):
        raise RuleError(
            ("format",), "the format does not use {serial}, so every number is equal"
        )
    next_year = SAMPLE_DATE.replace(year=SAMPLE_DATE.year + 1)
    if first == _render_sample(numbering, next_year, 1):
        raise RuleError(
            ("format",),
            "the format does not show the year of the date, but serials start "
            "again each year; add e.g. {date:%Y}",
        )
    if numbering.kind is NumberKind.FAMILY_CARD_NUMBER:
        _check_family_card_number(first)


def _check_placeholders(text: str, allowed: frozenset[str]) -> None:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise RuleError(
            ("format",), f"{text!r} is not a valid format string: {error}"
        ) from None
    for _, name, _, _ in parsed:
        if name is None or name in allowed:
            continue
        raise RuleError(
            ("format",),
            f"{text!r} uses the unknown placeholder {{{name}}}; use one of "
            f"{', '.join(sorted(allowed))}",
        )


def _render_sample(numbering: Numbering, issued_on: date, serial: int) -> str:
    try:
        return numbering.render(
            region=SAMPLE_REGION,
            district=SAMPLE_DISTRICT,
            issued_on=issued_on,
            serial=serial,
        )
    except (KeyError, IndexError, AttributeError, ValueError, TypeError) as error:
        raise RuleError(
            ("format",),
            f"{numbering.format!r} fails on sample values ({error!r}); check the "
            "format spec after each colon",
        ) from None


def _check_family_card_number(sample: str) -> None:
    if len(sample) != FAMILY_CARD_NUMBER_DIGITS or not sample.isdigit():
        raise RuleError(
            ("format",),
            f"a family card number is 16 digits, but the format gives {sample!r} "
            "for district 121708, 4 December 2026 and serial 1",
        )


class ServiceEntry(CatalogueModel):
    """One service the office offers."""

    code: Code
    name_id: Text
    name_en: Text
    division: Division
    form: Code
    output: Output
    template: Code
    number: Numbering
    standard_days: int = Field(ge=0, le=60)
    report_deadline_days: int | None = Field(default=None, ge=1, le=365)
    appointment: bool = False
    requirements: tuple[Requirement, ...]

    @model_validator(mode="after")
    def _consistent(self) -> ServiceEntry:
        if not self.requirements:
            raise RuleError(
                ("requirements",), "the list is empty; add at least one requirement"
            )
        _check_unique_upload_codes(self.requirements)
        _check_output_numbering(self)
        return self


def _check_unique_upload_codes(requirements: tuple[Requirement, ...]) -> None:
    seen: set[str] = set()
    for index, requirement in enumerate(requirements):
        located: list[tuple[tuple[str | int, ...], str]] = [
            (("requirements", index, "code"), requirement.code)
        ]
        located += [
            (("requirements", index, "options", position, "code"), option.code)
            for position, option in enumerate(requirement.options)
        ]
        for loc, code in located:
            if code in seen:
                raise RuleError(
                    loc,
                    f"upload code {code!r} is used twice in this service; give "
                    "every requirement and option its own code",
                )
            seen.add(code)


def _check_output_numbering(entry: ServiceEntry) -> None:
    kind = entry.number.kind
    if entry.output is Output.CARD_PRINT and kind is not NumberKind.NONE:
        raise RuleError(
            ("number", "kind"),
            f"a card_print service has no {kind} because the card carries the "
            'NIK; use kind = "none"',
        )
    if entry.output is Output.A4_DOCUMENT and kind is NumberKind.NONE:
        raise RuleError(
            ("number", "kind"), "an a4_document needs a number; choose its kind"
        )
    if (
        kind is NumberKind.DEED_REGISTER
        and entry.division is not Division.CIVIL_REGISTRY
    ):
        raise RuleError(
            ("division",),
            'deeds belong to the civil registry; use "pencatatan_sipil"',
        )


class Catalogue(CatalogueModel):
    """Every service of the office, in the order residents see them."""

    services: tuple[ServiceEntry, ...]

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        if not self.services:
            raise RuleError(
                ("services",), "the list is empty; add at least one [[services]] entry"
            )
        _check_unique(self.services, "code", lambda entry: entry.code)
        _check_unique(self.services, "number.letters", _deed_letters)
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(entry.code for entry in self.services)

    def service(self, code: str) -> ServiceEntry:
        """Return the service with this code, or raise UnknownServiceError."""
        for entry in self.services:
            if entry.code == code:
                return entry
        raise UnknownServiceError(code, self.codes)


def _deed_letters(entry: ServiceEntry) -> str | None:
    return entry.number.letters


def _check_unique(
    services: tuple[ServiceEntry, ...],
    field: str,
    key: Callable[[ServiceEntry], str | None],
) -> None:
    first_index: dict[str, int] = {}
    for index, entry in enumerate(services):
        value = key(entry)
        if value is None:
            continue
        if value in first_index:
            raise RuleError(
                ("services", index, *field.split(".")),
                f"{value!r} is already used by service {first_index[value] + 1}; "
                "each service needs its own",
            )
        first_index[value] = index


def required_uploads(
    entry: ServiceEntry, form: Mapping[str, Any], *, today: date
) -> list[Requirement]:
    """Select the requirements whose condition is true for this form data.

    `today` is the office's local date, on which ages are counted unless a
    condition names an `as_of` field. Raises FormValueError when a field that
    a condition reads as a date contains something else.
    """
    return [
        requirement
        for requirement in entry.requirements
        if requirement.is_required(form, today)
    ]


def missing_uploads(
    entry: ServiceEntry,
    form: Mapping[str, Any],
    uploaded_codes: Iterable[str],
    *,
    today: date,
) -> list[Requirement]:
    """Select the required papers that no upload satisfies.

    A requirement with options is satisfied by an upload under its own code
    or under any one option's code.
    """
    uploaded = set(uploaded_codes)
    return [
        requirement
        for requirement in required_uploads(entry, form, today=today)
        if not requirement.is_satisfied_by(uploaded)
    ]


def load_catalogue(path: Path) -> Catalogue:
    """Read and check the catalogue file; raise CatalogueError listing every problem."""
    raw = _read_toml(path)
    try:
        catalogue = Catalogue.model_validate(raw)
    except ValidationError as error:
        problems = [describe_problem(detail, raw) for detail in error.errors()]
        raise CatalogueError(path, problems) from None
    log.info("catalogue.loaded", path=str(path), services=len(catalogue.services))
    return catalogue


def configured_catalogue_path() -> Path:
    """Return the path in DOMPAK_CATALOGUE, else config/catalogue.toml here."""
    configured = os.environ.get(CATALOGUE_PATH_VARIABLE)
    return Path(configured) if configured else DEFAULT_CATALOGUE_PATH


def load_configured_catalogue() -> Catalogue:
    return load_catalogue(configured_catalogue_path())


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise CatalogueError(
            path,
            [f"file not found; set {CATALOGUE_PATH_VARIABLE} to the catalogue file"],
        ) from None
    except OSError as error:
        raise CatalogueError(path, [f"cannot be read: {error.strerror}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(
            path, [f"invalid TOML: {error}; fix the syntax there"]
        ) from None


def describe_problem(detail: ErrorDetails, raw: Mapping[str, Any]) -> str:
    """Format one validation error as "service N (code): field: message"."""
    loc: tuple[str | int, ...] = tuple(detail["loc"])
    cause = detail.get("ctx", {}).get("error")
    message = _problem_message(detail)
    if isinstance(cause, RuleError):
        loc += cause.loc
    if len(loc) >= 2 and loc[0] == "services" and isinstance(loc[1], int):
        entry = _service_label(raw, loc[1])
        return f"{entry}: {_field_path(loc[2:]) or 'entry'}: {message}"
    return f"{_field_path(loc) or 'file'}: {message}"


def _problem_message(detail: ErrorDetails) -> str:
    cause = detail.get("ctx", {}).get("error")
    if isinstance(cause, ValueError):
        return str(cause)
    if detail["type"] == "missing":
        return "missing; add this field"
    if detail["type"] == "extra_forbidden":
        return "unknown field; check its spelling or remove it"
    return str(detail["msg"])


def _service_label(raw: Mapping[str, Any], index: int) -> str:
    services = raw.get("services")
    code = None
    if isinstance(services, list) and index < len(services):
        entry = services[index]
        code = entry.get("code") if isinstance(entry, dict) else None
    label = f"service {index + 1}"
    return f"{label} ({code})" if isinstance(code, str) else label


def _field_path(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text

"""Application forms of the ten services, by the form id the catalogue names."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from services.intake.forms.civil import (
    BirthDeedForm,
    DeathDeedForm,
    DivorceDeedForm,
    MarriageDeedForm,
)
from services.intake.forms.common import ApplicationForm
from services.intake.forms.population import (
    ChildIdCardForm,
    FamilyCardChangeForm,
    IdCardReissueForm,
    MovingLetterForm,
    NewFamilyCardForm,
    NewIdCardForm,
)
from shared.catalogue import Catalogue, CatalogueError

FORMS: dict[str, type[ApplicationForm]] = {
    "kk_new": NewFamilyCardForm,
    "kk_change": FamilyCardChangeForm,
    "ktp_el_new": NewIdCardForm,
    "ktp_el_reissue": IdCardReissueForm,
    "birth_deed": BirthDeedForm,
    "marriage_deed": MarriageDeedForm,
    "divorce_deed": DivorceDeedForm,
    "death_deed": DeathDeedForm,
    "moving_letter": MovingLetterForm,
    "kia": ChildIdCardForm,
}

__all__ = ["FORMS", "ApplicationForm", "check_catalogue"]


def check_catalogue(catalogue: Catalogue) -> None:
    """Raise CatalogueError unless every entry's form and conditions fit the forms.

    A condition on a field the form does not have would never be true, so the
    paper it guards would never be asked for.
    """
    problems: list[str] = []
    for index, entry in enumerate(catalogue.services, start=1):
        where = f"service {index} ({entry.code})"
        form = FORMS.get(entry.form)
        if form is None:
            problems.append(
                f"{where}: form: {entry.form!r} is no form of this version; choose "
                f"one of {', '.join(sorted(FORMS))}"
            )
            continue
        for number, requirement in enumerate(entry.requirements, start=1):
            condition = requirement.when
            if condition is None:
                continue
            for name, path in (("field", condition.field), ("as_of", condition.as_of)):
                if path is not None and not _has_field(form, path):
                    problems.append(
                        f"{where}: requirements[{number}].when.{name}: the "
                        f"{entry.form} form has no field {path!r}"
                    )
    if problems:
        raise CatalogueError(Path("catalogue"), problems)


def _has_field(model: type[BaseModel], path: str) -> bool:
    current: Any = model
    for part in path.split("."):
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return False
        current = _model_of(fields[part].annotation)
    return True


def _model_of(annotation: Any) -> Any:
    """Return the model inside Optional[...] or list[...], or the type itself."""
    for argument in get_args(annotation):
        if isinstance(argument, type) and issubclass(argument, BaseModel):
            return argument
        inner = _model_of(argument)
        if inner is not None and hasattr(inner, "model_fields"):
            return inner
    return annotation

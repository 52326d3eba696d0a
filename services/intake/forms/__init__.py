"""Application forms of the ten services, by the form id the catalogue names."""

from __future__ import annotations

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

__all__ = ["FORMS", "ApplicationForm"]

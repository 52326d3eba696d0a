"""Building blocks of the application forms: people, contact, address."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.intake.forms.fields import (
    Nik,
    PastDate,
    PersonName,
    PlainText,
    RegencyVillage,
    nik_is_female,
)

# Printable ASCII only: the address goes into mail headers, where control
# characters could add headers of their own.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"


class Form(BaseModel):
    """Base of every form: unknown fields are rejected, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Sex(StrEnum):
    MALE = "L"
    FEMALE = "P"


class Religion(StrEnum):
    ISLAM = "Islam"
    PROTESTANT = "Kristen"
    CATHOLIC = "Katolik"
    HINDU = "Hindu"
    BUDDHIST = "Buddha"
    CONFUCIAN = "Khonghucu"
    BELIEF = "Kepercayaan terhadap Tuhan YME"


class MaritalStatus(StrEnum):
    SINGLE = "belum_kawin"
    MARRIED = "kawin"
    DIVORCED = "cerai_hidup"
    WIDOWED = "cerai_mati"


class Contact(Form):
    """The resident who applies and is notified; often not the document's subject."""

    nik: Nik
    name: PersonName
    email: str | None = Field(default=None, pattern=EMAIL_PATTERN)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9]{8,15}$")
    relationship: PlainText = Field(
        min_length=2, max_length=40, examples=["ayah", "ibu"]
    )

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not self.email and not self.phone:
            raise ValueError(
                "give an email address or a phone number so the office can reach you"
            )
        return self


class Person(Form):
    """A person as the KK records them."""

    nik: Nik
    name: PersonName
    sex: Sex
    birth_place: PlainText = Field(min_length=2, max_length=60)
    birth_date: PastDate

    @model_validator(mode="after")
    def _sex_matches_nik(self) -> Person:
        female = nik_is_female(self.nik)
        if female != (self.sex == Sex.FEMALE):
            expected = "a woman's (day + 40)" if self.sex == Sex.FEMALE else "a man's"
            raise ValueError(
                f"NIK {self.nik!r} does not match sex {self.sex.value}: it should be "
                f"{expected} NIK; check digits 7-8 and the stated sex"
            )
        return self


class NamedNik(Form):
    nik: Nik
    name: PersonName


class Address(Form):
    """An address inside the regency."""

    street: PlainText = Field(min_length=2, max_length=80)
    rt: str = Field(pattern=r"^[0-9]{1,3}$", description="Rukun tetangga")
    rw: str = Field(pattern=r"^[0-9]{1,3}$", description="Rukun warga")
    village_code: RegencyVillage


class ApplicationForm(Form):
    """Base of the ten application forms."""

    # False for the civil-registry events (birth, marriage, divorce, death),
    # which are registered once; True for cards and letters that a person may
    # need again after the earlier one was handed over.
    subject_reusable_after_completion: ClassVar[bool] = False

    applicant: Contact

    def subject_key(self) -> str:
        """Return a stable key of the document's subject, to spot duplicates.

        Two applications of one service with the same key ask for the same
        document about the same person or event.
        """
        raise NotImplementedError

    def flags(self, today: date) -> list[str]:
        """Return remarks for staff about this form, such as a missing permit."""
        return []

    def report_date(self) -> date | None:
        """Return the day of the event the law sets a reporting period from."""
        return None

    def late_report(self, today: date, deadline_days: int | None) -> str | None:
        """Describe a report made after the catalogue's deadline, or return None.

        Late reports are flagged for staff, not rejected.
        """
        event_day = self.report_date()
        if deadline_days is None or event_day is None:
            return None
        days = (today - event_day).days
        if days <= deadline_days:
            return None
        return (
            f"reported {days} days after the event ({event_day.isoformat()}), "
            f"more than the {deadline_days} days allowed"
        )

    def contact_village(self) -> str:
        """Return the village whose office hands documents to the applicant."""
        raise NotImplementedError

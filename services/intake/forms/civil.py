"""Forms of the civil-registry division: birth, marriage, divorce, death."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator, model_validator

from services.intake.forms.common import (
    ApplicationForm,
    Form,
    MaritalStatus,
    NamedNik,
    Person,
    Religion,
    Sex,
)
from services.intake.forms.fields import (
    KkNumber,
    PastDate,
    PersonName,
    PlainText,
    RegencyVillage,
    age_on,
    nik_is_female,
)

MIN_MARRIAGE_AGE = 19


class Child(Form):
    name: PersonName
    sex: Sex
    birth_date: PastDate
    birth_place: PlainText = Field(min_length=2, max_length=60)
    birth_order: int = Field(ge=1, le=30, description="Anak ke-: 1 for the first child")


class BirthDeedForm(ApplicationForm):
    """Akta Kelahiran."""

    child: Child
    mother: NamedNik
    father: NamedNik | None = Field(
        default=None,
        description="Leave out when no father is recorded; then no marriage "
        "proof is needed either.",
    )
    village_code: RegencyVillage

    @model_validator(mode="after")
    def _parents_match_their_sex(self) -> BirthDeedForm:
        if not nik_is_female(self.mother.nik):
            raise ValueError(
                f"mother NIK {self.mother.nik!r} is a man's NIK (a woman's has 40 "
                "added to the birth day in digits 7-8); check the mother's KTP-el"
            )
        if self.father and nik_is_female(self.father.nik):
            raise ValueError(
                f"father NIK {self.father.nik!r} is a woman's NIK (birth day + 40 in "
                "digits 7-8); check the father's KTP-el"
            )
        return self

    def report_date(self) -> date:
        return self.child.birth_date

    def contact_village(self) -> str:
        return self.village_code

    def subject_key(self) -> str:
        child = self.child
        return f"{self.mother.nik}:{child.birth_date}:{child.name.casefold()}"


class Spouse(Person):
    religion: Religion
    previously_married: bool = False


class MarriageDeedForm(ApplicationForm):
    """Akta Perkawinan, for marriages other than Muslim ones (those go to the KUA)."""

    husband: Spouse
    wife: Spouse
    marriage_date: PastDate
    marriage_place: PlainText = Field(min_length=2, max_length=100)
    religion: Religion
    religious_leader: PersonName
    witnesses: list[NamedNik] = Field(min_length=2, max_length=2)
    village_code: RegencyVillage

    @field_validator("religion")
    @classmethod
    def _not_muslim(cls, value: Religion) -> Religion:
        if value == Religion.ISLAM:
            raise ValueError(
                "Muslim marriages are registered at the Kantor Urusan Agama (KUA), "
                "not at Disdukcapil"
            )
        return value

    @model_validator(mode="after")
    def _spouses(self) -> MarriageDeedForm:
        if self.husband.sex != Sex.MALE or self.wife.sex != Sex.FEMALE:
            raise ValueError(
                "the husband must be stated as L and the wife as P; check both "
                "persons' sex against their KTP-el"
            )
        if self.marriage_date < max(self.husband.birth_date, self.wife.birth_date):
            raise ValueError(
                f"marriage_date {self.marriage_date} is before a spouse's birth date"
            )
        return self

    def report_date(self) -> date:
        return self.marriage_date

    def flags(self, today: date) -> list[str]:
        young = [
            spouse.name
            for spouse in (self.husband, self.wife)
            if age_on(spouse.birth_date, self.marriage_date) < MIN_MARRIAGE_AGE
        ]
        if young:
            return [
                f"under {MIN_MARRIAGE_AGE} at marriage: {', '.join(young)}; "
                "a court dispensation is required"
            ]
        return []

    def contact_village(self) -> str:
        return self.village_code

    def subject_key(self) -> str:
        return f"{self.husband.nik}:{self.wife.nik}:{self.marriage_date}"


class DivorceDeedForm(ApplicationForm):
    """Akta Perceraian, for divorces other than Muslim ones."""

    former_husband: Person
    former_wife: Person
    marriage_deed_number: PlainText = Field(min_length=3, max_length=60)
    court: PlainText = Field(
        min_length=3, max_length=120, examples=["Pengadilan Negeri Balige"]
    )
    ruling_number: PlainText = Field(min_length=3, max_length=80)
    ruling_date: PastDate
    final_date: PastDate = Field(description="Date the ruling became final (inkracht)")
    village_code: RegencyVillage

    @model_validator(mode="after")
    def _dates_in_order(self) -> DivorceDeedForm:
        if self.final_date < self.ruling_date:
            raise ValueError(
                f"final_date {self.final_date} is before ruling_date "
                f"{self.ruling_date}; a ruling becomes final after it is given"
            )
        return self

    def report_date(self) -> date:
        return self.final_date

    def contact_village(self) -> str:
        return self.village_code

    def subject_key(self) -> str:
        husband, wife = self.former_husband.nik, self.former_wife.nik
        return f"{husband}:{wife}:{self.ruling_number.casefold()}"


class DeathDeedForm(ApplicationForm):
    """Akta Kematian."""

    deceased: Person
    marital_status: MaritalStatus
    death_date: PastDate
    death_place: PlainText = Field(min_length=2, max_length=100)
    cause: PlainText | None = Field(default=None, max_length=200)
    kk_number: KkNumber
    village_code: RegencyVillage

    @model_validator(mode="after")
    def _died_after_birth(self) -> DeathDeedForm:
        if self.death_date < self.deceased.birth_date:
            raise ValueError(
                f"death_date {self.death_date} is before the birth date "
                f"{self.deceased.birth_date}"
            )
        if self.deceased.nik == self.applicant.nik:
            raise ValueError(
                "the applicant cannot be the deceased; the report is made by a "
                "relative or the village"
            )
        return self

    def report_date(self) -> date:
        return self.death_date

    def contact_village(self) -> str:
        return self.village_code

    def subject_key(self) -> str:
        return self.deceased.nik

"""Forms of the population-registration division: KK, KTP-el, KIA, moving."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from pydantic import Field, ValidationInfo, model_validator

from services.intake.forms.common import (
    Address,
    ApplicationForm,
    Form,
    MaritalStatus,
    NamedNik,
    Person,
    Religion,
)
from services.intake.forms.fields import (
    AnyVillage,
    KkNumber,
    PersonName,
    PlainText,
    age_on,
    today_of,
)

ADULT_AGE = 17
# How far ahead a preferred recording day may be, and how far a move may be
# from the day of the application.
MAX_DAYS_AHEAD = 90
MAX_MOVING_DISTANCE_DAYS = 365
KIA_MAX_AGE = 17


class FamilyRelationship(StrEnum):
    HEAD = "kepala_keluarga"
    SPOUSE = "istri_suami"
    CHILD = "anak"
    PARENT = "orang_tua"
    OTHER = "famili_lain"


class Member(Person):
    """One row of the family card."""

    relationship: FamilyRelationship
    religion: Religion
    marital_status: MaritalStatus
    education: PlainText = Field(min_length=2, max_length=60)
    occupation: PlainText = Field(min_length=2, max_length=50)
    father_name: PersonName | None = None
    mother_name: PersonName


class NewFamilyCardReason(StrEnum):
    MARRIAGE = "marriage"
    SPLIT = "split"
    MOVING_IN = "moving_in"


def _adult_or_married(person: Person, married: bool, today: date) -> bool:
    return married or age_on(person.birth_date, today) >= ADULT_AGE


class NewFamilyCardForm(ApplicationForm):
    """KK baru: a new family card after marriage, a split, or moving in."""

    subject_reusable_after_completion = True

    reason: NewFamilyCardReason
    address: Address
    members: list[Member] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _one_adult_head(self, info: ValidationInfo) -> NewFamilyCardForm:
        heads = [m for m in self.members if m.relationship == FamilyRelationship.HEAD]
        if len(heads) != 1:
            raise ValueError(
                f"the family card lists {len(heads)} heads of family; mark exactly "
                "one member as kepala_keluarga"
            )
        head = heads[0]
        married = head.marital_status != MaritalStatus.SINGLE
        if not _adult_or_married(head, married, today_of(info)):
            raise ValueError(
                f"head of family {head.name} is under {ADULT_AGE} and unmarried; a "
                "head of family must be 17 or older, or married"
            )
        niks = [m.nik for m in self.members]
        if len(set(niks)) != len(niks):
            raise ValueError("a NIK appears twice among the members; list each once")
        return self

    def contact_village(self) -> str:
        return self.address.village_code

    def subject_key(self) -> str:
        head = next(
            m for m in self.members if m.relationship == FamilyRelationship.HEAD
        )
        return f"{head.nik}:{self.reason}"


class FamilyCardChangeReason(StrEnum):
    DATA_CHANGE = "data_change"
    LOST = "lost"
    DAMAGED = "damaged"


class FamilyCardChangeForm(ApplicationForm):
    """KK perubahan/pengganti: changed data, or a replacement for a lost card."""

    subject_reusable_after_completion = True

    reason: FamilyCardChangeReason
    kk_number: KkNumber
    head: NamedNik
    change_description: PlainText | None = Field(default=None, max_length=500)
    address: Address
    members: list[Member] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _describe_changes(self) -> FamilyCardChangeForm:
        if (
            self.reason == FamilyCardChangeReason.DATA_CHANGE
            and not self.change_description
        ):
            raise ValueError(
                "reason data_change needs change_description: say what changes and why"
            )
        if self.head.nik not in {m.nik for m in self.members}:
            raise ValueError(
                f"head of family NIK {self.head.nik!r} is not among the members; "
                "list the head as a member too"
            )
        return self

    def contact_village(self) -> str:
        return self.address.village_code

    def subject_key(self) -> str:
        return f"{self.kk_number}:{self.reason}"


class IdCardHolder(Person):
    religion: Religion
    marital_status: MaritalStatus
    occupation: PlainText = Field(min_length=2, max_length=50)


class NewIdCardForm(ApplicationForm):
    """KTP-el baru: the online part before biometric recording at the office."""

    holder: IdCardHolder
    kk_number: KkNumber
    address: Address
    preferred_date: date | None = Field(
        default=None, description="Preferred day for biometric recording"
    )

    @model_validator(mode="after")
    def _old_enough(self, info: ValidationInfo) -> NewIdCardForm:
        married = self.holder.marital_status != MaritalStatus.SINGLE
        today = today_of(info)
        if not _adult_or_married(self.holder, married, today):
            raise ValueError(
                f"{self.holder.name} is {age_on(self.holder.birth_date, today)} and "
                f"unmarried; a KTP-el is issued from age {ADULT_AGE} or on marriage"
            )
        if self.preferred_date is not None and self.preferred_date < today:
            raise ValueError(
                f"preferred_date {self.preferred_date} is in the past; choose a "
                "coming day"
            )
        if self.preferred_date is not None and (
            self.preferred_date > today + timedelta(days=MAX_DAYS_AHEAD)
        ):
            raise ValueError(
                f"preferred_date {self.preferred_date} is more than "
                f"{MAX_DAYS_AHEAD} days ahead; choose an earlier day"
            )
        return self

    def contact_village(self) -> str:
        return self.address.village_code

    def subject_key(self) -> str:
        return self.holder.nik


class IdCardReissueReason(StrEnum):
    DAMAGED = "damaged"
    LOST = "lost"
    DATA_CHANGE = "data_change"


class IdCardReissueForm(ApplicationForm):
    """KTP-el penggantian: a damaged, lost or changed card."""

    subject_reusable_after_completion = True

    holder: IdCardHolder
    kk_number: KkNumber
    reason: IdCardReissueReason
    change_description: PlainText | None = Field(default=None, max_length=500)
    address: Address

    @model_validator(mode="after")
    def _describe_changes(self) -> IdCardReissueForm:
        if (
            self.reason == IdCardReissueReason.DATA_CHANGE
            and not self.change_description
        ):
            raise ValueError(
                "reason data_change needs change_description: say what changes and why"
            )
        return self

    def contact_village(self) -> str:
        return self.address.village_code

    def subject_key(self) -> str:
        return self.holder.nik


class Destination(Form):
    """Destination address of a move: anywhere in Indonesia."""

    street: PlainText = Field(min_length=2, max_length=80)
    rt: str = Field(pattern=r"^[0-9]{1,3}$")
    rw: str = Field(pattern=r"^[0-9]{1,3}$")
    village_code: AnyVillage


class MovingLetterForm(ApplicationForm):
    """SKPWNI: a certificate for moving out of the regency."""

    head: NamedNik
    kk_number: KkNumber
    members_moving: list[NamedNik] = Field(min_length=1, max_length=10)
    origin: Address
    destination: Destination
    reason: PlainText = Field(min_length=3, max_length=200, examples=["pekerjaan"])
    moving_date: date
    joining_household: bool = Field(
        default=False,
        description="Moving into someone else's KK, a rented room or a boarding "
        "house; needs the house owner's consent",
    )

    @model_validator(mode="after")
    def _moves_soon_or_recently(self, info: ValidationInfo) -> MovingLetterForm:
        today = today_of(info)
        if abs((self.moving_date - today).days) > MAX_MOVING_DISTANCE_DAYS:
            raise ValueError(
                f"moving_date {self.moving_date} is more than "
                f"{MAX_MOVING_DISTANCE_DAYS} days from today; a moving letter is "
                "asked for a move within a year before or after it"
            )
        return self

    @model_validator(mode="after")
    def _moves_elsewhere(self) -> MovingLetterForm:
        if self.destination.village_code == self.origin.village_code:
            raise ValueError(
                "origin and destination are the same village; a move inside one "
                "village changes the KK instead"
            )
        niks = [m.nik for m in self.members_moving]
        if len(set(niks)) != len(niks):
            raise ValueError("a NIK appears twice among the members moving")
        return self

    def contact_village(self) -> str:
        return self.origin.village_code

    def subject_key(self) -> str:
        return f"{self.kk_number}:{self.moving_date}"


class ChildIdCardForm(ApplicationForm):
    """KIA: the child identity card, up to age 17."""

    subject_reusable_after_completion = True

    child: Person
    kk_number: KkNumber
    head_of_family: PersonName
    father_name: PersonName | None = None
    mother_name: PersonName
    address: Address

    @model_validator(mode="after")
    def _a_child(self, info: ValidationInfo) -> ChildIdCardForm:
        age = age_on(self.child.birth_date, today_of(info))
        if age >= KIA_MAX_AGE:
            raise ValueError(
                f"{self.child.name} is {age}; the KIA is for children under "
                f"{KIA_MAX_AGE}, who then get a KTP-el"
            )
        return self

    def contact_village(self) -> str:
        return self.address.village_code

    def subject_key(self) -> str:
        return self.child.nik

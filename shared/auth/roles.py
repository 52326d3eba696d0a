"""Staff roles and the principals that sessions resolve to."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """Permission set of a staff account; an account may have several roles."""

    FRONT_OFFICE = "front_office"
    OPERATOR = "operator"
    VERIFIER = "verifier"
    HEAD = "head"
    DISTRIBUTION = "distribution"
    OPS = "ops"
    ADMIN = "admin"
    # A village official submits and follows applications for residents of
    # one village (assisted mode); the account carries the village code.
    VILLAGE = "village"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.FRONT_OFFICE: ("Front office", "Front office"),
    Role.OPERATOR: ("Operator", "Operator"),
    Role.VERIFIER: ("Verifikator", "Verifier"),
    Role.HEAD: ("Kepala Dinas", "Head of office"),
    Role.DISTRIBUTION: ("Distribusi", "Distribution"),
    Role.OPS: ("Operasional", "Operations"),
    Role.ADMIN: ("Admin", "Admin"),
    Role.VILLAGE: ("Aparat desa", "Village official"),
}


class SessionKind(StrEnum):
    STAFF = "staff"
    RESIDENT = "resident"


@dataclass(frozen=True)
class Principal:
    """Person a request acts for: a staff member or a signed-in resident.

    For a resident `subject` is the NIK; for staff it is the username.
    """

    kind: SessionKind
    subject: str
    name: str
    session_id: str
    csrf_token: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    village_code: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind is SessionKind.STAFF

    @property
    def is_resident(self) -> bool:
        return self.kind is SessionKind.RESIDENT

    @property
    def is_village_official(self) -> bool:
        return self.is_staff and Role.VILLAGE in self.roles

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)

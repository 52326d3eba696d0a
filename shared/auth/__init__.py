"""Sign-in for staff and residents, sessions, roles and access grants."""

from shared.auth.roles import ROLE_LABELS, Principal, Role, SessionKind
from shared.auth.store import IDENTITY_DATABASE, IdentityStore, OpenedSession
from shared.auth.web import (
    SESSION_COOKIE,
    Applicant,
    SignInRequiredError,
    applicant_principal,
    current_principal,
    identity,
    require_application_access,
    staff_with,
)

__all__ = [
    "IDENTITY_DATABASE",
    "ROLE_LABELS",
    "SESSION_COOKIE",
    "Applicant",
    "IdentityStore",
    "OpenedSession",
    "Principal",
    "Role",
    "SessionKind",
    "SignInRequiredError",
    "applicant_principal",
    "current_principal",
    "identity",
    "require_application_access",
    "staff_with",
]

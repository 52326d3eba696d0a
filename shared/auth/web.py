"""Request authentication: session cookies and bearer tokens, roles, CSRF.

Pages send the session as the `dompak_session` cookie (HttpOnly, SameSite
Lax). Every unsafe request made with that cookie must carry the session's
CSRF token, as the `X-CSRF-Token` header (htmx adds it) or as the
`csrf_token` field of a plain form. API clients send `Authorization: Bearer
<token>` instead and need no CSRF token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from shared.auth.roles import Principal, Role
from shared.auth.store import IdentityStore
from shared.errors import ForbiddenError, NotFoundError, ServiceError

SESSION_COOKIE = "dompak_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequiredError(ServiceError):
    """Missing or expired session; pages redirect to `sign_in_url`."""

    status_code = 401
    code = "sign_in_required"

    def __init__(self, message: str, *, sign_in_url: str) -> None:
        super().__init__(message)
        self.sign_in_url = sign_in_url


def identity(request: Request) -> IdentityStore:
    store: IdentityStore = request.app.state.identity
    return store


def session_token(request: Request) -> tuple[str | None, bool]:
    """Return the request's token and whether it came from the cookie."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    return request.cookies.get(SESSION_COOKIE), True


async def _csrf_matches(request: Request, expected: str) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    return sent is not None and len(sent) == len(expected) and sent == expected


async def current_principal(request: Request) -> Principal | None:
    """Resolve the request's session once; return None when there is none."""
    if hasattr(request.state, "principal"):
        principal: Principal | None = request.state.principal
        return principal
    token, from_cookie = session_token(request)
    principal = await identity(request).resolve(token) if token else None
    if (
        principal is not None
        and from_cookie
        and request.method not in SAFE_METHODS
        and not await _csrf_matches(request, principal.csrf_token)
    ):
        raise ForbiddenError(
            "the form was not sent from a DOMPAK page of this session (its CSRF "
            "token is missing or stale); reload the page and send it again"
        )
    request.state.principal = principal
    return principal


def _next_path(request: Request) -> str:
    path = request.url.path
    if request.url.query:
        path = f"{path}?{request.url.query}"
    return quote(path, safe="")


def staff_sign_in_url(request: Request) -> str:
    return f"/petugas/masuk?next={_next_path(request)}"


def resident_sign_in_url(request: Request) -> str:
    intake = request.app.state.settings.intake_url.rstrip("/")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if origin.rstrip("/") == intake:
        return f"/masuk?next={_next_path(request)}"
    return f"{intake}/masuk"


def staff_with(*roles: Role) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency: a signed-in staff member holding one of `roles`."""
    allowed = frozenset(roles)

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        if principal is None or not principal.is_staff:
            raise SignInRequiredError(
                "this page is for office staff; sign in with your staff account",
                sign_in_url=staff_sign_in_url(request),
            )
        if not principal.has_any(allowed):
            names = ", ".join(sorted(allowed))
            raise ForbiddenError(
                f"your account may not do this; it needs the role {names}. Ask "
                "the admin if your work needs it",
                needed=sorted(allowed),
            )
        return principal

    return dependency


async def applicant_principal(request: Request) -> Principal:
    """Dependency: a signed-in resident, or a village official (assisted mode)."""
    principal = await current_principal(request)
    if principal is None or not (
        principal.is_resident or principal.is_village_official
    ):
        raise SignInRequiredError(
            "sign in with your NIK and the one-time code to see your applications",
            sign_in_url=resident_sign_in_url(request),
        )
    return principal


async def require_application_access(
    request: Request, principal: Principal, application_id: str
) -> None:
    """Raise NotFoundError unless the applicant principal may open the application.

    Not found rather than forbidden, so ids of other residents' applications
    cannot be distinguished from ids that do not exist.
    """
    if not await identity(request).may_open(principal, application_id):
        raise NotFoundError(
            f"no application {application_id} is visible to you; check the link "
            "or open it from your list of applications"
        )


Applicant = Annotated[Principal, Depends(applicant_principal)]

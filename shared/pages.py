"""Server-rendered pages: Jinja2 templates, static files, staff sign-in.

Every service renders its pages with `Pages`, which looks up templates in the
service's own `templates/` folder first and then in `shared/templates/`
(the layout, sign-in and error pages). Text is Bahasa Indonesia first: a
template writes each phrase as `t("Indonesian", "English")`, and the `lang`
cookie picks the English text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field

from shared.auth.roles import ROLE_LABELS, Principal, Role
from shared.auth.web import SESSION_COOKIE, current_principal, identity, session_token
from shared.errors import ServiceError
from shared.regency import Regency
from shared.settings import ServiceSettings

SHARED_TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
LANGUAGES = ("id", "en")
MONTHS_ID = (
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"
)  # fmt: skip
MONTHS_EN = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
)  # fmt: skip
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'self'; "
    "form-action 'self' {services}; base-uri 'none'; object-src 'self'"
)


def content_security_policy(settings: ServiceSettings) -> str:
    """Return the pages' policy, which lets forms post and redirect to the services."""
    origins = sorted(
        {"/".join(url.split("/")[:3]) for url in settings.service_urls.values()}
    )
    return CONTENT_SECURITY_POLICY.format(services=" ".join(origins))


@dataclass(frozen=True)
class Dashboard:
    """One entry of the staff navigation."""

    service: str
    path: str
    label_id: str
    label_en: str
    roles: frozenset[Role]


def _desk(
    service: str, path: str, label_id: str, label_en: str, role: Role
) -> Dashboard:
    """Return an office desk, worked by its own role and read by ops."""
    return Dashboard(service, path, label_id, label_en, frozenset({role, Role.OPS}))


DASHBOARDS: tuple[Dashboard, ...] = (
    _desk("intake", "/loket", "Loket", "Front office", Role.FRONT_OFFICE),
    _desk("verification", "/operator", "Operator", "Operator", Role.OPERATOR),
    _desk("verification", "/verifikator", "Verifikasi", "Verification", Role.VERIFIER),
    _desk("signing", "/persetujuan", "Persetujuan", "Approval", Role.HEAD),
    _desk(
        "distribution", "/distribusi", "Distribusi", "Distribution", Role.DISTRIBUTION
    ),
    _desk("notify", "/percakapan", "Percakapan", "Conversations", Role.FRONT_OFFICE),
    Dashboard(
        "intake", "/desa", "Layanan desa", "Village service", frozenset({Role.VILLAGE})
    ),
    Dashboard(
        "distribution",
        "/distribusi/desa",
        "Serah terima",
        "Hand-over",
        frozenset({Role.VILLAGE}),
    ),
)


def language(request: Request) -> str:
    lang = request.cookies.get("lang", "id")
    return lang if lang in LANGUAGES else "id"


def safe_next(value: str | None, default: str = "/") -> str:
    """Return a same-site path to go to after sign-in, refusing other hosts."""
    path = unquote(value or "")
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    return path


class Pages:
    """Template rendering of one service."""

    def __init__(
        self,
        service: str,
        templates: Path | None,
        settings: ServiceSettings,
    ) -> None:
        loaders = [FileSystemLoader(templates)] if templates else []
        loaders.append(FileSystemLoader(SHARED_TEMPLATES))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.service = service
        self.settings = settings
        self.timezone: tzinfo = UTC
        self.office_name = "Disdukcapil"
        self.env.filters["time"] = self._format_time
        self.env.filters["date"] = self._format_date

    def use_regency(self, regency: Regency) -> None:
        """Show times in the regency's time zone and its office's name."""
        self.timezone = ZoneInfo(regency.timezone)
        self.office_name = regency.office_name

    def _format_time(self, value: datetime | str | None, lang: str = "id") -> str:
        if value is None or value == "":
            return "-"
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = moment.astimezone(self.timezone)
        months = MONTHS_EN if lang == "en" else MONTHS_ID
        zone = local.tzname() or ""
        return (
            f"{local.day} {months[local.month - 1]} {local.year} "
            f"{local:%H:%M} {zone}".strip()
        )

    def _format_date(self, value: Any, lang: str = "id") -> str:
        if value is None or value == "":
            return "-"
        if isinstance(value, datetime):
            # A moment's date is the date in the regency, not in UTC.
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            value = moment.astimezone(self.timezone).date()
        text = str(value)[:10]
        year, month, day = (int(part) for part in text.split("-"))
        months = MONTHS_EN if lang == "en" else MONTHS_ID
        return f"{day} {months[month - 1]} {year}"

    def context(self, request: Request) -> dict[str, Any]:
        lang = language(request)
        principal: Principal | None = getattr(request.state, "principal", None)
        urls = self.settings.service_urls

        def t(indonesian: str, english: str) -> str:
            return english if lang == "en" else indonesian

        nav = []
        if principal is not None and principal.is_staff:
            nav = [
                {
                    "url": f"{urls[d.service]}{d.path}",
                    "label": t(d.label_id, d.label_en),
                    "current": d.service == self.service
                    and request.url.path.startswith(d.path),
                }
                for d in DASHBOARDS
                if principal.has_any(d.roles)
            ]
        roles = [
            t(*ROLE_LABELS[r]) for r in sorted(principal.roles)
        ] if principal else []  # fmt: skip
        return {
            "request": request,
            "lang": lang,
            "t": t,
            "principal": principal,
            "roles": roles,
            "csrf_token": principal.csrf_token if principal else "",
            "nav": nav,
            "urls": urls,
            "service": self.service,
            "office_name": self.office_name,
        }

    def render(
        self,
        request: Request,
        template: str,
        *,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        **values: Any,
    ) -> HTMLResponse:
        context = self.context(request)
        context.update(values)
        html = self.env.get_template(template).render(context)
        return HTMLResponse(html, status_code=status_code, headers=headers)


def wants_html(request: Request) -> bool:
    """Return whether the request is a browser navigation, not an API or htmx call."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "hx-request" not in request.headers


class StaffSignIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _set_session_cookie(
    response: Response, token: str, expires_at: datetime, secure: bool
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        expires=expires_at,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def install_pages(app: FastAPI, pages: Pages, static: Path | None = None) -> None:
    """Mount static files, security headers, staff sign-in and language routes."""
    if static is not None:
        app.mount(
            f"/static/{pages.service}",
            StaticFiles(directory=static),
            name=f"static-{pages.service}",
        )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.pages = pages
    policy = content_security_policy(pages.settings)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("content-security-policy", policy)
            response.headers.setdefault("cache-control", "no-store")
            response.headers.setdefault("x-frame-options", "SAMEORIGIN")
        response.headers.setdefault("x-content-type-options", "nosniff")
        response.headers.setdefault("referrer-policy", "same-origin")
        return response

    router = APIRouter()
    secure = pages.settings.secure_cookies

    @router.get("/petugas/masuk", include_in_schema=False)
    async def staff_sign_in_page(request: Request, next: str = "") -> HTMLResponse:
        await current_principal(request)
        return pages.render(request, "staff_sign_in.html", next=safe_next(next, ""))

    @router.post("/petugas/masuk", include_in_schema=False)
    async def staff_sign_in_form(
        request: Request,
        username: str = Form(""),
        password: str = Form(""),
        next: str = Form(""),
    ) -> Response:
        try:
            opened = await identity(request).sign_in_staff(
                username, password, client=client_address(request)
            )
        except ServiceError as error:
            return pages.render(
                request,
                "staff_sign_in.html",
                status_code=error.status_code,
                error=error.message,
                username=username,
                next=safe_next(next, ""),
            )
        target = safe_next(next, "") or _landing(pages, opened.principal)
        response = RedirectResponse(target, status_code=303)
        _set_session_cookie(response, opened.token, opened.expires_at, secure)
        return response

    @router.post("/keluar", include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        principal = await current_principal(request)
        token, _ = session_token(request)
        if token and principal is not None:
            await identity(request).close(token)
        target = "/petugas/masuk" if principal and principal.is_staff else "/"
        if principal is not None and principal.is_resident:
            target = f"{pages.settings.intake_url.rstrip('/')}/"
        response = RedirectResponse(target, status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @router.get("/petugas", include_in_schema=False)
    async def staff_home(request: Request) -> Response:
        principal = await current_principal(request)
        if principal is None or not principal.is_staff:
            return RedirectResponse("/petugas/masuk", status_code=303)
        return pages.render(request, "staff_home.html")

    @router.get("/bahasa/{lang}", include_in_schema=False)
    async def choose_language(lang: str, next: str = "/") -> Response:
        response = RedirectResponse(safe_next(next), status_code=303)
        if lang in LANGUAGES:
            response.set_cookie(
                "lang", lang, max_age=365 * 86400, samesite="lax", path="/"
            )
        return response

    @router.post("/auth/staff", tags=["sign-in"])
    async def staff_sign_in_api(request: Request, body: StaffSignIn) -> dict[str, Any]:
        """Sign in with username and password; returns a bearer token."""
        opened = await identity(request).sign_in_staff(
            body.username, body.password, client=client_address(request)
        )
        return {
            "token": opened.token,
            "csrf_token": opened.principal.csrf_token,
            "expires_at": opened.expires_at.isoformat(),
            "username": opened.principal.subject,
            "roles": sorted(opened.principal.roles),
        }

    @router.delete("/auth/session", tags=["sign-in"], status_code=204)
    async def end_session(request: Request) -> Response:
        """End the session of the bearer token or cookie sent."""
        token, _ = session_token(request)
        if token:
            await identity(request).close(token)
        return Response(status_code=204)

    app.include_router(router)


def _landing(pages: Pages, principal: Principal) -> str:
    urls = pages.settings.service_urls
    for dashboard in DASHBOARDS:
        if principal.has_any(dashboard.roles):
            return f"{urls[dashboard.service]}{dashboard.path}"
    return "/petugas"


def error_page(request: Request, error: ServiceError) -> Response | None:
    """Render an error as a page for browser navigations; None for API calls."""
    pages: Pages | None = getattr(request.app.state, "pages", None)
    if pages is None or not wants_html(request):
        return None
    from shared.auth.web import SignInRequiredError

    if isinstance(error, SignInRequiredError):
        return RedirectResponse(error.sign_in_url, status_code=303)
    return pages.render(
        request, "error.html", status_code=error.status_code, message=error.message
    )


def htmx_sign_in_redirect(request: Request, error: ServiceError) -> JSONResponse | None:
    """Tell htmx to load the sign-in page when a session has ended."""
    from shared.auth.web import SignInRequiredError

    if "hx-request" in request.headers and isinstance(error, SignInRequiredError):
        return JSONResponse(
            status_code=401,
            content={"error": error.code, "message": error.message, "detail": {}},
            headers={"HX-Redirect": error.sign_in_url},
        )
    return None

"""Resident sign-in pages: NIK (and registration) at /masuk, the code at /masuk/kode.

The pages only run the flow of `residents.ResidentSignIn`; a confirmed code
sets the `dompak_session` cookie and redirects to `next`. The POST routes do
not resolve an existing session, so a stale cookie does not make a new
sign-in fail its CSRF check.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from urllib.parse import quote

import structlog
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.intake.residents import ResidentSignIn, SignInError
from shared.auth import SESSION_COOKIE, current_principal
from shared.pages import Pages, client_address, language, safe_next

log = structlog.get_logger()

router = APIRouter(include_in_schema=False)


def _pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def _sign_in(request: Request) -> ResidentSignIn:
    sign_in: ResidentSignIn = request.app.state.sign_in
    return sign_in


def _code_page_url(request_id: str, next_path: str, resent: bool = False) -> str:
    url = f"/masuk/kode?permintaan={quote(request_id)}"
    if next_path:
        url += f"&next={quote(next_path, safe='')}"
    return url + ("&ulang=1" if resent else "")


def _set_session_cookie(
    request: Request, response: Response, token: str, expires_at: datetime
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        expires=expires_at,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )


@router.get("/masuk")
async def sign_in_page(request: Request, next: str = "") -> Response:
    principal = await current_principal(request)
    target = safe_next(next, "")
    if principal is not None and principal.is_resident:
        return RedirectResponse(target or "/", status_code=303)
    return _pages(request).render(request, "sign_in.html", next=target)


@router.post("/masuk")
async def sign_in_form(
    request: Request,
    nik: str = Form("", max_length=32),
    name: str = Form("", max_length=200),
    email: str = Form("", max_length=320),
    phone: str = Form("", max_length=32),
    registering: str = Form(""),
    next: str = Form(""),
) -> Response:
    target = safe_next(next, "")
    values = {"nik": nik, "name": name, "email": email, "phone": phone}
    try:
        sent = await _sign_in(request).request_code(
            nik,
            client=client_address(request),
            name=name or None,
            email=email or None,
            phone=phone or None,
        )
    except SignInError as error:
        log.info(
            "sign_in.page_rejected", code=error.code, field=error.detail.get("field")
        )
        # A NIK without an account gets the form again with the fields to
        # register, explained as a step rather than as an error.
        first_prompt = error.code == "registration_required" and not registering
        return _pages(request).render(
            request,
            "sign_in.html",
            status_code=200 if first_prompt else error.status_code,
            next=target,
            values=values,
            registering=error.code == "registration_required" or bool(registering),
            notice=error.text(language(request)) if first_prompt else None,
            error=None if first_prompt else error.text(language(request)),
            field=error.detail.get("field"),
        )
    return RedirectResponse(_code_page_url(sent.request_id, target), status_code=303)


@router.get("/masuk/kode")
async def code_page(
    request: Request, permintaan: str = "", next: str = "", ulang: str = ""
) -> Response:
    await current_principal(request)
    target = safe_next(next, "")
    try:
        pending = await _sign_in(request).pending(permintaan)
    except SignInError as error:
        return await _render_code_page(request, permintaan, target, error=error)
    return _pages(request).render(
        request,
        "sign_in_code.html",
        request_id=permintaan,
        next=target,
        pending=pending,
        resent=bool(ulang),
    )


@router.post("/masuk/kode")
async def code_form(
    request: Request,
    permintaan: str = Form("", max_length=64),
    kode: str = Form("", max_length=16),
    next: str = Form(""),
) -> Response:
    target = safe_next(next, "")
    try:
        opened = await _sign_in(request).confirm(permintaan, kode)
    except SignInError as error:
        return await _render_code_page(request, permintaan, target, error=error)
    response = RedirectResponse(target or "/", status_code=303)
    _set_session_cookie(request, response, opened.token, opened.expires_at)
    return response


@router.post("/masuk/kode/ulang")
async def resend_form(
    request: Request,
    permintaan: str = Form("", max_length=64),
    next: str = Form(""),
) -> Response:
    target = safe_next(next, "")
    try:
        sent = await _sign_in(request).resend(
            permintaan, client=client_address(request)
        )
    except SignInError as error:
        return await _render_code_page(request, permintaan, target, error=error)
    return RedirectResponse(
        _code_page_url(sent.request_id, target, resent=True), status_code=303
    )


async def _render_code_page(
    request: Request, request_id: str, target: str, *, error: SignInError
) -> Response:
    """Show the code page with the error, and the masked address if still valid."""
    log.info("sign_in.page_rejected", code=error.code, request_id=request_id)
    # An expired or locked request can still send a new code. An unknown or
    # used one cannot, so the page then links back to /masuk.
    restart = error.code in ("sign_in_request_not_found", "code_used")
    pending = None
    if not restart:
        with contextlib.suppress(SignInError):
            pending = await _sign_in(request).pending(request_id)
    return _pages(request).render(
        request,
        "sign_in_code.html",
        status_code=error.status_code,
        request_id=request_id,
        next=target,
        pending=pending,
        error=error.text(language(request)),
        restart=restart,
    )

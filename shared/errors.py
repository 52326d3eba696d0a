"""Error root carrying an HTTP status, and the FastAPI handler for it."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = structlog.get_logger()


class ServiceError(Exception):
    """Base of every error a service reports to its caller.

    `code` is a stable machine-readable name. The message states what failed,
    on which value, and what to do next.
    """

    status_code = 400
    code = "invalid_request"

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class NotFoundError(ServiceError):
    status_code = 404
    code = "not_found"


class ConflictError(ServiceError):
    """The action does not fit the item's current state, or raced another one."""

    status_code = 409
    code = "conflict"


class ValidationFailedError(ServiceError):
    status_code = 422
    code = "validation_failed"


class PayloadTooLargeError(ServiceError):
    status_code = 413
    code = "payload_too_large"


def install_error_handlers(app: FastAPI) -> None:
    """Render every ServiceError and request-validation error as `{error, detail}`."""

    @app.exception_handler(ServiceError)
    async def handle_service_error(request: Request, error: ServiceError) -> Response:
        # The message names the offending value, often a NIK or a name, so
        # only the code and the fields involved are logged.
        problems = error.detail.get("problems", [])
        log.info(
            "request.rejected",
            path=request.url.path,
            status=error.status_code,
            code=error.code,
            fields=[p.get("field") for p in problems if isinstance(p, dict)],
        )
        from shared.pages import error_page, htmx_sign_in_redirect

        page = error_page(request, error) or htmx_sign_in_redirect(request, error)
        if page is not None:
            return page
        return JSONResponse(
            status_code=error.status_code,
            content={
                "error": error.code,
                "message": error.message,
                "detail": error.detail,
            },
        )

    @app.exception_handler(StarletteHTTPException)
    async def handle_http_error(
        request: Request, error: StarletteHTTPException
    ) -> Response:
        message = str(error.detail)
        if error.status_code == 404 and message == "Not Found":
            message = (
                f"no route matches {request.method} {request.url.path}; see /docs "
                "for this service's routes"
            )
        elif error.status_code == 405:
            message = (
                f"{request.method} is not allowed on {request.url.path}; see /docs "
                "for the methods it takes"
            )
        log.info(
            "request.rejected",
            path=request.url.path,
            status=error.status_code,
            reason=message,
        )
        from shared.pages import error_page, language

        page_message = message
        if error.status_code == 404 and str(error.detail) == "Not Found":
            path = request.url.path
            page_message = (
                f"the page {path} does not exist; check the address or go home"
                if language(request) == "en"
                else f"Halaman {path} tidak ada; periksa alamatnya atau ke beranda."
            )
        as_service_error = ServiceError(page_message)
        as_service_error.status_code = error.status_code
        page = error_page(request, as_service_error)
        if page is not None:
            return page
        return JSONResponse(
            status_code=error.status_code,
            content={"error": "http_error", "message": message, "detail": {}},
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def handle_unexpected_error(
        request: Request, error: Exception
    ) -> JSONResponse:
        # Starlette re-raises after this handler, so the traceback also reaches
        # the server log; this line adds the path and the bound request id.
        log.error(
            "request.failed", path=request.url.path, error=repr(error), exc_info=error
        )
        return JSONResponse(
            status_code=500,
            content={
                "error": "internal_error",
                "message": "the server failed to handle the request; the failure is "
                "logged with its request id, so report that id to the office",
                "detail": {},
            },
        )

    @app.exception_handler(RequestValidationError)
    async def handle_validation_error(
        request: Request, error: RequestValidationError
    ) -> JSONResponse:
        problems = [
            {
                "field": ".".join(str(part) for part in item["loc"][1:]) or "body",
                "message": item["msg"],
            }
            for item in error.errors()
        ]
        log.info("request.invalid", path=request.url.path, problems=problems)
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return JSONResponse(
            status_code=422,
            content={
                "error": "validation_failed",
                "message": f"the request is invalid: {summary}",
                "detail": {"problems": problems},
            },
        )


class TooManyRequestsError(ServiceError):
    status_code = 429
    code = "too_many_requests"


class ForbiddenError(ServiceError):
    """The caller may not take this action on this item."""

    status_code = 403
    code = "forbidden"

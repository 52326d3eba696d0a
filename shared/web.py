"""FastAPI application factory shared by the services."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import structlog
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from shared.errors import ValidationFailedError, install_error_handlers
from shared.logging import configure_logging
from shared.settings import ServiceSettings

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


MAX_JSON_BYTES = 1024 * 1024


def create_api(
    *,
    title: str,
    description: str,
    lifespan: Lifespan,
    max_json_bytes: int = MAX_JSON_BYTES,
) -> FastAPI:
    """Create an app with the error handlers, request ids and a health route."""
    app = FastAPI(title=title, description=description, lifespan=lifespan)
    install_error_handlers(app)

    @app.middleware("http")
    async def limit_json_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Uploads (multipart forms, PDFs) are limited by their routes; any
        # other body is a small JSON document, refused when large before it
        # is read.
        content_type = request.headers.get("content-type", "")
        length = request.headers.get("content-length")
        if (
            not content_type.startswith(("multipart/", "application/pdf"))
            and length is not None
            and length.isdigit()
            and int(length) > max_json_bytes
        ):
            return JSONResponse(
                status_code=413,
                content={
                    "error": "payload_too_large",
                    "message": f"the request body has {length} bytes, more than "
                    f"the limit of {max_json_bytes}; send a smaller body",
                    "detail": {},
                },
            )
        return await call_next(request)

    @app.middleware("http")
    async def bind_request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            response = await call_next(request)
        response.headers["x-request-id"] = request_id
        return response

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, str]:
        """Report that the process is up and serving."""
        return {"status": "ok"}

    return app


def reject_unknown_filters(request: Request, accepted: tuple[str, ...]) -> None:
    """Raise for a query parameter a queue does not filter by.

    FastAPI ignores unknown query parameters, so a misspelt filter would
    otherwise list the whole queue as if it had been applied.
    """
    unknown = sorted(set(request.query_params) - set(accepted))
    if unknown:
        raise ValidationFailedError(
            f"the queue has no filter {', '.join(repr(name) for name in unknown)}; "
            f"filter by {', '.join(accepted)}",
            field=unknown[0],
        )


@asynccontextmanager
async def no_lifespan(_: FastAPI) -> AsyncIterator[None]:
    """Lifespan for apps that start nothing (used by unit tests)."""
    yield


def serve(
    name: str,
    settings: ServiceSettings,
    port: int,
    create_app: Callable[[Any], FastAPI],
) -> None:
    """Configure logging and serve one service's app with uvicorn until stopped."""
    configure_logging(name, log_format=settings.log_format, level=settings.log_level)
    uvicorn.run(
        create_app(settings), host=settings.http_host, port=port, log_config=None
    )

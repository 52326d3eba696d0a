"""Every route of every service checks who is asking, unless it is public.

The per-service access tests check each (role, route) pair. This test makes
sure no route escapes them by accident, because a route without a staff or
applicant dependency must be listed here as public.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from shared.auth.web import applicant_principal

SERVICES = ("intake", "verification", "signing", "distribution", "notify")

# Routes anyone may call: health, sign-in and language, the catalogue, and
# the public check of an issued document.
PUBLIC: dict[str, set[str]] = {
    "*": {
        "GET /health",
        "GET /petugas/masuk",
        "POST /petugas/masuk",
        "POST /keluar",
        "GET /bahasa/{lang}",
        "POST /auth/staff",
        "DELETE /auth/session",
        "GET /petugas",
    },
    "intake": {
        "GET /services",
        "GET /services/{service_code}",
        "GET /services/{service_code}/form-schema",
        # The catalogue pages; applying needs sign-in.
        "GET /",
        "GET /layanan/{code}",
        # Resident sign-in with NIK and one-time code.
        "POST /auth/resident/code",
        "POST /auth/resident",
        "GET /masuk",
        "POST /masuk",
        "GET /masuk/kode",
        "POST /masuk/kode",
        "POST /masuk/kode/ulang",
    },
    "signing": {"GET /v/{document_id}", "POST /verify-pdf"},
}


def create(service: str) -> FastAPI:
    main = importlib.import_module(f"services.{service}.main")
    app: FastAPI = main.create_app()
    return app


def dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from dependency_calls(sub)


def routes_of(
    routes: list[Any], inherited: tuple[Callable[..., Any], ...] = ()
) -> Iterator[tuple[APIRoute, tuple[Callable[..., Any], ...]]]:
    """Each API route, with the dependencies of the routers that include it."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route, inherited
        router = getattr(route, "original_router", None)
        if router is not None:
            extra = tuple(d.dependency for d in router.dependencies if d.dependency)
            yield from routes_of(router.routes, inherited + extra)


def is_identity_check(call: Callable[..., Any]) -> bool:
    return call is applicant_principal or getattr(call, "__qualname__", "").startswith(
        "staff_with."
    )


def checks_who_asks(route: APIRoute, inherited: tuple[Callable[..., Any], ...]) -> bool:
    calls = [*inherited, *dependency_calls(route.dependant)]
    return any(is_identity_check(call) for call in calls)


def unguarded_routes(service: str) -> list[str]:
    public = PUBLIC["*"] | PUBLIC.get(service, set())
    found = []
    routes = list(routes_of(create(service).routes))
    assert len(routes) > 5, f"{service} lists only {len(routes)} routes"
    for route, inherited in routes:
        for method in sorted(route.methods or ()):
            key = f"{method} {route.path}"
            if key not in public and not checks_who_asks(route, inherited):
                found.append(key)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_checks_who_asks_unless_public(service: str) -> None:
    assert unguarded_routes(service) == []

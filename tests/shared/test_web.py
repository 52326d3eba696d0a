"""The shared app factory: error format, body limit, request ids."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from shared.errors import ConflictError
from shared.web import create_api, no_lifespan


class Body(BaseModel):
    name: str


def make_app() -> FastAPI:
    app = create_api(
        title="test", description="test", lifespan=no_lifespan, max_json_bytes=100
    )

    @app.post("/echo")
    async def echo(body: Body) -> Body:
        return body

    @app.post("/conflict")
    async def conflict() -> None:
        raise ConflictError("item X is signed, so it cannot be approved", status="x")

    return app


def client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=make_app())
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_service_error_renders_error_message_detail() -> None:
    async with client() as http:
        response = await http.post("/conflict")
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert "item X" in response.json()["message"]
    assert response.json()["detail"] == {"status": "x"}


async def test_unknown_route_names_path() -> None:
    async with client() as http:
        response = await http.get("/nowhere")
    assert response.status_code == 404
    assert "/nowhere" in response.json()["message"]


async def test_wrong_method_names_method() -> None:
    async with client() as http:
        response = await http.get("/echo")
    assert response.status_code == 405
    assert "GET" in response.json()["message"]


async def test_large_json_body_rejected() -> None:
    async with client() as http:
        response = await http.post(
            "/echo",
            content=b'{"name": "' + b"a" * 200 + b'"}',
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 413
    assert "100" in response.json()["message"]


async def test_invalid_body_lists_field() -> None:
    async with client() as http:
        response = await http.post("/echo", json={"nama": "x"})
    assert response.status_code == 422
    assert "name" in response.json()["message"]


async def test_request_id_echoed() -> None:
    async with client() as http:
        response = await http.post(
            "/echo", json={"name": "x"}, headers={"x-request-id": "abc123"}
        )
    assert response.headers["x-request-id"] == "abc123"

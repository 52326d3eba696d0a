"""`make screenshots`: pictures of the main pages at phone and desktop widths.

The tool starts its own servers and services, on ports apart from `make
run`, and puts synthetic applications at each stage with the demo's steps.
Then it opens each page in headless Chromium as the resident or the local
staff account who works there, and saves one PNG per page and width under
docs/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import structlog
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from services.signing.settings import SigningSettings
from shared.catalogue import load_catalogue
from shared.devstack import DevStack
from shared.logging import configure_logging
from tools.accounts import LOCAL_PASSWORD, ensure_local_accounts
from tools.demo import Demo
from tools.deployment import (
    LOCAL_SIGN_IN_LIMITS,
    REPOSITORY,
    LocalDeployment,
    service_url,
)

log = structlog.get_logger()

OUTPUT = REPOSITORY / "docs" / "screenshots"
PORTS = {
    "DOMPAK_INTAKE_PORT": "29101",
    "DOMPAK_VERIFICATION_PORT": "29102",
    "DOMPAK_SIGNING_PORT": "29103",
    "DOMPAK_DISTRIBUTION_PORT": "29104",
    "DOMPAK_NOTIFY_PORT": "29105",
}
SERVERS_BASE_PORT = 23000
WIDTHS: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
}
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Shot:
    """One page: file name, its viewer, service and path."""

    name: str
    # "anonymous", a local staff username, or "resident:<stage>" for the
    # resident whose application is at that stage.
    viewer: str
    service: str
    path: str


@dataclass(frozen=True)
class Stages:
    """Application ids at each stage, and the facts the pages need."""

    submitted: str
    accepted: str
    drafted: str
    verified: str
    signed: str
    completed: str
    document_id: str
    # Session tokens of the residents who applied, by stage name.
    tokens: dict[str, str]


def url(service: str, path: str) -> str:
    return f"{service_url(service, PORTS)}{path}"


def prepare(demo: Demo, seed: int) -> Stages:
    """Put one birth-deed application at each stage, and complete a death deed."""
    ids, applicants = [], []
    for offset in range(6):
        submitted = demo.submit("birth_deed", seed + offset)
        ids.append(submitted["application_id"])
        applicants.append(submitted["applicant"])
    submitted, accepted, drafted, verified, signed, completed = ids
    for application_id in ids[1:]:
        demo.accept(application_id)
    demo.draft(drafted)
    for application_id in ids[3:]:
        demo.draft_and_verify(application_id)
    for application_id in ids[4:]:
        demo.approve(application_id)
    result = demo.run("death_deed", seed + 10)
    completed = result["application_id"]
    approval = demo.client.get(
        f"{demo.url('signing')}/approvals/{completed}", headers=demo.staff("kadis")
    ).json()

    def token(applicant: dict[str, str]) -> str:
        return demo.resident(applicant)["authorization"].removeprefix("Bearer ")

    return Stages(
        submitted,
        accepted,
        drafted,
        verified,
        signed,
        completed,
        approval["document_id"],
        {"submitted": token(applicants[0]), "signed": token(applicants[4])},
    )


def shots(stages: Stages) -> list[Shot]:
    s = stages
    return [
        Shot("resident-01-home", "resident:signed", "intake", "/"),
        Shot("resident-02-requirements", "anonymous", "intake", "/layanan/birth_deed"),
        Shot("resident-03-sign-in", "anonymous", "intake", "/masuk"),
        Shot(
            "resident-04-form",
            "resident:submitted",
            "intake",
            "/layanan/birth_deed/ajukan",
        ),
        Shot(
            "resident-05-status", "resident:signed", "intake", f"/permohonan/{s.signed}"
        ),
        Shot(
            "resident-06-receipt",
            "resident:submitted",
            "intake",
            f"/permohonan/{s.submitted}/tanda-terima",
        ),
        Shot(
            "resident-07-chat",
            "resident:submitted",
            "notify",
            f"/obrolan/{s.submitted}",
        ),
        Shot("public-verification", "anonymous", "signing", f"/v/{s.document_id}"),
        Shot("staff-sign-in", "anonymous", "intake", "/petugas/masuk"),
        Shot("front-office-queue", "loket", "intake", "/loket"),
        Shot("front-office-detail", "loket", "intake", f"/loket/{s.submitted}"),
        Shot("operator-queue", "operator", "verification", "/operator"),
        Shot("operator-draft", "operator", "verification", f"/kasus/{s.accepted}"),
        Shot("verifier-queue", "verifikator", "verification", "/verifikator"),
        Shot("verifier-check", "verifikator", "verification", f"/kasus/{s.drafted}"),
        Shot("head-queue", "kadis", "signing", "/persetujuan"),
        Shot("head-approval", "kadis", "signing", f"/persetujuan/{s.verified}"),
        Shot("distribution-queue", "distribusi", "distribution", "/distribusi"),
        Shot(
            "distribution-dispatch", "distribusi", "distribution", "/distribusi/kirim"
        ),
        Shot("distribution-register", "distribusi", "distribution", "/register"),
        Shot("conversations", "loket", "notify", "/percakapan"),
    ]


@contextmanager
def signed_in(
    browser: Browser, viewer: str, viewport: ViewportSize, tokens: dict[str, str]
) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, locale="id-ID")
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        if viewer.startswith("resident:"):
            context.add_cookies(
                [
                    {
                        "name": "dompak_session",
                        "value": tokens[viewer.removeprefix("resident:")],
                        "url": url("intake", "/"),
                    }
                ]
            )
        elif viewer != "anonymous":
            page.goto(url("intake", "/petugas/masuk"))
            page.fill("input[name=username]", viewer)
            page.fill("input[name=password]", LOCAL_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        yield page
    finally:
        context.close()


def capture(browser: Browser, stages: Stages) -> list[Path]:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    saved = []
    for shot in shots(stages):
        for width, viewport in WIDTHS.items():
            with signed_in(browser, shot.viewer, viewport, stages.tokens) as page:
                response = page.goto(url(shot.service, shot.path))
                page.wait_for_load_state("networkidle")
                status = response.status if response else 0
                if status >= 400:
                    raise RuntimeError(
                        f"{shot.service}{shot.path} returned HTTP {status} "
                        f"to {shot.viewer}"
                    )
                target = OUTPUT / f"{shot.name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                saved.append(target)
                log.info("screenshot.saved", file=str(target.relative_to(REPOSITORY)))
    return saved


def main() -> int:
    configure_logging("screenshots", log_format="console", level="INFO")
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Install Debian's chromium first: apt-get install chromium")  # noqa: T201
        return 1
    state_dir = (
        Path(os.environ.get("DOMPAK_STATE_DIR", REPOSITORY / "var")).resolve()
        / "screenshots"
    )
    shutil.rmtree(state_dir, ignore_errors=True)
    stack = DevStack(state_dir / "stack", base_port=SERVERS_BASE_PORT)
    endpoints = stack.start()
    deployment = LocalDeployment(
        state_dir, endpoints=endpoints, environ={**PORTS, **LOCAL_SIGN_IN_LIMITS}
    )
    try:
        deployment.start()
        settings = deployment.settings()
        asyncio.run(ensure_local_accounts(settings))
        catalogue = load_catalogue(settings.catalogue_file)
        passphrase = SigningSettings().local_signing_passphrase
        assert endpoints.maildir is not None
        with httpx.Client(timeout=60) as client:
            demo = Demo(
                client,
                state_dir / "out",
                passphrase,
                catalogue,
                endpoints.maildir,
                deployment.environ,
            )
            (state_dir / "out").mkdir(exist_ok=True)
            stages = prepare(demo, random.SystemRandom().randrange(1, 10**6))
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=CHROMIUM_FLAGS
                )
                try:
                    saved = capture(browser, stages)
                finally:
                    browser.close()
    finally:
        deployment.stop()
        stack.stop()
    print(f"Saved {len(saved)} screenshots in {OUTPUT}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())

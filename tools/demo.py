"""`make demo`: drive one synthetic application of every service to its end.

Acts as the resident and as each staff role over the services' HTTP APIs.
Uses the running system, or starts one for the duration of the demo. The
last line printed is a JSON list with one object per service.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import structlog

from services.signing.settings import SigningSettings
from shared.catalogue import Catalogue, Output, load_catalogue, required_uploads
from shared.logging import configure_logging
from shared.regency import load_regency
from tools.accounts import LOCAL_PASSWORD, ensure_local_accounts
from tools.deployment import (
    LOCAL_SIGN_IN_LIMITS,
    REPOSITORY,
    LocalDeployment,
    is_running,
    service_url,
)
from tools.mail import wait_for_code
from tools.samples import application_form, paper_photo

log = structlog.get_logger()

STEP_TIMEOUT_SECONDS = 60.0


class DemoError(RuntimeError):
    """A step of the demo failed; the message names the step and the response."""


def _check(response: httpx.Response, step: str) -> Any:
    if response.status_code >= 400:
        raise DemoError(
            f"{step} failed with HTTP {response.status_code}: {response.text}"
        )
    if "json" in response.headers.get("content-type", ""):
        return response.json()
    return None


def _wait_for(
    step: str, probe: Callable[[], httpx.Response], ready: Callable[[Any], bool]
) -> Any:
    """Poll until an event has reached the next service."""
    deadline = time.monotonic() + STEP_TIMEOUT_SECONDS
    while True:
        response = probe()
        if response.status_code == 200 and ready(response.json()):
            return response.json()
        if time.monotonic() > deadline:
            raise DemoError(
                f"{step} did not happen within {STEP_TIMEOUT_SECONDS:.0f} s"
            )
        time.sleep(0.3)


@dataclass
class Demo:
    """The resident and every staff role, talking to the services over HTTP."""

    client: httpx.Client
    output_dir: Path
    passphrase: str
    catalogue: Catalogue
    maildir: Path
    environ: Mapping[str, str] | None = None
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return service_url(service, self.environ)

    def staff(self, username: str) -> dict[str, str]:
        """Headers of a session of one of the local staff accounts."""
        if username not in self.sessions:
            body = _check(
                self.client.post(
                    f"{self.url('intake')}/auth/staff",
                    json={"username": username, "password": LOCAL_PASSWORD},
                ),
                f"sign-in of {username}",
            )
            self.sessions[username] = {"authorization": f"Bearer {body['token']}"}
        return self.sessions[username]

    def resident(self, applicant: Mapping[str, str]) -> dict[str, str]:
        """Sign in as the applicant with the code mailed by notify."""
        nik = applicant["nik"]
        if nik not in self.sessions:
            intake = self.url("intake")
            requested_at = time.time()
            request = _check(
                self.client.post(
                    f"{intake}/auth/resident/code",
                    json={
                        "nik": nik,
                        "name": applicant["name"],
                        "email": applicant["email"],
                    },
                ),
                "sign-in code request",
            )
            code = wait_for_code(self.maildir, applicant["email"], after=requested_at)
            body = _check(
                self.client.post(
                    f"{intake}/auth/resident",
                    json={"request_id": request["request_id"], "code": code},
                ),
                "resident sign-in",
            )
            self.sessions[nik] = {"authorization": f"Bearer {body['token']}"}
        return self.sessions[nik]

    def submit(self, service_code: str, seed: int) -> dict[str, Any]:
        """Apply as a resident with a photo of every paper the form needs."""
        form = application_form(service_code, seed)
        entry = self.catalogue.service(service_code)
        needed = required_uploads(entry, form, today=datetime.now(UTC).date())
        files = [
            (r.code, (f"{r.code}.jpg", paper_photo(r.name_id, seed=seed), "image/jpeg"))
            for r in needed
        ]
        submitted = _check(
            self.client.post(
                f"{self.url('intake')}/services/{service_code}/applications",
                data={"application": json.dumps(form)},
                files=files,
                headers=self.resident(form["applicant"]),
            ),
            f"{service_code} submission",
        )
        log.info(
            "demo.submitted",
            service=service_code,
            application_id=submitted["application_id"],
            tracking_code=submitted["tracking_code"],
        )
        return {**submitted, "applicant": form["applicant"]}

    def ask_for_clearer_photo(
        self, application_id: str, code: str, paper: str, resident: dict[str, str]
    ) -> None:
        """Ask for a paper again as the front office, and resend it as the resident."""
        intake = self.url("intake")
        missing = {"requirement": paper, "reason": "Foto buram, mohon foto ulang"}
        _check(
            self.client.post(
                f"{intake}/applications/{application_id}/request-documents",
                json={"missing": [missing]},
                headers=self.staff("loket"),
            ),
            f"request for a clearer {paper}",
        )
        retake = [(paper, (f"{paper}.jpg", paper_photo(paper, seed=99), "image/jpeg"))]
        _check(
            self.client.post(
                f"{intake}/track/{code}/files", files=retake, headers=resident
            ),
            "resubmission",
        )

    def accept(self, application_id: str) -> None:
        _check(
            self.client.post(
                f"{self.url('intake')}/applications/{application_id}/accept",
                json={},
                headers=self.staff("loket"),
            ),
            "front-office acceptance",
        )

    def draft(self, application_id: str) -> None:
        """Write the draft as the operator from the prefilled template."""
        case = f"{self.url('verification')}/cases/{application_id}"
        operator = self.staff("operator")
        _wait_for(
            "case opening",
            lambda: self.client.get(case, headers=operator),
            lambda c: True,
        )
        draft = _check(
            self.client.get(f"{case}/draft-template", headers=operator),
            "draft template",
        )
        _check(
            self.client.post(f"{case}/draft", json={"draft": draft}, headers=operator),
            "draft",
        )

    def verify(self, application_id: str) -> None:
        case = f"{self.url('verification')}/cases/{application_id}"
        _check(
            self.client.post(
                f"{case}/verify", json={}, headers=self.staff("verifikator")
            ),
            "verification",
        )

    def draft_and_verify(self, application_id: str) -> None:
        self.draft(application_id)
        self.verify(application_id)

    def approve(self, application_id: str) -> dict[str, Any]:
        approval = f"{self.url('signing')}/approvals/{application_id}"
        head = self.staff("kadis")
        _wait_for(
            "approval queueing",
            lambda: self.client.get(approval, headers=head),
            lambda a: a["status"] == "awaiting_approval",
        )
        return dict(
            _check(
                self.client.post(
                    f"{approval}/approve",
                    json={"passphrase": self.passphrase},
                    headers=head,
                ),
                "approval and signature",
            )
        )

    def deliver(self, service_code: str, application_id: str, collector: str) -> Path:
        """Print, dispatch or book the visit, and hand over; return the PDF path."""
        entry = self.catalogue.service(service_code)
        delivery = f"{self.url('distribution')}/deliveries/{application_id}"
        staff = self.staff("distribusi")
        _wait_for(
            "delivery queueing",
            lambda: self.client.get(delivery, headers=staff),
            lambda d: True,
        )
        if entry.appointment:
            visit = (datetime.now(UTC) + timedelta(days=3)).isoformat()
            _check(
                self.client.post(
                    f"{delivery}/appointment",
                    json={"starts_at": visit},
                    headers=staff,
                ),
                "appointment",
            )

        _check(self.client.post(f"{delivery}/print", json={}, headers=staff), "print")
        pdf = self.client.get(f"{delivery}/pdf", headers=staff)
        _check(pdf, "PDF download")
        document_pdf = self.output_dir / f"{service_code}-{application_id}.pdf"
        document_pdf.write_bytes(pdf.content)

        if entry.output is Output.A4_DOCUMENT:
            _check(
                self.client.post(f"{delivery}/dispatch", json={}, headers=staff),
                "dispatch",
            )
        _check(
            self.client.post(
                f"{delivery}/hand-over",
                headers=staff,
                json={
                    "collector_name": "Rosmaida Situmorang",
                    "collector_nik": collector,
                    "relationship": "pemohon",
                },
            ),
            "hand-over",
        )
        return document_pdf

    def completed(self, tracking_code: str, resident: dict[str, str]) -> str:
        view = _wait_for(
            "completion on the resident's timeline",
            lambda: self.client.get(
                f"{self.url('intake')}/track/{tracking_code}", headers=resident
            ),
            lambda v: v["status"] == "completed",
        )
        return str(view["status"])

    def run(self, service_code: str, seed: int) -> dict[str, Any]:
        """Carry one application of a service to the register; return its facts."""
        submitted = self.submit(service_code, seed)
        application_id = submitted["application_id"]
        code = submitted["tracking_code"]
        resident = self.resident(submitted["applicant"])
        if service_code == "birth_deed":
            self.ask_for_clearer_photo(application_id, code, "birth_letter", resident)
        self.accept(application_id)
        self.draft_and_verify(application_id)
        approval = self.approve(application_id)
        collector = application_form(service_code, seed)["applicant"]["nik"]
        document_pdf = self.deliver(service_code, application_id, collector)
        return {
            "service": service_code,
            "application_id": application_id,
            "tracking_code": code,
            "applicant": submitted["applicant"],
            "status": self.completed(code, resident),
            "register_number": approval["register_number"],
            "document_pdf": str(document_pdf),
        }


def main() -> int:
    configure_logging("demo", log_format="console", level="INFO")
    state_dir = Path(os.environ.get("DOMPAK_STATE_DIR", REPOSITORY / "var")).resolve()
    settings = SigningSettings(pki_dir=state_dir / "pki")
    catalogue = load_catalogue(settings.catalogue_file)
    load_regency(settings.regency_file)
    output_dir = state_dir / "demo"
    output_dir.mkdir(parents=True, exist_ok=True)
    deployment = (
        None
        if is_running()
        else LocalDeployment(state_dir, environ=dict(LOCAL_SIGN_IN_LIMITS))
    )
    ca_certificate = str(settings.pki_dir / "ca-certificate.pem")
    # A fresh seed per run: intake refuses a second application for the same
    # person and document.
    seed = random.SystemRandom().randrange(1, 10**6)
    results = []
    try:
        if deployment is not None:
            log.info("demo.starting_system")
            deployment.start()
            settings = SigningSettings.model_validate(
                {**deployment.settings().model_dump(), "pki_dir": settings.pki_dir}
            )
        asyncio.run(ensure_local_accounts(settings))
        maildir = Path(
            (deployment.started_environment if deployment else os.environ).get(
                "DOMPAK_MAILDIR", state_dir / "stack" / "smtp" / "maildir"
            )
        )
        with httpx.Client(timeout=60) as client:
            demo = Demo(
                client,
                output_dir,
                settings.local_signing_passphrase,
                catalogue,
                maildir,
            )
            for index, entry in enumerate(catalogue.services):
                result = demo.run(entry.code, seed + index)
                results.append({**result, "ca_certificate": ca_certificate})
    except DemoError as error:
        log.error("demo.failed", error=str(error))
        return 1
    finally:
        if deployment is not None:
            deployment.stop()
    print(json.dumps(results))  # noqa: T201 (the demo's result line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make demo`: drive one synthetic birth-deed application through every stage.

Acts as the resident and as each staff role over the services' HTTP APIs.
Uses the running system, or starts one for the duration of the demo. The
last line printed is one JSON object describing the result.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
import structlog

from services.signing.settings import SigningSettings
from shared.logging import configure_logging
from tools.deployment import REPOSITORY, LocalDeployment, is_running, service_url
from tools.samples import birth_deed_application, birth_deed_papers

log = structlog.get_logger()

STEP_TIMEOUT_SECONDS = 60.0


class DemoError(RuntimeError):
    """A step of the demo failed; the message names the step and the response."""


def _check(response: httpx.Response, step: str) -> Any:
    if response.status_code >= 400:
        raise DemoError(
            f"{step} failed with HTTP {response.status_code}: {response.text}"
        )
    return (
        response.json() if "json" in response.headers.get("content-type", "") else None
    )


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


def drive(
    client: httpx.Client,
    output_dir: Path,
    passphrase: str,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Carry one application from submission to the register; return its facts."""
    intake = service_url("intake", environ)
    verification = service_url("verification", environ)
    signing = service_url("signing", environ)
    distribution = service_url("distribution", environ)

    papers = birth_deed_papers(seed=7)
    files = [
        (name, (f"{name}.jpg", data, "image/jpeg")) for name, data in papers.items()
    ]
    form = {"application": json.dumps(birth_deed_application(seed=7))}
    submitted = _check(
        client.post(
            f"{intake}/services/birth_deed/applications", data=form, files=files
        ),
        "submission",
    )
    application_id, code = submitted["application_id"], submitted["tracking_code"]
    log.info("demo.submitted", application_id=application_id, tracking_code=code)

    missing = {"requirement": "birth_letter", "reason": "Foto buram, mohon foto ulang"}
    _check(
        client.post(
            f"{intake}/applications/{application_id}/request-documents",
            json={"actor": "fo.demo", "missing": [missing]},
        ),
        "request for a clearer birth letter",
    )
    retake = [
        (
            "birth_letter",
            (
                "birth_letter.jpg",
                birth_deed_papers(seed=8)["birth_letter"],
                "image/jpeg",
            ),
        )
    ]
    _check(client.post(f"{intake}/track/{code}/files", files=retake), "resubmission")
    _check(
        client.post(
            f"{intake}/applications/{application_id}/accept", json={"actor": "fo.demo"}
        ),
        "front-office acceptance",
    )

    _wait_for(
        "case opening",
        lambda: client.get(f"{verification}/cases/{application_id}"),
        lambda c: True,
    )
    draft = _check(
        client.get(f"{verification}/cases/{application_id}/draft-template"),
        "draft template",
    )
    _check(
        client.post(
            f"{verification}/cases/{application_id}/draft",
            json={"actor": "operator.demo", "draft": draft},
        ),
        "draft",
    )
    _check(
        client.post(
            f"{verification}/cases/{application_id}/verify",
            json={"actor": "verifier.demo"},
        ),
        "verification",
    )

    _wait_for(
        "approval queueing",
        lambda: client.get(f"{signing}/approvals/{application_id}"),
        lambda a: True,
    )
    approval = _check(
        client.post(
            f"{signing}/approvals/{application_id}/approve",
            json={"actor": "kadis.demo", "passphrase": passphrase},
        ),
        "approval and signature",
    )

    _wait_for(
        "delivery queueing",
        lambda: client.get(f"{distribution}/deliveries/{application_id}"),
        lambda d: True,
    )
    _check(
        client.post(
            f"{distribution}/deliveries/{application_id}/print",
            json={"actor": "distribusi.demo"},
        ),
        "print",
    )
    pdf = client.get(f"{distribution}/deliveries/{application_id}/pdf")
    _check(pdf, "PDF download")
    document_pdf = output_dir / f"{application_id}.pdf"
    document_pdf.write_bytes(pdf.content)
    _check(
        client.post(
            f"{distribution}/deliveries/{application_id}/dispatch",
            json={"actor": "distribusi.demo"},
        ),
        "dispatch",
    )
    _check(
        client.post(
            f"{distribution}/deliveries/{application_id}/hand-over",
            json={
                "actor": "desa.demo",
                "collector_name": "Rosmaida Situmorang",
                "collector_nik": birth_deed_application(seed=7)["applicant"]["nik"],
                "relationship": "ibu",
            },
        ),
        "hand-over",
    )
    _wait_for(
        "completion on the resident's timeline",
        lambda: client.get(f"{intake}/track/{code}"),
        lambda v: v["status"] == "completed",
    )
    return {
        "application_id": application_id,
        "tracking_code": code,
        "register_number": approval["register_number"],
        "document_pdf": str(document_pdf),
    }


def main() -> int:
    configure_logging("demo", log_format="console", level="INFO")
    state_dir = Path(os.environ.get("DOMPAK_STATE_DIR", REPOSITORY / "var")).resolve()
    settings = SigningSettings(pki_dir=state_dir / "pki")
    output_dir = state_dir / "demo"
    output_dir.mkdir(parents=True, exist_ok=True)
    deployment = None if is_running() else LocalDeployment(state_dir)
    try:
        if deployment is not None:
            log.info("demo.starting_system")
            deployment.start()
        with httpx.Client(timeout=60) as client:
            result = drive(client, output_dir, settings.local_signing_passphrase)
    except DemoError as error:
        log.error("demo.failed", error=str(error))
        return 1
    finally:
        if deployment is not None:
            deployment.stop()
    result["ca_certificate"] = str(settings.pki_dir / "ca-certificate.pem")
    print(json.dumps(result))  # noqa: T201 (the demo's result line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

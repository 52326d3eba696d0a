"""Operator and verifier pages on the real servers: queues, draft desk, papers."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from services.verification.service import VerificationService
from shared.auth import SESSION_COOKIE, IdentityStore
from shared.storage import ObjectStore
from tests.services.verification.cases import (
    CIVIL_REGISTRY,
    POPULATION_REGISTRATION,
    Staff,
    drafted,
    opened,
    store_papers,
    valid_draft,
)
from tools.samples import application_form

pytestmark = pytest.mark.integration

HTMX = {"hx-request": "true"}
PAGE = {"accept": "text/html"}
# Queue pages list the oldest 200 cases, and the whole test session shares one
# database, so the queue tests find their new cases through "only mine".
MINE = {"saya": "1"}


async def assign(staff: Staff, *application_ids: str) -> None:
    for application_id in application_ids:
        response = await staff.client.post(f"/kasus/{application_id}/ambil")
        assert response.status_code == 200, response.text


def draft_fields(draft: dict[str, Any]) -> dict[str, str]:
    """Return a birth-deed draft as the draft form's inputs."""
    return {
        f"draft.{key}": "" if value is None else str(value)
        for key, value in draft.items()
    }


def status_badge(html: str) -> str | None:
    """Return the status shown in the case view's status line."""
    match = re.search(r"<dt>Status</dt><dd><span class=\"badge\">([^<]*)</span>", html)
    return match[1] if match else None


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return match[1] if match else None


async def test_operator_queue_lists_case(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)
    case = await service.get(application_id)
    await assign(operator, application_id)

    response = await operator.client.get("/operator", params=MINE, headers=PAGE)

    html = response.text
    assert response.status_code == 200
    assert "Antrean draf" in html
    assert case["tracking_code"] in html
    assert f'href="/kasus/{application_id}"' in html
    assert 'hx-trigger="every 5s"' in html
    assert "standar 1 hari" in html


async def test_operator_queue_in_english(
    service: VerificationService, operator: Staff
) -> None:
    await opened(service)

    response = await operator.client.get(
        "/operator", headers={**PAGE, "cookie": "lang=en"}
    )

    assert response.status_code == 200
    assert "Drafts" in response.text
    assert "Worked on by" in response.text


async def test_queue_fragment_filtered_by_division(
    service: VerificationService, operator: Staff
) -> None:
    birth = await opened(service)
    kia = await opened(service, form=application_form("kia", 3), service_code="kia")
    await assign(operator, birth, kia)

    civil = await operator.client.get(
        "/operator/antrean", params={**MINE, "bidang": CIVIL_REGISTRY}, headers=HTMX
    )
    population = await operator.client.get(
        "/operator/antrean",
        params={**MINE, "bidang": POPULATION_REGISTRATION},
        headers=HTMX,
    )

    assert civil.status_code == 200
    assert "<html" not in civil.text
    assert f"/kasus/{birth}" in civil.text
    assert f"/kasus/{kia}" not in civil.text
    assert f"/kasus/{kia}" in population.text
    assert f"/kasus/{birth}" not in population.text


async def test_queue_filtered_by_service_code(
    service: VerificationService, operator: Staff
) -> None:
    birth = await opened(service)
    kia = await opened(service, form=application_form("kia", 4), service_code="kia")
    await assign(operator, birth, kia)

    response = await operator.client.get(
        "/operator/antrean", params={**MINE, "layanan": "kia"}, headers=HTMX
    )

    assert f"/kasus/{kia}" in response.text
    assert f"/kasus/{birth}" not in response.text


async def test_queue_only_mine(service: VerificationService, operator: Staff) -> None:
    mine = await opened(service)
    other = await opened(service)
    await assign(operator, mine)

    response = await operator.client.get("/operator/antrean", params=MINE, headers=HTMX)

    assert f"/kasus/{mine}" in response.text
    assert f"/kasus/{other}" not in response.text


@pytest.mark.parametrize(
    ("params", "named"),
    [({"bidang": "keuangan"}, "keuangan"), ({"layanan": "paspor"}, "paspor")],
    ids=["division", "service"],
)
async def test_queue_unknown_filter_rejected(
    operator: Staff, params: dict[str, str], named: str
) -> None:
    response = await operator.client.get("/operator/antrean", params=params)

    assert response.status_code == 422
    assert named in response.json()["message"]


async def test_verifier_queue_lists_drafted_case(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)
    waiting = await opened(service)
    await assign(verifier, application_id)

    response = await verifier.client.get("/verifikator", params=MINE, headers=PAGE)

    assert response.status_code == 200
    assert "Antrean verifikasi" in response.text
    assert f"/kasus/{application_id}" in response.text
    assert f"/kasus/{waiting}" not in response.text


async def test_case_page_prefills_draft_inputs(
    service: VerificationService, operator: Staff, uploads: ObjectStore
) -> None:
    files = await store_papers(uploads, str(uuid.uuid4()))
    application_id = await opened(service, files=files)
    template = service.draft_template(await service.get(application_id))

    response = await operator.client.get(f"/kasus/{application_id}", headers=PAGE)

    html = response.text
    assert response.status_code == 200
    assert "Nama anak" in html
    assert input_value(html, "draft.child_name") == template["child_name"]
    assert input_value(html, "draft.birth_order") == str(template["birth_order"])
    assert 'name="draft.birth_date" type="date"' in html
    assert f'src="/kasus/{application_id}/berkas/birth_letter"' in html
    assert "Catat draf dan teruskan" in html


async def test_draft_form_records_draft(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)

    response = await operator.client.post(
        f"/kasus/{application_id}/draf",
        data=draft_fields(valid_draft(child_name="Yohana  Br. Sinaga ")),
        headers=HTMX,
    )

    stored = await service.get(application_id)
    assert response.status_code == 200
    assert "Draf tercatat" in response.text
    assert stored["status"] == "awaiting_verification"
    assert stored["drafted_by"] == operator.username
    assert stored["draft"]["child_name"] == "Yohana Br. Sinaga"
    assert stored["draft"]["birth_order"] == 2


async def test_draft_form_shows_problem_at_field(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)
    future = (date.today() + timedelta(days=2)).isoformat()

    response = await operator.client.post(
        f"/kasus/{application_id}/draf",
        data=draft_fields(valid_draft(birth_date=future, child_name="Tiur")),
        headers=HTMX,
    )

    html = response.text
    problem = re.search(
        r'name="draft.birth_date"[^>]*aria-invalid="true">\s*'
        r'<span class="problem">([^<]*)</span>',
        html,
    )
    assert response.status_code == 200
    assert problem is not None
    assert future in problem[1]
    assert input_value(html, "draft.child_name") == "Tiur"
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_draft_form_text_number_rejected(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)

    response = await operator.client.post(
        f"/kasus/{application_id}/draf",
        data=draft_fields(valid_draft(birth_order="kedua")),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert 'name="draft.birth_order"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_draft_form_nested_template(
    service: VerificationService, operator: Staff
) -> None:
    form = application_form("moving_letter", seed=5)
    application_id = await opened(service, form=form, service_code="moving_letter")
    template = service.draft_template(await service.get(application_id))
    page = (await operator.client.get(f"/kasus/{application_id}")).text
    fields = dict(re.findall(r'<input name="(draft\.[^"]+)"[^>]*value="([^"]*)"', page))
    fields["draft.destination.street"] = "Jalan Baru No. 9"

    response = await operator.client.post(
        f"/kasus/{application_id}/draf", data=fields, headers=HTMX
    )

    stored = await service.get(application_id)
    assert response.status_code == 200, response.text
    assert "Alamat tujuan" in page
    assert "Anggota keluarga 1" in page
    assert stored["status"] == "awaiting_verification"
    assert stored["draft"]["destination"]["street"] == "Jalan Baru No. 9"
    assert stored["draft"]["members"] == template["members"]
    assert stored["draft"]["origin"]["postal_code"] is None


async def test_verifier_case_page_side_by_side(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)

    response = await verifier.client.get(f"/kasus/{application_id}", headers=PAGE)

    html = response.text
    assert response.status_code == 200
    assert "Sesuai, teruskan" in html
    assert "Kembalikan" in html
    assert "Formulir pemohon" in html
    assert valid_draft()["mother_name"] in html
    assert 'name="draft.' not in html


async def test_verify_from_page(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)

    response = await verifier.client.post(
        f"/kasus/{application_id}/sesuai", headers=HTMX
    )

    stored = await service.get(application_id)
    assert response.status_code == 200
    assert "Kepala Dinas" in response.text
    assert stored["status"] == "verified"
    assert stored["verified_by"] == verifier.username


async def test_draft_action_swaps_whole_case_view(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)
    page = await operator.client.get(f"/kasus/{application_id}", headers=PAGE)

    response = await operator.client.post(
        f"/kasus/{application_id}/draf", data=draft_fields(valid_draft()), headers=HTMX
    )

    html = response.text
    assert status_badge(page.text) == "Menunggu draf"
    assert '<div id="kasus">' in page.text
    assert response.status_code == 200
    assert response.headers["hx-retarget"] == "#kasus"
    assert response.headers["hx-reswap"].startswith("outerHTML")
    assert '<div id="kasus">' in html
    assert "<html" not in html
    assert status_badge(html) == "Menunggu verifikasi"
    assert "Draf tercatat" in html
    assert 'name="draft.' not in html
    assert valid_draft()["mother_name"] in html
    assert 'href="/operator"' in html


@pytest.mark.parametrize(
    ("action", "data", "status", "outcome"),
    [
        ("sesuai", {}, "Terverifikasi", "Kepala Dinas"),
        ("kembalikan", {"reason": "Tanggal lahir keliru"}, "Menunggu draf", "Dikemb"),
    ],
    ids=["verify", "return"],
)
async def test_verifier_action_swaps_whole_case_view(
    service: VerificationService,
    operator: Staff,
    verifier: Staff,
    action: str,
    data: dict[str, str],
    status: str,
    outcome: str,
) -> None:
    application_id = await drafted(service, operator)

    response = await verifier.client.post(
        f"/kasus/{application_id}/{action}", data=data, headers=HTMX
    )

    html = response.text
    assert response.status_code == 200
    assert response.headers["hx-retarget"] == "#kasus"
    assert status_badge(html) == status
    assert outcome in html
    assert 'id="putusan"' not in html
    assert "Sesuai, teruskan" not in html


async def test_rejected_reason_swaps_only_panel(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)

    response = await verifier.client.post(
        f"/kasus/{application_id}/kembalikan", data={"reason": "x"}, headers=HTMX
    )

    assert response.status_code == 200
    assert "hx-retarget" not in response.headers
    assert 'id="kasus"' not in response.text
    assert 'id="putusan"' in response.text


async def test_return_without_reason_shows_error(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)

    response = await verifier.client.post(
        f"/kasus/{application_id}/kembalikan", data={"reason": " "}, headers=HTMX
    )

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert "3 sampai 500" in response.text
    assert (await service.get(application_id))["status"] == "awaiting_verification"


async def test_returned_reason_shown_to_operator(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)
    reason = "Nama ibu tidak sama dengan KTP-el"

    returned = await verifier.client.post(
        f"/kasus/{application_id}/kembalikan", data={"reason": reason}, headers=HTMX
    )
    page = await operator.client.get(f"/kasus/{application_id}", headers=PAGE)

    assert returned.status_code == 200
    assert "Dikembalikan ke operator" in returned.text
    assert reason in page.text
    assert "Riwayat pengembalian" in page.text
    assert input_value(page.text, "draft.mother_name") == valid_draft()["mother_name"]
    assert (await service.get(application_id))["status"] == "awaiting_draft"


async def test_verify_own_draft_forbidden_on_page(
    service: VerificationService, operator_verifier: Staff
) -> None:
    application_id = await drafted(service, operator_verifier)

    response = await operator_verifier.client.post(
        f"/kasus/{application_id}/sesuai", headers=HTMX
    )

    assert response.status_code == 403
    assert "four-eyes" in response.json()["message"]


async def test_take_and_release_from_page(
    service: VerificationService, operator: Staff
) -> None:
    application_id = await opened(service)

    assigned = await operator.client.post(
        f"/kasus/{application_id}/ambil", headers=HTMX
    )
    released = await operator.client.post(
        f"/kasus/{application_id}/lepas", headers=HTMX
    )

    assert assigned.status_code == 200
    assert "(Anda)" in assigned.text
    assert "Lepas" in assigned.text
    assert released.status_code == 200
    assert "Ambil" in released.text
    assert (await service.get(application_id))["assignee"] is None


async def test_paper_served_with_its_bytes(
    service: VerificationService, verifier: Staff, uploads: ObjectStore
) -> None:
    files = await store_papers(uploads, str(uuid.uuid4()))
    application_id = await opened(service, files=files)
    letter = next(f for f in files if f.requirement == "birth_letter")

    response = await verifier.client.get(f"/kasus/{application_id}/berkas/birth_letter")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert hashlib.sha256(response.content).hexdigest() == letter.sha256


async def test_altered_paper_refused(
    service: VerificationService, verifier: Staff, uploads: ObjectStore
) -> None:
    key_prefix = str(uuid.uuid4())
    files = await store_papers(uploads, key_prefix)
    application_id = await opened(service, files=files)
    letter = next(f for f in files if f.requirement == "birth_letter")
    await uploads.put(letter.object_key, b"\xff\xd8 altered", "image/jpeg")

    response = await verifier.client.get(f"/kasus/{application_id}/berkas/birth_letter")

    assert response.status_code == 502
    assert "SHA-256" in response.json()["message"]


async def test_missing_paper_object_reported(
    service: VerificationService, verifier: Staff, uploads: ObjectStore
) -> None:
    key_prefix = str(uuid.uuid4())
    files = await store_papers(uploads, key_prefix)
    application_id = await opened(service, files=files)
    await uploads.delete(files[0].object_key)

    response = await verifier.client.get(
        f"/kasus/{application_id}/berkas/{files[0].requirement}"
    )

    assert response.status_code == 502
    assert "missing" in response.json()["message"]


async def test_unknown_requirement_not_found(
    service: VerificationService, verifier: Staff
) -> None:
    application_id = await opened(service)

    response = await verifier.client.get(f"/kasus/{application_id}/berkas/paspor")

    assert response.status_code == 404
    assert "paspor" in response.json()["message"]


async def test_cookie_post_without_csrf_forbidden(
    service: VerificationService, operator: Staff, identity: IdentityStore
) -> None:
    application_id = await opened(service)
    token = operator.client.headers["authorization"].split()[1]
    principal = await identity.resolve(token)
    assert principal is not None
    transport = operator.client._transport
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", cookies={SESSION_COOKIE: token}
    ) as browser:
        refused = await browser.post(f"/kasus/{application_id}/ambil", headers=HTMX)
        assigned = await browser.post(
            f"/kasus/{application_id}/ambil",
            headers={**HTMX, "x-csrf-token": principal.csrf_token},
        )

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]
    assert assigned.status_code == 200


async def test_ops_case_page_read_only(
    service: VerificationService, operator: Staff, ops: Staff
) -> None:
    application_id = await opened(service)
    drafted_id = await drafted(service, operator)

    open_page = await ops.client.get(f"/kasus/{application_id}", headers=PAGE)
    drafted_page = await ops.client.get(f"/kasus/{drafted_id}", headers=PAGE)
    queue = await ops.client.get("/operator", headers=PAGE)

    assert open_page.status_code == 200
    assert 'name="draft.' not in open_page.text
    assert "/ambil" not in open_page.text
    assert drafted_page.status_code == 200
    assert "/sesuai" not in drafted_page.text
    assert queue.status_code == 200
    assert "berkas" in queue.text
    assert "/ambil" not in queue.text


async def test_queue_unknown_filter_name_rejected(verifier: Staff) -> None:
    fragment = await verifier.client.get(
        "/verifikator/antrean", params={"division": "zzz"}, headers=HTMX
    )
    page = await verifier.client.get(
        "/verifikator", params={"division": "zzz"}, headers=PAGE
    )

    assert fragment.status_code == 422
    assert "no filter 'division'" in fragment.json()["message"]
    assert "bidang, layanan, saya" in fragment.json()["message"]
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "no filter &#39;division&#39;" in page.text


async def test_queue_empty_filters_mean_any(verifier: Staff) -> None:
    response = await verifier.client.get(
        "/verifikator/antrean",
        params={"bidang": "", "layanan": "", "saya": ""},
        headers=HTMX,
    )

    assert response.status_code == 200


async def test_return_long_reason_rejected(
    service: VerificationService, operator: Staff, verifier: Staff
) -> None:
    application_id = await drafted(service, operator)

    response = await verifier.client.post(
        f"/kasus/{application_id}/kembalikan",
        data={"reason": "r" * 3000},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert "3 sampai 500" in response.text
    assert (await service.get(application_id))["status"] == "awaiting_verification"

"""Signing pages on the real servers: approval desk, preview, single and batch
signing, public verification and the resident's download."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI

from services.signing.service import SigningService, mask_nik
from shared.auth import IdentityStore, Role
from shared.pages import MONTHS_ID
from tests.services.signing.conftest import (
    SIGNING_PASSPHRASE,
    VILLAGE_CODE,
    open_approval,
    sample_draft,
    signed_document,
)
from tests.services.signing.pdf_text import page_text
from tests.support import flip_signed_byte, resident_headers, staff_headers

pytestmark = pytest.mark.integration

HTML = {"accept": "text/html"}
# htmx sends this header; errors then come back as JSON for the flash area.
HTMX = {"hx-request": "true"}
ENGLISH = {"cookie": "lang=en"}


@pytest.fixture
def client(signing_app: FastAPI) -> httpx.AsyncClient:
    http: httpx.AsyncClient = signing_app.state.client
    return http


@pytest.fixture
def service(signing_app: FastAPI) -> SigningService:
    signing: SigningService = signing_app.state.service
    return signing


async def head(identity: IdentityStore) -> dict[str, str]:
    return await staff_headers(identity, Role.HEAD)


async def test_desk_lists_queue_with_age(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    service: SigningService = signing_app.state.service
    approval = await service.get(application_id)
    entry = service.catalogue.service("birth_deed")

    page = await client.get("/persetujuan", headers={**await head(identity), **HTML})

    assert page.status_code == 200
    assert approval["tracking_code"] in page.text
    assert 'hx-trigger="every 5s' in page.text
    assert f"standar {entry.standard_days} hari" in page.text
    assert 'type="password"' in page.text
    assert 'autocomplete="off"' in page.text


async def test_queue_filters_by_service_and_division(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    birth = await open_approval(signing_app, "birth_deed")
    card = await open_approval(signing_app, "ktp_el_new")
    service: SigningService = signing_app.state.service
    birth_code = (await service.get(birth))["tracking_code"]
    card_code = (await service.get(card))["tracking_code"]
    headers = await head(identity)

    births = await client.get(
        "/persetujuan/antrian", params={"service_code": "birth_deed"}, headers=headers
    )
    civil = await client.get(
        "/persetujuan/antrian",
        params={"division": "pencatatan_sipil"},
        headers=headers,
    )
    population = await client.get(
        "/queue", params={"division": "pendaftaran_penduduk"}, headers=headers
    )
    unknown = await client.get(
        "/persetujuan/antrian", params={"division": "bidang_lain"}, headers=headers
    )

    assert birth_code in births.text
    assert card_code not in births.text
    assert birth_code in civil.text
    assert card_code not in civil.text
    population_ids = [item["application_id"] for item in population.json()]
    assert card in population_ids
    assert birth not in population_ids
    assert unknown.status_code == 422
    assert "bidang_lain" in unknown.json()["message"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"service_code": "nope"}, ["Layanan 'nope' tidak ada", "birth_deed"]),
        ({"division": "zzz"}, ["Bidang 'zzz' tidak ada", "pencatatan_sipil"]),
        ({"status": "nope"}, ["dengan 'status'", "service_code, division"]),
    ],
    ids=["service", "division", "unknown-name"],
)
async def test_desk_unknown_filter_rejected(
    client: httpx.AsyncClient,
    identity: IdentityStore,
    params: dict[str, str],
    named: list[str],
) -> None:
    headers = await head(identity)

    fragment = await client.get(
        "/persetujuan/antrian", params=params, headers=headers | HTMX
    )
    page = await client.get("/persetujuan", params=params, headers=headers | HTML)

    assert fragment.status_code == 422
    for text in named:
        assert text in fragment.json()["message"]
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert named[0].replace("'", "&#39;") in page.text


async def test_desk_unknown_filter_in_english(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await head(identity) | ENGLISH | HTMX

    response = await client.get(
        "/persetujuan/antrian", params={"service_code": "nope"}, headers=headers
    )

    assert response.status_code == 422
    assert "Service 'nope' is not in the catalogue" in response.json()["message"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"service_code": "nope"}, ["'nope'", "birth_deed"]),
        ({"division": "zzz"}, ["'zzz'", "pendaftaran_penduduk or pencatatan_sipil"]),
        ({"status": "nope"}, ["no filter 'status'", "service_code, division"]),
    ],
    ids=["service", "division", "unknown-name"],
)
async def test_json_queue_unknown_filter_rejected(
    client: httpx.AsyncClient,
    identity: IdentityStore,
    params: dict[str, str],
    named: list[str],
) -> None:
    response = await client.get("/queue", params=params, headers=await head(identity))

    assert response.status_code == 422
    for text in named:
        assert text in response.json()["message"]


async def test_queue_empty_filters_mean_any(
    client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    headers = await head(identity)
    empty = {"service_code": "", "division": ""}

    fragment = await client.get(
        "/persetujuan/antrian", params=empty, headers=headers | HTMX
    )
    api = await client.get("/queue", params=empty, headers=headers)

    assert fragment.status_code == 200
    assert api.status_code == 200


async def test_approval_page_shows_draft_and_preview(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    draft = sample_draft("birth_deed")
    headers = await head(identity)

    page = await client.get(f"/persetujuan/{application_id}", headers=headers | HTML)
    preview = await client.get(
        f"/persetujuan/{application_id}/pratinjau.pdf", headers=headers
    )

    assert page.status_code == 200
    assert "Nama anak" in page.text
    assert str(draft["child_name"]).replace("'", "&#39;") in page.text
    assert "PRATINJAU" in page.text
    assert f'data="/persetujuan/{application_id}/pratinjau.pdf#' in page.text
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert "PRATINJAU" in page_text(preview.content)
    assert (await signing_app.state.service.get(application_id))[
        "status"
    ] == "awaiting_approval"


async def test_page_sign_stores_actor_not_passphrase(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    headers = await head(identity)
    principal = await identity.resolve(headers["authorization"].removeprefix("Bearer "))

    response = await client.post(
        f"/persetujuan/{application_id}/setujui",
        data={"passphrase": SIGNING_PASSPHRASE},
        headers=headers | HTMX,
    )
    approval = await signing_app.state.service.get(application_id)

    assert principal is not None
    assert response.status_code == 200
    assert approval["status"] == "signed"
    assert approval["register_number"] in response.text
    assert SIGNING_PASSPHRASE not in response.text
    assert SIGNING_PASSPHRASE not in repr(approval)
    assert approval["signed_by"] == principal.subject


async def test_page_sign_wrong_passphrase_refused(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    headers = await head(identity)

    wrong = await client.post(
        f"/persetujuan/{application_id}/setujui",
        data={"passphrase": "bukan-frasa-ini"},
        headers=headers | HTMX,
    )
    missing = await client.post(
        f"/persetujuan/{application_id}/setujui", data={}, headers=headers | HTMX
    )
    approval = await signing_app.state.service.get(application_id)

    assert wrong.status_code == 403
    assert wrong.json()["message"].startswith("Frasa sandi tanda tangan salah")
    assert wrong.json()["error"] == "signing_passphrase_invalid"
    assert missing.status_code == 422
    assert "belum diisi" in missing.json()["message"]
    assert approval["status"] == "awaiting_approval"


async def test_page_errors_in_english_page(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    headers = await head(identity) | HTMX | ENGLISH

    wrong = await client.post(
        f"/persetujuan/{application_id}/setujui",
        data={"passphrase": "bukan-frasa-ini"},
        headers=headers,
    )
    short = await client.post(
        f"/persetujuan/{application_id}/kembalikan",
        data={"reason": "x"},
        headers=headers,
    )

    assert wrong.status_code == 403
    assert wrong.json()["message"].startswith("The signing passphrase is wrong")
    assert short.status_code == 422
    assert "3 to 500 characters" in short.json()["message"]


async def test_api_keeps_english_passphrase_message(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)

    response = await client.post(
        f"/approvals/{application_id}/approve",
        json={"passphrase": "bukan-frasa-ini"},
        headers=await head(identity),
    )

    assert response.status_code == 403
    assert response.json()["message"] == (
        "the signing passphrase is wrong; ask the head of office to enter it again"
    )


async def test_page_paused_after_wrong_passphrases(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    headers = await head(identity) | HTMX
    settings = signing_app.state.settings
    wrong = {"passphrase": "bukan-frasa-ini"}

    for _ in range(settings.max_failed_passphrases):
        refused = await client.post(
            f"/persetujuan/{application_id}/setujui", data=wrong, headers=headers
        )
        assert refused.status_code == 403
    paused = await client.post(
        f"/persetujuan/{application_id}/setujui",
        data={"passphrase": SIGNING_PASSPHRASE},
        headers=headers,
    )

    message = paused.json()["message"]
    assert paused.status_code == 429
    assert message.startswith("Penandatanganan dijeda")
    assert f"salah {settings.max_failed_passphrases} kali" in message
    assert (await signing_app.state.service.get(application_id))[
        "status"
    ] == "awaiting_approval"


async def test_page_taken_by_other_head(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    mine = await head(identity) | HTMX
    other = await head(identity) | HTMX

    taken = await client.post(f"/persetujuan/{application_id}/ambil", headers=mine)
    stolen = await client.post(f"/persetujuan/{application_id}/ambil", headers=other)
    foreign_release = await client.post(
        f"/persetujuan/{application_id}/lepas", headers=other
    )

    holder = (await signing_app.state.service.get(application_id))["assignee"]
    assert taken.status_code == 200
    assert stolen.status_code == 409
    assert stolen.json()["message"].startswith(
        f"Permohonan ini sedang dikerjakan oleh {holder['name']}"
    )
    assert foreign_release.status_code == 409
    assert holder["name"] in foreign_release.json()["message"]


async def test_page_item_changed_meanwhile(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    headers = await head(identity)
    await client.post(
        f"/approvals/{application_id}/reject",
        json={"reason": "Berkas tidak sah"},
        headers=headers,
    )

    response = await client.post(
        f"/persetujuan/{application_id}/setujui",
        data={"passphrase": SIGNING_PASSPHRASE},
        headers=headers | HTMX,
    )

    assert response.status_code == 409
    assert "sudah ditolak" in response.json()["message"]
    assert "cannot" not in response.json()["message"]


async def test_page_draft_not_printable(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    service: SigningService = signing_app.state.service
    # A draft that stopped fitting its template after it was queued, as when
    # the template changes between verification and signing.
    await service._repository.approvals.collection.update_one(
        {"_id": application_id}, {"$unset": {"draft.child_name": ""}}
    )
    headers = await head(identity)

    page = await client.post(
        f"/persetujuan/{application_id}/setujui",
        data={"passphrase": SIGNING_PASSPHRASE},
        headers=headers | HTMX,
    )
    batch = await client.post(
        "/persetujuan/tandatangani",
        data={"application_id": [application_id], "passphrase": SIGNING_PASSPHRASE},
        headers=headers | HTMX,
    )
    api = await client.post(
        "/approvals/batch-approve",
        json={"application_ids": [application_id], "passphrase": SIGNING_PASSPHRASE},
        headers=headers,
    )
    numbers = await service._repository.numbers.count_documents(
        {"application_id": application_id}
    )

    item = api.json()["items"][0]
    assert page.status_code == 422
    assert page.json()["message"].startswith("Draf permohonan ini tidak dapat dicetak")
    assert "child_name" in page.json()["message"]
    assert batch.status_code == 200
    assert "draf tidak dapat dicetak" in batch.text
    assert "cannot be printed" not in batch.text
    assert item["error_code"] == "validation_failed"
    assert "cannot be printed" in item["error"]
    assert (await service.get(application_id))["status"] == "awaiting_approval"
    assert numbers == 0


async def test_batch_signs_and_reports_failures(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    first = await open_approval(signing_app)
    second = await open_approval(signing_app, "death_deed")
    rejected = await open_approval(signing_app)
    headers = await head(identity)
    await client.post(
        f"/approvals/{rejected}/reject",
        json={"reason": "Berkas tidak sah"},
        headers=headers,
    )

    response = await client.post(
        "/persetujuan/tandatangani",
        data={
            "application_id": [first, rejected, second],
            "passphrase": SIGNING_PASSPHRASE,
        },
        headers=headers | HTMX,
    )
    service: SigningService = signing_app.state.service
    statuses = [(await service.get(i))["status"] for i in (first, second, rejected)]

    assert response.status_code == 200
    assert statuses == ["signed", "signed", "rejected"]
    assert "2 ditandatangani, 1 gagal" in response.text
    assert "sudah diproses atau diubah orang lain" in response.text
    assert "cannot be approved" not in response.text
    assert response.headers["hx-trigger"] == "antrian-berubah"


async def test_batch_wrong_passphrase_signs_nothing(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    ids = [await open_approval(signing_app) for _ in range(2)]
    headers = await head(identity)

    response = await client.post(
        "/approvals/batch-approve",
        json={"application_ids": ids, "passphrase": "salah-semua"},
        headers=headers,
    )
    service: SigningService = signing_app.state.service
    statuses = [(await service.get(i))["status"] for i in ids]
    numbers = await service._repository.numbers.count_documents(
        {"application_id": {"$in": ids}}
    )

    assert response.status_code == 403
    assert statuses == ["awaiting_approval", "awaiting_approval"]
    assert numbers == 0


async def test_batch_json_reports_each_item(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    good = await open_approval(signing_app)
    unknown = str(uuid.uuid4())

    response = await client.post(
        "/approvals/batch-approve",
        json={"application_ids": [good, unknown], "passphrase": SIGNING_PASSPHRASE},
        headers=await head(identity),
    )
    body = response.json()
    items = {item["application_id"]: item for item in body["items"]}

    assert response.status_code == 200
    assert (body["signed"], body["failed"]) == (1, 1)
    assert items[good]["signed"] is True
    assert items[good]["register_number"]
    assert items[unknown]["signed"] is False
    assert "no approval" in items[unknown]["error"]
    assert items[unknown]["error_code"] == "not_found"
    assert items[good]["error_code"] is None


async def test_return_and_reject_need_reason(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    returned = await open_approval(signing_app)
    rejected = await open_approval(signing_app)
    headers = await head(identity) | HTMX

    too_short = await client.post(
        f"/persetujuan/{returned}/kembalikan", data={"reason": "x"}, headers=headers
    )
    back = await client.post(
        f"/persetujuan/{returned}/kembalikan",
        data={"reason": "Tempat lahir salah ketik"},
        headers=headers,
    )
    refused = await client.post(
        f"/persetujuan/{rejected}/tolak",
        data={"reason": "Akta ganda sudah terbit"},
        headers=headers,
    )
    service: SigningService = signing_app.state.service

    assert too_short.status_code == 422
    assert back.status_code == 200
    assert "Dikembalikan ke operator" in back.text
    assert (await service.get(returned))["reason"] == "Tempat lahir salah ketik"
    assert refused.status_code == 200
    assert (await service.get(rejected))["status"] == "rejected"


async def test_long_reason_rejected_not_cut(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    returned = await open_approval(signing_app)
    rejected = await open_approval(signing_app)
    headers = await head(identity) | HTMX
    service: SigningService = signing_app.state.service

    too_long_return = await client.post(
        f"/persetujuan/{returned}/kembalikan",
        data={"reason": "r" * 3000},
        headers=headers,
    )
    too_long_reject = await client.post(
        f"/persetujuan/{rejected}/tolak", data={"reason": "r" * 501}, headers=headers
    )

    assert too_long_return.status_code == 422
    assert "3000 karakter" in too_long_return.json()["message"]
    assert "paling banyak 500" in too_long_return.json()["message"]
    assert too_long_reject.status_code == 422
    assert "501 karakter" in too_long_reject.json()["message"]
    assert (await service.get(returned))["status"] == "awaiting_approval"
    assert (await service.get(rejected))["status"] == "awaiting_approval"


async def test_assign_to_self_and_release(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    application_id = await open_approval(signing_app)
    mine = await head(identity)
    other = await head(identity)

    taken = await client.post(f"/approvals/{application_id}/assign", headers=mine)
    again = await client.post(f"/approvals/{application_id}/assign", headers=mine)
    stolen = await client.post(f"/approvals/{application_id}/assign", headers=other)
    foreign_release = await client.post(
        f"/approvals/{application_id}/release", headers=other
    )
    rows = await client.get("/persetujuan/antrian", headers=mine)
    released = await client.post(f"/approvals/{application_id}/release", headers=mine)
    assignee = taken.json()["assignee"]

    assert taken.status_code == 200
    assert assignee["username"].startswith("uji")
    assert assignee["name"] in rows.text
    assert again.status_code == 200
    assert stolen.status_code == 409
    assert assignee["name"] in stolen.json()["message"]
    assert foreign_release.status_code == 409
    assert released.status_code == 200
    assert released.json()["assignee"] is None


async def test_public_page_for_genuine_document(
    signing_app: FastAPI, client: httpx.AsyncClient
) -> None:
    draft = sample_draft("death_deed")
    _, document_id = await signed_document(signing_app, "death_deed", draft=draft)
    nik = draft["deceased"]["nik"]

    page = await client.get(f"/v/{document_id}", headers=HTML)
    api = await client.get(f"/v/{document_id}")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "ASLI dan BERLAKU" in page.text
    assert "Kutipan Akta Kematian" in page.text
    assert mask_nik(nik) in page.text
    assert nik not in page.text
    number = api.json()["document_number"]
    # Deed numbers carry the issue date in the regency (DDMMYYYY), and the
    # page must show that date, not the UTC one.
    issued = datetime.strptime(number.split("-")[2], "%d%m%Y").date()
    assert api.json()["genuine"] is True
    assert number in page.text
    assert f"{issued.day} {MONTHS_ID[issued.month - 1]} {issued.year}" in page.text


async def test_public_page_for_unknown_id(client: httpx.AsyncClient) -> None:
    page = await client.get(f"/v/{uuid.uuid4()}", headers=HTML)

    assert page.status_code == 200
    assert "TIDAK DITEMUKAN" in page.text
    assert 'action="/verify-pdf"' in page.text


async def test_pdf_check_page_tells_tampering(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    _, document_id = await signed_document(signing_app)
    pdf = (
        await client.get(
            f"/documents/{document_id}/pdf",
            headers=await staff_headers(identity, Role.DISTRIBUTION),
        )
    ).content

    genuine = await client.post(
        "/verify-pdf",
        files={"berkas": ("akta.pdf", pdf, "application/pdf")},
        headers=HTML,
    )
    tampered = await client.post(
        "/verify-pdf",
        files={"berkas": ("akta.pdf", flip_signed_byte(pdf), "application/pdf")},
        headers=HTML,
    )
    not_pdf = await client.post(
        "/verify-pdf",
        files={"berkas": ("foto.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")},
        headers=HTML,
    )

    assert genuine.status_code == 200
    assert "Diterbitkan oleh kantor ini: ya" in genuine.text
    assert "ASLI dan BERLAKU" in genuine.text
    assert "Isi tidak diubah sejak ditandatangani: tidak" in tampered.text
    assert "Diterbitkan oleh kantor ini: tidak" in tampered.text
    assert not_pdf.status_code == 422
    assert "not a PDF" in not_pdf.text


async def test_pdf_check_names_document_despite_appended_bytes(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    _, document_id = await signed_document(signing_app)
    pdf = (
        await client.get(
            f"/documents/{document_id}/pdf",
            headers=await staff_headers(identity, Role.DISTRIBUTION),
        )
    ).content
    trailer = b"\n% bytes a mail program added after the end of the file\n"

    page = await client.post(
        "/verify-pdf",
        files={"berkas": ("akta.pdf", pdf + trailer, "application/pdf")},
        headers=HTML,
    )
    api = await client.post(
        "/verify-pdf",
        content=pdf + trailer,
        headers={"content-type": "application/pdf"},
    )

    assert page.status_code == 200
    assert "Isi tidak diubah sejak ditandatangani: ya" in page.text
    assert "Diterbitkan oleh kantor ini: ya" in page.text
    assert "ASLI dan BERLAKU" in page.text
    assert f"{len(trailer)} byte tambahan" in page.text
    assert "tidak cocok dengan dokumen mana pun" not in page.text
    check = api.json()
    assert check["issued_here"] is True
    assert check["extra_bytes"] == len(trailer)
    assert check["document"]["document_id"] == document_id
    assert f"{len(trailer)} bytes after the signed part" in check["detail"]


async def test_pdf_check_exact_file_has_no_extra_bytes(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    _, document_id = await signed_document(signing_app)
    pdf = (
        await client.get(
            f"/documents/{document_id}/pdf",
            headers=await staff_headers(identity, Role.DISTRIBUTION),
        )
    ).content

    check = (
        await client.post(
            "/verify-pdf", content=pdf, headers={"content-type": "application/pdf"}
        )
    ).json()

    assert check["issued_here"] is True
    assert check["extra_bytes"] == 0
    assert "after the signed part" not in check["detail"]


async def test_pdf_check_tampered_with_appended_bytes_matches_nothing(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    _, document_id = await signed_document(signing_app)
    pdf = (
        await client.get(
            f"/documents/{document_id}/pdf",
            headers=await staff_headers(identity, Role.DISTRIBUTION),
        )
    ).content
    tampered = flip_signed_byte(pdf) + b"\n% trailing bytes\n"

    page = await client.post(
        "/verify-pdf",
        files={"berkas": ("akta.pdf", tampered, "application/pdf")},
        headers=HTML,
    )
    check = (
        await client.post(
            "/verify-pdf",
            content=tampered,
            headers={"content-type": "application/pdf"},
        )
    ).json()

    assert "Isi tidak diubah sejak ditandatangani: tidak" in page.text
    assert "Diterbitkan oleh kantor ini: tidak" in page.text
    assert "tidak cocok dengan dokumen mana pun" in page.text
    assert "byte tambahan" not in page.text
    assert check["issued_here"] is False
    assert check["document"] is None
    assert check["extra_bytes"] == 0


async def test_resident_downloads_own_deed(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    nik = "1217085703940011"
    application_id, document_id = await signed_document(signing_app, applicant_nik=nik)
    assisting = await staff_headers(identity, Role.VILLAGE, village_code=VILLAGE_CODE)
    official = await identity.resolve(assisting["authorization"][7:])
    assert official is not None
    await identity.grant(
        application_id,
        niks=[nik],
        village_code=VILLAGE_CODE,
        submitted_by=f"staff:{official.subject}",
    )
    stored = (
        await client.get(
            f"/documents/{document_id}/pdf",
            headers=await staff_headers(identity, Role.HEAD),
        )
    ).content

    own = await client.get(
        f"/dokumen/{document_id}/unduh", headers=await resident_headers(identity, nik)
    )
    village = await client.get(f"/dokumen/{document_id}/unduh", headers=assisting)
    colleague = await client.get(
        f"/dokumen/{document_id}/unduh",
        headers=await staff_headers(identity, Role.VILLAGE, village_code=VILLAGE_CODE),
    )

    assert own.status_code == 200
    assert own.content == stored
    assert own.headers["content-type"] == "application/pdf"
    assert village.status_code == 200
    # Officials see only the applications they submitted themselves.
    assert colleague.status_code == 404


async def test_download_refused_for_others_and_cards(
    signing_app: FastAPI, client: httpx.AsyncClient, identity: IdentityStore
) -> None:
    nik = "1217085703940029"
    deed_application, deed = await signed_document(signing_app, applicant_nik=nik)
    card_application, card = await signed_document(
        signing_app, "ktp_el_new", applicant_nik=nik
    )
    for application_id in (deed_application, card_application):
        await identity.grant(
            application_id,
            niks=[nik],
            village_code=VILLAGE_CODE,
            submitted_by=f"resident:{nik}",
        )
    owner = await resident_headers(identity, nik)
    stranger = await resident_headers(identity, "1217084101900003")

    other_resident = await client.get(f"/dokumen/{deed}/unduh", headers=stranger)
    card_print = await client.get(f"/dokumen/{card}/unduh", headers=owner)
    unknown = await client.get(f"/dokumen/{uuid.uuid4()}/unduh", headers=owner)
    anonymous = await client.get(f"/dokumen/{deed}/unduh")

    assert other_resident.status_code == 404
    assert deed_application not in other_resident.text
    assert card_print.status_code == 409
    assert "card" in card_print.json()["message"]
    assert unknown.status_code == 404
    assert anonymous.status_code == 401

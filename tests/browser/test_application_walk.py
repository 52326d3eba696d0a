"""One birth-deed application walked through every page in headless Chromium.

A made-up resident registers and applies on a phone-sized viewport. The
front office requests one paper again and replies to the resident's chat
message. The operator, the verifier and the head of office process the
case, the distribution clerk prints, dispatches and hands the deed over,
and the resident downloads the signed PDF. Every step acts through the page
(links, inputs, buttons) and checks what the person would see. The tests
run in file order and share one application, so a step is skipped when an
earlier one failed.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from services.signing.settings import LOCAL_SIGNING_PASSPHRASE
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    new_context,
    sign_in_staff,
    url,
)
from tools.deployment import LocalDeployment
from tools.mail import wait_for_code
from tools.samples import BIRTH_DEED_PAPERS, VILLAGE_CODE, paper_photo, synthetic_nik

# Events travel through Kafka between services. On an idle machine a queue
# shows a new item within a few seconds, so 60 s is an estimate with margin.
EVENT_TIMEOUT_SECONDS = 60.0
# Every paper of a birth deed with a father named on the form.
PAPERS = (
    "birth_letter",
    "family_card",
    "mother_id_card",
    "father_id_card",
    "marriage_proof",
    "form_f201",
)
UNREADABLE_PAPER = "family_card"
UNREADABLE_REASON = "Foto buram, nomor KK tidak terbaca"
# Longer side of the generated photos in pixels, above the 1600 px to which
# the application page shrinks a photo before sending it (portal.js).
PHOTO_SIZE = (1800, 1200)
SHRUNK_MAX_SIDE = 1600


@dataclass
class Person:
    nik: str
    name: str
    email: str


@dataclass
class Walk:
    """The application followed through the pages, and each user's open page."""

    deployment: LocalDeployment
    browser: Browser
    photos: dict[str, Path]
    resident: Person
    other_resident: Person
    contexts: list[BrowserContext] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)
    application_id: str = ""
    tracking_code: str = ""
    document_id: str = ""
    register_number: str = ""
    finished: set[str] = field(default_factory=set)
    signed_in: set[str] = field(default_factory=set)

    def requires(self, step: str) -> None:
        """Skip the calling test unless `step` finished."""
        if step not in self.finished:
            pytest.skip(f"the earlier step {step!r} did not finish")

    def page(self, user: str, viewport: ViewportSize = DESKTOP) -> Page:
        """Return the open page of `user`, opening a browser context on first use."""
        if user not in self.pages:
            context = new_context(self.browser, viewport)
            self.contexts.append(context)
            self.pages[user] = context.new_page()
        return self.pages[user]

    def staff_page(self, username: str, service: str) -> Page:
        """Return the page of a local staff account, signed in on first use."""
        page = self.page(username)
        if username not in self.signed_in:
            sign_in_staff(page, username, service)
            self.signed_in.add(username)
        return page

    @property
    def maildir(self) -> Path:
        return Path(self.deployment.started_environment["DOMPAK_MAILDIR"])


def made_up_person(rng: random.Random, name: str) -> Person:
    birth = date(1990, 1, 1) + timedelta(days=rng.randint(0, 3000))
    nik = synthetic_nik(birth, female=True, rng=rng)
    return Person(nik, name, f"warga{nik}@contoh.localhost")


@pytest.fixture(scope="module")
def walk(
    deployment: LocalDeployment,
    browser: Browser,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Walk]:
    folder = tmp_path_factory.mktemp("photos")
    seed = random.SystemRandom().randrange(1, 10**6)
    photos = {}
    for index, (code, title) in enumerate(BIRTH_DEED_PAPERS.items()):
        path = folder / f"{code}.jpg"
        path.write_bytes(paper_photo(title, seed=seed + index, size=PHOTO_SIZE))
        photos[code] = path
    rng = random.Random(seed)
    state = Walk(
        deployment,
        browser,
        photos,
        resident=made_up_person(rng, "Rosmaida Situmorang"),
        other_resident=made_up_person(rng, "Lasma Simbolon"),
    )
    try:
        yield state
    finally:
        for context in state.contexts:
            context.close()


def reload_until(page: Page, selector: str, text: str) -> None:
    """Reload `page` until `selector` contains `text`, for pages that do not poll."""
    deadline = time.monotonic() + EVENT_TIMEOUT_SECONDS
    while True:
        try:
            expect(page.locator(selector).first).to_contain_text(text, timeout=3_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def sign_in_resident(walk: Walk, page: Page, person: Person) -> None:
    """Register `person` at /masuk and sign in with the code notify mails."""
    page.fill("input[name=nik]", person.nik)
    page.click("button[type=submit]")
    # A NIK without an account gets the registration fields as the next step.
    expect(page.locator("main")).to_contain_text("NIK ini belum terdaftar")
    expect(page.locator("input[name=name]")).to_be_visible()
    requested_at = time.time()
    page.fill("input[name=name]", person.name)
    page.fill("input[name=email]", person.email)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Masukkan kode")
    expect(page.locator("main")).to_contain_text("Kode 6 angka sudah dikirim ke")
    code = wait_for_code(walk.maildir, person.email, after=requested_at)
    page.fill("input[name=kode]", code)
    page.click("form button.primary")
    page.wait_for_load_state()
    assert "/masuk" not in page.url, page.content()[:2000]


def upload_photo(page: Page, requirement: str, photo: Path) -> None:
    """Pick a photo for one paper and wait until the page reports it stored."""
    box = page.locator(f".berkas[data-requirement={requirement}]")
    box.locator("input[type=file]").set_input_files(str(photo))
    expect(box.locator(".photo-state")).to_have_class(re.compile(r"\bok\b"))
    expect(box.locator(".photo-state")).to_contain_text("Foto tersimpan")


# 1. The resident applies on a phone ---------------------------------------


def test_resident_applies_on_phone(walk: Walk) -> None:
    page = walk.page("resident", PHONE)
    resident = walk.resident
    page.goto(url("intake", "/"))
    page.get_by_role("link", name="Akta Kelahiran").click()
    expect(page).to_have_url(url("intake", "/layanan/birth_deed"))
    papers = page.locator("ol.papers")
    expect(papers).to_contain_text("Kartu Keluarga (KK)")
    expect(papers).to_contain_text("KTP-el ibu")
    expect(papers).to_contain_text("Formulir F-2.01 dengan dua orang saksi")

    page.get_by_role("link", name="Masuk untuk mengajukan").click()
    sign_in_resident(walk, page, resident)
    expect(page).to_have_url(url("intake", "/layanan/birth_deed/ajukan"))

    # The form starts with the signed-in resident as the applicant.
    expect(page.locator("[name='applicant.nik']")).to_have_value(resident.nik)
    expect(page.locator("[name='applicant.name']")).to_have_value(resident.name)
    # The father's papers show only once the form names a father.
    expect(page.locator(".berkas[data-requirement=father_id_card]")).to_be_hidden()

    birth_day = date.today() - timedelta(days=12)
    page.fill("[name='applicant.email']", resident.email)
    page.fill("[name='applicant.relationship']", "ibu")
    page.fill("[name='child.name']", "Yohana Br. Sinaga")
    page.select_option("[name='child.sex']", "P")
    page.fill("[name='child.birth_date']", birth_day.isoformat())
    page.fill("[name='child.birth_place']", "Pangururan")
    page.fill("[name='child.birth_order']", "2")
    page.fill("[name='mother.nik']", resident.nik)
    page.fill("[name='mother.name']", resident.name)
    father_nik = synthetic_nik(date(1991, 11, 2), female=False, rng=random.Random())
    page.fill("[name='father.nik']", father_nik)
    page.fill("[name='father.name']", "Tumpal Sinaga")
    page.select_option("[name='village_code']", VILLAGE_CODE)

    expect(page.locator("#draf")).to_contain_text("Draf tersimpan")
    expect(page.locator(".berkas[data-requirement=father_id_card]")).to_be_visible()
    expect(page.locator(".berkas[data-requirement=marriage_proof]")).to_be_visible()

    for requirement in PAPERS:
        upload_photo(page, requirement, walk.photos[requirement])

    page.get_by_role("button", name="Kirim permohonan").click()
    expect(page.locator("h1")).to_have_text("Tanda terima permohonan")
    found = re.search(r"/permohonan/([^/]+)/tanda-terima$", page.url)
    assert found is not None, page.url
    walk.application_id = found.group(1)
    walk.tracking_code = page.locator(".receipt-code").inner_text().strip()
    assert walk.tracking_code, "the receipt shows no tracking code"
    expect(page.locator("figure.qr svg")).to_be_visible()
    expect(page.locator("figure.qr")).to_contain_text(
        f"/permohonan/{walk.application_id}"
    )
    expect(page.locator(".receipt")).to_contain_text(resident.name)
    walk.finished.add("apply")


# 2. The front office requests one paper again -------------------------


def test_front_office_requests_paper(walk: Walk) -> None:
    walk.requires("apply")
    page = walk.staff_page("loket", "intake")
    page.goto(url("intake", "/loket"))
    row = page.locator("tr", has_text=walk.tracking_code)
    expect(row).to_contain_text(walk.resident.name)
    expect(row).to_contain_text("Akta Kelahiran")
    row.get_by_role("link", name=walk.resident.name).click()
    expect(page).to_have_url(url("intake", f"/loket/{walk.application_id}"))

    page.get_by_role("button", name="Ambil untuk saya").click()
    expect(page.locator("#penanganan")).to_contain_text("Rina Loket (contoh)")

    thumbnails = page.locator(".thumbs img")
    expect(thumbnails).to_have_count(len(PAPERS))
    for index in range(len(PAPERS)):
        image = thumbnails.nth(index)
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        width = image.evaluate("img => img.naturalWidth")
        height = image.evaluate("img => img.naturalHeight")
        assert width > 0, f"photo {index} did not load"
        assert max(width, height) <= SHRUNK_MAX_SIDE, (
            f"photo {index} is {width}x{height} px"
        )
    thumbnails.first.click()
    expect(page.locator("#penampil")).to_be_visible()

    for requirement in PAPERS:
        mark = "unreadable" if requirement == UNREADABLE_PAPER else "ok"
        page.check(f"input[name=check_{requirement}][value={mark}]")
    page.fill(f"input[name=reason_{UNREADABLE_PAPER}]", UNREADABLE_REASON)
    page.get_by_role("button", name="Minta berkas").click()
    outcome = page.locator("#keputusan")
    expect(outcome).to_contain_text("Pemeriksaan selesai")
    expect(outcome).to_contain_text("Menunggu berkas")
    expect(outcome).to_contain_text(UNREADABLE_REASON)
    walk.finished.add("request paper")


# 3. The resident resends the paper and asks a question --------------------


def test_resident_resends_and_asks(walk: Walk) -> None:
    walk.requires("request paper")
    page = walk.page("resident")
    page.goto(url("intake", f"/permohonan/{walk.application_id}"))
    missing = page.locator("#berkas")
    reload_until(page, ".status-now", "Berkas perlu dilengkapi")
    expect(missing).to_contain_text("Berkas yang perlu dikirim lagi")
    expect(missing).to_contain_text("Kartu Keluarga (KK)")
    expect(missing).to_contain_text(f"Tidak terbaca: {UNREADABLE_REASON}")
    expect(page.locator(".status-now")).to_contain_text("Berkas perlu dilengkapi")
    upload_photo(page, UNREADABLE_PAPER, walk.photos[UNREADABLE_PAPER])
    page.get_by_role("button", name="Kirim berkas").click()
    expect(page).to_have_url(url("intake", f"/permohonan/{walk.application_id}"))
    expect(page.locator("#berkas")).to_have_count(0)
    # The timeline is built from the events, so the new status follows them.
    reload_until(page, ".status-now", "Berkas sudah dilengkapi")

    page.get_by_role("link", name="Tanya petugas (obrolan)").click()
    expect(page).to_have_url(url("notify", f"/obrolan/{walk.application_id}"))
    expect(page.locator("main")).to_contain_text(walk.tracking_code)
    page.fill("#chat-text", "Kapan akta anak saya bisa diunduh?")
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.locator("#messages .msg.mine")).to_contain_text(
        "Kapan akta anak saya bisa diunduh?"
    )
    expect(page.locator("#chat-text")).to_have_value("")
    walk.finished.add("question")


# 4. The front office replies in the chat and accepts ----------------------


def test_front_office_replies_and_accepts(walk: Walk) -> None:
    walk.requires("question")
    page = walk.staff_page("loket", "intake")
    page.goto(url("notify", "/percakapan"))
    row = page.locator("#rows tr", has_text=walk.tracking_code)
    expect(row).to_contain_text("menunggu")
    row.get_by_role("link", name=walk.tracking_code).click()
    expect(page.locator("#messages")).to_contain_text(
        "Kapan akta anak saya bisa diunduh?"
    )
    reply = "Setelah ditandatangani Kepala Dinas, tautan unduhan muncul di status."
    walk.page("resident").evaluate("() => { window.walkMarker = 'open'; }")
    page.fill("#chat-text", reply)
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.locator("#messages .msg.mine")).to_contain_text(reply)

    # The resident's chat page, still open from the question, polls for new
    # messages. The marker set before the reply survives only without a reload.
    resident_page = walk.page("resident")
    staff_message = resident_page.locator("#messages .msg", has_text=reply)
    expect(staff_message).to_be_visible(timeout=15_000)
    expect(staff_message).to_contain_text("petugas")
    assert resident_page.evaluate("() => window.walkMarker") == "open"

    page.goto(url("intake", f"/loket/{walk.application_id}"))
    for requirement in PAPERS:
        page.check(f"input[name=check_{requirement}][value=ok]")
    page.get_by_role("button", name="Terima").click()
    outcome = page.locator("#keputusan")
    expect(outcome).to_contain_text("Pemeriksaan selesai")
    expect(outcome).to_contain_text("Permohonan diteruskan ke operator.")
    walk.finished.add("accept")


# 5. Operator drafts, verifier verifies -------------------------------------


def test_operator_drafts_and_verifier_verifies(walk: Walk) -> None:
    walk.requires("accept")
    operator = walk.staff_page("operator", "verification")
    operator.goto(url("verification", "/operator"))
    link = operator.get_by_role("link", name=walk.tracking_code)
    expect(link).to_be_visible(timeout=EVENT_TIMEOUT_SECONDS * 1000)
    link.click()
    expect(operator).to_have_url(url("verification", f"/kasus/{walk.application_id}"))
    expect(operator.locator(".evidence figure.paper img")).to_have_count(len(PAPERS))

    draft = operator.locator("form#draf")
    expect(draft.locator("input[value='Yohana Br. Sinaga']")).to_have_count(1)
    # Fill what the application form did not carry, as if read from the papers.
    for field_input in draft.locator("input").all():
        if not field_input.input_value():
            kind = field_input.get_attribute("type")
            field_input.fill(
                date.today().isoformat() if kind == "date" else "Diisi dari berkas"
            )
    draft.get_by_role("button", name="Catat draf dan teruskan").click()
    expect(operator.locator("#kerja .done")).to_contain_text(
        "Draf tercatat dan diteruskan ke verifikator."
    )
    expect(operator.locator("form#draf")).to_have_count(0)

    verifier = walk.staff_page("verifikator", "verification")
    verifier.goto(url("verification", "/verifikator"))
    link = verifier.get_by_role("link", name=walk.tracking_code)
    expect(link).to_be_visible(timeout=EVENT_TIMEOUT_SECONDS * 1000)
    link.click()
    expect(verifier.locator("#kerja")).to_contain_text("Yohana Br. Sinaga")
    verifier.get_by_role("button", name="Sesuai, teruskan").click()
    expect(verifier.locator("#kerja .done")).to_contain_text(
        "Berkas diteruskan ke Kepala Dinas untuk ditandatangani."
    )
    expect(verifier.locator("#putusan")).to_have_count(0)
    walk.finished.add("verify")


# 6. The head signs, after a wrong passphrase -------------------------------


def test_head_signs_with_passphrase(walk: Walk) -> None:
    walk.requires("verify")
    page = walk.staff_page("kadis", "signing")
    page.goto(url("signing", "/persetujuan"))
    link = page.get_by_role("link", name=walk.tracking_code)
    expect(link).to_be_visible(timeout=EVENT_TIMEOUT_SECONDS * 1000)
    link.click()
    expect(page).to_have_url(url("signing", f"/persetujuan/{walk.application_id}"))
    expect(page.locator("table.draft")).to_contain_text("Yohana Br. Sinaga")
    preview = page.locator("object.preview")
    expect(preview).to_have_attribute("type", "application/pdf")
    response = page.request.get(
        url("signing", f"/persetujuan/{walk.application_id}/pratinjau.pdf")
    )
    assert response.status == 200
    assert response.body().startswith(b"%PDF")

    decision = page.locator("#keputusan")
    decision.locator("input[name=passphrase]").fill("frasa-yang-salah")
    decision.get_by_role("button", name="Setujui dan tanda tangani").click()
    expect(page.locator("#pesan")).to_be_visible()
    expect(page.locator("#pesan")).to_have_class(re.compile(r"\berror\b"))
    expect(page.locator("#pesan")).to_contain_text("Frasa sandi tanda tangan salah")
    expect(decision).not_to_contain_text("Disetujui dan ditandatangani")
    page.reload()
    expect(page.locator("main")).to_contain_text("Menunggu persetujuan")
    expect(page.get_by_role("button", name="Setujui dan tanda tangani")).to_be_visible()

    decision.locator("input[name=passphrase]").fill(LOCAL_SIGNING_PASSPHRASE)
    decision.get_by_role("button", name="Setujui dan tanda tangani").click()
    expect(decision).to_contain_text("Disetujui dan ditandatangani")
    walk.register_number = decision.locator(".flash strong").inner_text().strip()
    assert re.fullmatch(r"\d{4}-LT-\d{8}-\d{4}", walk.register_number)
    download = decision.get_by_role("link", name="Unduh PDF bertanda tangan")
    href = download.get_attribute("href") or ""
    found = re.fullmatch(r"/documents/([^/]+)/pdf", href)
    assert found is not None, href
    walk.document_id = found.group(1)
    walk.finished.add("sign")


# 7. Distribution prints, dispatches and hands over -------------------------


def test_distribution_hands_over(walk: Walk) -> None:
    walk.requires("sign")
    page = walk.staff_page("distribusi", "distribution")
    page.goto(url("distribution", "/distribusi"))
    row = page.locator(f"#kiriman-{walk.application_id}")
    expect(row).to_be_visible(timeout=EVENT_TIMEOUT_SECONDS * 1000)
    expect(row).to_contain_text("Yohana Br. Sinaga")
    row.get_by_role("button", name="Ambil").click()
    expect(row).to_contain_text("Tono Distribusi (contoh)")
    row.get_by_role("button", name="Tandai dicetak").click()
    expect(row).to_have_count(0)

    page.goto(url("distribution", "/distribusi/kirim"))
    page.select_option("select[name=village_code]", VILLAGE_CODE)
    page.get_by_role("button", name="Tampilkan dokumen").click()
    page.check(f"#pilih-{walk.application_id}")
    page.get_by_role("button", name="Kirim yang dipilih & cetak daftar").click()
    sheet = page.locator(".sheet")
    expect(sheet).to_contain_text("Daftar Pengiriman Dokumen")
    expect(sheet).to_contain_text("Yohana Br. Sinaga")

    page.goto(url("distribution", f"/distribusi/serah/{walk.application_id}"))
    collector_nik = walk.resident.nik
    page.fill("input[name=collector_name]", walk.resident.name)
    page.fill("input[name=collector_nik]", collector_nik)
    page.fill("input[name=relationship]", "ibu")
    page.get_by_role("button", name="Serahkan & cetak tanda terima").click()
    receipt = page.locator(".sheet")
    expect(receipt).to_contain_text("Tanda Terima Dokumen")
    expect(receipt).to_contain_text(collector_nik)
    expect(receipt).to_contain_text(walk.tracking_code)
    walk.finished.add("hand over")


# 8. The resident downloads the signed deed ---------------------------------


def test_resident_downloads_signed_pdf(walk: Walk) -> None:
    walk.requires("hand over")
    page = walk.page("resident")
    page.goto(url("intake", f"/permohonan/{walk.application_id}"))
    reload_until(page, ".status-now", "Selesai")
    expect(page.locator("#linimasa")).to_contain_text(walk.register_number)
    link = page.get_by_role("link", name="Unduh dokumen (PDF)")
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href") or "")
    assert response.status == 200
    assert response.body().startswith(b"%PDF")

    page.goto(url("signing", f"/v/{walk.document_id}"))
    verdict = page.locator("#hasil")
    expect(verdict).to_have_text("Dokumen ASLI dan BERLAKU")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Kutipan Akta Kelahiran")
    expect(facts).to_contain_text(walk.register_number)
    expect(facts).to_contain_text(walk.document_id)
    # A newborn has no NIK yet, and the parents' NIKs are not shown.
    expect(facts).not_to_contain_text(walk.resident.nik)
    walk.finished.add("download")


# 9. Access rejected in the browser -------------------------------------------


def test_other_resident_gets_not_found(walk: Walk) -> None:
    walk.requires("apply")
    page = walk.page("other resident", PHONE)
    page.goto(url("intake", "/masuk"))
    sign_in_resident(walk, page, walk.other_resident)
    response = page.goto(url("intake", f"/permohonan/{walk.application_id}"))
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Tidak dapat ditampilkan")
    expect(page.locator("main")).not_to_contain_text(walk.tracking_code)


def test_verifier_forbidden_on_approvals(walk: Walk) -> None:
    page = walk.staff_page("verifikator", "verification")
    response = page.goto(url("signing", "/persetujuan"))
    assert response is not None
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Tidak dapat ditampilkan")
    expect(page.locator("main")).to_contain_text("it needs the role head")

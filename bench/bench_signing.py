"""Time rendering and signing one birth deed, the head's per-document wait.

Run: `.venv/bin/python -m bench.bench_signing [rounds]`. Prints the median
and the 90th percentile in milliseconds. Needs no server.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from services.signing.pki import ensure_local_pki
from services.signing.rendering import BirthDeedContent, render_birth_deed
from services.signing.signer import LocalPadesSigner, verify_signed_pdf

PASSPHRASE = "bench-passphrase"


def sample_content(serial: int) -> BirthDeedContent:
    return BirthDeedContent(
        child_name="Anak Contoh",
        child_sex="P",
        birth_date=date(2026, 11, 2),
        birth_place="Pangururan",
        birth_order=1,
        father_name="Ayah Contoh",
        mother_name="Ibu Contoh",
        register_number=f"1217-LT-04122026-{serial:04d}",
        document_id=f"bench-{serial}",
        issued_on=date(2026, 12, 4),
        issued_at="Pangururan",
        regency_name="Kabupaten Samosir",
        office_name="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir",
        head_name="Kepala Dinas Contoh",
        verify_url=f"http://127.0.0.1:8003/v/bench-{serial}",
    )


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        pki = ensure_local_pki(
            Path(directory), PASSPHRASE, office_name="Kantor Contoh", head_name="Kepala"
        )
        signer = LocalPadesSigner(pki)
        trust = [pki.ca_certificate.read_bytes()]
        timings: dict[str, list[float]] = {"render": [], "sign": [], "verify": []}
        for serial in range(1, rounds + 1):
            started = time.perf_counter()
            pdf = render_birth_deed(sample_content(serial))
            rendered = time.perf_counter()
            signed = signer.sign(pdf, PASSPHRASE, reason="bench", location="bench")
            signed_at = time.perf_counter()
            verify_signed_pdf(signed, trust)
            verified = time.perf_counter()
            timings["render"].append((rendered - started) * 1000)
            timings["sign"].append((signed_at - rendered) * 1000)
            timings["verify"].append((verified - signed_at) * 1000)
    for step, values in timings.items():
        p90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]
        print(
            f"{step:<7} median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)

"""Upload checks: the papers an application needs, and whether uploads provide them.

The catalogue decides the papers per service and form. This module checks a
set of uploads against that decision and explains what is wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.catalogue import Requirement, ServiceEntry, required_uploads
from shared.errors import ValidationFailedError


@dataclass(frozen=True)
class UploadPlan:
    """The papers one application needs and the upload codes that satisfy them."""

    needed: tuple[Requirement, ...]

    @property
    def accepted_codes(self) -> dict[str, Requirement]:
        return {code: r for r in self.needed for code in r.accepted_codes}

    def requirement(self, code: str) -> Requirement | None:
        return next((r for r in self.needed if r.code == code), None)


def plan_uploads(entry: ServiceEntry, form: dict[str, Any], today: date) -> UploadPlan:
    return UploadPlan(tuple(required_uploads(entry, form, today=today)))


def describe(requirement: Requirement) -> str:
    """Name a requirement for the resident, with the upload codes that satisfy it."""
    return f"{requirement.name_id} ({' or '.join(requirement.accepted_codes)})"


def check_uploads(
    plan: UploadPlan, fields: Sequence[str], *, expected: Collection[Requirement]
) -> None:
    """Raise ValidationFailedError unless the uploads provide every expected paper.

    `fields` are the upload field names. Each must be a code that satisfies
    one of the plan's papers, and may appear once.
    """
    accepted = plan.accepted_codes
    unknown = sorted({f for f in fields if f not in accepted})
    if unknown:
        raise ValidationFailedError(
            f"unexpected file field(s) {', '.join(unknown)}; this application takes "
            f"{', '.join(sorted(accepted))}",
            unexpected=unknown,
        )
    duplicated = sorted({f for f in fields if fields.count(f) > 1})
    if duplicated:
        raise ValidationFailedError(
            f"file field(s) {', '.join(duplicated)} sent more than once; send one "
            "photo per paper",
            duplicated=duplicated,
        )
    missing = [r for r in expected if not r.is_satisfied_by(set(fields))]
    if missing:
        raise ValidationFailedError(
            "missing required file(s): "
            + "; ".join(describe(r) for r in missing)
            + ". Attach a photo of each original paper",
            missing=[r.code for r in missing],
        )


def check_requested(requested: Sequence[Requirement], fields: Sequence[str]) -> None:
    """Raise ValidationFailedError for any upload the office did not request.

    A resubmission replaces stored papers, so it may only bring the requested
    ones.
    """
    allowed = {code for r in requested for code in r.accepted_codes}
    unexpected = sorted({f for f in fields if f not in allowed})
    if unexpected:
        raise ValidationFailedError(
            f"file field(s) {', '.join(unexpected)} were not requested; the office "
            f"requested {'; '.join(describe(r) for r in requested)}. Send only "
            "those papers",
            unexpected=unexpected,
            requested=[r.code for r in requested],
        )

"""The resident's uploaded papers, read from the intake service's bucket.

The accepted event names each file's object key and SHA-256 in the intake
uploads bucket. Verification reads those objects as a hand-over from intake
and checks every read against the recorded digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from shared.database import Document
from shared.errors import NotFoundError, ServiceError
from shared.storage import IntegrityError, ObjectNotFoundError, ObjectStore

log = structlog.get_logger()

# Types served inline; anything else is sent as a download.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})


class PaperUnreadableError(ServiceError):
    """A paper that the case names is missing from storage or altered there."""

    status_code = 502
    code = "paper_unreadable"


@dataclass(frozen=True)
class Paper:
    requirement: str
    content_type: str
    data: bytes


def stored_file(case: Document, requirement: str) -> Mapping[str, Any]:
    """Return the file record of one requirement, or raise NotFoundError."""
    for record in case["files"]:
        if record["requirement"] == requirement:
            found: Mapping[str, Any] = record
            return found
    uploaded = ", ".join(record["requirement"] for record in case["files"]) or "none"
    raise NotFoundError(
        f"application {case['_id']} has no uploaded paper {requirement!r}; its "
        f"papers are: {uploaded}"
    )


class PaperReader:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    async def read(self, case: Document, requirement: str) -> Paper:
        """Read one paper of a case and check it against its recorded SHA-256."""
        record = stored_file(case, requirement)
        key = record["object_key"]
        try:
            data = await self._store.get(key, expected_sha256=record["sha256"])
        except ObjectNotFoundError:
            log.error(
                "case.paper_missing",
                application_id=case["_id"],
                requirement=requirement,
                object_key=key,
            )
            raise PaperUnreadableError(
                f"paper {requirement!r} of application {case['_id']} is missing "
                f"from bucket {self._store.bucket!r}; report it to operations"
            ) from None
        except IntegrityError:
            log.error(
                "case.paper_altered",
                application_id=case["_id"],
                requirement=requirement,
                object_key=key,
            )
            raise PaperUnreadableError(
                f"paper {requirement!r} of application {case['_id']} does not "
                "match the SHA-256 recorded when the front office accepted it; do "
                "not rely on it, and report it to operations"
            ) from None
        return Paper(requirement, record["content_type"], data)

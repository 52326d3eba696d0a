"""Operator drafts of every document template: prefill from the form, and checks.

A draft contains a document's content without the issue facts that the signing
service adds when the head signs: register number, document id, issue date
and place, regency and office names, head of office and verification URL.
"""

from services.verification.drafts.prefill import (
    PREFILLS,
    UnknownTemplateError,
    check_templates,
    prefill,
)
from services.verification.drafts.validation import (
    DRAFT_KEYS,
    NO_FATHER_RULE,
    validate_draft,
)
from services.verification.drafts.values import MISSING, PlaceNames

__all__ = [
    "DRAFT_KEYS",
    "MISSING",
    "NO_FATHER_RULE",
    "PREFILLS",
    "PlaceNames",
    "UnknownTemplateError",
    "check_templates",
    "prefill",
    "validate_draft",
]

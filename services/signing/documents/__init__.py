"""PDF templates of every document the office issues, and their content models.

`render_document(template_id, content)` validates a dict with the template's
content model and returns the PDF. Every PDF has one page and is
byte-identical for equal content, so a rendered document can be rendered
again and compared.
"""

from services.signing.documents.cards import KiaCardContent, KtpElCardContent
from services.signing.documents.deeds import (
    BirthDeedContent,
    DeathDeedContent,
    DivorceDeedContent,
    MarriageDeedContent,
)
from services.signing.documents.family_card import FamilyCardContent
from services.signing.documents.moving_letter import MovingLetterContent
from services.signing.documents.registry import (
    TEMPLATES,
    Template,
    UnknownTemplateError,
    get_template,
    render_document,
)

__all__ = [
    "TEMPLATES",
    "BirthDeedContent",
    "DeathDeedContent",
    "DivorceDeedContent",
    "FamilyCardContent",
    "KiaCardContent",
    "KtpElCardContent",
    "MarriageDeedContent",
    "MovingLetterContent",
    "Template",
    "UnknownTemplateError",
    "get_template",
    "render_document",
]

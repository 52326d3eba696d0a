"""Templates by id, and rendering a document from its content as a dict."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from reportlab.lib.pagesizes import A4, landscape

from services.signing.documents.cards import (
    CARD_SIZE,
    KiaCardContent,
    KtpElCardContent,
    render_kia_card,
    render_ktp_el_card,
)
from services.signing.documents.common import DocumentContent
from services.signing.documents.deeds import (
    BirthDeedContent,
    DeathDeedContent,
    DivorceDeedContent,
    MarriageDeedContent,
    render_birth_deed,
    render_death_deed,
    render_divorce_deed,
    render_marriage_deed,
)
from services.signing.documents.family_card import (
    FamilyCardContent,
    render_family_card,
)
from services.signing.documents.moving_letter import (
    MovingLetterContent,
    render_moving_letter,
)

ContentT = TypeVar("ContentT", bound=DocumentContent)


@dataclass(frozen=True)
class Template(Generic[ContentT]):
    """One kind of output document: its content model and its renderer."""

    template_id: str
    # The document's name as printed and shown on the verification page.
    document_name: str
    page_size: tuple[float, float]
    # False for card print jobs, which the resident collects at the office.
    printable_at_home: bool
    content_model: type[ContentT]
    render: Callable[[ContentT], bytes]


class UnknownTemplateError(ValueError):
    """No template has the requested id."""


TEMPLATES: dict[str, Template[Any]] = {
    template.template_id: template
    for template in (
        Template(
            "family_card",
            "Kartu Keluarga",
            landscape(A4),
            True,
            FamilyCardContent,
            render_family_card,
        ),
        Template(
            "birth_deed",
            "Kutipan Akta Kelahiran",
            A4,
            True,
            BirthDeedContent,
            render_birth_deed,
        ),
        Template(
            "marriage_deed",
            "Kutipan Akta Perkawinan",
            A4,
            True,
            MarriageDeedContent,
            render_marriage_deed,
        ),
        Template(
            "divorce_deed",
            "Kutipan Akta Perceraian",
            A4,
            True,
            DivorceDeedContent,
            render_divorce_deed,
        ),
        Template(
            "death_deed",
            "Kutipan Akta Kematian",
            A4,
            True,
            DeathDeedContent,
            render_death_deed,
        ),
        Template(
            "moving_letter",
            "Surat Keterangan Pindah WNI",
            A4,
            True,
            MovingLetterContent,
            render_moving_letter,
        ),
        Template(
            "ktp_el_card",
            "KTP-el",
            CARD_SIZE,
            False,
            KtpElCardContent,
            render_ktp_el_card,
        ),
        Template(
            "kia_card",
            "Kartu Identitas Anak",
            CARD_SIZE,
            False,
            KiaCardContent,
            render_kia_card,
        ),
    )
}


def get_template(template_id: str) -> Template[Any]:
    """Return the template with this id, or raise UnknownTemplateError listing ids."""
    try:
        return TEMPLATES[template_id]
    except KeyError:
        known = ", ".join(sorted(TEMPLATES))
        raise UnknownTemplateError(
            f"no document template has id {template_id!r}; known ids: {known}"
        ) from None


def render_document(template_id: str, content: Mapping[str, Any]) -> bytes:
    """Validate content with the template's model and render it as a PDF.

    Raises UnknownTemplateError for an unknown id, pydantic's ValidationError
    naming each invalid field, and ValueError when a text field has a
    character the fonts cannot print.
    """
    template = get_template(template_id)
    return template.render(template.content_model.model_validate(content))

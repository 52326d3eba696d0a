"""Prefilled drafts by document template id."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from services.verification.drafts import civil, population
from services.verification.drafts.values import PlaceNames
from shared.regency import default_area_index, load_configured_regency

Prefill = Callable[[Mapping[str, Any], PlaceNames], dict[str, Any]]

PREFILLS: dict[str, Prefill] = {
    "family_card": population.family_card,
    "birth_deed": civil.birth_deed,
    "marriage_deed": civil.marriage_deed,
    "divorce_deed": civil.divorce_deed,
    "death_deed": civil.death_deed,
    "moving_letter": population.moving_letter,
    "ktp_el_card": population.ktp_el_card,
    "kia_card": population.kia_card,
}


class UnknownTemplateError(ValueError):
    """No draft is defined for a template id."""

    def __init__(self, template_id: str) -> None:
        known = ", ".join(sorted(PREFILLS))
        super().__init__(
            f"no draft is defined for document template {template_id!r}; use one "
            f"of {known} as the service's template in the catalogue"
        )


def check_templates(template_ids: Iterable[str]) -> None:
    """Raise UnknownTemplateError for the first template id without a draft."""
    for template_id in template_ids:
        if template_id not in PREFILLS:
            raise UnknownTemplateError(template_id)


def prefill(
    template_id: str, form: Mapping[str, Any], places: PlaceNames | None = None
) -> dict[str, Any]:
    """Map a resident's form to a draft of the template's document.

    Values the form lacks are MISSING (an empty string) for the operator to
    fill. `places` names the regions of village codes, by default those of
    the configured regency.
    """
    if template_id not in PREFILLS:
        raise UnknownTemplateError(template_id)
    return PREFILLS[template_id](form, places or configured_place_names())


@cache
def configured_place_names() -> PlaceNames:
    """Return the region names of the regency in DOMPAK_REGENCY, loaded once."""
    return PlaceNames(load_configured_regency(), default_area_index())

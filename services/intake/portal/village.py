"""Landing page of village officials (assisted mode): what they submitted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.intake.service import IntakeService
from shared.auth import Principal, Role, identity, staff_with
from shared.pages import Pages

router = APIRouter(include_in_schema=False)

VillageOfficial = Annotated[Principal, Depends(staff_with(Role.VILLAGE))]
SHOWN_APPLICATIONS = 200
# Filter choices of the list, by the resident-facing statuses they keep;
# "diproses" (in progress) keeps every status the others do not.
STATUS_GROUPS: dict[str, frozenset[str]] = {
    "perlu_berkas": frozenset({"documents_requested"}),
    "selesai": frozenset({"handed_over", "completed"}),
    "ditolak": frozenset({"rejected"}),
}
IN_PROGRESS = "diproses"


def in_status_group(status: str, group: str) -> bool:
    if group == IN_PROGRESS:
        return not any(status in members for members in STATUS_GROUPS.values())
    return status in STATUS_GROUPS[group]


@router.get("/desa")
async def village_home(
    request: Request, principal: VillageOfficial, status: str = ""
) -> Response:
    """List the newest applications the official submitted, by status group."""
    service: IntakeService = request.app.state.service
    pages: Pages = request.app.state.pages
    visible = await identity(request).visible_applications(principal)
    summaries = await service.summaries(visible, SHOWN_APPLICATIONS)
    known = status in STATUS_GROUPS or status == IN_PROGRESS
    if known:
        summaries = [s for s in summaries if in_status_group(s.status, status)]
    names = {
        entry.code: (entry.name_id, entry.name_en)
        for entry in service.catalogue.services
    }
    code = principal.village_code
    village = service.regency.village(code) if code else None
    return pages.render(
        request,
        "village.html",
        applications=summaries,
        service_names=names,
        village=village,
        shown_limit=SHOWN_APPLICATIONS,
        status=status if known else "",
    )

"""HTTP routes of the notify service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.notify.schemas import NotificationView
from services.notify.service import NotifyService

router = APIRouter()


def get_service(request: Request) -> NotifyService:
    service: NotifyService = request.app.state.service
    return service


Service = Annotated[NotifyService, Depends(get_service)]


@router.get("/inbox/{tracking_code}", tags=["resident"])
async def inbox(tracking_code: str, service: Service) -> list[NotificationView]:
    """List the messages about one application, oldest first."""
    return await service.inbox(tracking_code.upper())


@router.get("/applications/{application_id}/notifications", tags=["staff"])
async def notifications(
    application_id: str, service: Service
) -> list[NotificationView]:
    """List every message sent about an application, with channel states."""
    return await service.of_application(application_id)

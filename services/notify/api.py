"""HTTP routes of the notify service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.notify.chat import ChatService
from services.notify.pages import check_conversation_filters
from services.notify.schemas import (
    AuthorKind,
    ChatMessageIn,
    ChatMessageView,
    ConversationView,
    NotificationView,
)
from services.notify.service import NotifyService
from shared.auth import (
    Applicant,
    Principal,
    Role,
    require_application_access,
    staff_with,
)

router = APIRouter()


def get_service(request: Request) -> NotifyService:
    service: NotifyService = request.app.state.service
    return service


def get_chat(request: Request) -> ChatService:
    chat: ChatService = request.app.state.chat
    return chat


Service = Annotated[NotifyService, Depends(get_service)]
Chat = Annotated[ChatService, Depends(get_chat)]
# The front office replies to residents, and operations staff may read along.
ChatReader = Annotated[Principal, Depends(staff_with(Role.FRONT_OFFICE, Role.OPS))]
ChatWriter = Annotated[Principal, Depends(staff_with(Role.FRONT_OFFICE))]
After = Annotated[int, Query(ge=0, description="Last message number already seen")]


@router.get("/inbox/{tracking_code}", tags=["resident"])
async def inbox(
    tracking_code: str, request: Request, principal: Applicant, service: Service
) -> list[NotificationView]:
    """List the messages about one of your applications, oldest first."""
    application_id = await service.application_id_for(tracking_code.upper())
    await require_application_access(request, principal, application_id)
    return await service.of_application(application_id)


@router.get("/applications/{application_id}/notifications", tags=["staff"])
async def notifications(
    application_id: str, principal: ChatReader, service: Service
) -> list[NotificationView]:
    """List every message sent about an application, with channel states."""
    return await service.of_application(application_id)


@router.get("/chat/{application_id}/messages", tags=["resident"])
async def resident_messages(
    application_id: str,
    request: Request,
    principal: Applicant,
    chat: Chat,
    after: After = 0,
) -> list[ChatMessageView]:
    """List the chat messages of one of your applications after number `after`."""
    await require_application_access(request, principal, application_id)
    return await chat.messages_after(application_id, after)


@router.post("/chat/{application_id}/messages", tags=["resident"], status_code=201)
async def resident_post(
    application_id: str,
    body: ChatMessageIn,
    request: Request,
    principal: Applicant,
    chat: Chat,
) -> ChatMessageView:
    """Write to the front office about one of your applications."""
    await require_application_access(request, principal, application_id)
    return await chat.post(application_id, principal, AuthorKind.RESIDENT, body.text)


@router.get("/conversations", tags=["staff"])
async def conversations(
    request: Request,
    principal: ChatReader,
    chat: Chat,
    tracking_code: str = "",
    service_code: str = "",
    unanswered: bool = False,
) -> list[ConversationView]:
    """List conversations with messages, unanswered first."""
    check_conversation_filters(request, service_code)
    return await chat.list_conversations(
        tracking_code=tracking_code,
        service_code=service_code,
        only_unanswered=unanswered,
    )


@router.get("/conversations/{application_id}/messages", tags=["staff"])
async def staff_messages(
    application_id: str, principal: ChatReader, chat: Chat, after: After = 0
) -> list[ChatMessageView]:
    """List the chat messages of an application after number `after`."""
    return await chat.messages_after(application_id, after)


@router.post(
    "/conversations/{application_id}/messages", tags=["staff"], status_code=201
)
async def staff_post(
    application_id: str, body: ChatMessageIn, principal: ChatWriter, chat: Chat
) -> ChatMessageView:
    """Reply to the resident of an application as front-office staff."""
    return await chat.post(application_id, principal, AuthorKind.STAFF, body.text)

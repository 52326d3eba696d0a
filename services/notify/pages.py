"""Pages of the notify service: the resident's chat and the staff conversations.

Message lists refresh by polling a fragment route with the number of the
last message shown. The route returns only newer messages, or 204 when there
are none, so a poll on a slow connection costs a few hundred bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from services.notify.chat import ChatService
from services.notify.schemas import AuthorKind, ChatMessageView
from services.notify.service import NotifyService
from shared.auth import (
    Applicant,
    Principal,
    Role,
    require_application_access,
    staff_with,
)
from shared.errors import ValidationFailedError
from shared.pages import Pages

router = APIRouter(include_in_schema=False)

ChatReader = Annotated[Principal, Depends(staff_with(Role.FRONT_OFFICE, Role.OPS))]
ChatWriter = Annotated[Principal, Depends(staff_with(Role.FRONT_OFFICE))]
After = Annotated[int, Query(ge=0)]
POLL_SECONDS = 4
CHANNEL_LABELS = {"in_app": ("aplikasi", "in-app"), "email": ("email", "email")}
STATE_LABELS = {
    "sent": ("terkirim", "sent"),
    "pending": ("menunggu", "pending"),
    "skipped": ("tidak dikirim", "not sent"),
}


def get_chat(request: Request) -> ChatService:
    chat: ChatService = request.app.state.chat
    return chat


def get_pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


Chat = Annotated[ChatService, Depends(get_chat)]
PagesDep = Annotated[Pages, Depends(get_pages)]


def service_names(request: Request) -> dict[str, tuple[str, str]]:
    """Return the catalogue's service names (Indonesian, English) by code."""
    names: dict[str, tuple[str, str]] = request.app.state.service_names
    return names


CONVERSATION_FILTERS = ("tracking_code", "service_code", "unanswered")


def check_conversation_filters(request: Request, service_code: str) -> None:
    """Raise for a query parameter the conversation list does not filter by,
    or for a service code outside the catalogue.

    FastAPI ignores unknown query parameters, so a misspelt filter would
    otherwise list every conversation as if it had been applied.
    """
    unknown = sorted(set(request.query_params) - set(CONVERSATION_FILTERS))
    if unknown:
        raise ValidationFailedError(
            f"the conversation list has no filter "
            f"{', '.join(repr(name) for name in unknown)}; filter by "
            f"{', '.join(CONVERSATION_FILTERS)}",
            field=unknown[0],
        )
    codes = tuple(service_names(request))
    code = service_code.strip()
    if code and code not in codes:
        raise ValidationFailedError(
            f"service {code!r} is not in the catalogue; filter by one of "
            f"{', '.join(codes)}, or leave it empty for every service",
            field="service_code",
        )


def age_minutes(moment: datetime | None) -> int:
    if moment is None:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int((datetime.now(UTC) - moment).total_seconds() // 60)


def age_text(moment: datetime | None, lang: str = "id") -> str:
    """Return a short age such as "5 mnt", "3 jam" or "2 hari"."""
    minutes = age_minutes(moment)
    english = lang == "en"
    if minutes < 60:
        return f"{minutes} {'min' if english else 'mnt'}"
    if minutes < 24 * 60:
        return f"{minutes // 60} {'h' if english else 'jam'}"
    return f"{minutes // (24 * 60)} {'d' if english else 'hari'}"


def list_values(request: Request) -> dict[str, Any]:
    settings = request.app.state.settings
    return {
        "names": service_names(request),
        "age": age_text,
        "age_minutes": age_minutes,
        "standard_minutes": settings.chat_reply_standard_minutes,
    }


def is_htmx(request: Request) -> bool:
    return "hx-request" in request.headers


def messages_fragment(
    pages: Pages,
    request: Request,
    messages: list[ChatMessageView],
    *,
    after: int,
    poll_url: str,
    mine: AuthorKind,
) -> Response:
    """Render new messages and the poller carrying the last number shown."""
    if not messages:
        return Response(status_code=204)
    return pages.render(
        request,
        "_messages.html",
        messages=messages,
        after=max(m.seq for m in messages),
        poll_url=poll_url,
        poll_seconds=POLL_SECONDS,
        mine=mine,
        oob=True,
    )


def conversation_values(
    request: Request, conversation: dict[str, Any]
) -> dict[str, Any]:
    names = service_names(request)
    code = conversation.get("service_code")
    return {
        "application_id": conversation["_id"],
        "tracking_code": conversation["tracking_code"],
        "service_name": names.get(code or "", (code or "-", code or "-")),
        "applicant_name": conversation.get("applicant_name", ""),
        "assignee": conversation.get("assignee"),
    }


# Resident side ----------------------------------------------------------


@router.get("/obrolan/{application_id}")
async def resident_chat(
    application_id: str,
    request: Request,
    principal: Applicant,
    chat: Chat,
    pages: PagesDep,
) -> HTMLResponse:
    await require_application_access(request, principal, application_id)
    conversation = await chat.conversation(application_id)
    messages = await chat.messages_after(application_id, 0)
    return pages.render(
        request,
        "chat_resident.html",
        **conversation_values(request, conversation),
        messages=messages,
        after=max((m.seq for m in messages), default=0),
        poll_url=f"/obrolan/{application_id}/pesan",
        post_url=f"/obrolan/{application_id}/pesan",
        poll_seconds=POLL_SECONDS,
        mine=AuthorKind.RESIDENT,
    )


@router.get("/obrolan/{application_id}/pesan")
async def resident_new_messages(
    application_id: str,
    request: Request,
    principal: Applicant,
    chat: Chat,
    pages: PagesDep,
    after: After = 0,
) -> Response:
    await require_application_access(request, principal, application_id)
    messages = await chat.messages_after(application_id, after)
    return messages_fragment(
        pages,
        request,
        messages,
        after=after,
        poll_url=f"/obrolan/{application_id}/pesan",
        mine=AuthorKind.RESIDENT,
    )


@router.post("/obrolan/{application_id}/pesan")
async def resident_send(
    application_id: str,
    request: Request,
    principal: Applicant,
    chat: Chat,
    pages: PagesDep,
    text: Annotated[str, Form(max_length=10_000)] = "",
    after: Annotated[int, Form(ge=0)] = 0,
) -> Response:
    await require_application_access(request, principal, application_id)
    await chat.post(application_id, principal, AuthorKind.RESIDENT, text)
    if not is_htmx(request):
        return RedirectResponse(f"/obrolan/{application_id}", status_code=303)
    messages = await chat.messages_after(application_id, after)
    return messages_fragment(
        pages,
        request,
        messages,
        after=after,
        poll_url=f"/obrolan/{application_id}/pesan",
        mine=AuthorKind.RESIDENT,
    )


# Staff side -------------------------------------------------------------


@router.get("/percakapan")
async def staff_conversations(
    request: Request,
    principal: ChatReader,
    chat: Chat,
    pages: PagesDep,
    tracking_code: str = "",
    service_code: str = "",
    unanswered: bool = False,
) -> HTMLResponse:
    check_conversation_filters(request, service_code)
    rows = await chat.list_conversations(
        tracking_code=tracking_code,
        service_code=service_code,
        only_unanswered=unanswered,
    )
    return pages.render(
        request,
        "conversations.html",
        **list_values(request),
        rows=rows,
        tracking_code=tracking_code,
        service_code=service_code,
        unanswered=unanswered,
    )


@router.get("/percakapan/daftar")
async def staff_conversation_rows(
    request: Request,
    principal: ChatReader,
    chat: Chat,
    pages: PagesDep,
    tracking_code: str = "",
    service_code: str = "",
    unanswered: bool = False,
) -> HTMLResponse:
    check_conversation_filters(request, service_code)
    rows = await chat.list_conversations(
        tracking_code=tracking_code,
        service_code=service_code,
        only_unanswered=unanswered,
    )
    return pages.render(
        request, "_conversation_rows.html", **list_values(request), rows=rows
    )


@router.get("/percakapan/{application_id}")
async def staff_conversation(
    application_id: str,
    request: Request,
    principal: ChatReader,
    chat: Chat,
    pages: PagesDep,
) -> HTMLResponse:
    conversation = await chat.conversation(application_id)
    messages = await chat.messages_after(application_id, 0)
    notify: NotifyService = request.app.state.service
    return pages.render(
        request,
        "chat_staff.html",
        **conversation_values(request, conversation),
        messages=messages,
        notifications=await notify.of_application(application_id),
        after=max((m.seq for m in messages), default=0),
        poll_url=f"/percakapan/{application_id}/pesan",
        post_url=f"/percakapan/{application_id}/pesan",
        poll_seconds=POLL_SECONDS,
        mine=AuthorKind.STAFF,
        channel_labels=CHANNEL_LABELS,
        state_labels=STATE_LABELS,
    )


@router.get("/percakapan/{application_id}/pesan")
async def staff_new_messages(
    application_id: str,
    request: Request,
    principal: ChatReader,
    chat: Chat,
    pages: PagesDep,
    after: After = 0,
) -> Response:
    messages = await chat.messages_after(application_id, after)
    return messages_fragment(
        pages,
        request,
        messages,
        after=after,
        poll_url=f"/percakapan/{application_id}/pesan",
        mine=AuthorKind.STAFF,
    )


@router.post("/percakapan/{application_id}/pesan")
async def staff_send(
    application_id: str,
    request: Request,
    principal: ChatWriter,
    chat: Chat,
    pages: PagesDep,
    text: Annotated[str, Form(max_length=10_000)] = "",
    after: Annotated[int, Form(ge=0)] = 0,
) -> Response:
    await chat.post(application_id, principal, AuthorKind.STAFF, text)
    if not is_htmx(request):
        return RedirectResponse(f"/percakapan/{application_id}", status_code=303)
    messages = await chat.messages_after(application_id, after)
    return messages_fragment(
        pages,
        request,
        messages,
        after=after,
        poll_url=f"/percakapan/{application_id}/pesan",
        mine=AuthorKind.STAFF,
    )


@router.post("/percakapan/{application_id}/assign")
async def staff_assign(
    application_id: str,
    request: Request,
    principal: ChatWriter,
    chat: Chat,
    pages: PagesDep,
) -> Response:
    conversation = await chat.assign(application_id, principal)
    return assignee_response(request, pages, conversation)


@router.post("/percakapan/{application_id}/release")
async def staff_release(
    application_id: str,
    request: Request,
    principal: ChatWriter,
    chat: Chat,
    pages: PagesDep,
) -> Response:
    conversation = await chat.release(application_id, principal)
    return assignee_response(request, pages, conversation)


def assignee_response(
    request: Request, pages: Pages, conversation: dict[str, Any]
) -> Response:
    if not is_htmx(request):
        return RedirectResponse(f"/percakapan/{conversation['_id']}", status_code=303)
    return pages.render(
        request,
        "_assignee.html",
        application_id=conversation["_id"],
        assignee=conversation.get("assignee"),
    )

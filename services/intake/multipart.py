"""Reading of a resident's form post, with limits and errors that name the fix.

Starlette reports a malformed or oversized multipart body as a bare 400
(`{"detail": "Invalid multipart data."}`). `multipart_error` turns each such
case into a ValidationFailedError or PayloadTooLargeError with the fix.
"""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from services.intake.service import Upload
from shared.errors import PayloadTooLargeError, ServiceError, ValidationFailedError

MAX_FORM_FILES = 20
MAX_FORM_FIELDS = 10
MAX_APPLICATION_BYTES = 256 * 1024
MAX_FILENAME_LENGTH = 255
# Room for the part headers and boundaries around the files and the JSON.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
SEND_MULTIPART = (
    "send multipart/form-data with the field 'application' (JSON) and one file "
    "per required paper"
)


async def read_multipart(
    request: Request, max_bytes: int
) -> tuple[str | None, list[Upload]]:
    """Read the `application` field and the uploaded files of a form post."""
    _check_headers(request, max_bytes)
    form = await _parse_form(request)
    try:
        return await _collect(form, max_bytes)
    finally:
        await form.close()


def _check_headers(request: Request, max_bytes: int) -> None:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise ValidationFailedError(
            f"the request body has content type {content_type or 'none'!r}; "
            f"{SEND_MULTIPART}"
        )
    # NOTE: a chunked body has no Content-Length; Starlette then spools each
    # file to a temporary file before its size is checked below.
    length = request.headers.get("content-length", "")
    limit = (
        MAX_FORM_FILES * max_bytes + MAX_APPLICATION_BYTES + MULTIPART_OVERHEAD_BYTES
    )
    if length.isdigit() and int(length) > limit:
        raise PayloadTooLargeError(
            f"the request body has {length} bytes, more than the {limit} that "
            f"{MAX_FORM_FILES} photos of at most {max_bytes} bytes and the "
            "application take; send smaller photos"
        )


async def _parse_form(request: Request) -> FormData:
    try:
        return await request.form(
            max_files=MAX_FORM_FILES,
            max_fields=MAX_FORM_FIELDS,
            max_part_size=MAX_APPLICATION_BYTES,
        )
    except (HTTPException, MultiPartException) as error:
        raise multipart_error(error) from error


async def _collect(form: FormData, max_bytes: int) -> tuple[str | None, list[Upload]]:
    application_json: str | None = None
    uploads: list[Upload] = []
    for field, value in form.multi_items():
        if isinstance(value, UploadFile):
            uploads.append(await _read_upload(field, value, max_bytes))
        elif field != "application":
            raise ValidationFailedError(
                f"unexpected form field {field!r}; send 'application' (JSON) and "
                "one file per required paper"
            )
        elif application_json is not None:
            raise ValidationFailedError(
                "the form field 'application' was sent more than once; send the "
                "application field once"
            )
        else:
            application_json = value
    return application_json, uploads


async def _read_upload(field: str, value: UploadFile, max_bytes: int) -> Upload:
    if field == "application":
        raise ValidationFailedError(
            "the form field 'application' was sent as a file; send the JSON as a "
            "text field"
        )
    filename = value.filename or field
    if len(filename) > MAX_FILENAME_LENGTH:
        raise ValidationFailedError(
            f"the file name {filename[:40]!r}... for {field} has {len(filename)} "
            f"characters, more than {MAX_FILENAME_LENGTH}; rename the file to a "
            "shorter name",
            requirement=field,
        )
    data = await value.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PayloadTooLargeError(
            f"file {filename!r} for {field} is larger than the limit of "
            f"{max_bytes} bytes; take the photo at a lower resolution",
            requirement=field,
        )
    return Upload(field, filename, data)


def multipart_error(error: HTTPException | MultiPartException) -> ServiceError:
    """Translate Starlette's multipart parsing error into an error with a fix."""
    detail = str(error.detail if isinstance(error, HTTPException) else error.message)
    if detail.startswith("Part exceeded maximum size"):
        return PayloadTooLargeError(
            f"a text field of the form is larger than {MAX_APPLICATION_BYTES} "
            "bytes; put only the form's fields in the 'application' JSON (a few "
            "KB) and send each photo as a file"
        )
    if detail.startswith("Too many files"):
        return PayloadTooLargeError(
            f"the form has more than {MAX_FORM_FILES} files; send one photo per "
            "required paper"
        )
    if detail.startswith("Too many fields"):
        return PayloadTooLargeError(
            f"the form has more than {MAX_FORM_FIELDS} text fields; send only the "
            "field 'application' and the photos as files"
        )
    if detail.startswith("Missing boundary"):
        return ValidationFailedError(
            "the Content-Type header names no multipart boundary; let the HTTP "
            "client build the body instead of setting the header by hand, and "
            f"{SEND_MULTIPART}"
        )
    if "must be provided" in detail:
        return ValidationFailedError(
            "a part of the form has no name; name the JSON part 'application' and "
            "each photo after the paper's requirement code"
        )
    reason = _parser_reason(error)
    if reason == "Maximum header size exceeded":
        return ValidationFailedError(
            "a part header of the form is longer than the parser's limit of about "
            f"4 KB, usually because of a long file name; name each file in at most "
            f"{MAX_FILENAME_LENGTH} characters"
        )
    return ValidationFailedError(
        f"the multipart body could not be read ({reason or detail}); {SEND_MULTIPART}"
    )


def _parser_reason(error: BaseException) -> str | None:
    """Return the message of the python-multipart error behind Starlette's error.

    Starlette 1.x raises HTTPException while handling a MultiPartException,
    which it raised from the parser's own error.
    """
    cause: BaseException | None = error
    for _ in range(3):
        if cause is None:
            return None
        if not isinstance(cause, HTTPException | MultiPartException):
            return str(cause) or None
        cause = cause.__cause__ or cause.__context__
    return None

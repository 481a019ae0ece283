"""A photo upload read from the request stream: multipart/form-data with the image in `file`.

Litestar parses a declared form body before the handler runs, so every caller could make the
server read a whole body before anyone knew whether the visit exists or the caller may add to
it, and its parser answers 500 to a part without a filename that is not UTF-8 text (a PNG sent
as a plain field). Here the route checks first, then streams the body through `multipart`'s push
parser (the parser Litestar itself uses) with tight limits, writing the `file` part to an
anonymous temporary file as it arrives. The body never sits in memory whole, a file over the
limit stops the read at once, other files are dropped, text parts are checked under the app's text rules
(`inputs.form_text`, at most 4 KiB each) and dropped, and the route's `request_max_body_size`
bounds the whole body.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from dataclasses import dataclass
from typing import AsyncIterator, BinaryIO

import anyio.to_thread
from litestar import Request
from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from backend.platform import inputs
from backend.platform.errors import BadRequest, PayloadTooLarge, ValidationFailed

FIELD = "file"
MAX_PARTS = 8
MAX_HEADER_BYTES = 1024
# Parsed bytes gather in memory up to this much before a worker thread writes them out.
FLUSH_BYTES = 256 * 1024


@dataclass(frozen=True)
class Received:
    file: BinaryIO  # positioned at the start
    size: int
    sha256: str


@contextlib.asynccontextmanager
async def received_file(request: Request, *, max_bytes: int) -> AsyncIterator[Received]:
    """The `file` part of the request's multipart body, in a temporary file closed on exit."""
    spool = tempfile.TemporaryFile(prefix="greencard-upload-")  # unlinked: gone on close or crash
    try:
        yield await _receive(request, spool, max_bytes)
    finally:
        spool.close()


def _boundary(request: Request) -> str:
    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary", "")
    if not boundary or len(boundary) > 200:
        raise BadRequest("The multipart/form-data body needs a boundary.", code="malformed_multipart")
    return boundary


async def _receive(request: Request, spool: BinaryIO, max_bytes: int) -> Received:
    digest = hashlib.sha256()
    size, found, in_file = 0, False, False
    pending = bytearray()
    text: MultipartSegment | None = None  # the text part being read, and its bytes so far
    text_bytes = bytearray()
    try:
        with PushMultipartParser(
            _boundary(request), max_header_size=MAX_HEADER_BYTES, max_segment_count=MAX_PARTS
        ) as parser:
            async for chunk in request.stream():
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        in_file = event.name == FIELD and not found
                        text = event if event.name != FIELD and event.filename is None else None
                        text_bytes.clear()
                    elif event is None:  # end of a part
                        if text is not None:
                            inputs.form_text(text.name or "", bytes(text_bytes), text.charset)
                        found, in_file, text = found or in_file, False, None
                    elif text is not None:
                        text_bytes += event
                        if len(text_bytes) > inputs.MAX_FORM_TEXT_BYTES:
                            raise PayloadTooLarge(
                                f"A form field may be at most {inputs.MAX_FORM_TEXT_BYTES} bytes.",
                                code="form_field_too_large",
                            )
                    elif in_file:
                        size += len(event)
                        if size > max_bytes:
                            raise PayloadTooLarge(f"A photo may be at most {max_bytes} bytes.", code="photo_too_large")
                        digest.update(event)
                        pending += event
                        if len(pending) >= FLUSH_BYTES:
                            await anyio.to_thread.run_sync(spool.write, bytes(pending))
                            pending.clear()
                if parser.closed:
                    break  # the closing boundary: anything after it is epilogue
    except MultipartError as exc:
        raise BadRequest(f"The multipart/form-data body is malformed: {exc}.", code="malformed_multipart") from None
    if not found:
        raise ValidationFailed(f"Send the photo as the multipart field `{FIELD}`.", field=FIELD, code="file_missing")
    await anyio.to_thread.run_sync(spool.write, bytes(pending))
    spool.seek(0)
    return Received(file=spool, size=size, sha256=digest.hexdigest())

"""Bad input: the bounds every request is held to, checked once for the whole app.

- Text (JSON strings and keys, query strings, paths, form fields) is valid UTF-8 without NUL:
  PostgreSQL cannot store U+0000, and a NUL that SQLite does store breaks what reads it later.
- A JSON body nests at most `MAX_JSON_DEPTH` arrays/objects (deeper input exhausts the decoder's
  recursion); ours nest four levels at most.
- Every date or timestamp a request carries lies in `MIN_DATE`..`MAX_DATE`: the business reckons
  in Asia/Shanghai dates and Chinese working days, and an instant near year 1 or 9999 overflows
  that arithmetic. Request bodies derive from `backend.platform.schemas.Input` (whose fields are checked
  here), query dates go through `parse_date` / `parse_instant`, cursors through
  `backend.platform.pagination.decode_cursor`.

A JSON body is decoded by `CheckedRequest.json()` (the app's request class), forms by
`CheckedRequest.form()` (read by `read_form` before the handler, since Litestar's multipart
extractor would otherwise decode text parts itself), paths and query strings by `text_middleware`.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from itertools import accumulate
from typing import Any
from urllib.parse import unquote_to_bytes

import msgspec
from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.enums import RequestEncodingType
from litestar.types import ASGIApp, Empty, Receive, Scope, Send

from backend.platform.errors import DATE_RANGE, MAX_DATE, MIN_DATE, BadRequest, ValidationFailed

MAX_JSON_DEPTH = 32

# JSON strings (with escapes), removed before counting brackets; the unrolled form is linear.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# [ and { count +1, ] and } count -1 (255 read as a signed byte).
_BRACKET_SIGN = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")


class TooDeep(BadRequest):
    code = "json_too_deep"


def invalid_utf8(where: str) -> BadRequest:
    return BadRequest(f"The {where} is not valid UTF-8.", code="invalid_utf8")


def nul_character(field: str) -> ValidationFailed:
    return ValidationFailed("Text may not contain NUL (U+0000) characters.", field=field, code="nul_character")


def out_of_range(field: str) -> ValidationFailed:
    return ValidationFailed(DATE_RANGE, field=field, code="date_out_of_range")


# -- dates -------------------------------------------------------------------------------------------


def date_in_range(value: dt.date) -> bool:
    """Whether `value` (a date, or a timestamp by its own calendar date) lies in MIN_DATE..MAX_DATE.

    A timestamp is not converted first: converting one near year 1 or 9999 is what overflows.
    """
    day = value.date() if isinstance(value, dt.datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def check_fields(struct: msgspec.Struct) -> None:
    """Raise ValueError (msgspec reports it with the field's path) for a date out of range."""
    for name in struct.__struct_fields__:
        value = getattr(struct, name)
        if isinstance(value, dt.date) and not date_in_range(value):
            raise ValueError(f"{DATE_RANGE} - at `$.{name}`")


def parse_date(raw: str | None, field: str) -> dt.date | None:
    """A query date YYYY-MM-DD (None when absent); 422 `invalid_date` or `date_out_of_range`."""
    if raw is None:
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"`{field}` must be a date YYYY-MM-DD.", field=field, code="invalid_date") from None
    if not date_in_range(value):
        raise out_of_range(field)
    return value


def parse_instant(raw: str | None, field: str) -> dt.datetime | None:
    """A query timestamp in ISO 8601 with its offset (None when absent)."""
    if raw is None:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            f"`{field}` must be a timestamp with its offset (ISO 8601).", field=field, code="invalid_date"
        ) from None
    if value.tzinfo is None:
        raise ValidationFailed(f"Give `{field}` with its offset.", field=field, code="invalid_date")
    if not date_in_range(value):
        raise out_of_range(field)
    return value


# -- JSON bodies -----------------------------------------------------------------------------------


def too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text in `raw` nests arrays/objects deeper than `limit`."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return bool(brackets) and max(accumulate(array("b", brackets.translate(_BRACKET_SIGN)))) > limit


def nul_field(value: Any) -> str | None:
    """The path of the first string or key in a decoded JSON value that holds a NUL, else None."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return path or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    return path or "body"
                stack.append((child, f"{path}.{key}" if path else key))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))
    return None


def decode_json(raw: bytes) -> Any:
    """A request body's JSON, or a 4xx problem: too deep, not UTF-8, malformed, or holding NUL."""
    if too_deep(raw):
        raise TooDeep(f"JSON may nest at most {MAX_JSON_DEPTH} levels.")
    try:
        value = msgspec.json.decode(raw or b"null")
    except UnicodeDecodeError:
        raise invalid_utf8("request body") from None
    except msgspec.DecodeError:
        raise BadRequest("The request body is not valid JSON.", code="malformed_json") from None
    if b"\\u0000" in raw and (field := nul_field(value)) is not None:
        raise nul_character(field)
    return value


# -- forms, paths, query strings ---------------------------------------------------------------------


def _text_problem(raw: bytes, field: str, where: str) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid_utf8(where) from None
    if "\x00" in text:
        raise nul_character(field)


def check_query(query_string: bytes) -> None:
    for part in query_string.split(b"&"):
        key, _, value = part.replace(b"+", b" ").partition(b"=")
        name = unquote_to_bytes(key)
        _text_problem(name, "query", "query string")
        _text_problem(unquote_to_bytes(value), name.decode(), "query string")


def check_path(scope: Scope) -> None:
    raw = scope.get("raw_path")
    if raw is not None:
        _text_problem(unquote_to_bytes(raw.split(b"?", 1)[0]), "path", "path")
    elif "\x00" in scope["path"]:
        raise nul_character("path")


def text_middleware(app: ASGIApp) -> ASGIApp:
    """Refuse a path or query string that is not UTF-8 or holds NUL, before any handler reads it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            check_path(scope)
            if scope.get("query_string"):
                check_query(scope["query_string"])
        await app(scope, receive, send)

    return middleware


class CheckedRequest(Request):
    """The app's request class: JSON bodies and forms are decoded under the rules above."""

    async def json(self) -> Any:
        if self._json is Empty:
            state = self._connection_state
            if state.json is Empty:
                state.json = decode_json(await self.body())
            self._json = state.json
        return self._json

    async def form(self) -> FormMultiDict:
        try:
            form = await super().form()
        except (UnicodeDecodeError, LookupError):  # a text part in bytes its charset cannot decode
            raise invalid_utf8("form field") from None
        for key, value in form.multi_items():
            if "\x00" in key:
                raise nul_character("form")
            if isinstance(value, str) and "\x00" in value:
                raise nul_character(key)
        return form


MAX_FORM_TEXT_BYTES = 4096


def form_text(key: str, raw: bytes, charset: str | None) -> str:
    """A multipart text field's value, decoded under the same rules as every other text."""
    try:
        value = raw.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise invalid_utf8("form field") from None
    if "\x00" in key:
        raise nul_character("form")
    if "\x00" in value:
        raise nul_character(key)
    return value


async def read_form(request: Request) -> None:
    """Parse a form body through `CheckedRequest.form()`; handlers then reuse the parsed form."""
    if request.content_type[0] in (RequestEncodingType.MULTI_PART, RequestEncodingType.URL_ENCODED):
        await request.form()

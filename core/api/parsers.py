"""Request parsers for every app's API: DRF's, bounded.

DRF's JSON and form parsers read the body without Django's DATA_UPLOAD_MAX_MEMORY_SIZE (Django checks it only
in `request.body` and `request.POST`), and a JSON document nested a thousand deep overflows Python's recursion
limit (a 500). Here a body over the limit is a 413 and nesting deeper than MAX_JSON_DEPTH a 400, both in the
API's error shape; the multipart parser already keeps Django's limit (its RequestDataTooBig is mapped to 413 in
exceptions.py)."""

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.utils import json

# No request of this API nests deeper than a handful of levels; 32 leaves room and stays far from recursion.
MAX_JSON_DEPTH = 32


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


def read_bounded(stream, parser_context) -> bytes:
    """The whole body, or RequestTooLarge once it passes DATA_UPLOAD_MAX_MEMORY_SIZE (told by Content-Length
    before reading, or found while reading a body that did not say)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    request = (parser_context or {}).get("request")
    declared = getattr(request, "META", {}).get("CONTENT_LENGTH") if request is not None else None
    try:
        if declared and int(declared) > limit:
            raise RequestTooLarge()
    except ValueError:
        pass  # Django reads a malformed Content-Length as 0; so does this
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise RequestTooLarge()
    return body


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = _encoding(parser_context)
        body = read_bounded(stream, parser_context)
        try:
            text = body.decode(encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise too_deep() from None
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        if nesting_depth(data) > MAX_JSON_DEPTH:
            raise too_deep()
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = _encoding(parser_context)
        return QueryDict(read_bounded(stream, parser_context), encoding=encoding)


def _encoding(parser_context) -> str:
    """The charset the Content-Type names (or DEFAULT_CHARSET); only text encodings, as DRF ≥ 3.16 does: a
    bytes-to-bytes codec (`charset=bz2_codec`) would expand the body after its size was checked."""
    encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
    try:
        "".encode(encoding)
    except (LookupError, UnicodeError):
        raise ParseError(
            _("Unsupported charset %(charset)s in the Content-Type header.") % {"charset": encoding}
        ) from None
    return encoding


def too_deep() -> ParseError:
    return ParseError(_("The JSON document is nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH})


def nesting_depth(data) -> int:
    """How deep lists and objects nest (a scalar is 0), without recursion."""
    deepest, level = 0, [(data, 1)]
    while level:
        value, depth = level.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_JSON_DEPTH:  # deeper is refused anyway: no need to walk on
            level.extend((child, depth + 1) for child in children)
    return deepest

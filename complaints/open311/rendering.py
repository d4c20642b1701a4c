"""Open311 GeoReport v2 output: the same data as JSON or XML, byte for byte what the specification shows.

Spec, "Format Support": the format is the resource's suffix (`/services.xml`, `/services/01.json`); XML is
`text/xml; charset=utf-8`, JSON `application/json; charset=utf-8`. Spec, "Encoding": UTF-8 everywhere and
"the root element must be preceded with the XML declaration including the encoding="UTF-8" attribute".
Spec, "JSON Support": the JSON is the Spark-convention mapping of the XML — a list of `<request>` inside
`<service_requests>` is a top-level JSON array, a nested list (`<attributes><attribute>`, `<values><value>`,
`<endpoints><endpoint>`, `<formats><format>`) a JSON array under the plural name; `true`/`false` in XML
are JSON booleans and an empty element is JSON `null`. Spec, "Errors": a list of `code` + `description`,
`<errors><error><code>…</code><description>…</description></error></errors>`.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("json", "xml")
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# The element of each item inside a list element (Spark convention: the plural holds the singular).
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all (even escaped): C0 controls other than tab and line breaks, lone
# surrogates, U+FFFE/U+FFFF. Dropped rather than answering a document no client can parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, (list, tuple)):
        child_tag = ITEMS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, child_tag), item)
    else:
        text = _text(value)
        if text:
            element.text = text


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return XML_DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def respond(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """`data` as the answer: a list under `root` (XML) / a top-level array (JSON), or an object."""
    if fmt == "json":
        response = HttpResponse(to_json(data), content_type=JSON_TYPE, status=status)
    else:
        response = HttpResponse(to_xml(root, data), content_type=XML_TYPE, status=status)
    response["Vary"] = "Accept-Language"
    return response


def errors(fmt: str, status: int, descriptions, *, code: int | None = None) -> HttpResponse:
    """Spec, "Errors": HTTP 404 for what does not exist, 403 for a wrong or missing api_key, 400 for any other
    request that cannot be fulfilled; the body a list of {code, description} ("multiple errors codes and
    descriptions can be returned in the body (the response is an array)")."""
    if isinstance(descriptions, str):
        descriptions = [descriptions]
    body = [{"code": code or status, "description": str(text)} for text in descriptions]
    return respond(fmt if fmt in FORMATS else "xml", "errors", body, status=status)

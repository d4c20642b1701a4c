"""The API's JSON renderer."""

import orjson
from rest_framework import renderers

_PASS_TO_DEFAULT = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _not_plain(value):
    raise TypeError(type(value).__name__)


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer, with a fast path for responses whose view marks them `plain_json`.

    Such data is made only of strings, integers, booleans, None, lists and dicts with string keys — never
    floats, which orjson writes differently (1e-05 as 0.00001) — and orjson writes it as the same bytes as
    DRF's compact UTF-8 output: it escapes strings exactly as `json.dumps(ensure_ascii=False)`, and U+2028 /
    U+2029 are escaped here as DRF does. Whatever else turns up (a lazy string, a date, a str subclass)
    makes orjson refuse, and DRF renders the response as always.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        if (
            data is not None
            and getattr(context.get("response"), "plain_json", False)
            and self.compact
            and not self.ensure_ascii
            and self.get_indent(accepted_media_type, context) is None
        ):
            try:
                body = orjson.dumps(data, default=_not_plain, option=_PASS_TO_DEFAULT)
            except TypeError:
                pass
            else:
                return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return super().render(data, accepted_media_type, renderer_context)

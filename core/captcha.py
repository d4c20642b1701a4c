"""A self-hosted picture captcha for public forms: no outside service, no server-side state but a burn list.

    from core.captcha import CaptchaField

    class ComplaintForm(forms.Form):
        ...
        captcha = CaptchaField(label=_("Characters in the picture"))

The template renders `{{ form.media }}` (the "new picture" link's script; without it the link reloads the
page). Every render shows a fresh picture; `form.is_valid()` checks the answer and burns the challenge, so
a solved or failed picture is never accepted again.

A challenge is a signed token (django.core.signing, salt "core.captcha", timestamped, valid for 10 minutes)
holding a random nonce and a keyed hash of the answer, never the answer itself. The answer is derived from
the nonce with a key only the server holds (SECRET_KEY), so `/captcha/<token>.png` can draw it again
without storing anything, and always draws the same picture for the same token. A checked token's nonce
goes into the Django cache until the token would have expired anyway: that is the one-time use.

Tests cannot read the picture: with `settings.CAPTCHA_TEST_MODE = True` (hangzhou_integrity/settings/test.py
sets it) `answer_for_tests(token)` gives the answer and `solved_for_tests("captcha")` the POST data of a
solved field. Outside test mode both refuse.
"""

from __future__ import annotations

import functools
import io
import math
import random
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .ratelimit import ratelimit

SALT = "core.captcha"
MAX_AGE = 10 * 60  # seconds a picture may be answered after it was made
# Upper-case only (answers are compared case-insensitively) and none that a distorted glyph makes ambiguous:
# no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, U/V.
ALPHABET = "ACEFGHJKMNPRTWXY34679"
WIDTH, HEIGHT = 200, 70
_USED_PREFIX = "captcha-used:"


class Outcome(StrEnum):
    PASSED = "passed"
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"  # already answered (right or wrong): a replay
    INVALID = "invalid"  # not a token of ours


@dataclass(frozen=True)
class Challenge:
    token: str
    image_url: str


# --- challenges ---------------------------------------------------------------------------------------


def _answer(nonce: str) -> str:
    digest = salted_hmac(f"{SALT}.answer", nonce).digest()
    length = 5 + digest[0] % 2
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[1 : 1 + length])


def _answer_digest(nonce: str, answer: str) -> str:
    return salted_hmac(f"{SALT}.check", f"{nonce}:{answer}").hexdigest()[:20]


def _normalise(answer: str) -> str:
    return "".join((answer or "").split()).upper()


def new_challenge() -> Challenge:
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "h": _answer_digest(nonce, _answer(nonce))}, salt=SALT)
    return Challenge(token=token, image_url=reverse("core:captcha_image", args=[token]))


def _load(token: str, *, max_age: int | None = MAX_AGE) -> dict:
    """The token's payload; signing.SignatureExpired when too old, signing.BadSignature when not ours."""
    payload = signing.loads(token or "", salt=SALT, max_age=max_age)
    if not (isinstance(payload, dict) and isinstance(payload.get("n"), str) and isinstance(payload.get("h"), str)):
        raise signing.BadSignature("not a captcha token")
    return payload


def check(token: str, answer: str) -> Outcome:
    """Check an answer against a challenge, once: whatever the outcome, a token of ours is burned."""
    try:
        payload = _load(token)
    except signing.SignatureExpired:
        return Outcome.EXPIRED
    except signing.BadSignature:
        return Outcome.INVALID
    if not cache.add(_USED_PREFIX + payload["n"], 1, MAX_AGE + 60):
        return Outcome.USED
    if constant_time_compare(_answer_digest(payload["n"], _normalise(answer)), payload["h"]):
        return Outcome.PASSED
    return Outcome.WRONG


def _require_test_mode(name: str) -> None:
    if not getattr(settings, "CAPTCHA_TEST_MODE", False):
        raise ImproperlyConfigured(f"core.captcha.{name}() works only with settings.CAPTCHA_TEST_MODE = True")


def answer_for_tests(token: str) -> str:
    """The answer of a challenge (even an expired one): for tests only, refused unless CAPTCHA_TEST_MODE."""
    _require_test_mode("answer_for_tests")
    return _answer(_load(token, max_age=None)["n"])


def solved_for_tests(name: str = "captcha") -> dict[str, str]:
    """POST data of a CaptchaField called `name`, solved: for tests only, refused unless CAPTCHA_TEST_MODE."""
    _require_test_mode("solved_for_tests")
    token = new_challenge().token
    return {f"{name}_0": token, f"{name}_1": answer_for_tests(token)}


# --- the picture --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _font():
    from PIL import ImageFont

    return ImageFont.load_default(size=40)  # Pillow's bundled TrueType font (FreeType); a bitmap without it


def _glyph(character: str, rng: random.Random):
    """One character on a transparent square, turned by up to ±28 degrees."""
    from PIL import Image, ImageDraw, ImageFont

    font = _font()
    side = 56
    if isinstance(font, ImageFont.FreeTypeFont):
        glyph = Image.new("L", (side, side), 0)
        ImageDraw.Draw(glyph).text((side / 2, side / 2), character, font=font, fill=255, anchor="mm", stroke_width=1)
    else:  # no FreeType: the small bitmap font, enlarged
        small = Image.new("L", (14, 14), 0)
        ImageDraw.Draw(small).text((3, 1), character, font=font, fill=255)
        glyph = small.resize((side, side), Image.Resampling.BICUBIC)
    return glyph.rotate(rng.uniform(-28, 28), resample=Image.Resampling.BICUBIC)


def _dark(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randint(10, 110), rng.randint(10, 110), rng.randint(40, 140))


def render_png(token: str) -> bytes:
    """The picture of a challenge as PNG bytes: the same token always gives the same picture."""
    from PIL import Image, ImageDraw

    nonce = _load(token)["n"]
    answer = _answer(nonce)
    rng = random.Random(salted_hmac(f"{SALT}.image", nonce).digest())  # noise, not secrecy
    background = (rng.randint(235, 250), rng.randint(235, 250), rng.randint(225, 245))
    letters = Image.new("RGB", (WIDTH, HEIGHT), background)
    slot = (WIDTH - 24) / len(answer)
    for index, character in enumerate(answer):
        glyph = _glyph(character, rng)
        x = round(12 + index * slot + slot / 2 - glyph.width / 2 + rng.uniform(-3, 3))
        y = round((HEIGHT - glyph.height) / 2 + rng.uniform(-6, 6))
        x = min(max(x, 0), WIDTH - glyph.width)
        y = min(max(y, 0), HEIGHT - glyph.height)
        letters.paste(Image.new("RGB", glyph.size, _dark(rng)), (x, y), glyph)

    # A wave: each narrow column shifted up or down along a sine.
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    amplitude, wavelength, phase = rng.uniform(2, 4.5), rng.uniform(50, 90), rng.uniform(0, 2 * math.pi)
    for left in range(0, WIDTH, 2):
        shift = round(amplitude * math.sin(2 * math.pi * left / wavelength + phase))
        image.paste(letters.crop((left, 0, left + 2, HEIGHT)), (left, shift))

    draw = ImageDraw.Draw(image)
    for _line in range(rng.randint(4, 6)):
        start = (rng.uniform(0, WIDTH / 3), rng.uniform(0, HEIGHT))
        end = (rng.uniform(2 * WIDTH / 3, WIDTH), rng.uniform(0, HEIGHT))
        draw.line([start, end], fill=_dark(rng), width=rng.choice((1, 2)))
    for _dot in range(rng.randint(250, 350)):
        draw.point((rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)), fill=_dark(rng))

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --- views ---------------------------------------------------------------------------------------------


@require_GET
@ratelimit("captcha", rate="60/m", methods=("GET",))
def captcha_image(request, token: str):
    try:
        png = render_png(token)
    except signing.BadSignature as exc:  # expired, tampered or not ours
        raise Http404 from exc
    response = HttpResponse(png, content_type="image/png")
    add_never_cache_headers(response)  # Cache-Control: …, no-store
    return response


@require_GET
@ratelimit("captcha", rate="60/m", methods=("GET",))
def captcha_new(request):
    """A fresh challenge for the "new picture" link (static/js/captcha.js)."""
    challenge = new_challenge()
    response = JsonResponse({"token": challenge.token, "image_url": challenge.image_url})
    add_never_cache_headers(response)
    return response


# --- the form field ----------------------------------------------------------------------------------


class CaptchaWidget(forms.MultiWidget):
    """The token (hidden) and the answer (text); a fresh challenge on every render, the typed answer never
    shown again."""

    template_name = "core/widgets/captcha.html"
    use_fieldset = False  # one visible input, labelled by the field's label

    class Media:
        js = ("js/captcha.js",)

    def __init__(self, attrs=None):
        answer = forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "maxlength": "12",
                "class": "form-control captcha-answer",
            }
        )
        super().__init__((forms.HiddenInput(), answer), attrs)

    def decompress(self, value):
        return [None, None]

    def get_context(self, name, value, attrs):
        challenge = new_challenge()
        context = super().get_context(name, [challenge.token, ""], attrs)
        context["captcha"] = {
            "image_url": challenge.image_url,
            "new_url": reverse("core:captcha_new"),
            "width": WIDTH,
            "height": HEIGHT,
        }
        return context

    def id_for_label(self, id_):
        return f"{id_}_1" if id_ else id_


class CaptchaField(forms.MultiValueField):
    """A picture of 5 or 6 characters to type; valid once per picture. Always required."""

    widget = CaptchaWidget
    default_error_messages = {
        "required": _("Type the characters shown in the picture."),
        "wrong": _("The characters do not match the picture. Try the new one."),
        "expired": _("The picture has expired; here is a new one."),
    }

    def __init__(self, **kwargs):
        kwargs["required"] = True
        kwargs.setdefault("label", _("Characters in the picture"))
        super().__init__(fields=(forms.CharField(), forms.CharField()), require_all_fields=True, **kwargs)

    def clean(self, value):
        token, answer = [*value, "", ""][:2] if isinstance(value, (list, tuple)) else ("", "")
        if not _normalise(answer):
            raise ValidationError(self.error_messages["required"], code="required")
        outcome = check(str(token or "").strip(), str(answer))
        if outcome is Outcome.PASSED:
            return True
        if outcome in (Outcome.EXPIRED, Outcome.USED):
            raise ValidationError(self.error_messages["expired"], code="expired")
        raise ValidationError(self.error_messages["wrong"], code="wrong")

    def compress(self, data_list):
        return bool(data_list)

    def has_changed(self, initial, data):
        return True

"""core.captcha: a self-hosted picture captcha, stateless but for one-time use, usable in any form."""

import re
import secrets
import time
from unittest import mock

import pytest
from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from core import captcha
from core.captcha import CaptchaField, Outcome, answer_for_tests, check, new_challenge, solved_for_tests

pytestmark = pytest.mark.urls("tests.core.urls_protection")

FORM_URL = "/test/captcha-form/"
WRONG = "The characters do not match the picture. Try the new one."
EXPIRED = "The picture has expired; here is a new one."


def token_in(page: str) -> str:
    return re.search(r'name="captcha_0" value="([^"]+)"', page)[1]


def post(client, token, answer, **extra):
    return client.post(FORM_URL, {"name": "A visitor", "captcha_0": token, "captcha_1": answer}, **extra)


def made_ago(seconds: int) -> str:
    """A token made `seconds` ago (django.core.signing stamps it with time.time())."""
    with mock.patch("django.core.signing.time.time", return_value=time.time() - seconds):
        return new_challenge().token


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return str(translation.gettext(message))


# --- answering -----------------------------------------------------------------------------------------


def test_the_right_answer_passes_once(client):
    token = token_in(client.get(FORM_URL).content.decode())
    answer = answer_for_tests(token)
    assert post(client, token, answer).content == b"passed"
    replay = post(client, token, answer)
    assert replay.content != b"passed"
    assert in_language("zh-hans", EXPIRED) in replay.content.decode()


def test_the_answer_ignores_case_and_spaces():
    token = new_challenge().token
    answer = answer_for_tests(token)
    assert check(token, f"  {answer[:2].lower()} {answer[2:]}\t") is Outcome.PASSED


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_wrong_answer_is_refused_with_the_field_error_in_the_visitors_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    token = new_challenge().token
    wrong = "".join("A" if c != "A" else "C" for c in answer_for_tests(token))
    response = post(client, token, wrong)
    page = response.content.decode()
    assert response.status_code == 200
    assert response.content != b"passed"
    assert in_language(language, WRONG) in page
    if language == "en":
        assert WRONG in page
    # a fresh picture to try, the typed answer not shown again
    assert token_in(page) != token
    assert wrong not in page


def test_a_failed_picture_cannot_be_answered_again():
    token = new_challenge().token
    assert check(token, "AAAAAA") is Outcome.WRONG
    assert check(token, answer_for_tests(token)) is Outcome.USED


def test_an_expired_picture_is_refused(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    token = made_ago(captcha.MAX_AGE + 1)
    response = post(client, token, answer_for_tests(token))
    assert response.content != b"passed"
    assert EXPIRED in response.content.decode()


def test_a_picture_is_good_until_it_expires():
    token = made_ago(captcha.MAX_AGE - 5)
    assert check(token, answer_for_tests(token)) is Outcome.PASSED


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c"])
def test_a_token_not_ours_is_refused_as_wrong(client, token):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert WRONG in post(client, token, "ACEFG").content.decode()


def test_a_tampered_token_is_refused():
    token = new_challenge().token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert check(tampered, answer_for_tests(token)) is Outcome.INVALID


def test_a_missing_answer_is_required(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    token = new_challenge().token
    assert "Type the characters shown in the picture." in post(client, token, "  ").content.decode()
    assert check(token, answer_for_tests(token)) is Outcome.PASSED  # an empty answer does not burn it


def test_the_token_does_not_hold_the_answer():
    token = new_challenge().token
    answer = answer_for_tests(token)
    payload = signing.loads(token, salt="core.captcha")
    assert set(payload) == {"n", "h"}
    assert answer not in token
    assert answer not in payload["h"].upper()


def test_answers_come_from_an_unambiguous_alphabet():
    answers = [answer_for_tests(new_challenge().token) for _ in range(200)]
    assert {len(a) for a in answers} == {5, 6}
    assert set("".join(answers)) <= set(captcha.ALPHABET)
    assert not set(captcha.ALPHABET) & set("0O1Il")


# --- the test hook ------------------------------------------------------------------------------------


def test_the_test_hook_refuses_outside_test_mode(settings):
    token = new_challenge().token
    settings.CAPTCHA_TEST_MODE = False
    with pytest.raises(ImproperlyConfigured):
        answer_for_tests(token)
    with pytest.raises(ImproperlyConfigured):
        solved_for_tests()


def test_solved_for_tests_gives_the_post_data_of_a_solved_field(client):
    assert client.post(FORM_URL, {"name": "A visitor", **solved_for_tests("captcha")}).content == b"passed"


# --- the picture -----------------------------------------------------------------------------------------


def test_the_picture_is_a_png_never_stored(client):
    challenge = new_challenge()
    response = client.get(challenge.image_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get(challenge.image_url).content == response.content  # the same picture every time
    assert client.get(new_challenge().image_url).content != response.content


def test_the_picture_has_the_size_the_page_gives_it(client):
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(client.get(new_challenge().image_url).content))
    assert image.size == (captcha.WIDTH, captcha.HEIGHT)


@pytest.mark.parametrize("token", ["garbage", "eyJuIjoieCJ9:1tXyZ:abc", "a.b.c"])
def test_a_token_not_ours_has_no_picture(client, token):
    assert client.get(reverse("core:captcha_image", args=[token])).status_code == 404


def test_a_tampered_or_expired_token_has_no_picture(client):
    token = new_challenge().token
    assert client.get(reverse("core:captcha_image", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("core:captcha_image", args=[made_ago(captcha.MAX_AGE + 1)])).status_code == 404


def test_a_flood_of_pictures_is_limited(client, settings, monkeypatch):
    from core import ratelimit

    settings.RATE_LIMITS = {"captcha": "2/m"}
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_010)  # not at the turn of a minute
    url = new_challenge().image_url
    ip = f"2001:db8:c0de::{secrets.token_hex(2)}"  # counters live in the shared cache: an address of this run
    assert [client.get(url, REMOTE_ADDR=ip).status_code for _ in range(3)] == [200, 200, 429]


def test_a_new_challenge_for_the_new_picture_link(client):
    response = client.get(reverse("core:captcha_new"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["image_url"] == reverse("core:captcha_image", args=[data["token"]])
    assert check(data["token"], answer_for_tests(data["token"])) is Outcome.PASSED


# --- the field in a page --------------------------------------------------------------------------------


def test_the_field_renders_a_labelled_input_and_a_described_picture(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(FORM_URL).content.decode()
    token = token_in(page)
    answer = answer_for_tests(token)
    image = re.search(r"<img [^>]*data-captcha-image[^>]*>", page)[0]
    assert f'src="{reverse("core:captcha_image", args=[token])}"' in image
    assert 'alt="A picture of characters to type in the box below (security check)"' in image
    assert answer not in page
    assert '<label for="id_captcha_1">Characters in the picture' in page
    text_input = re.search(r'<input [^>]*name="captcha_1"[^>]*>', page)[0]
    assert 'autocomplete="off"' in text_input
    assert 'id="id_captcha_1"' in text_input
    assert f'data-captcha-new="{reverse("core:captcha_new")}"' in page
    assert 'src="/static/js/captcha.js"' in page
    assert "<script>" not in page  # no inline script (CSP)


def test_every_render_is_a_fresh_picture(client):
    assert token_in(client.get(FORM_URL).content.decode()) != token_in(client.get(FORM_URL).content.decode())


def test_the_field_works_in_any_form():
    from django import forms

    class Form(forms.Form):
        check_characters = CaptchaField(label="Check")

    data = {f"check_characters_{k[-1]}": v for k, v in solved_for_tests("x").items()}
    form = Form(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["check_characters"] is True
    assert not Form(data).is_valid()  # the same answer again: burned
    assert 'name="check_characters_0"' in str(Form()["check_characters"])

"""Test-only views for tests/core/test_captcha.py and test_ratelimit.py (used with @pytest.mark.urls): a
flood target behind core.ratelimit and a form with a core.captcha.CaptchaField, then the site's own URLs."""

from django import forms
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.urls import include, path

from core.captcha import CaptchaField
from core.ratelimit import ratelimit

FLOOD_RATE = "5/10m"


@ratelimit("test_flood", rate=FLOOD_RATE)
def flood(request):
    return HttpResponse("ok")


@ratelimit("test_flood_api", rate=FLOOD_RATE)
def flood_api(request):
    return JsonResponse({"ok": True})


class CaptchaForm(forms.Form):
    name = forms.CharField(max_length=50)
    captcha = CaptchaField()


_PAGE = engines["django"].from_string(
    '{{ form.media }}<form method="post">{% csrf_token %}{{ form.as_div }}<button>Send</button></form>'
)


def captcha_form(request):
    form = CaptchaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return HttpResponse("passed")
    return HttpResponse(_PAGE.render({"form": form}, request))


urlpatterns = [
    path("test/flood/", flood, name="test_flood"),
    path("api/test/flood/", flood_api, name="test_flood_api"),
    path("test/captcha-form/", captcha_form, name="test_captcha_form"),
    path("", include("hangzhou_integrity.urls")),
]

"""The list filters' inputs and selects are written in Python: exactly what Django's templates would write."""

import datetime

from django import forms
from django.http import QueryDict

from core.widgets import FastDateInput, FastSelect, FastTextInput


def _form(text_input, date_input, select):
    class Filters(forms.Form):
        q = forms.CharField(required=False, max_length=100, widget=text_input(attrs={"type": "search", "class": "c"}))
        after = forms.DateField(required=False, widget=date_input(attrs={"type": "date"}, format="%Y-%m-%d"))
        kind = forms.ChoiceField(
            required=False, choices=[("", "全部"), ("fine", "罚款"), ("a&b", "<警告>")], widget=select
        )

    return Filters


def test_fast_widgets_write_the_same_markup_as_djangos_templates():
    slow = _form(forms.TextInput, forms.DateInput, forms.Select)
    fast = _form(FastTextInput, FastDateInput, FastSelect)
    cases = [
        QueryDict(""),
        QueryDict("q=%E8%81%94%22%3E%3Cb%3E&after=2026-01-05&kind=a%26b"),
        QueryDict("after=not-a-date&kind=fine"),
    ]
    for data in cases:
        for name in ("q", "after"):
            assert str(fast(data)[name]) == str(slow(data)[name])
        # Django's select writes option per line; ours on one: the same options, the same selection.
        assert _options(str(fast(data)["kind"])) == _options(str(slow(data)["kind"]))
    initial = {"after": datetime.date(2026, 1, 2)}
    assert str(fast(initial=initial)["after"]) == str(slow(initial=initial)["after"])


def _options(html: str) -> str:
    return "".join(line.strip() for line in html.splitlines())

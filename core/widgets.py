"""Widgets and helpers for the busiest pages, written in Python rather than through Django's templates.

Django renders every widget, and every option of a select, through its template engine; on a public list
that costs more than the database work of the whole page. These write the same markup (a test holds them
to Django's exact output) and are shared by every app's public lists.
"""

from __future__ import annotations

from html import escape  # Django's escape() without its lazy-text check: same output, a third of the cost

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A select rendered in Python. The authority list has hundreds of options, and Django's
    template per option costs more than all the database work of the page."""

    # (value, label) pairs → each option's value and its escaped markup split where " selected" goes: the
    # same hundred authorities are escaped once, not on every request (a few kept: one list per language).
    _escaped: dict[tuple, list[tuple[str, str, str]]] = {}

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        pairs = tuple((str(key), str(label)) for key, label in self.choices)
        escaped = self._escaped.get(pairs)
        if escaped is None:
            escaped = [(key, f'<option value="{escape(key)}"', f">{escape(label)}</option>") for key, label in pairs]
            if len(self._escaped) >= 16:
                self._escaped.clear()
            self._escaped[pairs] = escaped
        options = "".join(f"{head} selected{tail}" if key in selected else head + tail for key, head, tail in escaped)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308
        )


class FastInputMixin:
    """An <input> rendered in Python, attribute for attribute as Django's input template writes it (type,
    name, value, then the attributes): Django renders every widget through a template, several a page."""

    def render(self, name, value, attrs=None, renderer=None):
        shown = self.format_value(value)
        final = {"type": self.input_type, "name": name}
        if shown is not None:
            final["value"] = str(shown)
        final.update(self.build_attrs(self.attrs, attrs))
        written = "".join(
            f" {key}" if value is True else f' {key}="{escape(str(value))}"'
            for key, value in final.items()
            if value is not False and value is not None
        )
        return mark_safe(f"<input{written}>")  # noqa: S308 - every value is escaped


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastDateInput(FastInputMixin, forms.DateInput):
    pass


class ReadyChoices(BaseChoiceIterator):
    """Choices already in Django's normal form ((value, label) pairs): Django re-normalises a plain list
    each time a form is made, item by item — hundreds of authorities on every list request."""

    def __init__(self, pairs: list[tuple]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)


def translated_labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def url_template(name: str, *args) -> str:
    """A URL taking an id as its last argument, with "{}" for the id: one reversal per list, not per row."""
    placeholder = 9_876_543_210
    return reverse(name, args=[*args, placeholder]).replace(str(placeholder), "{}")

"""The markup of a pledge's progress bar, its fulfilment badge and a list's rows, written in Python.

A template include per cell costs ≈ 0.3 ms; a list of 25 pledges has two a row, a year's board ten times
that. The same functions serve the templates (commitments.templatetags.pledge_tags) and the list, so a bar
looks the same everywhere. Every value is escaped.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.widgets import translated_labels, url_template

from ..choices import Fulfilment, PledgeKind, ServiceArea


def percent(value) -> str:
    """40.00 → "40", 62.50 → "62.5": what the bar's label shows."""
    number = Decimal(value or 0)
    text = f"{number.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def progress_bar(progress, label: str | None = None) -> SafeString:
    shown = percent(progress)
    label = escape(label or _("Progress"))
    return mark_safe(  # noqa: S308 - a number and an escaped label
        f'<span class="pledge-progress"><progress value="{Decimal(progress or 0):.2f}" max="100" '
        f'aria-label="{label}">{shown} %</progress> <span class="small">{shown} %</span></span>'
    )


def measured_cell(value, target) -> SafeString:
    """A measured pledge's latest value against its target, instead of a reported progress bar."""
    if value is None:
        not_yet = escape(_("not measured yet"))
        return mark_safe(f'<span class="small text-muted">{not_yet}</span>')  # noqa: S308
    met = target is None or Decimal(value) >= Decimal(target)
    target_text = f" / {percent(target)} %" if target is not None else ""
    measured = escape(_("measured"))
    return mark_safe(  # noqa: S308 - numbers and an escaped label
        f'<span class="small"><strong class="{"text-success" if met else "text-danger"}">{percent(value)} %</strong>'
        f'{target_text} <span class="text-muted">{measured}</span></span>'
    )


def fulfilment_badge(fulfilment: str, labels: dict[str, str] | None = None) -> SafeString:
    labels = labels if labels is not None else translated_labels(Fulfilment)
    return mark_safe(  # noqa: S308 - a choice value and an escaped label
        f'<span class="badge fulfilment-{escape(fulfilment)}">{escape(labels.get(fulfilment, fulfilment))}</span>'
    )


def list_body(rows: list[dict], names: dict[int, str], *, empty_message: str) -> SafeString:
    """The rows of the public pledge list (values() rows, the bodies' names looked up once)."""
    if not rows:
        return mark_safe(f'<tr><td colspan="6" class="text-muted">{escape(empty_message)}</td></tr>')  # noqa: S308
    detail_url = url_template("commitments:public_detail")
    kinds, areas, fulfilments = (translated_labels(choices) for choices in (PledgeKind, ServiceArea, Fulfilment))
    title, badge = escape(_("Measured by the portal from its own records")), escape(_("Measured"))
    measured = f' <span class="badge text-bg-light border" title="{title}">{badge}</span>'
    progress_label = _("Progress")
    cells = []
    for row in rows:
        kind = escape(kinds.get(row["kind"], row["kind"]))
        if row["service_area"]:
            kind += f" · {escape(areas.get(row['service_area'], row['service_area']))}"
        if row["year"]:
            kind += f" · {row['year']}"
        if row["indicator"]:
            progress = measured_cell(row["measured_value"], row["indicator_target"])
        else:
            progress = progress_bar(row["progress"], progress_label)
        cells.append(
            f'<tr><td><a href="{detail_url.format(row["id"])}">{escape(row["title"])}</a>'
            f"{measured if row['indicator'] else ''}</td>"
            f'<td class="small"><a href="?organization={row["organization_id"]}">'
            f"{escape(names.get(row['organization_id'], ''))}</a></td>"
            f'<td class="small">{kind}</td>'
            f'<td class="text-nowrap">{row["due_on"].isoformat()}</td>'
            f'<td class="text-nowrap">{progress}</td>'
            f"<td>{fulfilment_badge(row['fulfilment'], fulfilments)}</td></tr>"
        )
    return mark_safe("\n".join(cells))  # noqa: S308 - every value above is escaped

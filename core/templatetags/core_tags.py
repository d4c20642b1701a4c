from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagers and filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_without(context, *keys):
    query = context["request"].GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


@register.filter
def bootstrap(field):
    """Render a bound field's widget with Bootstrap's classes (and is-invalid when it has errors)."""
    widget_type = field.widget_type
    css = "form-select" if widget_type in ("select", "selectmultiple", "nullbooleanselect") else "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": f"{field.field.widget.attrs.get('class', '')} {css}".strip()}
    if field.errors:
        attrs["aria-describedby"] = f"{field.id_for_label}-error"
    return field.as_widget(attrs=attrs)

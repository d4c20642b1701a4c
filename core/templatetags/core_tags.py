from django import template
from django.utils import translation

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


# --- fixed fragments ----------------------------------------------------------------------------------

FIXED_VARIANTS_MAX = 32  # per fragment: languages × the few values it varies by


class FixedNode(template.Node):
    def __init__(self, nodelist, name: str, vary: list):
        self.nodelist, self.name, self.vary = nodelist, name, vary
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (translation.get_language(), *(value.resolve(context) for value in self.vary))
        text = self.rendered.get(key)
        if text is None:
            text = self.nodelist.render(context)
            if len(self.rendered) < FIXED_VARIANTS_MAX:
                self.rendered[key] = text
        return text


@register.tag
def fixed(parser, token):
    """`{% fixed "name" value … %}…{% endfixed %}`: markup rendered once per process for each language and
    each combination of the values named, then given as it is.

    For the chrome every page repeats (navigation, tabs, asset links, static forms): the menus' URL
    reversals, translations and static-file lookups cost a public page about as much as its query. The
    body must depend on nothing but the language and the values named (few of them: a flag, a tab name) —
    never on the request, the user's data, a CSRF token or anything that changes while the process runs.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fixed %} needs a name")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])

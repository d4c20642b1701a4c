from django import template

from ..views.markup import fulfilment_badge, percent, progress_bar

register = template.Library()


@register.simple_tag
def pledge_progress(pledge):
    return progress_bar(pledge.progress)


@register.simple_tag
def pledge_fulfilment(pledge):
    return fulfilment_badge(pledge.fulfilment)


register.filter("percent", percent)

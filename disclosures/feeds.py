"""Atom feed of new double-publicity publications, for readers and for anyone mirroring the data.

Titles carry the subject name and decision number; no ID number of any kind appears in the feed.
"""

from __future__ import annotations

from itertools import chain

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .choices import PenaltyKind
from .models import PenaltyDisclosure

FEED_SIZE = 50
_ROW_FIELDS = (
    "id",
    "subject_name",
    "decision_number",
    "decided_on",
    "published_at",
    "corrected_at",
    "version",
    "authority",
    "authority__name",
    "authority_name",
)


class NewPublicationsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Integrity Hangzhou: new licensing and penalty disclosures")
    subtitle = gettext_lazy(
        "Administrative licensing and penalty decisions published by the Hangzhou government, newest first."
    )
    link = reverse_lazy("disclosures:public_home")
    feed_url = reverse_lazy("disclosures:public_feed")

    def items(self):
        """The newest of each kind, merged by publication time (each side is one indexed query)."""
        penalties = selectors.newest_publications(
            selectors.public_penalties().only(*_ROW_FIELDS, "penalty_kinds"), FEED_SIZE
        )
        licenses = selectors.newest_publications(
            selectors.public_licenses().only(*_ROW_FIELDS, "license_category"), FEED_SIZE
        )
        merged = sorted(chain(penalties, licenses), key=lambda record: (record.published_at, record.pk), reverse=True)
        return merged[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.subject_name} · {item.decision_number}"

    def item_description(self, item):
        if isinstance(item, PenaltyDisclosure):
            labels = dict(PenaltyKind.choices)
            what = _("Administrative penalty: %(kinds)s") % {
                "kinds": "、".join(str(labels.get(kind, kind)) for kind in item.penalty_kinds)
            }
        else:
            what = _("Administrative licence: %(category)s") % {"category": item.get_license_category_display()}
        return _("%(what)s. Decided by %(authority)s on %(date)s.") % {
            "what": what,
            "authority": item.authority_display_name,
            "date": item.decided_on.isoformat(),
        }

    def item_link(self, item):
        name = "public_penalty_detail" if isinstance(item, PenaltyDisclosure) else "public_license_detail"
        return reverse(f"disclosures:{name}", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.corrected_at or item.published_at

    def item_categories(self, item):
        return [str(item._meta.verbose_name)]

"""The product's URLs plus two baselines, served by the same gunicorn for bench/floor.py only.

- /bench/bare/: a bare JsonResponse through the whole middleware stack — what Django costs at all;
- /bench/floor/penalties/: the public penalty list as plainly as Django and PostgreSQL can give it: the same
  public rows, the same name filter (the selector's own), newest id first, 20 a page, the same columns as the
  API, `values()` rendered by orjson. No access rule, no masking, no labels or links: the floor.
"""

import orjson
from django.http import HttpResponse, JsonResponse
from django.urls import path

from disclosures.api.serializers import PenaltySerializer
from disclosures.models import PenaltyDisclosure
from disclosures.selectors import MAX_SEARCH_WORDS, filter_by_subject_name
from hangzhou_integrity.urls import urlpatterns as product_urlpatterns

PAGE_SIZE = 20
COLUMNS = [
    field.attname
    for field in PenaltyDisclosure._meta.concrete_fields
    if field.name in PenaltySerializer.Meta.fields or field.name == "authority_name"
] + ["authority__name"]


def bare(request):
    return JsonResponse({"ok": True})


def floor_penalties(request):
    rows = PenaltyDisclosure.objects.public()
    if name := request.GET.get("subject_name", "").strip():
        rows = filter_by_subject_name(rows, model=PenaltyDisclosure, words=name.split()[:MAX_SEARCH_WORDS])
    if before := request.GET.get("before"):
        rows = rows.filter(id__lt=int(before))
    page = list(rows.order_by("-id").values(*COLUMNS)[: PAGE_SIZE + 1])
    body = {"next": page[PAGE_SIZE - 1]["id"] if len(page) > PAGE_SIZE else None, "results": page[:PAGE_SIZE]}
    return HttpResponse(orjson.dumps(body, default=str), content_type="application/json")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/floor/penalties/", floor_penalties),
    *product_urlpatterns,
]
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"

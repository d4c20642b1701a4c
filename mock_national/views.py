"""The stand-in's HTTP face: a signed JSON API (plain Django views, not DRF) and one page for people."""

from __future__ import annotations

import random
import time

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import config, intake, reports
from .models import Action
from .signing import signature_problem
from .validation import RULES_BY_TYPE

KNOWN_RECORD_TYPES = tuple(RULES_BY_TYPE)
PAGE_SIZE = 50
FAULT_SETTINGS = (
    "ERROR_RATE",
    "ERROR_AFTER_APPLY_RATE",
    "THROTTLE_RATE",
    "RETRY_AFTER_SECONDS",
    "LATENCY_MS",
    "HANG_RATE",
    "HANG_SECONDS",
    "REJECT_RATE",
    "MAX_BATCH",
    "MAX_SKEW_SECONDS",
)


def _json(payload: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, message: str) -> JsonResponse:
    return _json({"error": message}, status=status)


def _unauthorized(request, body: bytes, settings: dict) -> JsonResponse | None:
    problem = signature_problem(
        request.headers, body, secret=settings["SECRET"], max_skew_seconds=settings["MAX_SKEW_SECONDS"]
    )
    return _error(401, problem) if problem else None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def records(request):
    """POST: receive a batch. GET: the nightly reconciliation's keyset listing of accepted records."""
    if request.method == "GET":
        return _list_records(request)
    settings = config.current()
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > settings["MAX_BODY_BYTES"]:
        return _error(413, f"请求体超过 {settings['MAX_BODY_BYTES']} 字节")
    body = request.read()
    if denied := _unauthorized(request, body, settings):
        return denied
    idempotency_key = request.headers.get("Idempotency-Key", "")
    if not 1 <= len(idempotency_key) <= intake.MAX_IDEMPOTENCY_KEY:
        return _error(400, f"缺少或无效的 Idempotency-Key（1–{intake.MAX_IDEMPOTENCY_KEY} 个字符）")
    try:
        incoming = intake.parse_batch(body, max_batch=settings["MAX_BATCH"])
    except intake.BadRequest as exc:
        return _error(400, str(exc))
    if fault := _injected_fault(settings):
        return fault
    answer = intake.receive(
        body,
        idempotency_key,
        incoming,
        reject_rate=settings["REJECT_RATE"],
        lose_answer=random.random() < settings["ERROR_AFTER_APPLY_RATE"],
    )
    response = HttpResponse(answer.body, status=answer.status, content_type="application/json")
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _injected_fault(settings: dict) -> HttpResponse | None:
    """Hang, latency, throttling and errors, in that order, before anything is applied."""
    if random.random() < settings["HANG_RATE"]:
        time.sleep(settings["HANG_SECONDS"])  # then answers normally: the sender has usually given up by now
    if settings["LATENCY_MS"] > 0:
        time.sleep(settings["LATENCY_MS"] / 1000)
    if random.random() < settings["THROTTLE_RATE"]:
        response = _error(429, "请求过于频繁，请稍后重试（模拟限流）")
        response["Retry-After"] = str(settings["RETRY_AFTER_SECONDS"])
        return response
    if random.random() < settings["ERROR_RATE"]:
        return _error(random.choice([500, 503]), "服务暂时不可用（模拟故障），未处理任何数据")
    return None


def _list_records(request):
    if denied := _unauthorized(request, b"", config.current()):
        return denied
    record_type = request.GET.get("record_type", "")
    if not record_type:
        return _error(400, "缺少 record_type 参数")
    limit_text = request.GET.get("limit", str(reports.MAX_LIST_LIMIT))
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= reports.MAX_LIST_LIMIT:
        return _error(400, f"limit 应为 1–{reports.MAX_LIST_LIMIT} 的整数")
    return _json(reports.latest_accepted_page(record_type, after=request.GET.get("after", ""), limit=int(limit_text)))


@require_GET
def receipts(request):
    if denied := _unauthorized(request, b"", config.current()):
        return denied
    record_type, record_id = request.GET.get("record_type", ""), request.GET.get("record_id", "")
    if not record_type or not record_id:
        return _error(400, "缺少 record_type 或 record_id 参数")
    return _json({"results": reports.receipts(record_type, record_id)})


@require_GET
def counts(request):
    if denied := _unauthorized(request, b"", config.current()):
        return denied
    return _json(reports.counts_payload())


@require_GET
def home(request):
    """Newest entries (keyset pages of 50, no COUNT over the table), counts per type and the fault settings."""
    counts_by_type = reports.counts_by_type()
    record_type = request.GET.get("record_type", "")
    record_id = request.GET.get("record_id", "").strip()
    before_text = request.GET.get("before", "")
    before = int(before_text) if before_text.isdigit() else None
    entries, older = reports.newest_entries(
        before=before,
        record_types=[record_type] if record_type else list(counts_by_type),
        record_id=record_id,
        per_page=PAGE_SIZE,
    )
    settings = config.current()
    context = {
        "counts_by_type": counts_by_type,
        "entries": entries,
        "older": older,
        "record_type": record_type,
        "record_id": record_id,
        "record_types": sorted({*counts_by_type, *KNOWN_RECORD_TYPES}),
        "older_query": _query_with(request, before=older) if older else "",
        "paged": before is not None,
        "first_query": _query_with(request, before=None),
        "fault_settings": [(name, settings[name]) for name in FAULT_SETTINGS],
        "actions": dict(Action.choices),
    }
    return render(request, "mock_national/home.html", context)


def _query_with(request, **changes) -> str:
    query = request.GET.copy()
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    return query.urlencode()

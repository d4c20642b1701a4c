"""/api/v1/ledger/…: the publication ledger for external auditors (anonymous, throttled, read-only)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ledger import current_head, utc_timestamp
from core.ledger.chain import ENTRY_FIELDS
from core.ledger.forms import BIGINT_MAX
from core.ledger.lookup import check_record
from core.models import LedgerEntry

from .serializers import (
    LedgerEntryPageQuerySerializer,
    LedgerEntryPageSerializer,
    LedgerHeadSerializer,
    RecordCheckSerializer,
)

_ENTRY_EXAMPLE = {
    "seq": 1,
    "occurred_at": "2026-11-27T05:06:07.123456+00:00",
    "record_type": "disclosures.penalty",
    "record_id": 118,
    "version": 1,
    "action": "publish",
    "document_hash": "5f1d3c6a9e0b7c2d4e8f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c0d",
    "national_commitment": "9b2e4d6f8a1c3e5b7d9f0a2c4e6b8d1f3a5c7e9b0d2f4a6c8e1b3d5f7a9c0e2b",
    "prev_hash": "0" * 64,
    "hash": "a3c1e5f7092b4d6f8a0c2e4f6b8d0a2c4e6f8b0d2a4c6e8f0b2d4a6c8e0f2b4d",
}


class LedgerView(APIView):
    permission_classes = [AllowAny]  # the default anonymous and per-client throttles still apply


class LedgerHeadView(LedgerView):
    @extend_schema(
        operation_id="ledger_head",
        summary="The ledger's head: the last entry's number and hash",
        description="Publish or compare this to detect any rewriting of history: every entry's hash depends on "
        "all entries before it. The hash recipe is on /ledger/.",
        responses={200: LedgerHeadSerializer},
        examples=[
            OpenApiExample(
                "A ledger of 1,024 entries",
                value={"seq": 1024, "hash": _ENTRY_EXAMPLE["hash"], "updated_at": "2026-11-27T13:06:07.123456+08:00"},
                response_only=True,
            )
        ],
    )
    def get(self, request):
        head = current_head()
        return Response(LedgerHeadSerializer({"seq": head.seq, "hash": head.hash, "updated_at": head.updated_at}).data)


class LedgerEntriesView(LedgerView):
    @extend_schema(
        operation_id="ledger_entries",
        summary="Ledger entries in order, a page at a time",
        description="Keyset pages for replicating and recomputing the chain: start with `after=0`, then pass "
        "`next_after` until it is null. Constant cost at any depth. The recipe is on /ledger/.",
        parameters=[LedgerEntryPageQuerySerializer],
        responses={200: LedgerEntryPageSerializer, 400: OpenApiResponse(description="`after` or `limit` invalid")},
        examples=[
            OpenApiExample("The first page", value={"entries": [_ENTRY_EXAMPLE], "next_after": 1}, response_only=True)
        ],
    )
    def get(self, request):
        query = LedgerEntryPageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = query.validated_data["after"], query.validated_data["limit"]
        rows = list(LedgerEntry.objects.filter(seq__gt=after).order_by("seq").values_list(*ENTRY_FIELDS)[: limit + 1])
        more = len(rows) > limit
        entries = [_entry(row) for row in rows[:limit]]
        return Response({"entries": entries, "next_after": entries[-1]["seq"] if more else None})


def _entry(row) -> dict:
    entry = dict(zip(ENTRY_FIELDS, row, strict=True))
    entry["occurred_at"] = utc_timestamp(entry["occurred_at"])
    return entry


class LedgerRecordView(LedgerView):
    @extend_schema(
        operation_id="ledger_record",
        summary="One record against the ledger: its entries and a verdict",
        description="Whether the record as it stands now matches its latest entry (its public document, and its "
        "national document against the entry's keyed commitment, which only the portal can check), each of its "
        "entries with its hash and link checked, and — when the caller may see the record (the public: while it "
        "is public) — its public document and canonical JSON, so that the document hash can be recomputed. The "
        "national document itself is never shown. 404 for an unknown record type or a record with no entries.",
        parameters=[
            OpenApiParameter(
                "record_type", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. disclosures.penalty"
            ),
            OpenApiParameter("record_id", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={200: RecordCheckSerializer, 404: OpenApiResponse(description="No such record in the ledger")},
        examples=[
            OpenApiExample(
                "A public penalty that matches",
                value={
                    "record_type": "disclosures.penalty",
                    "record_id": 118,
                    "verdict": "match",
                    "verdict_text": "The record as it stands now matches its latest ledger entry.",
                    "problems": [],
                    "latest_seq": 1,
                    "entries": [{**_ENTRY_EXAMPLE, "hash_ok": True, "link_ok": True}],
                    "document": {"CF_XDR_MC": "杭州某某贸易有限公司", "CF_WSH": "杭市监罚〔2026〕118号", "…": "…"},
                    "canonical": '{"BZ":"","CF_CFJG":"杭州市市场监督管理局","…":"…"}',
                    "current_hash": _ENTRY_EXAMPLE["document_hash"],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, record_type: str, record_id: int):
        if record_id > BIGINT_MAX:
            raise Http404
        try:
            check = check_record(record_type, record_id, principal=request.user)
        except LookupError:
            raise Http404 from None
        if not check.entries:
            raise Http404
        return Response(
            {
                "record_type": check.record_type,
                "record_id": check.record_id,
                "verdict": check.verdict,
                "verdict_text": check.verdict_text,
                "problems": check.problems,
                "latest_seq": check.latest_seq,
                "entries": [
                    {
                        **_entry([getattr(entry, name) for name in ENTRY_FIELDS]),
                        "hash_ok": entry.hash_ok,
                        "link_ok": entry.link_ok,
                    }
                    for entry in check.entries
                ],
                "document": check.document,
                "canonical": check.canonical,
                "current_hash": check.current_hash,
            }
        )

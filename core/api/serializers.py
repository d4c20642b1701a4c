"""Shapes of the ledger API (documentation and output; nothing is written through them)."""

from rest_framework import serializers

from core.ledger.chain import ENTRY_FIELDS
from core.ledger.forms import BIGINT_MAX
from core.ledger.lookup import VERDICTS
from core.models import LedgerEntry


class LedgerHeadSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="Sequence number of the last entry (0: no entry yet).")
    hash = serializers.CharField(help_text="Hash of the last entry (64 zeros before the first).")
    updated_at = serializers.DateTimeField(allow_null=True, help_text="When the last entry was appended.")


class LedgerEntrySerializer(serializers.ModelSerializer):
    occurred_at = serializers.CharField(
        help_text="UTC, ISO 8601 with microseconds: exactly the text that enters the hash.",
    )
    national_commitment = serializers.CharField(
        allow_null=True,
        help_text="HMAC-SHA256 of the record's national (pushed, unmasked) document under a key only the portal "
        "holds: part of the hash, but only the portal can recompute it from a record. Null on entries appended "
        "before commitments existed; their hash leaves the field out.",
    )

    class Meta:
        model = LedgerEntry
        fields = list(ENTRY_FIELDS)


class LedgerEntryPageSerializer(serializers.Serializer):
    entries = LedgerEntrySerializer(many=True)
    next_after = serializers.IntegerField(
        allow_null=True, help_text="Pass as `after` for the next page; null when this page reached the head."
    )


class LedgerEntryPageQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        min_value=0, max_value=BIGINT_MAX, default=0, help_text="Entries with seq greater than this."
    )
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100, help_text="At most 1000.")


class RecordEntrySerializer(LedgerEntrySerializer):
    hash_ok = serializers.BooleanField(help_text="The entry's hash recomputes.")
    link_ok = serializers.BooleanField(help_text="prev_hash is the hash of the entry before it in the chain.")

    class Meta(LedgerEntrySerializer.Meta):
        fields = [*LedgerEntrySerializer.Meta.fields, "hash_ok", "link_ok"]


class RecordCheckSerializer(serializers.Serializer):
    record_type = serializers.CharField()
    record_id = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=list(VERDICTS), help_text="match, mismatch or record_missing.")
    verdict_text = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())
    latest_seq = serializers.IntegerField(allow_null=True)
    entries = RecordEntrySerializer(many=True)
    document = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        allow_null=True,
        help_text="The record's public document now; null unless the caller may see the record (the public: while "
        "it is public).",
    )
    canonical = serializers.CharField(
        allow_null=True, help_text="The document's canonical JSON: the exact text whose SHA-256 is compared."
    )
    current_hash = serializers.CharField(allow_null=True, help_text="SHA-256 of `canonical`.")

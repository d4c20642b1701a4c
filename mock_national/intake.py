"""Receiving a batch: body checks, idempotency (per key and per record), version order and storage.

Each record is answered on its own: accepted with a receipt, or rejected with a code (RefusalCode)
and its reasons; the rest of the batch is unaffected. In this order:
- a record version and action accepted before is answered with its first receipt (a retry);
- a record type without rules is refused as `unknown_record_type`;
- a version older than one already accepted for the record is refused as `stale_version`: the
  platform keeps the latest version, and applying an older one after it would roll the record back;
- otherwise the data is checked field by field (`invalid_record` with every problem named).

Cost of a batch, whatever its size: one look-up of the key, one insert of the batch, one query for
the records' accepted entries, one bulk insert, one update of the stored answer.

The version check reads what was committed: two requests in flight at once with two versions of one
record are not ordered against each other (the pusher never sends two versions of one record at once).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Action, Batch, ReceivedRecord, RefusalCode, sort_key_for
from .validation import is_known_type, record_problems, unknown_type_reason

logger = logging.getLogger(__name__)

ACTIONS = frozenset(Action.values)
MAX_IDEMPOTENCY_KEY = 200
MAX_RECORD_TYPE = ReceivedRecord._meta.get_field("record_type").max_length
MAX_RECORD_ID = ReceivedRecord._meta.get_field("record_id").max_length
MAX_ACTION = ReceivedRecord._meta.get_field("action").max_length
SIMULATED_REJECTION = {"field": "", "message": "模拟拒收（REJECT_RATE）"}
# A record raced in by a concurrent batch makes the insert fail; the next attempt sees it as a duplicate.
ATTEMPTS = 3

RecordKey = tuple[str, str, int, str]  # record type, record id, version, action
RecordName = tuple[str, str]  # record type, record id


class BadRequest(Exception):
    """The request as a whole is malformed: answered 400 and nothing is stored."""


@dataclass(frozen=True)
class IncomingRecord:
    record_type: str
    record_id: str
    version: int
    action: str
    data: Any

    @property
    def key(self) -> RecordKey:
        return (self.record_type, self.record_id, self.version, self.action)

    def echo(self) -> dict:
        return {
            "record_type": self.record_type,
            "record_id": self.record_id,
            "version": self.version,
            "action": self.action,
        }


@dataclass(frozen=True)
class Answer:
    status: int
    body: str  # JSON text
    replayed: bool = False


def parse_batch(body: bytes, *, max_batch: int) -> list[IncomingRecord]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"请求体不是合法的 JSON：{exc}") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise BadRequest('请求体应为 {"records": [...]} 对象')
    items = payload["records"]
    if not items:
        raise BadRequest("records 不能为空")
    if len(items) > max_batch:
        raise BadRequest(f"一批最多 {max_batch} 条记录，本批 {len(items)} 条")
    return [_parse_record(index, item) for index, item in enumerate(items)]


def _parse_record(index: int, item: object) -> IncomingRecord:
    where = f"records[{index}]"
    if not isinstance(item, dict):
        raise BadRequest(f"{where} 应为对象")
    record_type, record_id, version, action = (item.get(f) for f in ("record_type", "record_id", "version", "action"))
    if not isinstance(record_type, str) or not record_type or len(record_type) > MAX_RECORD_TYPE:
        raise BadRequest(f"{where}.record_type 缺失或无效（非空字符串，最长 {MAX_RECORD_TYPE}）")
    if not isinstance(record_id, str) or not record_id or len(record_id) > MAX_RECORD_ID:
        raise BadRequest(f"{where}.record_id 缺失或无效（非空字符串，最长 {MAX_RECORD_ID}）")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 2**31:
        raise BadRequest(f"{where}.version 缺失或无效（正整数）")
    # A missing action makes the batch malformed; an unknown one only gets its record rejected.
    if not isinstance(action, str) or not action or len(action) > MAX_ACTION:
        raise BadRequest(f"{where}.action 缺失或无效（publish、correct、withdraw 或 repair）")
    return IncomingRecord(record_type, record_id, version, action, item.get("data"))


def simulated_rejection(key: RecordKey, rate: float) -> bool:
    """Deterministic per record version and action, so a retried record gets the same answer."""
    if rate <= 0:
        return False
    digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def receive(
    body: bytes, idempotency_key: str, records: list[IncomingRecord], *, reject_rate: float, lose_answer: bool
) -> Answer:
    """Apply a batch once. `lose_answer`: store everything but answer 503 and forget the key (ERROR_AFTER_APPLY)."""
    body_sha256 = hashlib.sha256(body).hexdigest()
    stored = _stored_batch(idempotency_key)
    if stored is not None:
        return _replay(stored, body_sha256)
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _apply(body_sha256, idempotency_key, records, reject_rate=reject_rate, lose_answer=lose_answer)
        except IntegrityError:
            # Either a concurrent request with the same key won (answer from its stored batch), or a
            # concurrent batch accepted one of these records first (the next attempt sees it).
            stored = _stored_batch(idempotency_key)
            if stored is not None:
                return _replay(stored, body_sha256)
    logger.warning("batch %s kept colliding with concurrent batches", idempotency_key)
    return Answer(503, _json({"error": "并发冲突，请稍后重试"}))


def _stored_batch(idempotency_key: str) -> Batch | None:
    return Batch.objects.filter(idempotency_key=idempotency_key).first()


def _replay(stored: Batch, body_sha256: str) -> Answer:
    if stored.body_sha256 != body_sha256:
        return Answer(422, _json({"error": "Idempotency-Key 已用于内容不同的请求"}))
    return Answer(stored.status_code, stored.response_body, replayed=True)


def _apply(
    body_sha256: str, idempotency_key: str, records: list[IncomingRecord], *, reject_rate: float, lose_answer: bool
) -> Answer:
    now = timezone.now()
    # Inserting the key first makes a concurrent request with the same key wait here, then fail.
    batch = Batch.objects.create(
        idempotency_key=None if lose_answer else idempotency_key,
        body_sha256=body_sha256,
        status_code=503 if lose_answer else 200,
        received_at=now,
        record_count=len(records),
    )
    accepted_before = _accepted_before(records)
    # The newest accepted version of each record, kept up to date as this batch accepts more.
    newest = dict(accepted_before.newest_versions)
    today = timezone.localdate(now)
    accepted_now: dict[RecordKey, str] = {}
    results: list[dict] = []
    rows: list[ReceivedRecord] = []
    for record in records:
        receipt = accepted_before.receipts.get(record.key) or accepted_now.get(record.key)
        if receipt:
            results.append({**record.echo(), "status": "accepted", "receipt_id": receipt, "duplicate": True})
            continue
        name = (record.record_type, record.record_id)
        code, reasons = _refusal(record, newest.get(name), today=today, reject_rate=reject_rate)
        receipt_id = uuid.uuid4()
        rows.append(
            ReceivedRecord(
                receipt_id=receipt_id,
                batch=batch,
                record_type=record.record_type,
                record_id=record.record_id,
                record_sort_key=sort_key_for(record.record_id),
                version=record.version,
                action=record.action,
                accepted=not reasons,
                refusal_code=code,
                reasons=reasons,
                data=record.data if record.data is not None else {},
                received_at=now,
            )
        )
        if reasons:
            results.append({**record.echo(), "status": "rejected", "code": code, "reasons": reasons})
        else:
            accepted_now[record.key] = str(receipt_id)
            newest[name] = max(newest.get(name, 0), record.version)
            results.append({**record.echo(), "status": "accepted", "receipt_id": str(receipt_id), "duplicate": False})
    ReceivedRecord.objects.bulk_create(rows, batch_size=500)
    if lose_answer:
        return Answer(503, _json({"error": "模拟应答丢失（ERROR_AFTER_APPLY_RATE）：数据已处理，应答未保存"}))
    body = _json({"batch_id": str(batch.batch_id), "received_at": now.isoformat(), "results": results})
    Batch.objects.filter(pk=batch.pk).update(response_body=body)
    return Answer(200, body)


def _refusal(
    record: IncomingRecord, newest_version: int | None, *, today, reject_rate: float
) -> tuple[str, list[dict[str, str]]]:
    """The refusal code and its reasons; ("", []) when the record is acceptable."""
    if not is_known_type(record.record_type):
        return RefusalCode.UNKNOWN_RECORD_TYPE, [unknown_type_reason(record.record_type)]
    if newest_version is not None and record.version < newest_version:
        message = f"已接收该记录的更新版本 v{newest_version}，不再接收旧版本 v{record.version}"
        return RefusalCode.STALE_VERSION, [{"field": "version", "message": message}]
    reasons = [] if record.action in ACTIONS else [_unknown_action(record.action)]
    reasons += record_problems(record.record_type, record.data, today=today)
    if simulated_rejection(record.key, reject_rate):
        reasons.append(dict(SIMULATED_REJECTION))
    return (RefusalCode.INVALID_RECORD if reasons else ""), reasons


def _unknown_action(action: str) -> dict[str, str]:
    return {"field": "action", "message": f"不支持的操作类型 {action}（应为 publish、correct、withdraw 或 repair）"}


@dataclass(frozen=True)
class AcceptedBefore:
    receipts: dict[RecordKey, str]  # of this batch's record versions and actions
    newest_versions: dict[RecordName, int]  # of this batch's records, whatever the version


def _accepted_before(records: list[IncomingRecord]) -> AcceptedBefore:
    """One query: what earlier batches accepted of this batch's records — the receipts of the same
    versions and actions, and each record's newest accepted version.

    `accepted` is filtered here rather than in SQL on purpose: that keeps the partial indexes out of
    the planner's reach, so a table that grew faster than its statistics (a benchmark's first minute)
    is still searched through the (record_type, record_id) index instead of scanning a whole type.
    """
    wanted = {record.key for record in records}
    names = {(record.record_type, record.record_id) for record in records}
    found = ReceivedRecord.objects.filter(
        record_type__in={record.record_type for record in records},
        record_id__in={record.record_id for record in records},
    ).values_list("record_type", "record_id", "version", "action", "receipt_id", "accepted")
    receipts: dict[RecordKey, str] = {}
    newest: dict[RecordName, int] = {}
    for record_type, record_id, version, action, receipt_id, accepted in found:
        name = (record_type, record_id)
        if not accepted or name not in names:  # the IN lists cross types and ids: keep this batch's pairs
            continue
        newest[name] = max(newest.get(name, 0), version)
        if (record_type, record_id, version, action) in wanted:
            receipts[(record_type, record_id, version, action)] = str(receipt_id)
    return AcceptedBefore(receipts, newest)


def _json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)

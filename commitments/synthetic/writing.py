"""Writing synthetic pledges: ids from the sequences, COPY on PostgreSQL, one transaction a batch."""

from __future__ import annotations

from django.db import connection, transaction

from core.bulk import CopyEncoder, copy_encoded, reserve_ids

from ..models import Milestone, Pledge, ProgressReport
from .generator import Generator, Node


def generate(pledges: int, *, seed: int, milestones_per_pledge: int = 10, batch_size: int = 5000) -> dict[str, int]:
    """Make `pledges` pledges (with their milestones and reports); the counts made, by table."""
    generator = Generator(seed=seed, milestones=milestones_per_pledge)
    made = {"pledges": 0, "milestones": 0, "reports": 0}
    batch: list[Node] = []
    size = 0
    for family in generator.families(pledges):
        batch.append(family)
        size += sum(1 for _ in family.walk())
        if size >= batch_size:
            _save(batch, made)
            batch, size = [], 0
    if batch:
        _save(batch, made)
    return made


def _write(model, records: list) -> None:
    """COPY with the ids and times as planned (PostgreSQL); bulk_create elsewhere, the times put back."""
    if not records:
        return
    if connection.vendor == "postgresql":
        fields = list(model._meta.concrete_fields)
        encoder = CopyEncoder(fields)
        copy_encoded(model, encoder.attnames, encoder.encode(record.__dict__ for record in records))
        return
    stamped = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    times = [[getattr(record, name) for name in stamped] for record in records]
    model.objects.bulk_create(records, batch_size=500)  # auto_now(_add) overwrites the planned times …
    for record, values in zip(records, times, strict=True):
        for name, value in zip(stamped, values, strict=True):
            setattr(record, name, value)
    model.objects.bulk_update(records, stamped, batch_size=500)  # … so put them back


@transaction.atomic
def _save(families: list[Node], made: dict[str, int]) -> None:
    nodes = [node for family in families for node in family.walk()]
    for node, pk in zip(nodes, reserve_ids(Pledge, len(nodes)), strict=True):
        node.pledge.pk = pk
    for family in families:
        for node in family.walk():
            for child in node.children:
                child.pledge.parent_id = node.pledge.pk
            for milestone in node.milestones:
                milestone.pledge_id = node.pledge.pk
            for report in node.reports:
                report.pledge_id = node.pledge.pk
    milestones = [m for node in nodes for m in node.milestones]
    for milestone, pk in zip(milestones, reserve_ids(Milestone, len(milestones)), strict=True):
        milestone.pk = pk
    reports = [r for node in nodes for r in node.reports]
    for report in reports:
        report.milestone_id = report.milestone.pk if report.milestone is not None else None
    for report, pk in zip(reports, reserve_ids(ProgressReport, len(reports)), strict=True):
        report.pk = pk
    _write(Pledge, [node.pledge for node in nodes])
    _write(Milestone, milestones)
    _write(ProgressReport, reports)
    made["pledges"] += len(nodes)
    made["milestones"] += len(milestones)
    made["reports"] += len(reports)

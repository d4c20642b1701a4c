"""A civil servant's credit file, read from where each fact lives, and who looked at it.

The file is ONE timeline. Nothing in it is copied: each entry is read from its source app and names it —
their pledges and how they were kept, the PPP stages they answered for and breaches traced to them
(commitments), dishonesty records about them and their sanctions (dishonesty_records), training
completions and the commendations and disciplinary outcomes entered here (civil_servants). A fixed number
of queries builds it, however long the history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from commitments.selectors import keeping_record_of
from core.publication import PublicationStatus
from dishonesty_records.choices import Stage
from dishonesty_records.models import DishonestyRecord, Sanction
from organizations.models import CivilServant

from ..choices import CareerEntryKind, FilePurpose
from ..models import CareerEntry, Completion, EligibilityCheck, FileOpening

# Where an entry comes from: its source app and record type.
PLEDGE, PPP_STAGE, PPP_BREACH = "commitments.pledge", "commitments.ppp_stage", "commitments.ppp_breach"
RECORD, SANCTION = "dishonesty_records.record", "dishonesty_records.sanction"
COMPLETION, CAREER_ENTRY = "civil_servants.completion", "civil_servants.career_entry"


def source_labels() -> dict[str, str]:
    return {
        PLEDGE: _("Pledge (credit pledges)"),
        PPP_STAGE: _("PPP stage answered for (credit pledges)"),
        PPP_BREACH: _("PPP breach traced (credit pledges)"),
        RECORD: _("Dishonesty record (government dishonesty records)"),
        SANCTION: _("Sanction (government dishonesty records)"),
        COMPLETION: _("Integrity training (course completions)"),
        CAREER_ENTRY: _("Commendation or disciplinary outcome (personnel)"),
    }


@dataclass(frozen=True)
class Entry:
    day: datetime.date
    source: str  # one of the constants above
    source_label: str
    source_id: int
    title: str
    detail: str = ""
    state: str = ""
    until: datetime.date | None = None
    reference: str = ""
    adverse: bool = False  # counts against the servant (a breach, a record, a sanction, a discipline)


@dataclass
class CreditFile:
    civil_servant: CivilServant
    entries: list[Entry] = field(default_factory=list)

    def count(self, source: str) -> int:
        return sum(1 for entry in self.entries if entry.source == source)


def _pledge_entries(kept: dict, labels: dict) -> list[Entry]:
    entries = []
    for pledge in kept["pledges"]:
        parts = [_("due on %(date)s") % {"date": pledge.due_on.isoformat()}]
        if pledge.settled_on:
            parts.append(_("settled on %(date)s") % {"date": pledge.settled_on.isoformat()})
        if pledge.evaluation_score is not None:
            parts.append(_("evaluation score %(score)s") % {"score": pledge.evaluation_score})
        entries.append(
            Entry(
                day=pledge.starts_on,
                source=PLEDGE,
                source_label=labels[PLEDGE],
                source_id=pledge.pk,
                title=pledge.title,
                detail=" · ".join(parts),
                state=str(pledge.get_fulfilment_display()),
                reference=f"#{pledge.pk}",
                adverse=pledge.fulfilment == "breached",
            )
        )
    for stage in kept["ppp_stages"]:
        pledge = stage.pledge
        project = pledge.project or pledge.title
        entries.append(
            Entry(
                day=stage.from_on,
                source=PPP_STAGE,
                source_label=labels[PPP_STAGE],
                source_id=stage.pk,
                title=f"{stage.get_stage_display()} · {project}",
                detail=_("answered for from %(start)s until %(end)s")
                % {"start": stage.from_on.isoformat(), "end": stage.until_on.isoformat() if stage.until_on else "—"},
                state=str(pledge.get_fulfilment_display()),
                until=stage.until_on,
                reference=f"#{pledge.pk}",
            )
        )
        if stage.breaches_traced:
            entries.append(
                Entry(
                    day=pledge.breach_occurred_on or pledge.settled_on or stage.from_on,
                    source=PPP_BREACH,
                    source_label=labels[PPP_BREACH],
                    source_id=pledge.pk,
                    title=_("Duty broken in the %(stage)s stage: %(project)s")
                    % {"stage": pledge.get_breach_stage_display(), "project": project},
                    detail=pledge.settlement_note,
                    state=str(pledge.get_fulfilment_display()),
                    reference=f"#{pledge.pk}",
                    adverse=True,
                )
            )
    return entries


def _record_entries(civil_servant: CivilServant, labels: dict) -> list[Entry]:
    """Records about the person, still standing or still being decided (a dismissed proposal or a withdrawn
    record is not held against anyone), with their sanctions."""
    records = (
        DishonestyRecord.objects.filter(civil_servant=civil_servant)
        .exclude(stage=Stage.DISMISSED)
        .exclude(status=PublicationStatus.WITHDRAWN)
        .only(
            "id",
            "category",
            "severity",
            "facts_summary",
            "occurred_on",
            "determined_on",
            "stage",
            "status",
            "rectification_state",
            "publicity_ends_on",
            "source_issuing_body",
            "source_document_number",
        )
        .prefetch_related(Prefetch("sanctions", queryset=Sanction.objects.order_by("start_on", "id")))
    )
    entries = []
    for record in records:
        entries.append(
            Entry(
                day=record.determined_on or record.occurred_on,
                source=RECORD,
                source_label=labels[RECORD],
                source_id=record.pk,
                title=f"{record.get_category_display()} · {record.get_severity_display()}",
                detail=record.facts_summary,
                state=record.get_display_state_display(),
                until=record.publicity_ends_on,
                reference=record.reference,
                adverse=True,
            )
        )
        for sanction in record.sanctions.all():
            entries.append(
                Entry(
                    day=sanction.start_on,
                    source=SANCTION,
                    source_label=labels[SANCTION],
                    source_id=sanction.pk,
                    title=str(sanction.get_kind_display()),
                    detail=sanction.reason,
                    state=str(sanction.get_status_display()),
                    until=sanction.end_on,
                    reference=record.reference,
                    adverse=True,
                )
            )
    return entries


def _completion_entries(civil_servant: CivilServant, labels: dict) -> list[Entry]:
    completions = Completion.objects.filter(civil_servant=civil_servant).select_related("course")
    return [
        Entry(
            day=completion.completed_on,
            source=COMPLETION,
            source_label=labels[COMPLETION],
            source_id=completion.pk,
            title=completion.course.title,
            detail=_("%(hours)s hours · %(provider)s")
            % {"hours": completion.hours, "provider": completion.course.provider},
            state=_("mandatory") if completion.course.mandatory else "",
            reference=str(completion.course.year),
        )
        for completion in completions
    ]


def _career_entries(civil_servant: CivilServant, labels: dict) -> list[Entry]:
    entries = []
    for entry in CareerEntry.objects.filter(civil_servant=civil_servant):
        kind = entry.get_kind_display()
        if entry.severity:
            kind = f"{kind} · {entry.get_severity_display()}"
        entries.append(
            Entry(
                day=entry.decided_on,
                source=CAREER_ENTRY,
                source_label=labels[CAREER_ENTRY],
                source_id=entry.pk,
                title=f"{entry.title} ({kind})",
                detail=f"{entry.decided_by} · {entry.facts}" if entry.facts else entry.decided_by,
                state=_("withdrawn: %(reason)s") % {"reason": entry.withdrawal_reason}
                if entry.withdrawn_at
                else _("in force"),
                until=entry.until_on,
                reference=entry.document_number,
                adverse=entry.kind == CareerEntryKind.DISCIPLINE and entry.withdrawn_at is None,
            )
        )
    return entries


def credit_file(civil_servant: CivilServant) -> CreditFile:
    """The whole file, newest first: six queries whatever the length of the history."""
    labels = source_labels()
    entries = [
        *_pledge_entries(keeping_record_of(civil_servant), labels),
        *_record_entries(civil_servant, labels),
        *_completion_entries(civil_servant, labels),
        *_career_entries(civil_servant, labels),
    ]
    entries.sort(key=lambda entry: (entry.day, entry.source, entry.source_id), reverse=True)
    return CreditFile(civil_servant=civil_servant, entries=entries)


@dataclass
class WhoLooked:
    openings: list[FileOpening]
    checks: list[EligibilityCheck]


def who_looked(civil_servant: CivilServant) -> WhoLooked:
    """Every opening of the servant's file by someone else and every eligibility check made about them,
    newest first (their own readings are logged too, but not listed back to them)."""
    return WhoLooked(
        openings=list(
            FileOpening.objects.filter(civil_servant=civil_servant)
            .exclude(purpose=FilePurpose.OWN_FILE)
            .order_by("-id")
        ),
        checks=list(EligibilityCheck.objects.filter(civil_servant=civil_servant).order_by("-id")),
    )

"""Demo credit pledges of every kind in every state, made through the services as the demo log-ins would make them.

Idempotent: a demo pledge is known by its organization and title, so a second run adds nothing.

What is in it: this year's 为民办十件实事 (the city government's list: ten items, one a parent of three weighted parts,
one part itself with two parts — a three-level roll-up), department pledges on every theme (two measured from the
portal's own records: the demo penalty disclosures of 西湖区市场监管局 and the demo dishonesty records' obligations
of 西湖区政府), civil servants' pledges before taking office (internal, never published), street and township
pledges on several of the fourteen public services, investment-promotion promises and contracts (one changed by
lawful procedure with compensation, one breached: it proposes a dishonesty record), PPP duties with the stage
responsibilities and a handover, and procurement contracts. Fulfilled, partly fulfilled, breached, changed,
overdue (the sweep turns them), in progress; one withdrawn, one a draft; some evaluated by a supervisor.

Who does what (organizations/demo.py): `staff` enters and reports for 市市场监管局 and `reviewer` publishes;
`xihu_staff` / `xihu_reviewer` likewise for 西湖区市场监管局; the other bodies of 西湖区 have no log-ins, so
`xihu_supervisor` enters and reports for them and `supervisor` (city) publishes (four eyes); bodies elsewhere
are entered by the system (as the disclosures demo does) and published and reported on by `supervisor`.
Supervisors settle, change and evaluate.

Progress reports are dated through the year (`_backdate`, demo only: the services stamp them today), so the
public timeline looks lived in; what the ledger holds is not touched. E-mail copies of notices are not sent.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from core.access import scope_for
from core.choices import Action
from organizations.models import CivilServant, Organization, User

from .. import services
from ..models import Milestone, Pledge, ProgressReport
from ..services.sweeps import escalate_overdue_pledges, measure_pledges
from .other import OBLIGATION_INDICATOR, PENALTY_INDICATOR, other_pledges
from .practical import practical_matters
from .spec import DemoPledge, Report, company_uscc

__all__ = [
    "OBLIGATION_INDICATOR",
    "PENALTY_INDICATOR",
    "DemoPledge",
    "Report",
    "company_uscc",
    "demo_pledges",
    "seed_pledges",
]

USERNAMES = ("staff", "reviewer", "xihu_staff", "xihu_reviewer", "supervisor", "xihu_supervisor")


def _pdf(name: str, about: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f"%PDF-1.4\n% 演示材料：{about}\n".encode(), content_type="application/pdf")


class _Cast:
    """Who enters, publishes, reports and supervises a body's pledges (see the module's docstring)."""

    def __init__(self, users: dict[str, User]):
        self.users = users
        self.xihu = scope_for(users["xihu_supervisor"], Action.SUPERVISE)

    def of(self, organization: Organization) -> tuple:
        u = self.users
        if organization.short_name == "市市场监管局":
            return u["staff"], u["reviewer"], u["staff"], u["supervisor"]
        if organization.short_name == "西湖区市场监管局":
            return u["xihu_staff"], u["xihu_reviewer"], u["xihu_staff"], u["xihu_supervisor"]
        if self.xihu.covers(organization.path):
            return u["xihu_supervisor"], u["supervisor"], u["xihu_supervisor"], u["xihu_supervisor"]
        return None, u["supervisor"], u["supervisor"], u["supervisor"]


def demo_pledges(today: datetime.date | None = None) -> list[DemoPledge]:
    today = today or timezone.localdate()
    return [*practical_matters(today), *other_pledges(today)]


def seed_pledges() -> int:
    """Make the demo pledges that are not there yet; returns how many were made."""
    today = timezone.localdate()
    demos = demo_pledges(today)
    known = set(
        Pledge.objects.filter(title__in=[d.title for d in demos]).values_list("organization__short_name", "title")
    )
    missing = [d for d in demos if (d.organization, d.title) not in known]
    if not missing:
        return 0
    cast = _Cast({u.username: u for u in User.objects.filter(username__in=USERNAMES)})
    organizations = {
        o.short_name: o for o in Organization.objects.filter(short_name__in={d.organization for d in demos})
    }
    people = {
        p.name: p for p in CivilServant.objects.filter(name__in={d.civil_servant for d in demos if d.civil_servant})
    }
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        made: dict[tuple[str, str], Pledge] = {}
        for demo in missing:
            made[demo.organization, demo.title] = _make(demo, today, cast, organizations, people)
        # Parts report after the whole exists; endings after all reports, so a settled part rolls up first.
        for demo in missing:
            _carry(demo, made[demo.organization, demo.title], today, cast)
        escalate_overdue_pledges(today=today)  # the past-due ones turn overdue, supervisors told once
        measure_pledges(today=today)  # what the lists show of measured pledges, as the beat would
    return len(missing)


def _make(demo: DemoPledge, today, cast: _Cast, organizations, people) -> Pledge:
    organization = organizations[demo.organization]
    entered_by, published_by, _reporter, _supervisor = cast.of(organization)
    data = {
        "kind": demo.kind,
        "organization": organization,
        "title": demo.title,
        "content": demo.content,
        "starts_on": demo.starts_on,
        "due_on": demo.due_on,
        **demo.fields,
    }
    if demo.parent:
        data["parent"] = Pledge.objects.get(organization=organization, title=demo.parent)
    if demo.civil_servant:
        data["civil_servant"] = people[demo.civil_servant]
    pledge = services.pledge_create(data=data, actor=entered_by)
    if demo.publish and pledge.is_public:
        pledge = services.pledge_publish(pledge=pledge, actor=published_by)
    for title, due_on, working_days in demo.milestones:
        services.milestone_add(pledge=pledge, title=title, due_on=due_on, working_days=working_days, actor=entered_by)
    for stage, person, from_on in demo.ppp:
        services.ppp_responsibility_assign(
            pledge=pledge, stage=stage, person_name=person, from_on=from_on, actor=entered_by
        )
    return pledge


def _carry(demo: DemoPledge, pledge: Pledge, today, cast: _Cast) -> None:
    _entered_by, _published_by, reporter, supervisor = cast.of(pledge.organization)
    milestones = list(Milestone.objects.filter(pledge=pledge).order_by("id"))
    for report in demo.reports:
        milestone = milestones[report.milestone] if report.milestone is not None else None
        made = services.pledge_report_progress(
            pledge=pledge,
            progress=report.progress,
            note=report.note,
            reason=report.reason,
            milestone=milestone,
            files=[_pdf(report.evidence, report.note)] if report.evidence else (),
            actor=reporter,
        )
        _backdate(made, max(min(report.on, today), pledge.starts_on))
    pledge.refresh_from_db()
    if demo.ending:
        what, *details = demo.ending
        if what == "settle":
            outcome, note, on = details
            services.pledge_settle(pledge=pledge, outcome=outcome, note=note, on=min(on, today), actor=supervisor)
        elif what == "change":
            ground, approved_by, document, reason, compensation = details
            services.pledge_change_lawfully(
                pledge=pledge,
                ground=ground,
                approved_by=approved_by,
                document=document,
                reason=reason,
                compensation=compensation,
                actor=supervisor,
            )
        elif what == "withdraw":
            services.pledge_withdraw(pledge=pledge, reason=details[0], actor=supervisor)
    if demo.evaluation:
        score, comment = demo.evaluation
        services.pledge_evaluate(pledge=pledge, score=score, comment=comment, actor=supervisor)


def _backdate(report: ProgressReport, on: datetime.date) -> None:
    """Demo only: the report (and the milestone it marked done) dated when the work was reported."""
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(16, 30)))
    ProgressReport.objects.filter(pk=report.pk).update(reported_at=moment)
    if report.milestone_id:
        Milestone.objects.filter(pk=report.milestone_id).update(done_on=on)

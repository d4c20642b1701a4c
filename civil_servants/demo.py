"""Demo credit files for `make run`: varied histories through the services — a clean file with a
commendation, a restricted one (a serious record and a major demerit), training left incomplete, a pending
objection filed in person, the handbook, a scoring rule set and the scores it gives, and a file opened by
the personnel officer so the servant's own view shows who looked. Safe to run again."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from dishonesty_records import services as dishonesty
from dishonesty_records.choices import Category, Severity, SourceKind, SubjectKind
from organizations.models import CivilServant, Organization, User

from .choices import CareerEntryKind, DisciplineSeverity, EligibilityPurpose, FilePurpose
from .models import AssessmentRuleSet
from .services import assessment, education, eligibility, files

RULES = {
    "base": 100,
    "records": {"general": -10, "serious": -30},
    "training": {"per_missing": -5},
    "pledges": {"fulfilled": 2, "partly_fulfilled": -2, "breached": -15},
    "decay": {"half_life_months": 24},
}
COURSES = [  # title, hours, provider, mandatory, audience
    ("政务诚信建设专题（《杭州市加强政务诚信建设的实施方案》解读）", "4", "干部学习新干线", True, "all"),
    ("诚信手册导读与案例研讨", "2", "中共杭州市委党校", True, "all"),
    ("公务员职业道德与依法行政", "3", "干部学习新干线", False, "all"),
    ("领导干部守信践诺专题研讨班", "8", "中共杭州市委党校", True, "leaders"),
    ("新录用公务员初任培训：政务诚信", "6", "杭州市公务员培训中心", True, "new_entrants"),
]
HANDBOOK = [
    ("integrity-basics", "政务诚信的基本要求", "坚持依法行政、政务公开、勤政高效、守信践诺、失信惩戒。"),
    (
        "pledges",
        "信用承诺怎么作、怎么兑现",
        "任职前签署信用承诺；承诺事项纳入公务员信用档案，作为考核、任用、奖励的重要参考。",
    ),
    ("dishonesty", "失信行为的认定与修复", "认定前可以申辩；整改到位、期满后可以申请信用修复。"),
]


def _person(name: str) -> CivilServant | None:
    return CivilServant.objects.filter(name=name).select_related("organization").first()


def seed_credit_files() -> int:
    """Returns the number of servants whose files the demo touched (0 when it has run before)."""
    if AssessmentRuleSet.objects.exists():
        return 0
    personnel = User.objects.filter(username="personnel").first()
    staff = User.objects.filter(username="staff").first()
    supervisor = User.objects.filter(username="supervisor").first()
    city = Organization.objects.filter(depth=1).order_by("path").first()
    if personnel is None or city is None:
        return 0
    today = timezone.localdate()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        assessment.rule_set_create(
            effective_from=today, rules=RULES, note="首版：按失信记录、培训完成与承诺兑现量化计分。", actor=personnel
        )
        courses = [
            education.course_create(
                data={
                    "title": title,
                    "hours": hours,
                    "provider": provider,
                    "mandatory": mandatory,
                    "audience": audience,
                    "year": today.year,
                    "organization": city,
                },
                actor=personnel,
            )
            for title, hours, provider, mandatory, audience in COURSES
        ]
        servants = list(CivilServant.objects.filter(is_active=True).select_related("organization"))
        done_on = max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=30))
        for servant in servants:
            # 徐明 has not finished this year's mandatory training: his file and score show it. The leading
            # cadres took their course but for 罗文斌; 高秀英, a new entrant, took hers.
            wanted = courses[:1] if servant.name == "徐明" else courses[:2]
            if servant.is_leading_cadre and servant.name != "罗文斌":
                wanted = [*wanted, courses[3]]
            if servant.name == "高秀英":
                wanted = [*wanted, courses[4]]
            for course in wanted:
                education.completion_record(civil_servant=servant, course=course, completed_on=done_on, actor=personnel)
        for index, (slug, title, body) in enumerate(HANDBOOK):
            page = education.handbook_page_create(
                data={"slug": slug, "title": title, "body": body, "note": "首版", "position": index}, actor=personnel
            )
            education.handbook_page_publish(page=page, actor=personnel)
        clean, restricted = _person("杨志强"), _person("罗文斌")
        if clean:
            files.career_entry_record(
                civil_servant=clean,
                data={
                    "kind": CareerEntryKind.COMMENDATION,
                    "title": "2025年度考核优秀，记三等功",
                    "decided_on": today - datetime.timedelta(days=200),
                    "decided_by": "杭州市人民政府",
                    "document_number": "杭政人〔2026〕8号",
                },
                actor=personnel,
            )
        if restricted:
            files.career_entry_record(
                civil_servant=restricted,
                data={
                    "kind": CareerEntryKind.DISCIPLINE,
                    "severity": DisciplineSeverity.MAJOR_DEMERIT,
                    "title": "政务记大过处分",
                    "decided_on": today - datetime.timedelta(days=30),
                    "decided_by": "杭州市西湖区监察委员会",
                    "document_number": "西监处〔2026〕5号",
                },
                actor=personnel,
            )
        objecting = _person("黄晓梅")
        if objecting and staff and supervisor:
            # A proposal about her, and her body's objection: pending before a supervisor.
            record = dishonesty.record_propose(
                data={
                    "subject_kind": SubjectKind.CIVIL_SERVANT,
                    "subject_organization": objecting.organization,
                    "civil_servant": objecting,
                    "category": Category.BREACHED_PLEDGE,
                    "severity": Severity.GENERAL,
                    "facts": "该同志承诺的“企业登记材料一次告知”事项，经抽查有三件未一次告知。",
                    "facts_summary": "未兑现“企业登记材料一次告知”的承诺",
                    "occurred_on": today - datetime.timedelta(days=40),
                    "source_kind": SourceKind.PLEDGE,
                    "source_issuing_body": objecting.organization.name,
                    "source_document_number": "市监诚〔2026〕3号",
                    "source_document_date": today - datetime.timedelta(days=10),
                },
                actor=supervisor,
            )
            dishonesty.record_object(
                record=record,
                statement="三件材料均已当场一次性告知，窗口登记簿和录像可以印证，请予核实。",
                actor=staff,
            )
        own = _person("刘建国")
        if own:
            files.file_open(
                civil_servant=own, purpose=FilePurpose.ANNUAL_APPRAISAL, detail="2026年度考核", actor=personnel
            )
            eligibility.eligibility_check(civil_servant=own, purpose=EligibilityPurpose.PROMOTION, actor=personnel)
        if restricted:
            eligibility.eligibility_check(
                civil_servant=restricted, purpose=EligibilityPurpose.PROMOTION, actor=personnel
            )
        assessment.score_recompute_all(as_of=today)
    return len(servants)

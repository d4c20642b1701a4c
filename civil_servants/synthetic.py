"""Synthetic civil servants with long credit files, for benchmarks (`manage.py generate_credit_files`): the
rows planned as dicts, deterministic for a seed, organizations and day. What is made and why: the
command's docstring."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from core.bulk import reserve_ids
from core.calendar import add_months
from core.identifiers import resident_id_check_character
from core.publication import PublicationStatus
from dishonesty_records.choices import (
    Category,
    ObligationKind,
    ObligationStatus,
    Origin,
    RectificationState,
    SanctionKind,
    Severity,
    SourceKind,
    Stage,
    SubjectKind,
)
from dishonesty_records.models import DishonestyRecord
from dishonesty_records.services.rulings import PUBLICITY, publicity_keys
from organizations.choices import CivilServantRank, OrganizationLevel
from organizations.models import CivilServant, Organization

from .choices import CareerEntryKind, CourseAudience, DisciplineSeverity
from .models import CareerEntry, Completion, Course

LABEL = "synthetic (generate_credit_files)"
YEARS = 6
CHUNK = 20_000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞宇浩然晨曦雪梅海燕晓东立新永林峰斌婷琳丹颖俊杰思远嘉怡子涵一鸣欣悦"
# Hangzhou's district and county codes (GB/T 2260), for the first six digits of resident ID numbers.
AREAS = ("330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330113", "330114")
AREAS += ("330122", "330127", "330182", "330104", "330103", "330681", "330282", "330302", "330402", "330502")
POSITIONS = (
    "科员",
    "副主任科员",
    "主任科员",
    "副科长",
    "科长",
    "副处长",
    "处长",
    "办公室主任",
    "综合科科员",
    "执法队员",
)
LEADING_POSITIONS = ("副科长", "科长", "副处长", "处长", "副局长", "局长", "街道办事处副主任", "街道办事处主任")
PROVIDERS = ("干部学习新干线", "中共杭州市委党校", "杭州市公务员培训中心", "浙江省委党校", "区委党校")
TOPICS = (
    "政务诚信建设专题",
    "诚信手册导读与案例研讨",
    "公务员职业道德与依法行政",
    "优化营商环境与守信践诺",
    "政府采购与招标投标合规",
    "PPP项目全周期诚信管理",
    "信用修复政策解读",
    "行政处罚法与裁量基准",
    "廉洁从政专题教育",
    "数字政府与数据安全",
    "信访工作法治化",
    "财经纪律与政府债务管理",
)
FACTS = {
    Category.COURT_JUDGMENT_DEFAULT: ("未按期履行法院生效判决确定的给付义务", SourceKind.COURT, "人民法院"),
    Category.JUDICIAL_JUDGMENT: ("因合同纠纷被法院判决承担违约责任", SourceKind.COURT, "人民法院"),
    Category.BREACHED_PLEDGE: ("未兑现公开作出的营商环境服务承诺", SourceKind.PLEDGE, "市信用办"),
    Category.ADMINISTRATIVE_PENALTY: ("违反环境保护规定被处以行政处罚", SourceKind.DEPARTMENT, "生态环境局"),
    Category.DISCIPLINARY_SANCTION: ("违反工作纪律受到党纪政务处分", SourceKind.DISCIPLINE, "纪委监委"),
    Category.ACCOUNTABILITY: ("履职不力造成不良影响被问责", SourceKind.DISCIPLINE, "纪委监委"),
    Category.PROCUREMENT: ("政府采购中违规指定品牌", SourceKind.INSPECTION, "财政局"),
    Category.PPP_DEFAULT: ("PPP项目未按合同约定支付可用性付费", SourceKind.INSPECTION, "发展改革委"),
    Category.TENDERING: ("招标文件设置不合理条件排斥潜在投标人", SourceKind.COMPLAINT, "公共资源交易中心"),
    Category.INVESTMENT_PROMOTION: ("招商引资承诺的扶持政策未兑现", SourceKind.COMPLAINT, "商务局"),
    Category.ILLEGAL_DEBT: ("违规为融资平台提供担保", SourceKind.INSPECTION, "财政局"),
    Category.OTHER: ("拖欠中小企业账款", SourceKind.INSPECTION, "督查室"),
}
RULES = {
    "base": 100,
    "records": {"general": -10, "serious": -30, "categories": {"court_judgment_default": {"serious": -40}}},
    "training": {"per_missing": -2, "share_points": 10},
    "pledges": {"fulfilled": 1, "partly_fulfilled": 0, "breached": -10},
    "decay": {"half_life_months": 24},
}
# Sanctions and their share among disciplinary outcomes (dismissal rare: a serious case).
DISCIPLINE_MIX = [
    (DisciplineSeverity.WARNING, 40),
    (DisciplineSeverity.DEMERIT, 30),
    (DisciplineSeverity.MAJOR_DEMERIT, 15),
    (DisciplineSeverity.DEMOTION, 8),
    (DisciplineSeverity.REMOVAL, 5),
    (DisciplineSeverity.DISMISSAL, 2),
]


# --- the generator ---------------------------------------------------------------------------------


class Generator:
    def __init__(self, *, seed: int, today: datetime.date | None = None):
        self.random = random.Random(seed)
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.organizations = list(Organization.objects.filter(is_active=True).order_by("path"))
        if not self.organizations:
            raise LookupError("no organizations: run `manage.py seed_demo` first")
        self.root = self.organizations[0]
        self.districts = [o for o in self.organizations if o.level == OrganizationLevel.DISTRICT] or [self.root]
        self.publicity_months = {s: PUBLICITY.months(publicity_keys(s)) for s in Severity.values}
        self.servants: list[tuple] = []  # (id, organization path, is_leading_cadre, entered_service_on, name, org)
        self.courses: list[dict] = []

    # servants --------------------------------------------------------------------------------------

    def _name(self) -> str:
        pick = self.random
        return pick.choice(SURNAMES) + "".join(pick.choice(GIVEN) for _ in range(pick.choice((1, 2, 2))))

    def _resident_id(self, taken: set) -> tuple[str, datetime.date]:
        pick = self.random
        while True:
            birth = datetime.date(1962, 1, 1) + datetime.timedelta(days=pick.randrange(40 * 365))
            body = f"{pick.choice(AREAS)}{birth:%Y%m%d}{pick.randrange(1000):03d}"
            number = body + resident_id_check_character(body)
            if number not in taken:
                taken.add(number)
                return number, birth

    def servants_rows(self, count: int):
        pick = self.random
        taken = set(CivilServant.objects.values_list("resident_id", flat=True))
        numbers = set(CivilServant.objects.values_list("staff_number", flat=True))
        serial = len(numbers)
        ids = reserve_ids(CivilServant, count)
        ranks = CivilServantRank.values
        # Larger bodies get more people: city departments and district governments weigh more than streets.
        weights = [3 if o.depth <= 2 else 2 if o.level == OrganizationLevel.DISTRICT else 1 for o in self.organizations]
        organizations = pick.choices(self.organizations, weights, k=count)
        rows = []
        for pk, organization in zip(ids, organizations, strict=True):
            resident_id, birth = self._resident_id(taken)
            serial += 1
            while f"HZB{serial:07d}" in numbers:
                serial += 1
            leading = pick.random() < 0.12
            # Entered at 22–30; one in twenty in the last two years (the new entrants' courses are theirs).
            if pick.random() < 0.05:
                entered = self.today - datetime.timedelta(days=pick.randrange(700))
            else:
                entered = min(
                    birth.replace(year=birth.year + pick.randint(22, 30), day=min(birth.day, 28)),
                    self.today - datetime.timedelta(days=730),
                )
            row = {
                "id": pk,
                "name": self._name(),
                "organization_id": organization.pk,
                "position": pick.choice(LEADING_POSITIONS if leading else POSITIONS),
                "rank": pick.choice(ranks[4:] if leading else ranks[:8]),
                "is_leading_cadre": leading,
                "entered_service_on": entered,
                "staff_number": f"HZB{serial:07d}",
                "resident_id": resident_id,
                "is_active": pick.random() < 0.97,
            }
            rows.append(row)
            self.servants.append((pk, organization.path, leading, entered, row["name"], organization))
            if len(rows) == CHUNK:
                yield rows
                rows = []
        yield rows

    # courses ---------------------------------------------------------------------------------------

    def courses_rows(self, per_year: int):
        """`per_year` courses a year over six years: 6 the city's mandatory ones (4 for all, 1 for leading
        cadres, 1 for new entrants), one mandatory per four districts, the rest optional."""
        pick = self.random
        years = range(self.today.year - YEARS + 1, self.today.year + 1)
        ids = reserve_ids(Course, per_year * len(years))
        rows = []
        audiences = [CourseAudience.ALL] * 4 + [CourseAudience.LEADERS, CourseAudience.NEW_ENTRANTS]
        districts = self.districts[:: max(1, len(self.districts) // 4)][:4]
        for index, pk in enumerate(ids):
            year, n = years[index // per_year], index % per_year
            if n < len(audiences):
                organization, mandatory, audience = self.root, True, audiences[n]
            elif n < len(audiences) + len(districts):
                organization, mandatory, audience = districts[n - len(audiences)], True, CourseAudience.ALL
            else:
                organization, mandatory = pick.choice(self.organizations), False
                audience = pick.choices(CourseAudience.values, (8, 1, 1))[0]
            prefix = {CourseAudience.LEADERS: "领导干部", CourseAudience.NEW_ENTRANTS: "新录用公务员初任培训："}.get(
                audience, ""
            )
            row = {
                "id": pk,
                "title": f"{year}年{prefix}{pick.choice(TOPICS)}（第{n + 1}期）",
                "hours": Decimal(pick.choice(("1.0", "2.0", "2.5", "3.0", "4.0", "6.0", "8.0"))),
                "provider": pick.choice(PROVIDERS),
                "mandatory": mandatory,
                "year": year,
                "audience": audience,
                "organization_id": organization.pk,
                "is_active": True,
            }
            rows.append(row)
            self.courses.append({**row, "path": organization.path})
        return rows

    # completions -----------------------------------------------------------------------------------

    def completion_rows(self, count: int):
        """Half of them the current year's mandatory courses due to the servant, the rest any course of
        the six years; never twice the same course for one servant."""
        from .selectors.education import audiences_of

        pick = self.random
        if not self.servants or not self.courses:
            return
        count = min(count, len(self.servants) * len(self.courses))
        this_year = [c for c in self.courses if c["year"] == self.today.year and c["mandatory"]]
        ids = iter(reserve_ids(Completion, count))
        seen: set[tuple[int, int]] = set()
        rows, made = [], 0
        while made < count:
            servant = pick.choice(self.servants)
            pk, path, leading, entered = servant[:4]
            if this_year and pick.random() < 0.5:
                audiences = audiences_of(is_leading_cadre=leading, entered_service_on=entered, year=self.today.year)
                due = [c for c in this_year if c["audience"] in audiences and path.startswith(c["path"])]
                if not due:
                    continue
                course = pick.choice(due)
            else:
                course = pick.choice(self.courses)
            if (pk, course["id"]) in seen:
                continue
            seen.add((pk, course["id"]))
            first = datetime.date(course["year"], 1, 1)
            last = min(datetime.date(course["year"], 12, 31), self.today)
            rows.append(
                {
                    "id": next(ids),
                    "civil_servant_id": pk,
                    "course_id": course["id"],
                    "completed_on": first + datetime.timedelta(days=pick.randrange((last - first).days + 1)),
                    "hours": course["hours"],
                    "source": pick.choice(("import", "import", "form")),
                    "recorded_by_label": LABEL,
                }
            )
            made += 1
            if len(rows) == CHUNK:
                yield rows
                rows = []
        yield rows

    # dishonesty records ----------------------------------------------------------------------------

    def record_rows(self, count: int):
        """(records, obligations, sanctions) chunks. Records go mostly to one servant in five (8–9 each on
        average at the default sizes), the rest to anyone, so some files are long and most are short."""
        pick = self.random
        if not self.servants or not count:
            return
        subjects = pick.sample(self.servants, max(1, len(self.servants) // 5))
        categories = list(FACTS)
        records, obligations, sanctions = [], [], []
        record_ids = iter(reserve_ids(DishonestyRecord, count))
        for serial in range(count):
            pk, _path, _leading, _entered, name, organization = (
                pick.choice(subjects) if pick.random() < 0.85 else pick.choice(self.servants)
            )
            category = pick.choice(categories)
            facts, source_kind, issuer = FACTS[category]
            severity = Severity.SERIOUS if pick.random() < 0.2 else Severity.GENERAL
            determined = self.today - datetime.timedelta(days=pick.randrange(YEARS * 365))
            occurred = determined - datetime.timedelta(days=pick.randint(20, 60))
            low, high = self.publicity_months[severity]
            ends = add_months(determined, high)
            roll = pick.random()
            if roll < 0.03:
                status, rectification = PublicationStatus.WITHDRAWN, RectificationState.NONE
            elif roll < 0.10 and add_months(determined, low) <= self.today:
                status, rectification = PublicationStatus.REPAIRED, RectificationState.RECTIFIED
            elif ends < self.today:
                status, rectification = PublicationStatus.PUBLICITY_ENDED, RectificationState.RECTIFIED
            elif roll < 0.16:
                status, rectification = PublicationStatus.DRAFT, RectificationState.IN_PROGRESS
            else:
                status = PublicationStatus.PUBLISHED
                rectification = pick.choices(
                    (RectificationState.RECTIFIED, RectificationState.IN_PROGRESS, RectificationState.OVERDUE),
                    (60, 30, 10),
                )[0]
            record_id = next(record_ids)
            published = status != PublicationStatus.DRAFT
            records.append(
                {
                    "id": record_id,
                    "subject_kind": SubjectKind.CIVIL_SERVANT,
                    "subject_organization_id": organization.pk,
                    "civil_servant_id": pk,
                    "subject_name": name,
                    "subject_organization_name": organization.name,
                    "category": category,
                    "severity": severity,
                    "facts": f"{facts}。经核查，相关事实清楚、证据充分（样本{serial}）。",
                    "facts_summary": facts,
                    "occurred_on": occurred,
                    "source_kind": source_kind,
                    "source_document_number": f"（{occurred.year}）杭{pick.randint(1, 9999)}号",
                    "source_issuing_body": f"杭州市{issuer}",
                    "source_document_date": determined,
                    "origin": Origin.SUPERVISOR,
                    "stage": Stage.CONFIRMED,
                    "objection_deadline": occurred + datetime.timedelta(days=14),
                    "authority_name": organization.name,
                    "reason": "事实清楚，证据确凿。",
                    "ruled_at": self.now,
                    "determined_on": determined,
                    "listed_on": determined if published else None,
                    "rectification_state": rectification,
                    "status": status,
                    "version": 1 if published else 0,
                    "published_at": self.now if published else None,
                    "publicity_min_ends_on": add_months(determined, low),
                    "publicity_ends_on": ends,
                    "publicity_ended_at": self.now if status == PublicationStatus.PUBLICITY_ENDED else None,
                    "withdrawn_at": self.now if status == PublicationStatus.WITHDRAWN else None,
                    "withdrawal_reason": "认定依据被撤销。" if status == PublicationStatus.WITHDRAWN else "",
                    "created_by_label": LABEL,
                }
            )
            if rectification != RectificationState.NONE:
                late = rectification == RectificationState.OVERDUE
                due = determined + datetime.timedelta(days=14 if late else 45)
                if rectification == RectificationState.IN_PROGRESS:
                    due = max(due, self.today + datetime.timedelta(days=10))
                state = {
                    RectificationState.RECTIFIED: ObligationStatus.ACCEPTED,
                    RectificationState.OVERDUE: ObligationStatus.OPEN,
                }.get(rectification, pick.choice((ObligationStatus.OPEN, ObligationStatus.SUBMITTED)))
                for kind in (ObligationKind.EXPLANATION, ObligationKind.RECTIFICATION):
                    obligations.append(
                        {
                            "record_id": record_id,
                            "kind": kind,
                            "requirement": "按要求整改并提交说明。",
                            "working_days": 10,
                            "counted_from": determined,
                            "due_on": due,
                            "status": state,
                        }
                    )
            if severity == Severity.SERIOUS and status != PublicationStatus.WITHDRAWN:
                sanctions.append(
                    {
                        "record_id": record_id,
                        "kind": SanctionKind.HONOURS_INELIGIBILITY,
                        "authority_id": organization.pk,
                        "reason": "严重政务失信",
                        "listed_on": determined,
                        "start_on": determined,
                        "end_on": add_months(determined, 12),
                    }
                )
            if len(records) == CHUNK:
                yield records, obligations, sanctions
                records, obligations, sanctions = [], [], []
        yield records, obligations, sanctions

    # career entries --------------------------------------------------------------------------------

    def career_rows(self):
        """A commendation for one servant in ten, a disciplinary sanction for one in twenty-five."""
        pick = self.random
        severities, weights = zip(*DISCIPLINE_MIX, strict=True)
        rows = []
        for pk, _path, _leading, _entered, _name, organization in self.servants:
            roll = pick.random()
            if roll >= 0.14:
                continue
            decided = self.today - datetime.timedelta(days=pick.randrange(YEARS * 365))
            discipline = roll < 0.04
            severity = pick.choices(severities, weights)[0] if discipline else ""
            rows.append(
                {
                    "civil_servant_id": pk,
                    "kind": CareerEntryKind.DISCIPLINE if discipline else CareerEntryKind.COMMENDATION,
                    "severity": severity,
                    "title": str(DisciplineSeverity(severity).label) if discipline else "年度考核优秀，记三等功",
                    "decided_on": decided,
                    "decided_by": "中共杭州市纪律检查委员会" if discipline else organization.name,
                    "document_number": f"杭{'纪' if discipline else '奖'}〔{decided.year}〕{pick.randint(1, 999)}号",
                    "facts": "违反工作纪律，造成不良影响。" if discipline else "",
                    "recorded_by_label": LABEL,
                }
            )
        ids = reserve_ids(CareerEntry, len(rows))
        for row, pk in zip(rows, ids, strict=True):
            row["id"] = pk
        return rows

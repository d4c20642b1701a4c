"""Synthetic pledges for benchmarks: seeded, realistic, and shaped like the services make them.

`manage.py generate_pledges --pledges N --milestones-per-pledge M` makes N pledges of every kind — department
pledges on the four themes, street and township pledges on the fourteen public services, this year's and past
years' 为民办实事 lists, investment promises and contracts (valid credit codes), PPP duties, procurement
contracts, civil servants' internal pledges and a few measured ones — with M milestones each and a timeline of
progress reports for every pledge without parts.

About a third of the pledges sit in trees of up to three levels (a whole, its parts, their parts; same body,
weights 0.5–3). Progress is reported on the leaves only; every parent carries the weighted roll-up of its
parts exactly as `services.progress.roll_up` computes it (`rolled_up_share`, level by level, each level
rounded to 0.01 %), so reporting on a generated leaf moves its ancestors as it would on entered data.

Pledges due in the past are settled (mostly fulfilled; some partly kept, broken, changed by lawful procedure)
or overdue (already escalated, as the sweep leaves them); pledges still running are in progress with progress
near the share of time elapsed. Published public pledges carry what core.publication gives them: status,
version (1 on publication, +1 for each announced change: every progress report of a part, the settlement),
published_at, corrected_at; a few are withdrawn with a reason, a few are drafts; internal pledges (civil
servants') are never published. Rows are streamed with COPY on PostgreSQL (ids drawn from the sequences first,
so parents, milestones and reports know them), bulk_create elsewhere; one transaction per batch.

Deliberately missing, as in the other generators (dishonesty_records.synthetic, disclosures.synthetic):
audit events, publication versions, ledger entries, outbox rows, evidence files, and the dishonesty records a
broken pledge proposes — this is benchmark data, not history.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core import indicators
from core.bulk import CopyEncoder, copy_encoded
from core.identifiers import USCC_ALPHABET, uscc_check_character
from core.publication import PublicationStatus
from organizations.choices import OrganizationKind
from organizations.models import CivilServant, Organization

from .choices import DepartmentTheme, Fulfilment, LawfulGround, PledgeKind, ServiceArea
from .models import Milestone, Pledge, ProgressReport
from .services.progress import rolled_up_share

CREATED_BY_LABEL = "generate_pledges（合成基准数据）"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# --- vocabulary -----------------------------------------------------------------------------------

THEME_TITLES = {
    DepartmentTheme.DUTY: [
        "行政许可事项按法定时限办结率100%",
        "监管事项“双随机、一公开”全覆盖",
        "信访事项15日内受理告知率100%",
        "安全生产检查问题整改闭环",
        "12345热线工单按期办结率不低于98%",
    ],
    DepartmentTheme.LAWFUL_ADMINISTRATION: [
        "重大行政决策合法性审查率100%",
        "行政执法全过程记录全覆盖",
        "行政复议纠错案件30日内整改到位",
        "规范性文件备案审查按期报送",
        "行政处罚裁量基准公开并严格执行",
    ],
    DepartmentTheme.BETTER_SERVICE: [
        "企业开办一个工作日内办结",
        "不动产登记一般业务3个工作日办结",
        "政务服务事项“一网通办”率达到95%",
        "惠企政策“免申即享”兑现",
        "涉企证明事项“减证便民”",
    ],
    DepartmentTheme.OPEN_GOVERNMENT: [
        "行政许可、行政处罚信息7个工作日内公示",
        "政府信息公开申请按期答复率100%",
        "财政预决算信息按时公开",
        "重大建设项目批准和实施信息公开",
    ],
    DepartmentTheme.OTHER: [
        "拖欠中小企业账款动态清零",
        "政府采购合同款项按期支付",
        "营商环境投诉件10个工作日内办结",
    ],
}
SERVICE_TITLES = {
    ServiceArea.EMPLOYMENT: ["登记失业人员再就业“一站式”服务", "就业困难人员公益性岗位托底安置"],
    ServiceArea.PROPERTY_MANAGEMENT: ["老旧小区物业服务全覆盖", "物业纠纷7日内调处回应"],
    ServiceArea.SCHOOLING: ["适龄儿童入学登记全程代办", "新居民子女入学材料一次告知"],
    ServiceArea.FAMILY_PLANNING: ["生育登记“零跑腿”办理", "计生特殊家庭联系人制度全覆盖"],
    ServiceArea.ELDERLY_CARE: ["居家养老服务照料中心全覆盖", "高龄独居老人每周探访"],
    ServiceArea.DISABILITY: ["困难残疾人生活补贴按月足额发放", "残疾人家庭无障碍改造"],
    ServiceArea.POVERTY_RELIEF: ["低收入农户动态帮扶全覆盖", "困难群众救助申请5个工作日内审核"],
    ServiceArea.MEDICAL_INSURANCE: ["城乡居民医保参保率不低于99%", "医保报销材料一次告知"],
    ServiceArea.HOUSING: ["公租房申请材料一次告知", "危旧房治理改造按期完成"],
    ServiceArea.TRANSPORT: ["公交站点适老化改造", "背街小巷道路平整"],
    ServiceArea.PARKING: ["新增公共停车泊位", "错时共享停车泊位开放"],
    ServiceArea.SAFETY: ["电动自行车集中充电设施覆盖", "出租房屋消防安全检查全覆盖"],
    ServiceArea.MILITARY_FAMILIES: ["退役军人服务站规范化建设", "重点优抚对象走访慰问全覆盖"],
    ServiceArea.CONVENIENCE: ["便民服务中心“最多跑一次”", "社区“15分钟便民生活圈”建设"],
}
PRACTICAL_TOPICS = [
    ("新建改建幼儿园", "所", ServiceArea.SCHOOLING),
    ("新增公共停车泊位", "个", ServiceArea.PARKING),
    ("老旧小区综合改造", "个", ServiceArea.HOUSING),
    ("新建城市书房", "家", ServiceArea.CONVENIENCE),
    ("农贸市场改造提升", "家", ServiceArea.CONVENIENCE),
    ("新增养老床位", "张", ServiceArea.ELDERLY_CARE),
    ("既有住宅加装电梯", "台", ServiceArea.HOUSING),
    ("背街小巷改善", "条", ServiceArea.TRANSPORT),
    ("新建社区嵌入式体育场地", "处", ServiceArea.CONVENIENCE),
    ("学校食堂“明厨亮灶”改造", "所", ServiceArea.SCHOOLING),
    ("新建电动自行车充电设施", "处", ServiceArea.SAFETY),
    ("残疾人之家规范化建设", "家", ServiceArea.DISABILITY),
]
PPP_PROJECTS = ["污水处理厂提标改造", "城市地下综合管廊", "全民健身中心", "智慧停车", "垃圾焚烧发电", "城乡供水一体化"]
PROCUREMENTS = ["政务云服务", "学校教学设备", "道路保洁服务", "医疗设备", "物业管理服务", "网络安全服务"]
INVESTMENT_POLICIES = ["厂房租金补贴", "设备投资补助", "人才公寓配套", "研发费用奖励", "用地保障", "产业基金配套"]
TRADE_NAMES = ["恒远", "华创", "鼎新", "博睿", "云帆", "数智", "安澜", "青禾", "启明", "中泽", "凯越", "东信"]
INDUSTRIES = ["科技", "智能制造", "生物医药", "新能源", "电子商务", "新材料", "物联网"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈任姚"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娟建国志文斌浩宇晨欣怡"
STEPS = ["制定实施方案", "立项审批", "资金落实", "招标采购", "开工建设", "中期评估", "主体完工", "竣工验收"]
STEPS += ["资金拨付", "总结评估并公示"]
LEGAL_BASIS = {
    PledgeKind.DEPARTMENT: "《优化营商环境条例》；《浙江省政务诚信建设实施方案》",
    PledgeKind.CIVIL_SERVANT: "《中华人民共和国公务员法》第十四条",
    PledgeKind.STREET: "《杭州市加强政务诚信建设的实施方案》第十四项",
    PledgeKind.PRACTICAL_MATTER: "市人民代表大会关于民生实事项目的决定",
    PledgeKind.INVESTMENT_PROMISE: "《优化营商环境条例》第三十一条",
    PledgeKind.INVESTMENT_CONTRACT: "《中华人民共和国民法典》合同编",
    PledgeKind.PPP_DUTY: "《基础设施和公用事业特许经营管理办法》",
    PledgeKind.PROCUREMENT_CONTRACT: "《中华人民共和国政府采购法》第四十三条",
}
SETTLEMENT_NOTES = {
    Fulfilment.FULFILLED: "按期兑现，经现场核验和群众满意度回访，承诺事项全部完成。",
    Fulfilment.PARTLY_FULFILLED: "主体任务完成，部分事项受客观条件限制未能按期完成，已说明原因并列入下一年度计划。",
    Fulfilment.BREACHED: "承诺期满未兑现，且未依法定程序变更，经核查属实。",
}
DOWN_REASON = "前期统计口径有误，核减重复计算的完成量。"

# Singles (kind, weight) and trees (kind, weight); trees hold about a third of the pledges.
SINGLE_KINDS = [
    (PledgeKind.DEPARTMENT, 26),
    (PledgeKind.STREET, 24),
    (PledgeKind.CIVIL_SERVANT, 12),
    (PledgeKind.PRACTICAL_MATTER, 10),
    (PledgeKind.INVESTMENT_PROMISE, 8),
    (PledgeKind.INVESTMENT_CONTRACT, 7),
    (PledgeKind.PPP_DUTY, 6),
    (PledgeKind.PROCUREMENT_CONTRACT, 7),
]
TREE_KINDS = [(PledgeKind.PRACTICAL_MATTER, 50), (PledgeKind.DEPARTMENT, 25), (PledgeKind.STREET, 10)]
TREE_KINDS += [(PledgeKind.PPP_DUTY, 15)]
TREE_SHARE = 0.055  # of families: ~10 pledges a tree → about a third of all pledges
WEIGHTS = [Decimal(w) for w in ("1", "1", "1", "1", "2", "3", "0.5", "1.5")]
# How a pledge due in the past ended (the overdue ones are still open).
ENDINGS = [
    (Fulfilment.FULFILLED, 72),
    (Fulfilment.PARTLY_FULFILLED, 12),
    (Fulfilment.OVERDUE, 9),
    (Fulfilment.BREACHED, 4),
    (Fulfilment.CHANGED_LAWFULLY, 3),
]
PUBLISHED_SHARE, WITHDRAWN_SHARE = 0.92, 0.03  # of public pledges; the rest are drafts (only open ones)


@dataclass
class Node:
    """A pledge being planned, with its parts."""

    pledge: Pledge
    children: list[Node] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)
    changes: int = 0  # announced changes after publication (progress reports, roll-ups, the settlement)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


class Generator:
    def __init__(self, *, seed: int, milestones: int = 10, today=None, now=None):
        self.random = random.Random(seed)
        self.milestone_count = milestones
        self.now = now or timezone.now()
        self.today = today or timezone.localdate(self.now)
        self.tz = timezone.get_current_timezone()
        organizations = list(Organization.objects.filter(is_active=True).order_by("path"))
        if not organizations:
            raise LookupError("no organizations: run `manage.py seed_demo` first")

        def of(*kinds):
            return [o for o in organizations if o.kind in kinds] or organizations

        self.by_kind = {
            PledgeKind.DEPARTMENT: of(OrganizationKind.DEPARTMENT),
            PledgeKind.STREET: of(OrganizationKind.STREET),
            PledgeKind.PRACTICAL_MATTER: of(OrganizationKind.GOVERNMENT, OrganizationKind.STREET),
            PledgeKind.INVESTMENT_PROMISE: of(OrganizationKind.GOVERNMENT, OrganizationKind.DEVELOPMENT_ZONE),
            PledgeKind.INVESTMENT_CONTRACT: of(OrganizationKind.GOVERNMENT, OrganizationKind.DEVELOPMENT_ZONE),
            PledgeKind.PPP_DUTY: of(OrganizationKind.GOVERNMENT, OrganizationKind.DEPARTMENT),
            PledgeKind.PROCUREMENT_CONTRACT: of(OrganizationKind.DEPARTMENT),
        }
        self.people = list(CivilServant.objects.filter(is_active=True).order_by("id"))
        # A measured pledge needs an indicator some app registered (none: no measured pledges).
        described = sorted(indicators.indicators(), key=lambda item: item.key)
        self.indicator = described[0] if described else None
        self.first_year = self.today.year - 4

    # --- small helpers ----------------------------------------------------------------------------

    def _at(self, day: datetime.date) -> datetime.datetime:
        """A working-hours moment on that day, never in the future."""
        moment = datetime.datetime.combine(
            day, datetime.time(self.random.randint(9, 17), self.random.randint(0, 59)), tzinfo=self.tz
        )
        return min(moment, self.now)

    def _day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.random.randint(0, max(0, (end - start).days)))

    def _person(self) -> str:
        pick = self.random
        return pick.choice(SURNAMES) + "".join(pick.choice(GIVEN) for _ in range(pick.randint(1, 2)))

    def _uscc(self) -> str:
        body = "".join(self.random.choice(USCC_ALPHABET[:10]) for _ in range(9))
        first17 = f"913301{self.random.choice('0123456789')}{self.random.choice('0123456789')}{body}"
        return first17 + uscc_check_character(first17)

    def _company(self) -> str:
        return f"杭州{self.random.choice(TRADE_NAMES)}{self.random.choice(INDUSTRIES)}有限公司"

    # --- families ---------------------------------------------------------------------------------

    def families(self, count: int) -> Iterator[Node]:
        """Trees and single pledges until `count` pledges are planned (the last tree may come out smaller)."""
        left = count
        while left > 0:
            family = self._tree(left) if left >= 3 and self.random.random() < TREE_SHARE else self._single()
            left -= sum(1 for _ in family.walk())
            yield family

    def _single(self) -> Node:
        kind = self.random.choices(*zip(*SINGLE_KINDS, strict=True))[0]
        node = Node(self._pledge(kind))
        self._settle(node, self._ending(node.pledge))
        return node

    def _tree(self, budget: int) -> Node:
        pick = self.random
        kind = pick.choices(*zip(*TREE_KINDS, strict=True))[0]
        root = Node(self._pledge(kind, tree=True))
        # A whole of 2–4 parts; the first part always has parts of its own (three levels), the others 0–4.
        for position in range(pick.randint(2, 4)):
            if budget - sum(1 for _ in root.walk()) < 1:
                break
            child = Node(self._part(root.pledge, root.pledge, f"{position + 1}"))
            root.children.append(child)
            for sub in range(pick.randint(2, 4) if position == 0 else pick.choice([0, 0, 2, 3, 4])):
                if budget - sum(1 for _ in root.walk()) < 1:
                    break
                child.children.append(Node(self._part(root.pledge, child.pledge, f"{position + 1}-{sub + 1}")))
        self._settle(root, self._ending(root.pledge))
        return root

    def _ending(self, pledge: Pledge) -> str:
        if pledge.due_on >= self.today:
            return Fulfilment.IN_PROGRESS
        return self.random.choices(*zip(*ENDINGS, strict=True))[0]

    def _pledge(self, kind: str, *, tree: bool = False) -> Pledge:
        pick = self.random
        today = self.today
        pledge = Pledge(
            kind=kind,
            legal_basis=LEGAL_BASIS[kind],
            responsible_person=self._person(),
            created_by_label=CREATED_BY_LABEL,
            weight=Decimal(1),
            progress=Decimal(0),
            indicator_parameters={},
        )
        if kind == PledgeKind.PRACTICAL_MATTER:
            year = pick.randint(self.first_year, today.year)
            topic, unit, area = pick.choice(PRACTICAL_TOPICS)
            pledge.year, pledge.service_area = year, area
            starts = min(datetime.date(year, 1, 1) + datetime.timedelta(days=pick.randint(20, 75)), today)
            due = datetime.date(year, 12, 31)
            pledge.title = f"{year}年民生实事：{topic}{pick.randint(5, 60)}{unit}"
            pledge.content = f"{year}年内完成{topic}，按季度公开进度，年底接受人大代表和群众评议。"
        else:
            starts = today - datetime.timedelta(days=pick.randint(0, 4 * 365))
            due = starts + datetime.timedelta(days=pick.choice([90, 180, 365, 365, 730, 1095]) + pick.randint(-20, 20))
            due = max(due, starts)
        pledge.starts_on, pledge.due_on = starts, due
        if kind == PledgeKind.CIVIL_SERVANT and self.people:
            person = pick.choice(self.people)
            pledge.civil_servant_id, pledge.organization_id = person.pk, person.organization_id
            pledge.is_public = False
            pledge.title = f"{person.name}任职承诺：依法履职、廉洁自律、接受监督"
            pledge.content = "任职期间严格依法履职，不以权谋私，主动公开承诺事项，接受组织和群众监督。"
            pledge.responsible_person = person.name
            return pledge
        if kind == PledgeKind.CIVIL_SERVANT:  # no civil servants: an internal target of a department instead
            pledge.kind, pledge.is_public = PledgeKind.DEPARTMENT, False
            kind = PledgeKind.DEPARTMENT
        pledge.organization_id = pick.choice(self.by_kind.get(kind) or self.by_kind[PledgeKind.DEPARTMENT]).pk
        if kind == PledgeKind.DEPARTMENT:
            pledge.theme = pick.choice(DepartmentTheme.values)
            pledge.title = pick.choice(THEME_TITLES[pledge.theme])
            pledge.content = f"{pledge.title}，每季度公开进展，接受社会监督。"
            if not tree and self.indicator is not None and pick.random() < 0.03:
                pledge.theme = DepartmentTheme.OPEN_GOVERNMENT
                pledge.indicator = self.indicator.key
                pledge.indicator_parameters = self.indicator.clean_parameters({})
                pledge.indicator_target = Decimal("95.0")
                pledge.title = "本部门政务信息按期公示率达到95%（由门户按月自动计算）"
        elif kind == PledgeKind.STREET:
            pledge.service_area = pick.choice(ServiceArea.values)
            pledge.title = pick.choice(SERVICE_TITLES[pledge.service_area])
            pledge.content = f"{pledge.title}，办理结果在便民服务中心和网站公示。"
        elif kind in (PledgeKind.INVESTMENT_PROMISE, PledgeKind.INVESTMENT_CONTRACT):
            pledge.counterparty, pledge.counterparty_uscc = self._company(), self._uscc()
            policy = pick.choice(INVESTMENT_POLICIES)
            if kind == PledgeKind.INVESTMENT_PROMISE:
                pledge.title = f"对{pledge.counterparty}落户项目的{policy}政策承诺"
            else:
                pledge.project = f"{pledge.counterparty[2:-4]}总部及研发中心项目"
                pledge.title = f"{pledge.project}投资合作协议政府方义务履约"
            pledge.content = f"按协议约定兑现{policy}，资金在条件成就后30日内拨付到位。"
        elif kind == PledgeKind.PPP_DUTY:
            pledge.project = f"{pick.choice(PPP_PROJECTS)}PPP项目"
            pledge.title = f"{pledge.project}：政府方可用性付费和配套义务按期履行"
            pledge.content = "按项目合同按期支付可用性付费和运维绩效付费，按时完成土地、审批等配套。"
        elif kind == PledgeKind.PROCUREMENT_CONTRACT:
            pledge.project = f"{pick.choice(PROCUREMENTS)}采购项目"
            pledge.title = f"{pledge.project}合同款项按期支付"
            pledge.content = "验收合格后10个工作日内支付合同款项，不以机构调整、人员变更为由拖延。"
        if tree:
            pledge.title = pledge.title[:180]
        return pledge

    def _part(self, root: Pledge, parent: Pledge, label: str) -> Pledge:
        """A part of a whole: same kind, body, year and service; inside the whole's period; a weight."""
        pick = self.random
        due = max(parent.starts_on, parent.due_on - datetime.timedelta(days=pick.choice([0, 0, 15, 30, 60])))
        return Pledge(
            kind=parent.kind,
            organization_id=parent.organization_id,
            theme=parent.theme,
            service_area=parent.service_area,
            year=parent.year,
            project=parent.project,
            title=f"{root.title[:180]}（子项{label}）",
            content=f"{root.content[:300]} 本项为其中第{label}项子任务。",
            legal_basis=parent.legal_basis,
            starts_on=parent.starts_on,
            due_on=due,
            is_public=parent.is_public,
            responsible_person=self._person(),
            weight=pick.choice(WEIGHTS),
            progress=Decimal(0),
            indicator_parameters={},
            created_by_label=CREATED_BY_LABEL,
        )

    # --- fulfilment, progress, publication --------------------------------------------------------

    def _leaf_outcome(self, pledge: Pledge, ending: str, *, part: bool) -> tuple[str, Decimal]:
        pick = self.random
        elapsed = (self.today - pledge.starts_on).days / max(1, (pledge.due_on - pledge.starts_on).days)
        # Of a whole that ended badly, some parts were still done.
        if ending == Fulfilment.FULFILLED or (part and ending != Fulfilment.IN_PROGRESS and pick.random() < 0.3):
            return Fulfilment.FULFILLED, HUNDRED
        if ending == Fulfilment.IN_PROGRESS and pledge.due_on < self.today:
            # A part due before its whole: done, or overdue (the sweep turns each pledge on its own date).
            if pick.random() < 0.85:
                return Fulfilment.FULFILLED, HUNDRED
            return Fulfilment.OVERDUE, Decimal(pick.uniform(40, 95)).quantize(CENT)
        if ending == Fulfilment.IN_PROGRESS:
            share = min(99.0, max(0.0, 100 * elapsed + pick.uniform(-25, 15)))
            return Fulfilment.IN_PROGRESS, Decimal(share).quantize(CENT)
        low, high = {
            Fulfilment.PARTLY_FULFILLED: (55, 95),
            Fulfilment.OVERDUE: (30, 95),
            Fulfilment.BREACHED: (5, 60),
            Fulfilment.CHANGED_LAWFULLY: (10, 70),
        }[ending]
        return ending, Decimal(pick.uniform(low, high)).quantize(CENT)

    def _settle(self, root: Node, ending: str) -> None:
        """Outcomes and progress of the leaves, then the roll-up bottom-up, then dates and publication."""
        self._outcomes(root, ending)
        status = PublicationStatus.DRAFT
        if root.pledge.is_public:
            draw = self.random.random()
            if draw < PUBLISHED_SHARE or ending != Fulfilment.IN_PROGRESS:
                status = PublicationStatus.PUBLISHED
            if draw >= 1 - WITHDRAWN_SHARE:
                status = PublicationStatus.WITHDRAWN
        for node in reversed(list(root.walk())):  # parts first: a whole's versions count its parts' reports
            self._life(node, status)

    def _outcomes(self, node: Node, ending: str, *, part: bool = False) -> None:
        pledge = node.pledge
        if not node.children:
            pledge.fulfilment, pledge.progress = self._leaf_outcome(pledge, ending, part=part)
            if pledge.indicator and pledge.fulfilment == Fulfilment.FULFILLED:
                pledge.progress = Decimal(self.random.uniform(95, 100)).quantize(CENT)
            return
        for child in node.children:
            self._outcomes(child, ending, part=True)
        # What roll_up stores: Σ(weight × progress) / Σ weight of the parts' stored figures, to 0.01.
        pledge.progress = rolled_up_share([(c.pledge.weight, c.pledge.progress) for c in node.children])
        done = all(c.pledge.fulfilment == Fulfilment.FULFILLED for c in node.children)
        if done:
            pledge.fulfilment = Fulfilment.FULFILLED
        elif ending == Fulfilment.IN_PROGRESS and pledge.due_on < self.today:
            pledge.fulfilment = Fulfilment.OVERDUE
        else:
            pledge.fulfilment = ending

    def _life(self, node: Node, status: str) -> None:
        pick = self.random
        pledge = node.pledge
        created = self._at(pledge.starts_on - datetime.timedelta(days=pick.randint(1, 12)))
        pledge.created_at = pledge.updated_at = created
        settled = pledge.fulfilment not in (Fulfilment.IN_PROGRESS, Fulfilment.OVERDUE)
        if settled:
            latest = min(self.today, pledge.due_on + datetime.timedelta(days=20))
            pledge.settled_on = self._day_between(max(pledge.starts_on, pledge.due_on - datetime.timedelta(30)), latest)
            pledge.settled_on = min(pledge.settled_on, self.today)
            if pledge.fulfilment == Fulfilment.CHANGED_LAWFULLY:
                pledge.change_ground = pick.choice(LawfulGround.values)
                pledge.change_approved_by = "杭州市人民政府"
                pledge.change_document = f"杭政函〔{pledge.settled_on.year}〕{pick.randint(1, 200)}号"
                pledge.change_reason = "因国土空间规划调整，原定建设内容依法变更，已书面告知相关方。"
                if pledge.kind in (PledgeKind.INVESTMENT_PROMISE, PledgeKind.INVESTMENT_CONTRACT):
                    pledge.change_compensation = "按评估价值对企业已投入部分予以补偿，补偿款已拨付。"
            else:
                pledge.settlement_note = SETTLEMENT_NOTES[pledge.fulfilment]
            if pick.random() < 0.5:
                pledge.evaluation_score = pick.randint(60, 100) if pledge.fulfilment == Fulfilment.FULFILLED else 45
                pledge.evaluation_comment = "按评价办法逐项核验，得分见评价表。"
                pledge.evaluated_at = self._at(pledge.settled_on + datetime.timedelta(days=pick.randint(1, 20)))
                pledge.evaluated_by_label = "市考评办"
        if pledge.fulfilment == Fulfilment.OVERDUE:  # the sweep has turned it overdue and told supervisors
            pledge.overdue_escalated_at = self._at(min(self.today, pledge.due_on + datetime.timedelta(days=1)))
        end = min(self.today, pledge.settled_on or self.today)
        published = None
        if status != PublicationStatus.DRAFT:
            published = self._at(min(end, pledge.starts_on + datetime.timedelta(days=pick.randint(0, 3))))
            published = max(published, created)
        self._milestones(node, end)
        if not node.children and pledge.progress > 0:
            self._reports(node, start=timezone.localdate(published or created), end=end)
        # What was announced after publication: each report (a leaf's or, rolled up, a part's), the ending.
        moments = sorted(r.reported_at for n in node.walk() for r in n.reports)
        if settled or pledge.fulfilment == Fulfilment.OVERDUE:
            moments.append(pledge.overdue_escalated_at or self._at(pledge.settled_on))
        moments = [m for m in moments if published is not None and m >= published]
        if published is not None:
            pledge.status, pledge.version, pledge.published_at = status, 1 + len(moments), published
            if moments:
                pledge.corrected_at = max(moments)
            if status == PublicationStatus.WITHDRAWN:
                pledge.withdrawn_at = self._at(end)
                pledge.withdrawn_at = max(pledge.withdrawn_at, pledge.corrected_at or published)
                pledge.withdrawal_reason = "该承诺已并入上级部门统一发布的承诺事项，撤回重复发布。"
        stamps = [created, published, pledge.corrected_at, pledge.withdrawn_at, pledge.evaluated_at]
        stamps += [pledge.overdue_escalated_at, *(r.reported_at for r in node.reports)]
        pledge.updated_at = max(s for s in stamps if s is not None)

    def _milestones(self, node: Node, end: datetime.date) -> None:
        pledge, count = node.pledge, self.milestone_count
        span = (pledge.due_on - pledge.starts_on).days
        settled = pledge.fulfilment == Fulfilment.FULFILLED
        is_open = pledge.fulfilment in (Fulfilment.IN_PROGRESS, Fulfilment.OVERDUE)
        for index in range(count):
            due = pledge.starts_on + datetime.timedelta(days=span * (index + 1) // count)
            title = STEPS[index % len(STEPS)] + (f"（{index // len(STEPS) + 1}）" if index >= len(STEPS) else "")
            milestone = Milestone(pledge=pledge, title=title, due_on=due, due_provisional=False)
            milestone.created_at = milestone.updated_at = pledge.created_at
            threshold = HUNDRED * (index + 1) / count
            if (settled or pledge.progress >= threshold) and due <= end + datetime.timedelta(days=60):
                done = due + datetime.timedelta(days=self.random.randint(-10, 3))
                milestone.done_on = min(max(done, pledge.starts_on), end)
                milestone.updated_at = max(pledge.created_at, self._at(milestone.done_on))
            elif is_open and due < self.today:  # reminded before, and supervisors told once it passed (sweeps)
                milestone.reminded_at = max(pledge.created_at, self._at(due - datetime.timedelta(days=3)))
                milestone.escalated_at = max(milestone.reminded_at, self._at(due + datetime.timedelta(days=1)))
                milestone.updated_at = milestone.escalated_at
            node.milestones.append(milestone)

    def _reports(self, node: Node, *, start: datetime.date, end: datetime.date) -> None:
        pick = self.random
        pledge = node.pledge
        final = pledge.progress
        steps = pick.randint(1, 4) if final < HUNDRED else pick.randint(2, 5)
        points = [*sorted(Decimal(pick.uniform(1, float(final))).quantize(CENT) for _ in range(steps - 1)), final]
        down = steps >= 3 and pick.random() < 0.04
        if down:  # one figure corrected downwards, with the reason
            points[1] = max(Decimal(0), points[0] - Decimal("5.00"))
        moments = sorted(max(pledge.created_at, self._at(self._day_between(min(start, end), end))) for _ in points)
        done = [m for m in node.milestones if m.done_on is not None]
        before = Decimal(0)
        for position, (after, moment) in enumerate(zip(points, moments, strict=True)):
            last = position == len(points) - 1
            node.reports.append(
                ProgressReport(
                    pledge=pledge,
                    milestone=done[-1] if last and done else None,
                    progress_before=before,
                    progress_after=after,
                    note=f"完成阶段任务，累计进度{after}%。" if not last else f"按计划推进，当前进度{after}%。",
                    reason=DOWN_REASON if after < before else "",
                    source="measured" if pledge.indicator else ("import" if pick.random() < 0.15 else "form"),
                    reported_at=moment,
                    reported_by_label=f"{pledge.responsible_person}（录入员）",
                )
            )
            before = after


# --- saving ---------------------------------------------------------------------------------------


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


def _reserve_ids(model, count: int) -> list[int]:
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [pk for (pk,) in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


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
    for node, pk in zip(nodes, _reserve_ids(Pledge, len(nodes)), strict=True):
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
    for milestone, pk in zip(milestones, _reserve_ids(Milestone, len(milestones)), strict=True):
        milestone.pk = pk
    reports = [r for node in nodes for r in node.reports]
    for report in reports:
        report.milestone_id = report.milestone.pk if report.milestone is not None else None
    for report, pk in zip(reports, _reserve_ids(ProgressReport, len(reports)), strict=True):
        report.pk = pk
    _write(Pledge, [node.pledge for node in nodes])
    _write(Milestone, milestones)
    _write(ProgressReport, reports)
    made["pledges"] += len(nodes)
    made["milestones"] += len(milestones)
    made["reports"] += len(reports)

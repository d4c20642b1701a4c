"""Synthetic pledge trees in memory: kinds, trees, endings, life cycle, milestones and reports."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core import indicators
from core.identifiers import USCC_ALPHABET, uscc_check_character
from core.publication import PublicationStatus
from organizations.choices import OrganizationKind
from organizations.models import CivilServant, Organization

from ..choices import DepartmentTheme, Fulfilment, LawfulGround, PledgeKind, ServiceArea
from ..models import Milestone, Pledge, ProgressReport
from ..services.progress import rolled_up_share
from .content import (
    CENT,
    CREATED_BY_LABEL,
    DOWN_REASON,
    ENDINGS,
    GIVEN,
    HUNDRED,
    INDUSTRIES,
    INVESTMENT_POLICIES,
    LEGAL_BASIS,
    PPP_PROJECTS,
    PRACTICAL_TOPICS,
    PROCUREMENTS,
    PUBLISHED_SHARE,
    SERVICE_TITLES,
    SETTLEMENT_NOTES,
    SINGLE_KINDS,
    STEPS,
    SURNAMES,
    THEME_TITLES,
    TRADE_NAMES,
    TREE_KINDS,
    TREE_SHARE,
    WEIGHTS,
    WITHDRAWN_SHARE,
)


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

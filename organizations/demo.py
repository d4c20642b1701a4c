"""Demo organizations, people and one log-in per role. Idempotent: run it as often as you like.

The codes are generated with correct check characters but are not the bodies' real codes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.identifiers import resident_id_check_character, uscc_check_character

from . import services
from .choices import CivilServantRank, OrganizationKind, OrganizationLevel, Role
from .models import CivilServant, Organization, RoleAssignment, User

DEMO_PASSWORD = "Hangzhou-demo-2026"  # noqa: S105 - printed by `make run` for the demo log-ins

CITY = ("杭州市人民政府", "市政府", "330100")
MUNICIPAL_DEPARTMENTS = [
    ("杭州市人民政府办公厅", "市府办"),
    ("杭州市发展和改革委员会", "市发改委"),
    ("杭州市财政局", "市财政局"),
    ("杭州市市场监督管理局", "市市场监管局"),
    ("杭州市人力资源和社会保障局", "市人力社保局"),
    ("杭州市城乡建设委员会", "市建委"),
    ("杭州市数据资源管理局", "市数据资源管理局"),
    ("杭州市信访局", "市信访局"),
    ("杭州市综合考评委员会办公室", "市考评办"),
    ("杭州市监察委员会", "市监委"),
    ("中共杭州市委组织部", "市委组织部"),
    ("杭州市公安局", "市公安局"),
    ("杭州市教育局", "市教育局"),
    ("杭州市民政局", "市民政局"),
    ("杭州市司法局", "市司法局"),
    ("杭州市规划和自然资源局", "市规划资源局"),
    ("杭州市生态环境局", "市生态环境局"),
    ("杭州市交通运输局", "市交通运输局"),
    ("杭州市商务局", "市商务局"),
    ("杭州市卫生健康委员会", "市卫健委"),
    ("杭州市应急管理局", "市应急管理局"),
    ("杭州市城市管理局", "市城管局"),
]
DEVELOPMENT_ZONES = [
    ("杭州高新技术产业开发区管理委员会", "高新区管委会"),
    ("杭州西湖风景名胜区管理委员会", "西湖风景区管委会"),
]
# (name, division code, kind of government name, streets/townships)
DISTRICTS = [
    ("上城区", "330102", "区", ["湖滨街道", "清波街道", "小营街道"]),
    ("拱墅区", "330105", "区", ["米市巷街道", "湖墅街道"]),
    ("西湖区", "330106", "区", ["北山街道", "西溪街道", "灵隐街道"]),
    ("滨江区", "330108", "区", ["西兴街道", "长河街道", "浦沿街道"]),
    ("萧山区", "330109", "区", ["城厢街道", "北干街道"]),
    ("余杭区", "330110", "区", ["五常街道", "仓前街道"]),
    ("临平区", "330113", "区", ["临平街道", "南苑街道"]),
    ("钱塘区", "330114", "区", ["下沙街道", "白杨街道"]),
    ("富阳区", "330111", "区", ["富春街道", "东洲街道"]),
    ("临安区", "330112", "区", ["锦城街道", "玲珑街道"]),
    ("桐庐县", "330122", "县", ["桐君街道", "城南街道"]),
    ("淳安县", "330127", "县", ["千岛湖镇", "文昌镇"]),
    ("建德市", "330182", "市", ["新安江街道", "洋溪街道"]),
]
DISTRICT_DEPARTMENTS = [
    ("发展和改革局", "发改局"),
    ("财政局", "财政局"),
    ("市场监督管理局", "市场监管局"),
    ("人力资源和社会保障局", "人力社保局"),
    ("综合行政执法局", "综合执法局"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organization: str
    jurisdiction: str


def demo_uscc(division: str, serial: int) -> str:
    """A code of a government body (authority 1, kind 1) with correct check characters."""
    body = f"11{division}{serial:08d}"
    org_code = body[8:16]
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    check = 11 - sum(int(c) * w for c, w in zip(org_code, weights, strict=True)) % 11
    body += {10: "X", 11: "0"}.get(check, str(check))
    return body + uscc_check_character(body)


def demo_resident_id(division: str, birth: datetime.date, serial: int) -> str:
    body = f"{division}{birth:%Y%m%d}{serial:03d}"
    return body + resident_id_check_character(body)


class _Builder:
    def __init__(self):
        self.serial = 0
        self.existing = {o.short_name: o for o in Organization.objects.all()}

    def ensure(self, *, parent, name, short_name, kind, level, division):
        if short_name in self.existing:
            return self.existing[short_name]
        self.serial += 1
        organization = services.organization_create(
            parent=parent,
            actor=None,
            name=name,
            short_name=short_name,
            kind=kind,
            level=level,
            division_code=division,
            uscc=demo_uscc(division, 24_000_000 + Organization.objects.count() + self.serial),
        )
        self.existing[short_name] = organization
        return organization


@transaction.atomic
def seed_organizations() -> Organization:
    build = _Builder()
    city_name, city_short, city_division = CITY
    city = build.ensure(
        parent=None,
        name=city_name,
        short_name=city_short,
        kind=OrganizationKind.GOVERNMENT,
        level=OrganizationLevel.CITY,
        division=city_division,
    )
    for name, short in MUNICIPAL_DEPARTMENTS:
        build.ensure(
            parent=city,
            name=name,
            short_name=short,
            kind=OrganizationKind.DEPARTMENT,
            level=OrganizationLevel.CITY,
            division=city_division,
        )
    for name, short in DEVELOPMENT_ZONES:
        build.ensure(
            parent=city,
            name=name,
            short_name=short,
            kind=OrganizationKind.DEVELOPMENT_ZONE,
            level=OrganizationLevel.DISTRICT,
            division=city_division,
        )
    for district, division, suffix, streets in DISTRICTS:
        government = build.ensure(
            parent=city,
            name=f"杭州市{district}人民政府" if suffix == "区" else f"{district}人民政府",
            short_name=f"{district}政府",
            kind=OrganizationKind.GOVERNMENT,
            level=OrganizationLevel.DISTRICT,
            division=division,
        )
        for name, short in DISTRICT_DEPARTMENTS:
            build.ensure(
                parent=government,
                name=f"杭州市{district}{name}" if suffix == "区" else f"{district}{name}",
                short_name=f"{district}{short}",
                kind=OrganizationKind.DEPARTMENT,
                level=OrganizationLevel.DISTRICT,
                division=division,
            )
        for street in streets:
            kind_name = "办事处" if street.endswith("街道") else "人民政府"
            build.ensure(
                parent=government,
                name=f"{district}{street}{kind_name}",
                short_name=f"{district}{street}",
                kind=OrganizationKind.STREET,
                level=OrganizationLevel.TOWNSHIP,
                division=division,
            )
    return Organization.objects.get(short_name=city_short)


# username, full name, home organization, role, jurisdiction (None = the home organization)
DEMO_USERS = [
    ("staff", "张录入", "市市场监管局", Role.STAFF, None),
    ("reviewer", "李审核", "市市场监管局", Role.REVIEWER, None),
    ("xihu_staff", "王西湖", "西湖区市场监管局", Role.STAFF, None),
    ("xihu_reviewer", "赵西湖", "西湖区市场监管局", Role.REVIEWER, None),
    ("supervisor", "陈监督", "市发改委", Role.SUPERVISOR, "市政府"),
    ("xihu_supervisor", "周监督", "西湖区发改局", Role.SUPERVISOR, "西湖区政府"),
    ("personnel", "吴组织", "市委组织部", Role.PERSONNEL_OFFICER, "市政府"),
    ("intake", "郑受理", "市信访局", Role.COMPLAINT_INTAKE, "市政府"),
    ("admin", "孙管理", "市数据资源管理局", Role.ADMINISTRATOR, "市政府"),
]


@transaction.atomic
def seed_users() -> list[DemoLogin]:
    organizations = {o.short_name: o for o in Organization.objects.all()}
    for username, full_name, home, role, jurisdiction in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                organization=organizations[home],
                email=f"{username}@demo.hangzhou.example",
            )
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.ADMINISTRATOR
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        scope = organizations[jurisdiction or home]
        if not RoleAssignment.objects.filter(user=user, role=role, organization=scope).exists():
            services.role_grant(user=user, role=role, organization=scope, actor=None)
    return demo_logins()


# Civil servants' own accounts (self-service): no role; they read their own file and sign their pledge.
DEMO_SERVANT_ACCOUNTS = [("servant", "刘建国", "市市场监管局")]


def demo_logins() -> list[DemoLogin]:
    return [
        *(
            DemoLogin(username, str(Role(role).label), home, jurisdiction or home)
            for username, _full_name, home, role, jurisdiction in DEMO_USERS
        ),
        *(
            DemoLogin(username, str(_("Civil servant (own file)")), home, home)
            for username, _name, home in DEMO_SERVANT_ACCOUNTS
        ),
    ]


@transaction.atomic
def seed_servant_accounts() -> int:
    """The demo civil servants' own log-ins, linked to their records (after seed_civil_servants)."""
    made = 0
    for username, name, home in DEMO_SERVANT_ACCOUNTS:
        servant = CivilServant.objects.filter(name=name, organization__short_name=home).first()
        if servant is None or User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            full_name=name,
            organization=servant.organization,
            civil_servant=servant,
            email=f"{username}@demo.hangzhou.example",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        made += 1
    return made


DEMO_CIVIL_SERVANTS = [
    ("刘建国", "市市场监管局", "科长", CivilServantRank.PRINCIPAL_CLERK_2),
    ("黄晓梅", "市市场监管局", "科员", CivilServantRank.CLERK_1),
    ("杨志强", "市发改委", "处长", CivilServantRank.RESEARCHER_2),
    ("何丽华", "市财政局", "副处长", CivilServantRank.RESEARCHER_4),
    ("罗文斌", "西湖区市场监管局", "局长", CivilServantRank.RESEARCHER_3),
    ("高秀英", "西湖区发改局", "科员", CivilServantRank.CLERK_2),
    ("林国平", "上城区财政局", "股长", CivilServantRank.PRINCIPAL_CLERK_4),
    ("徐明", "滨江区人力社保局", "科员", CivilServantRank.CLERK_1),
]
LEADING_POSTS = frozenset({"科长", "处长", "副处长", "局长"})  # 领导职务; 股长 is not one
NEW_ENTRANTS = frozenset({"高秀英", "徐明"})


@transaction.atomic
def seed_civil_servants() -> int:
    organizations = {o.short_name: o for o in Organization.objects.all()}
    created = 0
    for index, (name, org, position, rank) in enumerate(DEMO_CIVIL_SERVANTS, start=1):
        staff_number = f"HZ{2017000 + index}"
        if CivilServant.objects.filter(staff_number=staff_number).exists():
            continue
        birth = datetime.date(1970 + index * 3, (index % 12) + 1, 10 + index)
        services.civil_servant_create(
            actor=None,
            name=name,
            organization=organizations[org],
            position=position,
            rank=rank,
            is_leading_cadre=position in LEADING_POSTS,
            # Two entered last year: courses for new entrants are due to them this year.
            entered_service_on=(
                datetime.date(timezone.localdate().year - 1, 9, 1)
                if name in NEW_ENTRANTS
                else datetime.date(1995 + index * 2, 8, 1)
            ),
            staff_number=staff_number,
            resident_id=demo_resident_id("330106", birth, 100 + index),
        )
        created += 1
    return created

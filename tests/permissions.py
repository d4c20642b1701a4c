"""The permission matrix every feature is tested against.

    world = build_world()             # a city, two districts, a department in each, users per persona
    assert_matrix(client, url, {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200})

Personas:
- anonymous: nobody signed in;
- other_org: a staff member (and reviewer) of a department in another district;
- own_org: a staff member of the department that owns the record;
- supervisor: a supervisor whose jurisdiction is the owning department's district.
Later issues add rows (records) and reuse the same four columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from organizations.choices import OrganizationKind, Role
from organizations.models import Organization, User

from .factories import make_organization, user_with_role

ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR = "anonymous", "other_org", "own_org", "supervisor"
PERSONAS = (ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR)


@dataclass
class World:
    city: Organization
    district: Organization
    department: Organization  # the owner of the records under test
    other_district: Organization
    other_department: Organization
    users: dict[str, User | None]

    def user(self, persona: str) -> User | None:
        return self.users[persona]


def build_world(
    *, own_role: str = Role.STAFF, other_role: str = Role.STAFF, supervisor_role: str = Role.SUPERVISOR
) -> World:
    city = make_organization(name="矩阵市人民政府")
    district = make_organization(parent=city, name="甲区人民政府", kind=OrganizationKind.GOVERNMENT)
    department = make_organization(parent=district, name="甲区市场监管局")
    other_district = make_organization(parent=city, name="乙区人民政府", kind=OrganizationKind.GOVERNMENT)
    other_department = make_organization(parent=other_district, name="乙区市场监管局")
    users = {
        ANONYMOUS: None,
        OTHER_ORG: user_with_role(other_role, other_department),
        OWN_ORG: user_with_role(own_role, department),
        SUPERVISOR: user_with_role(supervisor_role, district),
    }
    return World(city, district, department, other_district, other_department, users)


def request_as(client, user: User | None, method: str, url: str, data=None, **extra):
    client.logout()
    if user is not None:
        client.force_login(user)
    call = getattr(client, method.lower())
    if data is None:
        return call(url, **extra)
    return call(url, data, **extra)


def assert_matrix(client, world: World, url: str, expected: dict[str, int], *, method: str = "get", data=None, **extra):
    """Request `url` as each persona and compare status codes; reports every mismatch at once."""
    got = {}
    for persona, _status in expected.items():
        response = request_as(client, world.user(persona), method, url, data, **extra)
        got[persona] = response.status_code
    mismatches = {p: (expected[p], got[p]) for p in expected if expected[p] != got[p]}
    assert not mismatches, f"{method.upper()} {url}: expected≠got per persona: {mismatches}"
    return got

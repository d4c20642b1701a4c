"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import datetime
import itertools

import factory

from core.identifiers import resident_id_check_character
from organizations.choices import OrganizationKind, OrganizationLevel, Role
from organizations.demo import demo_uscc
from organizations.models import CivilServant, Organization, RoleAssignment, User

_serial = itertools.count(1)


def make_organization(*, parent: Organization | None = None, name: str | None = None, **fields) -> Organization:
    """Organizations live in a tree (treebeard), so they are made with add_root / add_child."""
    n = next(_serial)
    values = {
        "name": name or f"测试单位{n}",
        "short_name": fields.pop("short_name", None) or f"测试{n}",
        "kind": OrganizationKind.DEPARTMENT if parent else OrganizationKind.GOVERNMENT,
        "level": OrganizationLevel.DISTRICT if parent else OrganizationLevel.CITY,
        "division_code": "330100",
        "uscc": demo_uscc("330100", 50_000_000 + n),
        **fields,
    }
    if parent is None:
        return Organization.objects.add_root(values)
    return Organization.objects.add_child(parent, values)


def make_resident_id(serial: int, birth: datetime.date = datetime.date(1985, 6, 15), area: str = "330106") -> str:
    body = f"{area}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + resident_id_check_character(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def user_with_role(role: str, organization: Organization, **fields) -> User:
    user = UserFactory(organization=fields.pop("home", organization), **fields)
    RoleAssignment.objects.create(user=user, role=role, organization=organization)
    return user


class CivilServantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CivilServant

    name = factory.Sequence(lambda n: f"公务员{n}")
    position = "科员"
    staff_number = factory.Sequence(lambda n: f"T{n:06d}")
    resident_id = factory.Sequence(lambda n: make_resident_id(n))


__all__ = ["CivilServantFactory", "Role", "UserFactory", "make_organization", "make_resident_id", "user_with_role"]

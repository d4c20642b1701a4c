"""Complaints made through the services, and the people who handle them."""

from __future__ import annotations

from complaints import services
from complaints.choices import Category, Channel
from organizations.choices import Role
from tests.factories import user_with_role


def complaint_data(about, **changes) -> dict:
    return {
        "category": Category.BROKEN_PLEDGE,
        "organization": about,
        "title": "承诺的“一次告知”没有兑现",
        "facts": "今年九月去窗口办理企业登记，工作人员先后三次要求补交不同材料，没有一次性告知。",
        "place": "市民中心三楼",
        "name": "张三",
        "phone": "13800000000",
        "consent_to_share": False,
        **changes,
    }


def file_complaint(about, *, channel=Channel.WEB, actor=None, files=(), received_on=None, **changes):
    return services.complaint_file(
        data=complaint_data(about, **changes), channel=channel, actor=actor, files=files, received_on=received_on
    )


def cast_for(world) -> dict:
    """The intake officer (city), the handling organization's staff and head, supervisors, and outsiders."""
    return {
        "intake": user_with_role(Role.COMPLAINT_INTAKE, world.city),
        "handler": user_with_role(Role.STAFF, world.department),
        "head": user_with_role(Role.REVIEWER, world.department),
        "supervisor": user_with_role(Role.SUPERVISOR, world.district),
        "city_supervisor": user_with_role(Role.SUPERVISOR, world.city),
        "other_staff": user_with_role(Role.STAFF, world.other_department),
        "other_supervisor": user_with_role(Role.SUPERVISOR, world.other_district),
    }

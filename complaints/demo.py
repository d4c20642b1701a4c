"""Demo complaints for `make run`, one in every state, made through the services: received (with a
near-duplicate to merge), accepted, extended, escalated, declined, replied and rated, review requested,
reviewed, merged, substantiated (a dishonesty record proposed), a letter registered by the intake office,
and an anonymous report. Returns the (code, secret) pairs to print, so the tracking page can be tried.
Safe to run again: it does nothing once demo complaints exist."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from organizations.models import Organization, User

from . import services
from .choices import Category, Channel, DeclineReason
from .models import Complaint

DEMO_MARK = "DEMO-"


def _data(organization, title, facts, **more):
    return {
        "category": Category.BROKEN_PLEDGE,
        "organization": organization,
        "title": title,
        "facts": facts,
        "name": "王先生",
        "phone": "13900000000",
        **more,
    }


def seed_complaints() -> list[tuple[str, str, str]]:
    """(label, tracking code, secret) of the demo complaints made now; [] when they exist already."""
    if Complaint.objects.filter(external_reference__startswith=DEMO_MARK).exists():
        return []
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["intake", "staff", "reviewer", "xihu_staff", "xihu_reviewer", "xihu_supervisor", "supervisor"]
        )
    }
    orgs = {o.short_name: o for o in Organization.objects.filter(short_name__in=["市市场监管局", "西湖区市场监管局"])}
    if len(users) < 7 or len(orgs) < 2:
        return []
    city_market, xihu_market = orgs["市市场监管局"], orgs["西湖区市场监管局"]
    intake = users["intake"]
    today = timezone.localdate()
    made: list[tuple[str, str, str]] = []
    serial = iter(range(1, 100))

    def file(label, organization, title, facts, *, channel=Channel.WEB, actor=None, received_on=None, **more):
        filed = services.complaint_file(
            data=_data(organization, title, facts, external_reference=f"{DEMO_MARK}{next(serial)}", **more),
            channel=channel,
            actor=actor,
            received_on=received_on,
        )
        made.append((label, filed.complaint.tracking_code, filed.secret))
        return filed.complaint

    def accept(complaint, handler):
        return services.complaint_accept(complaint=complaint, handling_organization=handler, actor=intake)

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        file(
            "received",
            xihu_market,
            "营业执照变更承诺“即来即办”未兑现",
            "十一月在西湖区市民之家办理营业执照变更，窗口承诺即来即办，实际让我等了五个工作日。",
            consent_to_share=True,
        )
        first = file(
            "received (near-duplicate of the next)",
            city_market,
            "食品经营许可承诺时限未兑现",
            "申请食品经营许可，承诺十个工作日办结，已过二十个工作日仍未办结，多次询问没有答复。",
        )
        duplicate = file(
            "merged into the previous",
            city_market,
            "食品经营许可超过承诺时限",
            "我们公司申请食品经营许可，承诺十个工作日办结，二十多个工作日了仍未办结，询问也没有答复。",
            name="刘女士",
            phone="13700000000",
        )
        services.complaint_merge(complaint=duplicate, into=first, actor=intake)
        accepted = accept(
            file(
                "accepted",
                xihu_market,
                "许可证延续申请被多次要求补件",
                "办理许可证延续，窗口先后三次要求补交不同的材料，没有一次性告知。",
                consent_to_share=True,
            ),
            xihu_market,
        )
        services.complaint_extend(
            complaint=accepted, days=15, reason="需调取窗口录像并约谈当事人员。", actor=users["xihu_reviewer"]
        )
        late = accept(
            file(
                "accepted, escalated",
                xihu_market,
                "承诺的退费一直没有退",
                "去年办理的注销登记，承诺三十日内退还多交的费用，至今未退。",
                received_on=today - datetime.timedelta(days=20),
                channel=Channel.PHONE,
                actor=intake,
            ),
            xihu_market,
        )
        services.complaint_escalate(complaint=late, reason="投诉人多次来电催办。", actor=users["xihu_supervisor"])
        services.complaint_decline(
            complaint=file(
                "declined",
                city_market,
                "对行政处罚决定不服",
                "市场监管局对我店作出的罚款决定我不服，认为处罚过重，要求撤销处罚。",
                category=Category.OTHER,
            ),
            reason=DeclineReason.LITIGATION,
            explanation="对行政处罚决定不服的，可依法申请行政复议或提起行政诉讼；本平台受理政务失信投诉。",
            actor=intake,
        )
        replied = accept(
            file(
                "replied and rated",
                city_market,
                "“一次告知”承诺没有兑现",
                "九月去窗口办理企业登记，工作人员先后三次要求补交不同材料，没有一次性告知。",
                email="complainant@example.com",
            ),
            city_market,
        )
        replied = services.complaint_reply(
            complaint=replied,
            text="经核查，窗口人员未按承诺一次性告知，已对相关人员批评教育，并在窗口公示材料清单。",
            actor=users["staff"],
        )
        services.complaint_rate(complaint=replied, satisfaction=4, comment="答复及时，整改到位。")
        review = accept(
            file(
                "review requested",
                xihu_market,
                "承诺的上门服务没有兑现",
                "区局承诺对年满七十岁的个体户提供上门办理，申请后一直没有安排。",
                category=Category.SERVICE_CONDUCT,
            ),
            xihu_market,
        )
        review = services.complaint_reply(
            complaint=review, text="经核查，已安排工作人员与您联系预约上门时间。", actor=users["xihu_staff"]
        )
        services.complaint_review_request(complaint=review, reason="答复后至今仍没有人联系我，问题没有解决。")
        reviewed = accept(
            file(
                "reviewed",
                city_market,
                "承诺的企业补贴没有发放",
                "去年区里承诺对新设小微企业给予开办补贴，材料交齐后一直没有发放。",
                category=Category.ARREARS,
            ),
            city_market,
        )
        reviewed = services.complaint_reply(complaint=reviewed, text="经核查，补贴已于本月拨付。", actor=users["staff"])
        reviewed = services.complaint_review_request(complaint=reviewed, reason="我没有收到补贴款，请再核实一次。")
        services.complaint_review_answer(
            complaint=reviewed, text="经复核，款项因账户信息错误被退回，已更正并重新拨付。", actor=users["supervisor"]
        )
        substantiated = accept(
            file(
                "substantiated: a dishonesty record proposed",
                xihu_market,
                "招商引资承诺的场地补贴拒不兑现",
                "区里招商时书面承诺三年场地租金补贴，第二年起以政策调整为由停止兑现，多次协商无果。",
                category=Category.CONTRACT_DEFAULT,
                consent_to_share=True,
            ),
            xihu_market,
        )
        substantiated = services.complaint_reply(
            complaint=substantiated, text="经核查，投诉属实，已责令限期兑现承诺。", actor=users["xihu_staff"]
        )
        services.complaint_substantiate(complaint=substantiated, data={}, actor=users["xihu_supervisor"])
        file(
            "registered from a letter",
            city_market,
            "来信反映承诺的检测费减免未落实",
            "来信称：去年承诺对小微企业免收首次检测费，今年办理时仍被收费。",
            channel=Channel.LETTER,
            actor=intake,
            received_on=today - datetime.timedelta(days=3),
            phone="",
            address="杭州市西湖区文三路100号",
        )
        file(
            "anonymous",
            xihu_market,
            "窗口人员暗示“加急费”",
            "办理许可时窗口人员暗示交“加急费”可以当天办结，否则要等两周。",
            category=Category.SERVICE_CONDUCT,
            anonymous=True,
            name="",
            phone="",
        )
    return made

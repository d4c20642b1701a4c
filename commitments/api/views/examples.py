"""Request and response examples for the OpenAPI schema (what /api/docs/ shows)."""

from drf_spectacular.utils import OpenApiExample

CREATE = OpenApiExample(
    "A department pledges one-day business registration",
    value={
        "kind": "department",
        "theme": "better_service",
        "title": "企业开办一日办结",
        "content": "企业开办全流程一个工作日内办结，材料一次告知。",
        "legal_basis": "《优化营商环境条例》第十九条",
        "starts_on": "2026-01-01",
        "due_on": "2026-12-31",
        "responsible_person": "王某某",
    },
    request_only=True,
)
CREATE_STREET = OpenApiExample(
    "A street pledges on elderly care",
    value={
        "kind": "street",
        "service_area": "elderly_care",
        "title": "居家养老服务全覆盖",
        "content": "辖区内八十周岁以上独居老人每周至少上门探访一次。",
        "starts_on": "2026-03-01",
        "due_on": "2026-12-31",
    },
    request_only=True,
)
UPDATE = OpenApiExample("Move the due date of a draft", value={"due_on": "2027-03-31"}, request_only=True)
CORRECT = OpenApiExample(
    "Correct a published pledge's legal basis",
    value={"legal_basis": "《优化营商环境条例》第十九条、第二十条", "reason": "原公开的法律依据漏列第二十条。"},
    request_only=True,
)
WITHDRAW = OpenApiExample(
    "Withdraw a duplicate",
    value={"reason": "与XYCN-000118重复录入，予以撤回。"},
    request_only=True,
)
PROGRESS = OpenApiExample(
    "Progress reported with what was done",
    value={"progress": "60.00", "note": "已完成线上一网通办系统改造，试运行两个月。", "milestone": 12},
    request_only=True,
)
PROGRESS_BACK = OpenApiExample(
    "Progress goes down, with the reason",
    value={"progress": "40.00", "note": "复核后调整进度。", "reason": "上次填报将试运行计入完成量，现予更正。"},
    request_only=True,
)
PROGRESS_DONE = OpenApiExample(
    "The report as recorded",
    value={
        "id": 31,
        "reported_at": "2026-06-30T10:15:00+08:00",
        "progress_before": "40.00",
        "progress_after": "60.00",
        "note": "已完成线上一网通办系统改造，试运行两个月。",
        "reason": "",
        "milestone": 12,
        "source": "form",
        "reported_by_label": "api:业务系统#3",
        "evidence": [
            {
                "id": 7,
                "original_name": "验收报告.pdf",
                "size": 182044,
                "sha256": "9b2e4d6f8a1c3e5b7d9f0a2c4e6b8d1f3a5c7e9b0d2f4a6c8e1b3d5f7a9c0e2b",
                "uploaded_at": "2026-06-30T10:15:00+08:00",
                "report": 31,
                "download": "https://example.org/api/v1/commitments/pledge-evidence/7/",
                "uploaded_by_label": "api:业务系统#3",
            }
        ],
    },
    response_only=True,
)
MILESTONE = OpenApiExample("Due a date", value={"title": "完成系统改造", "due_on": "2026-06-30"}, request_only=True)
MILESTONE_WORKING_DAYS = OpenApiExample(
    "Due twenty working days after the start", value={"title": "材料清单公布", "working_days": 20}, request_only=True
)
MILESTONE_ADDED = OpenApiExample(
    "The milestone as recorded",
    value={
        "id": 12,
        "title": "材料清单公布",
        "due_on": "2026-01-30",
        "due_provisional": False,
        "working_days": 20,
        "done_on": None,
    },
    response_only=True,
)
SETTLE = OpenApiExample(
    "Fulfilled",
    value={"outcome": "fulfilled", "note": "全年企业开办平均用时0.8个工作日，经核验已兑现。"},
    request_only=True,
)
SETTLE_BREACHED = OpenApiExample(
    "Breached (proposes a dishonesty record)",
    value={"outcome": "breached", "note": "承诺的奖励资金逾期十二个月未兑付。", "settled_on": "2026-12-31"},
    request_only=True,
)
CHANGE = OpenApiExample(
    "An investment promise changed for the public interest",
    value={
        "ground": "public_interest",
        "approved_by": "杭州市人民政府",
        "document": "杭政函〔2026〕45号",
        "compensation": "按原承诺标准对企业已投入部分予以补偿。",
        "reason": "项目地块调整为公共绿地，原用地承诺依法变更。",
    },
    request_only=True,
)
EVALUATE = OpenApiExample(
    "A supervisor's evaluation", value={"score": 92, "comment": "按期兑现，群众满意度高。"}, request_only=True
)
DETAIL = OpenApiExample(
    "A published pledge, as the public sees it",
    value={
        "id": 118,
        "reference": "XYCN-000118",
        "shape": "public",
        "kind": "department",
        "kind_display": "部门承诺",
        "organization": {"id": 5, "name": "杭州市市场监督管理局"},
        "title": "企业开办一日办结",
        "theme": "better_service",
        "service_area": "",
        "year": None,
        "parent": None,
        "starts_on": "2026-01-01",
        "due_on": "2026-12-31",
        "progress": "60.00",
        "measured": False,
        "fulfilment": "in_progress",
        "fulfilment_display": "履行中",
        "settled_on": None,
        "status": "published",
        "status_display": "已公开",
        "published_at": "2026-01-05T09:00:00+08:00",
        "content": "企业开办全流程一个工作日内办结，材料一次告知。",
        "legal_basis": "《优化营商环境条例》第十九条",
        "counterparty": "",
        "counterparty_uscc": "",
        "project": "",
        "responsible_person": "王某某",
        "weight": "1.00",
        "settlement_note": "",
        "change_ground": "",
        "change_ground_display": "",
        "change_approved_by": "",
        "change_document": "",
        "change_compensation": "",
        "change_reason": "",
        "evaluation_score": None,
        "evaluation_comment": "",
        "evaluated_at": None,
        "indicator": "",
        "indicator_target": None,
        "version": 2,
        "corrected_at": "2026-06-30T10:15:00+08:00",
        "publicity_ends_on": None,
        "milestones": [MILESTONE_ADDED.value],
        "timeline": [
            {
                "id": 31,
                "reported_at": "2026-06-30T10:15:00+08:00",
                "progress_before": "40.00",
                "progress_after": "60.00",
                "note": "已完成线上一网通办系统改造，试运行两个月。",
                "reason": "",
                "milestone": 12,
                "source": "form",
            }
        ],
        "evidence": [
            {key: value for key, value in PROGRESS_DONE.value["evidence"][0].items() if key != "uploaded_by_label"}
        ],
        "parts": [],
        "measurement": None,
    },
    response_only=True,
)

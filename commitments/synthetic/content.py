"""What synthetic pledges say: titles, names, legal bases and the mix of kinds and endings."""

from __future__ import annotations

from decimal import Decimal

from ..choices import DepartmentTheme, Fulfilment, PledgeKind, ServiceArea

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

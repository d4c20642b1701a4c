"""Pledges of the other kinds: departments (two measured), civil servants, streets, investment, PPP, procurement."""

from __future__ import annotations

import datetime

from ..choices import DepartmentTheme, Fulfilment, LawfulGround, PledgeKind, PPPStage, ServiceArea
from .spec import DAY, DemoPledge, Report, company_uscc

PENALTY_INDICATOR = "disclosures.penalty_published_within"
OBLIGATION_INDICATOR = "dishonesty_records.obligations_on_time"


def other_pledges(today: datetime.date) -> list[DemoPledge]:
    def ago(days: int) -> datetime.date:
        return today - days * DAY

    def ahead(days: int) -> datetime.date:
        return today + days * DAY

    measured_start = ago(300)
    return [
        # Department pledges, every theme; two measured by the portal from its own records.
        DemoPledge(
            "西湖区市场监管局",
            PledgeKind.DEPARTMENT,
            "行政处罚决定七个工作日内上网公示率不低于95%",
            "本局作出的行政处罚决定，自作出决定之日起七个工作日内在“信用杭州”和部门网站公示，公示率不低于95%。"
            "公示率由门户根据本局的行政处罚公示记录自动计算。",
            measured_start,
            measured_start + 364 * DAY,
            fields={
                "theme": DepartmentTheme.OPEN_GOVERNMENT,
                "legal_basis": "“双公示”工作要求：自作出行政决定之日起七个工作日内上网公开",
                "responsible_person": "罗文斌",
                "indicator": PENALTY_INDICATOR,
                "indicator_parameters": {"working_days": 7},
                "indicator_target": 95,
            },
            evaluation=(
                78,
                "个别处罚决定超过七个工作日才上网公示，公示率低于承诺目标，要求建立公示时限预警并按月通报。",
            ),
        ),
        DemoPledge(
            "西湖区政府",
            PledgeKind.DEPARTMENT,
            "政务失信记录的情况说明和整改材料按期提交率100%",
            "对认定的政务失信记录，区政府及时向社会作出情况说明，在规定期限内完成整改并提交整改材料，按期提交率100%。"
            "按期率由门户根据政务失信记录的履责情况自动计算。",
            ago(180),
            ahead(185),
            fields={
                "theme": DepartmentTheme.LAWFUL_ADMINISTRATION,
                "legal_basis": "《杭州市加强政务诚信建设的实施方案》任务5",
                "responsible_person": "西湖区政府办公室",
                "indicator": OBLIGATION_INDICATOR,
                "indicator_target": 100,
            },
        ),
        DemoPledge(
            "市市场监管局",
            PledgeKind.DEPARTMENT,
            "涉企行政许可事项承诺办结时限压缩50%",
            "本局实施的涉企行政许可事项，承诺办结时限在法定时限基础上平均压缩50%以上，办理进度网上实时可查。",
            ago(400),
            ago(35),
            fields={
                "theme": DepartmentTheme.BETTER_SERVICE,
                "legal_basis": "《优化营商环境条例》第三十九条",
                "responsible_person": "刘建国",
            },
            milestones=(("公布许可事项承诺时限清单", None, 20), ("全部事项网上可查办理进度", ago(120), None)),
            reports=(
                Report(40, "承诺时限清单已公布，平均压缩时限46%。", ago(360), milestone=0),
                Report(80, "办理进度查询上线，38项事项平均压缩52%。", ago(150), milestone=1),
                Report(100, "全部52项涉企许可事项平均压缩时限57%，年度按承诺时限办结率99.6%。", ago(40)),
            ),
            ending=("settle", Fulfilment.FULFILLED, "52项事项均达到承诺时限，按期办结率99.6%，承诺兑现。", ago(30)),
            evaluation=(92, "压缩幅度超过承诺，办理进度公开透明；少数事项超时办结已说明原因。"),
        ),
        DemoPledge(
            "市市场监管局",
            PledgeKind.DEPARTMENT,
            "年度食品安全监督抽检任务按期完成率100%",
            "按年度抽检计划完成食品安全监督抽检每千人9批次以上，抽检结果按规定时限向社会公布。",
            ago(395),
            ago(30),
            fields={
                "theme": DepartmentTheme.DUTY,
                "legal_basis": "《中华人民共和国食品安全法》第八十七条",
                "responsible_person": "黄晓梅",
            },
            milestones=(("上半年完成抽检计划的50%", ago(210), None), ("抽检结果全部公布", ago(30), None)),
            reports=(
                Report(30, "第一季度完成抽检计划的27%。", ago(300)),
                Report(60, "上半年完成抽检计划的55%。", ago(210), milestone=0),
                Report(85, "完成抽检计划的92%，农村集体聚餐专项抽检因人员不足滞后。", ago(35)),
            ),
            ending=(
                "settle",
                Fulfilment.PARTLY_FULFILLED,
                "完成年度抽检计划的92%，抽检结果均按时公布；第四季度农村集体聚餐专项抽检未按期完成。",
                ago(20),
            ),
            evaluation=(70, "主要指标完成，但专项抽检未按期完成，要求在下一年度计划中补足并说明原因。"),
        ),
        DemoPledge(
            "市市场监管局",
            PledgeKind.DEPARTMENT,
            "行政执法全过程记录、重大执法决定法制审核全覆盖",
            "行政执法实现文字和音像全过程记录，重大执法决定作出前100%经过法制审核，执法结果按规定公开。",
            ago(120),
            ahead(245),
            fields={
                "theme": DepartmentTheme.LAWFUL_ADMINISTRATION,
                "legal_basis": "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》",
                "responsible_person": "刘建国",
            },
            milestones=(("一线执法人员配齐执法记录仪", None, 30), ("公布重大执法决定法制审核目录", ahead(60), None)),
            reports=(
                Report(
                    35, "一线执法人员执法记录仪配备率100%，音像记录接入执法平台。", ago(70), 0, evidence="配备清单.pdf"
                ),
                Report(50, "重大执法决定法制审核目录已起草并征求意见。", ago(10)),
            ),
        ),
        DemoPledge(
            "市市场监管局",
            PledgeKind.DEPARTMENT,
            "12315投诉举报工单按时办结率不低于98%",
            "12315平台受理的投诉举报，按规定时限办结率不低于98%，办理结果及时反馈投诉人。",
            ahead(28),
            ahead(393),
            fields={"theme": DepartmentTheme.OTHER, "responsible_person": "黄晓梅"},
            publish=False,  # a draft: the reviewer has not published it yet
            milestones=(("建立超时工单预警机制", None, 20),),
        ),
        DemoPledge(
            "市数据资源管理局",
            PledgeKind.DEPARTMENT,
            "政府信息公开申请按期答复率100%",
            "依申请公开政府信息，在法定期限内答复率100%，答复文书规范、救济途径告知完整。",
            ago(60),
            ahead(300),
            fields={
                "theme": DepartmentTheme.OPEN_GOVERNMENT,
                "legal_basis": "《中华人民共和国政府信息公开条例》第三十三条",
            },
            ending=("withdraw", "该事项已并入市政府办公厅统一作出的政务公开承诺，避免重复承诺，予以撤回。"),
        ),
        # Civil servants' pledges before taking office: internal, kept in the person's credit file.
        DemoPledge(
            "市市场监管局",
            PledgeKind.CIVIL_SERVANT,
            "任职信用承诺（刘建国）",
            "本人任职期间遵纪守规、尽职尽责、诚实守信：严格依法履职，不以权谋私，不违规插手市场监管执法事项，"
            "如实报告个人有关事项，自觉接受监督。",
            ago(200),
            ahead(895),
            civil_servant="刘建国",
            fields={"legal_basis": "《中华人民共和国公务员法》第十四条", "is_public": False},
        ),
        DemoPledge(
            "西湖区市场监管局",
            PledgeKind.CIVIL_SERVANT,
            "任职信用承诺（罗文斌）",
            "本人任职期间遵纪守规、尽职尽责、诚实守信，带头落实执法公示和法制审核制度，不干预具体案件办理。",
            ago(420),
            ahead(675),
            civil_servant="罗文斌",
            fields={"legal_basis": "《中华人民共和国公务员法》第十四条", "is_public": False},
        ),
        # Streets and townships: the fourteen public services (§14).
        DemoPledge(
            "西湖区北山街道",
            PledgeKind.STREET,
            "辖区80周岁以上独居老人每周上门探访全覆盖",
            "建立独居高龄老人探访台账，社区网格员和志愿者每周上门探访，探访记录可查，发现问题24小时内响应。",
            ago(150),
            ahead(215),
            fields={"service_area": ServiceArea.ELDERLY_CARE, "responsible_person": "北山街道社会事务科"},
            milestones=(("建立独居高龄老人探访台账", None, 15), ("探访记录接入“浙里康养”", ahead(60), None)),
            reports=(
                Report(40, "建立探访台账，纳入独居高龄老人312人，每周探访覆盖率100%。", ago(110), milestone=0),
                Report(70, "累计探访6900余人次，发现并处置安全隐患37处。", ago(15)),
            ),
        ),
        DemoPledge(
            "西湖区西溪街道",
            PledgeKind.STREET,
            "老旧小区错时共享停车泊位新增600个",
            "协调辖区机关、学校和商业综合体夜间错时开放停车场，为老旧小区居民新增共享泊位600个。",
            ago(300),
            ago(40),
            fields={"service_area": ServiceArea.PARKING, "responsible_person": "西溪街道城管科"},
            milestones=(("签订错时共享协议", None, 30), ("共享泊位全部开放", ago(60), None)),
            reports=(
                Report(45, "与8家单位签订错时共享协议，开放泊位270个。", ago(240), milestone=0),
                Report(100, "新增共享泊位642个，居民可在“城市大脑”预约。", ago(62), milestone=1),
            ),
            ending=("settle", Fulfilment.FULFILLED, "新增共享泊位642个，居民满意度调查满意率93%。", ago(35)),
            evaluation=(90, "按期兑现，泊位预约和收费标准公开，居民反映良好。"),
        ),
        DemoPledge(
            "西湖区灵隐街道",
            PledgeKind.STREET,
            "景区沿线民宿消防安全检查每季度全覆盖",
            "对景区沿线民宿每季度开展一次消防安全检查，隐患整改闭环管理，检查结果在街道公开栏公示。",
            ago(380),
            ago(15),
            fields={"service_area": ServiceArea.SAFETY, "responsible_person": "灵隐街道平安办"},
            milestones=(("建立民宿消防安全档案", None, 20), ("第四季度检查完成", ago(20), None)),
            reports=(
                Report(25, "建立民宿消防安全档案186户，第一季度检查全覆盖。", ago(290), milestone=0),
                Report(75, "前三季度检查全覆盖，整改隐患214处。", ago(100)),
            ),
            ending=(
                "settle",
                Fulfilment.PARTLY_FULFILLED,
                "前三季度检查全覆盖；第四季度因汛期抢险人员抽调，仅完成检查142户（76%）。",
                ago(10),
            ),
        ),
        DemoPledge(
            "上城区湖滨街道",
            PledgeKind.STREET,
            "登记失业人员就业帮扶“一人一策”，再就业率不低于70%",
            "对辖区登记失业人员逐一建立帮扶档案，提供岗位推荐、技能培训和创业指导，年内再就业率不低于70%。",
            ago(90),
            ahead(275),
            fields={"service_area": ServiceArea.EMPLOYMENT, "responsible_person": "湖滨街道劳动保障所"},
            milestones=(("完成帮扶档案建立", None, 20), ("再就业率达到50%", ahead(90), None)),
            reports=(Report(35, "建立帮扶档案418份，已实现再就业146人。", ago(40), milestone=0),),
        ),
        DemoPledge(
            "拱墅区米市巷街道",
            PledgeKind.STREET,
            "建成“15分钟便民生活圈”，新增便民服务点20个",
            "在社区新增家政、维修、助浴等便民服务点20个，服务价格公示，群众办事不出社区。",
            ago(250),
            ago(20),
            fields={"service_area": ServiceArea.CONVENIENCE, "responsible_person": "米市巷街道经济发展办"},
            milestones=(("完成便民服务点布点规划", None, 25), ("便民服务点全部开放", ago(20), None)),
            reports=(
                Report(30, "布点规划已公布，建成服务点6个。", ago(200), milestone=0),
                Report(80, "建成服务点16个，其余4个因用房协调未落实。", ago(45)),
            ),
        ),  # past its due date unsettled: the sweep turns it overdue
        DemoPledge(
            "滨江区西兴街道",
            PledgeKind.STREET,
            "新市民子女入学申请一站式受理、材料一次告知",
            "街道便民服务中心设立入学咨询专窗，新市民子女入学申请材料一次告知、一站式受理，3个工作日内完成初审。",
            ago(100),
            ahead(120),
            fields={"service_area": ServiceArea.SCHOOLING, "responsible_person": "西兴街道便民服务中心"},
            milestones=(("开设入学咨询专窗", None, 10), ("秋季入学申请初审全部完成", ahead(60), None)),
            reports=(
                Report(45, "入学咨询专窗已开设，受理申请1260件，初审均在3个工作日内完成。", ago(60), milestone=0),
            ),
        ),
        DemoPledge(
            "上城区小营街道",
            PledgeKind.STREET,
            "重点优抚对象走访慰问和帮扶需求办理全覆盖",
            "建立退役军人和重点优抚对象联系走访制度，节日走访全覆盖，帮扶需求15个工作日内办结。",
            ago(200),
            ahead(165),
            fields={"service_area": ServiceArea.MILITARY_FAMILIES, "responsible_person": "小营街道退役军人服务站"},
            milestones=(("建立联系走访台账", None, 15), ("春节、八一走访完成", ago(120), None)),
            reports=(Report(60, "春节、八一走访全覆盖，办结帮扶需求58件。", ago(120), milestone=1),),
        ),
        # Investment promotion (§12): a promise and contracts, kept, changed lawfully, broken.
        DemoPledge(
            "西湖区政府",
            PledgeKind.INVESTMENT_PROMISE,
            "云谷人工智能产业园落户企业三年办公用房租金补贴",
            "对落户云谷人工智能产业园的企业，按协议给予前三年办公用房租金全额补贴，补贴于每年6月底前兑现。",
            ago(420),
            ahead(680),
            fields={
                "counterparty": "杭州云栖智算科技有限公司",
                "counterparty_uscc": company_uscc("330106", 17),
                "legal_basis": "《西湖区促进人工智能产业发展若干政策》",
                "responsible_person": "西湖区投资促进局",
            },
            reports=(Report(35, "第一年度租金补贴312万元已于6月底前全额兑现。", ago(160)),),
            ending=(
                "change",
                LawfulGround.PUBLIC_INTEREST,
                "杭州市西湖区人民政府常务会议",
                f"西政办〔{today.year}〕23号",
                "原承诺提供的产业用房所在地块纳入地铁站点及配套工程建设范围，无法继续交付使用，"
                "改为在紫金港科技城提供同等面积产业用房并继续按原标准兑现租金补贴。",
                "依法补偿企业装修投入及搬迁费用共计286万元，过渡期租金补贴按原标准延长6个月，已与企业签订补充协议。",
            ),
        ),
        DemoPledge(
            "萧山区政府",
            PledgeKind.INVESTMENT_CONTRACT,
            "智能装备产业园项目投资合同：约定期限内交付净地",
            "按投资合同约定，在签约后12个月内向企业交付116亩净地并完成“七通一平”，配合办理项目供地和规划许可手续。",
            ago(520),
            ago(150),
            fields={
                "counterparty": "杭州星河智能装备有限公司",
                "counterparty_uscc": company_uscc("330109", 203),
                "project": "萧山经济技术开发区智能装备产业园项目",
                "legal_basis": "《中华人民共和国民法典》第五百零九条；项目投资合同第六条",
                "responsible_person": "萧山区投资促进局",
            },
            reports=(Report(60, "完成地块征收和农转用报批，“七通一平”完成60%。", ago(200)),),
            ending=(
                "settle",
                Fulfilment.BREACHED,
                "管委会换届后调整产业园规划，未按合同约定期限交付净地，也未依照法定程序变更合同，"
                "企业投资计划延误近半年。",
                ago(100),
            ),
        ),
        DemoPledge(
            "高新区管委会",
            PledgeKind.INVESTMENT_CONTRACT,
            "数字安防产业项目投资协议：人才公寓和设备补助分期兑现",
            "按投资协议为企业提供人才公寓200套，按设备投资额的10%分三期给予补助，每期在验收后60日内兑现。",
            ago(240),
            ahead(490),
            fields={
                "counterparty": "杭州天视数字安防技术有限公司",
                "counterparty_uscc": company_uscc("330108", 58),
                "project": "数字安防产业基地项目",
                "responsible_person": "高新区（滨江）投资促进局",
            },
            milestones=(("交付人才公寓200套", ago(120), None), ("兑现第二期设备补助", ahead(150), None)),
            reports=(
                Report(30, "第一期设备补助1860万元已兑现。", ago(180)),
                Report(50, "人才公寓200套已交付入住。", ago(118), milestone=0),
            ),
        ),
        DemoPledge(
            "市商务局",
            PledgeKind.INVESTMENT_PROMISE,
            "外资研发中心落户奖励按期兑现",
            "对经认定的外资研发中心，按政策一次性给予落户奖励500万元，于认定后90日内兑现。",
            ago(260),
            ago(100),
            fields={
                "counterparty": "杭州博德生物医药研发有限公司",
                "counterparty_uscc": company_uscc("330100", 391),
                "legal_basis": "《杭州市关于进一步促进外资研发中心发展的若干意见》",
                "responsible_person": "市商务局外资处",
            },
            reports=(Report(100, "落户奖励500万元已于认定后第62日拨付到位。", ago(198)),),
            ending=("settle", Fulfilment.FULFILLED, "奖励资金按期足额拨付，企业已确认收款。", ago(190)),
        ),
        # PPP (§10): the government side's duties, who answered for each stage, and a handover.
        DemoPledge(
            "市建委",
            PledgeKind.PPP_DUTY,
            "城东再生水厂及配套管网PPP项目政府方责任",
            "政府方按项目合同履行前期审批、征地拆迁配合、建设期监管和运营期绩效考核责任，可用性服务费纳入财政中期预算并按期支付。",
            ago(900),
            ahead(2700),
            fields={
                "project": "杭州市城东再生水厂及配套管网PPP项目",
                "legal_basis": "《政府和社会资本合作项目财政管理暂行办法》；项目合同",
                "responsible_person": "周海涛",
            },
            milestones=(("完成项目公司组建", ago(640), None), ("一期工程通水运行", ahead(200), None)),
            reports=(
                Report(20, "完成社会资本方采购和项目公司组建。", ago(630), milestone=0),
                Report(45, "完成征地拆迁配合和管网一期建设，纳入中期财政规划。", ago(200)),
            ),
            ppp=(
                (PPPStage.PREPARATION, "赵立群", ago(900)),
                (PPPStage.TENDERING, "钱晓东", ago(780)),
                (PPPStage.PROCUREMENT, "钱晓东", ago(720)),
                (PPPStage.FINANCING, "孙卫华", ago(660)),
                (PPPStage.IMPLEMENTATION, "李建明", ago(620)),
                (PPPStage.IMPLEMENTATION, "周海涛", ago(120)),  # the handover: 李建明 answered until then
            ),
        ),
        DemoPledge(
            "西湖区政府",
            PledgeKind.PPP_DUTY,
            "三墩片区综合管廊PPP项目可用性服务费按期足额支付",
            "按项目合同约定，于每年度绩效考核后30日内足额支付可用性服务费，支付情况向社会公开。",
            ago(420),
            ago(45),
            fields={
                "project": "西湖区三墩片区综合管廊PPP项目",
                "legal_basis": "项目合同第十二条",
                "responsible_person": "西湖区财政局",
            },
            reports=(Report(60, "完成年度绩效考核，已支付可用性服务费的60%。", ago(90)),),
            ppp=(
                (PPPStage.FINANCING, "陈立波", ago(420)),
                (PPPStage.IMPLEMENTATION, "吴海鹰", ago(420)),
            ),
        ),  # past its due date unsettled: the sweep turns it overdue
        # Government procurement contracts (§9): paying suppliers as agreed.
        DemoPledge(
            "市市场监管局",
            PledgeKind.PROCUREMENT_CONTRACT,
            "食品安全快检设备采购合同：验收合格后30日内付款",
            "按采购合同约定，设备验收合格后30日内一次性支付合同款，不以机构调整、人员变动等理由拖延付款。",
            ago(210),
            ago(60),
            fields={
                "counterparty": "浙江禾正检测技术有限公司",
                "counterparty_uscc": company_uscc("330106", 77),
                "project": f"食品安全快检设备采购项目（HZCG-{today.year}-0318）",
                "legal_basis": "《保障中小企业款项支付条例》第八条",
                "responsible_person": "黄晓梅",
            },
            milestones=(("设备到货验收", ago(110), None),),
            reports=(
                Report(50, "设备到货并通过验收。", ago(108), milestone=0),
                Report(100, "合同款186.4万元已于验收后第21日支付。", ago(87), evidence="付款凭证.pdf"),
            ),
            ending=("settle", Fulfilment.FULFILLED, "验收后21日内付清合同款，供应商已确认。", ago(80)),
        ),
        DemoPledge(
            "市数据资源管理局",
            PledgeKind.PROCUREMENT_CONTRACT,
            "政务云资源服务采购合同：按季度考核后付款",
            "按政务云服务采购合同，每季度服务考核后15个工作日内支付服务费，考核结果告知服务商。",
            ago(150),
            ahead(215),
            fields={
                "counterparty": "浙江数智云服务有限公司",
                "counterparty_uscc": company_uscc("330108", 412),
                "project": "杭州市政务云资源服务采购项目",
                "responsible_person": "市数据资源管理局规划财务处",
            },
            milestones=(("第二季度服务费支付", None, 80), ("第三季度服务费支付", ahead(20), None)),
            reports=(Report(25, "第一季度考核完成，服务费已支付。", ago(80)),),
        ),
    ]

"""Vocabulary of the synthetic data: trade names, people, violations and their sanctions per department, licences."""

from __future__ import annotations

import decimal
from dataclasses import dataclass

from core.publication import PublicationStatus
from organizations.demo import DISTRICTS

from ..choices import (
    LicenseCategory,
    PenaltyKind,
    SafetyDomain,
)

CREATED_BY_LABEL = "generate_disclosures（合成基准数据）"
PUBLISHED = PublicationStatus.PUBLISHED
DRAFT = PublicationStatus.DRAFT
YUAN_PER_WAN = decimal.Decimal(10000)

# --- names ---------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


TRADE_CHARS = (
    "恒泰华鑫盛达隆兴瑞丰源祥宏远佳利明德信诚通安康汇金正天宇博创新凯旋嘉禾润泽卓越锦程星辰晨光永辉富成鼎益"
    "合力东方海纳百川银河智联云帆腾飞致弘毅启航万象尚品优格中亿顺昌荣盈科鸿运千禧美君豪星宝聚众和谐大江南北"
    "中浙钱塘之江西子运河良渚湘湖龙井青山绿水春秋碧蓝海阳光建业联合新世纪时代未来万通九州神州"
)
INDUSTRIES_BY_PROFILE = {
    "market": _words(
        "餐饮管理 食品 贸易 商贸 电子商务 网络科技 生物科技 医疗器械 化妆品 服饰 超市 酒店管理 文化传媒 广告 健康管理 电梯工程 电器 家居用品 茶业 农产品"
    ),
    "ecology": _words(
        "化工 印染 纺织 电镀 新材料 环保科技 建材 机械制造 五金制品 造纸 橡塑制品 汽车零部件 金属表面处理"
    ),
    "transport": _words("物流 运输 货运 汽车运输 供应链管理 客运 货物运输 渣土运输"),
    "safety": _words("化工 机械 金属制品 建筑工程 燃气 石化 新能源 包装材料 仓储 木业"),
    "urban": _words("建筑工程 装饰工程 房地产开发 物业管理 广告 餐饮管理 市政工程 园林绿化 建筑渣土运输"),
    "construction": _words("建设 建筑工程 市政工程 装饰工程 混凝土 建筑劳务 幕墙工程 钢结构工程"),
    "health": _words("医疗美容诊所 口腔门诊部 中医门诊部 医院管理 健康管理 美容美发 养生保健"),
    "police": _words("娱乐 酒店管理 网吧 保安服务 旅馆 文化娱乐 沐足"),
    "labour": _words("人力资源 劳务派遣 服饰 电子 建筑劳务 保洁服务 餐饮管理"),
    "land": _words("房地产开发 农业开发 矿业 石料 建材 生态农业"),
    "commerce": _words("商贸 美容美发 健身服务 教育咨询 洗车服务 进出口"),
    "finance": _words("会计服务 财务咨询 投资管理 商贸 信息技术 工程咨询"),
    "education": _words("教育科技 文化艺术 教育咨询 体育发展"),
}
SHOPS_BY_PROFILE = {
    "market": _words(
        "餐饮店 小吃店 面馆 便利店 副食品店 水果店 烟酒店 服装店 美容美发店 五金店 日用品商店 熟食店 茶叶店 早餐店 奶茶店 电器维修部 眼镜店"
    ),
    "ecology": _words("五金加工厂 塑料制品厂 汽车修理厂 洗涤厂 印花加工厂"),
    "transport": _words("货运部 汽车修理店 运输部 物流代办点"),
    "safety": _words("五金加工厂 木制品加工厂 机械加工厂 液化气供应站"),
    "urban": _words("餐饮店 小吃店 烧烤店 装饰材料店 水果店 广告制作部"),
    "construction": _words("装饰材料店 建材经营部"),
    "health": _words("诊所 美容美发店 足浴店 推拿店"),
    "police": _words("旅馆 网吧 足浴店 KTV"),
    "labour": _words("服装加工厂 餐饮店"),
    "land": _words("石材加工厂 农家乐"),
    "commerce": _words("美容美发店 洗车店 健身工作室"),
    "finance": _words("代理记账服务部"),
    "education": _words("培训工作室"),
}
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "楼俞应章翁童裘倪戚"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍文辉波斌宇浩凯鹏飞亮俊峰晨欣怡婷雪梅琳"
    "海燕晓丹佳颖晶慧莉春燕荣伟家豪子涵梓轩一诺浩然雨桐思远嘉怡建军永康国平建华卫东少华金法阿根水根美娟"
)
# Where people's resident IDs come from: mostly Hangzhou and Zhejiang, then the usual provinces of migrants.
ID_AREAS = [
    *(code for _name, code, _suffix, _streets in DISTRICTS),
    *["330302", "330381", "330624", "330726", "331081", "330483", "330521", "330782", "330881", "330424"],
    *["341222", "340823", "362330", "411522", "510722", "513022", "522126", "430524", "421127", "362422"],
    *["320381", "370883", "610323", "452122"],
]
PLATE_PREFIXES = ["浙A"] * 8 + ["浙B", "浙C", "浙D", "浙F", "浙G", "浙H", "浙K", "皖K", "赣E", "苏E", "豫P"]
PLATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
DISTRICT_ABBREVIATIONS = {
    "上城区": "杭上",
    "拱墅区": "杭拱",
    "西湖区": "杭西",
    "滨江区": "杭滨",
    "萧山区": "萧",
    "余杭区": "余",
    "临平区": "临平",
    "钱塘区": "钱塘",
    "富阳区": "富",
    "临安区": "临安",
    "桐庐县": "桐",
    "淳安县": "淳",
    "建德市": "建",
}

# --- who decides what ---------------------------------------------------------------------------

# (keyword in the organization's name, profile, abbreviation in decision numbers, weight at city level,
#  weight at district level). Organizations matching none (the government itself, 信访局 …) decide nothing.
AUTHORITY_KINDS = [
    ("市场监督管理", "market", "市监", 10, 8),
    ("生态环境", "ecology", "环", 7, 4),
    ("交通运输", "transport", "交", 7, 4),
    ("应急管理", "safety", "应急", 4, 3),
    ("综合行政执法", "urban", "综执", 4, 5),
    ("城市管理", "urban", "城管", 4, 3),
    ("公安局", "police", "公", 3, 2),
    ("卫生健康", "health", "卫", 3, 2),
    ("城乡建设", "construction", "建", 3, 2),
    ("人力资源和社会保障", "labour", "人社", 2, 1),
    ("规划和自然资源", "land", "规资", 2, 1),
    ("商务局", "commerce", "商务", 1, 1),
    ("财政", "finance", "财", 0.6, 0.3),
    ("发展和改革", "finance", "发改", 0.4, 0.2),
    ("教育局", "education", "教", 1, 1),
    ("民政局", "civil", "民", 0.5, 0.5),
    ("司法局", "justice", "司", 0.5, 0.5),
    ("街道", "street", "综执", 0.8, 0.8),
    ("镇人民政府", "street", "综执", 0.8, 0.8),
    ("管理委员会", "zone", "管", 2, 2),
]
ZONE_PROFILES = ["market", "urban", "safety", "construction"]


# --- violations ---------------------------------------------------------------------------------

F = PenaltyKind.FINE
W = PenaltyKind.WARNING
CG = PenaltyKind.CONFISCATION_OF_ILLEGAL_GAINS
CP = PenaltyKind.CONFISCATION_OF_ILLEGAL_PROPERTY
LS = PenaltyKind.LICENSE_SUSPENSION
LR = PenaltyKind.LICENSE_REVOCATION
BR = PenaltyKind.BUSINESS_RESTRICTION
PS = PenaltyKind.PRODUCTION_SUSPENSION
PR = PenaltyKind.PRACTICE_RESTRICTION
DT = PenaltyKind.DETENTION
QD = PenaltyKind.QUALIFICATION_DOWNGRADE
CL = PenaltyKind.CLOSURE
PC = PenaltyKind.PUBLIC_CRITICISM


@dataclass(frozen=True)
class Sanction:
    weight: float
    kinds: tuple[str, ...]
    fine: tuple[int, int, int] | None = None  # yuan: low, high, rounding step
    gains: tuple[int, int] | None = None  # yuan confiscated (illegal gains or property value)


@dataclass(frozen=True)
class Violation:
    weight: float
    type: str
    facts: tuple[str, ...]
    basis: str
    sanctions: tuple[Sanction, ...]
    subjects: tuple[float, float, float] = (0.75, 0.25, 0.0)  # legal person, individual business, natural person
    domain: str = SafetyDomain.NONE
    license: str = ""  # permit named when a licence is suspended or revoked
    property: str = "涉案商品"


VIOLATIONS: dict[str, list[Violation]] = {
    "market": [
        Violation(
            14,
            "虚假宣传",
            (
                "当事人在其经营场所及微信公众号发布“{claim}”等宣传内容，无法提供证据证明，对商品的性能、功能作虚假的商业宣传，欺骗、误导消费者。",
                "当事人在天猫店铺商品详情页宣称其销售的{goods}“{claim}”，经查无事实依据，构成虚假宣传。",
            ),
            "《中华人民共和国反不正当竞争法》第八条第一款、第二十条第一款",
            (
                Sanction(6, (F,), (10000, 200000, 1000)),
                Sanction(2, (F, CG), (10000, 200000, 1000), (500, 60000)),
                Sanction(1, (W,)),
            ),
        ),
        Violation(
            10,
            "无照经营",
            (
                "当事人未依法取得营业执照，擅自在{place}从事{business}经营活动，至案发时违法所得{gain}元。",
                "当事人营业执照被吊销后，仍在{place}继续从事{business}经营活动。",
            ),
            "《无证无照经营查处办法》第二条、第十三条",
            (Sanction(5, (F,), (500, 10000, 100)), Sanction(3, (F, CG), (500, 10000, 100), (200, 8000))),
            subjects=(0.05, 0.25, 0.7),
        ),
        Violation(
            16,
            "食品安全",
            (
                "当事人经营超过保质期的{food}，货值金额{value}元，违法所得{gain}元。",
                "当事人未按规定查验供货者的许可证和食品出厂检验合格证，购进并销售{food}。",
                "当事人餐饮服务场所后厨未落实防蝇防鼠设施，食品原料与成品混放，经责令改正拒不改正。",
                "当事人生产的{food}经抽样检验，{item}项目不符合GB 2760-2014要求，检验结论为不合格。",
            ),
            "《中华人民共和国食品安全法》第三十四条第（十）项、第一百二十四条第一款第（五）项",
            (
                Sanction(5, (F, CG, CP), (50000, 100000, 1000), (100, 20000)),
                Sanction(4, (W, F), (5000, 50000, 500)),
                Sanction(2, (F,), (5000, 50000, 500)),
                Sanction(1, (F, CG, LR), (50000, 150000, 1000), (1000, 50000)),
            ),
            subjects=(0.55, 0.45, 0.0),
            license="食品经营许可证",
            property="涉案食品",
        ),
        Violation(
            5,
            "价格违法",
            (
                "当事人在销售{goods}时未按规定明码标价，亦未标示品名、产地、规格等内容。",
                "当事人在促销活动中虚构原价，以“{claim}”进行价格宣传。",
            ),
            "《中华人民共和国价格法》第十三条、第四十二条",
            (Sanction(4, (F,), (500, 5000, 100)), Sanction(2, (W,))),
            subjects=(0.5, 0.5, 0.0),
        ),
        Violation(
            5,
            "销售不合格产品",
            ("当事人销售的{goods}经抽样检验不合格，货值金额{value}元，违法所得{gain}元。",),
            "《中华人民共和国产品质量法》第三十九条、第五十条",
            (Sanction(3, (F, CG, CP), (2000, 60000, 100), (100, 20000)), Sanction(1, (F, CP), (2000, 30000, 100))),
        ),
        Violation(
            4,
            "特种设备安全",
            (
                "当事人使用未经定期检验的{equipment}，检验有效期已于{expired}届满。",
                "当事人使用的{equipment}操作人员未取得特种设备安全管理和作业人员证书。",
            ),
            "《中华人民共和国特种设备安全法》第四十条第三款、第八十四条第（一）项",
            (Sanction(4, (F,), (30000, 300000, 1000)), Sanction(1, (F, PS), (30000, 300000, 1000))),
            subjects=(0.95, 0.05, 0.0),
            domain=SafetyDomain.SPECIAL_EQUIPMENT,
        ),
        Violation(
            3,
            "商标侵权",
            ("当事人销售侵犯“{brand}”注册商标专用权的{goods}共计{pieces}件，经营额{value}元。",),
            "《中华人民共和国商标法》第五十七条第（三）项、第六十条第二款",
            (Sanction(3, (F, CP), (5000, 250000, 500)),),
            subjects=(0.4, 0.6, 0.0),
            property="侵权商品",
        ),
    ],
    "ecology": [
        Violation(
            12,
            "超标排放",
            (
                "当事人废水总排口{pollutant}浓度为{conc}mg/L，超过《污水综合排放标准》（GB 8978-1996）三级标准限值。",
                "经监测，当事人废气排放口{gas}排放浓度为{conc}mg/m³，超过《大气污染物综合排放标准》（GB 16297-1996）限值。",
            ),
            "《中华人民共和国水污染防治法》第十条、第八十三条第（二）项",
            (Sanction(5, (F,), (100000, 1000000, 1000)), Sanction(1, (F, PS), (100000, 1000000, 1000))),
            subjects=(0.95, 0.05, 0.0),
        ),
        Violation(
            6,
            "未批先建",
            ("当事人{project}项目环境影响评价文件未经批准，擅自开工建设并投入生产，项目总投资{invest}万元。",),
            "《中华人民共和国环境影响评价法》第二十五条、第三十一条第一款",
            (Sanction(4, (F,), (20000, 500000, 1000)),),
            subjects=(1.0, 0.0, 0.0),
        ),
        Violation(
            5,
            "危险废物违法处置",
            ("当事人未按规定贮存{waste}，将约{tons}吨危险废物露天堆放，未设置识别标志。",),
            "《中华人民共和国固体废物污染环境防治法》第七十七条、第一百一十二条第一款第（六）项",
            (Sanction(4, (F,), (100000, 1000000, 1000)),),
            subjects=(1.0, 0.0, 0.0),
        ),
        Violation(
            5,
            "未正常运行污染防治设施",
            ("当事人生产期间{facility}未正常运行，{pollutant}未经处理直接排放。",),
            "《中华人民共和国大气污染防治法》第二十条第二款、第九十九条第（三）项",
            (Sanction(4, (F,), (100000, 1000000, 1000)),),
            subjects=(0.9, 0.1, 0.0),
        ),
    ],
    "transport": [
        Violation(
            14,
            "超限运输",
            (
                "当事人驾驶{plate}号重型半挂牵引车在{road}行驶，经检测车货总质量{total}吨，超过限定标准{limit}吨，超限{over}%。",
            ),
            "《中华人民共和国公路法》第五十条、《公路安全保护条例》第三十三条第一款、第六十四条",
            (Sanction(5, (F,), (500, 30000, 100)),),
            subjects=(0.35, 0.05, 0.6),
        ),
        Violation(
            8,
            "非法营运",
            (
                "当事人未取得道路运输经营许可，驾驶{plate}号小型轿车通过网络平台擅自从事网约车客运经营，违法所得{gain}元。",
                "当事人未取得道路运输经营许可，使用{plate}号货车擅自从事道路货物运输经营。",
            ),
            "《中华人民共和国道路运输条例》第六十三条",
            (Sanction(4, (F,), (3000, 10000, 500)), Sanction(2, (F, CG), (3000, 30000, 500), (100, 5000))),
            subjects=(0.1, 0.0, 0.9),
        ),
        Violation(
            4,
            "未按规定维护检测营运车辆",
            ("当事人所属{plate}号营运车辆未按规定进行二级维护和综合性能检测，仍从事运输经营。",),
            "《中华人民共和国道路运输条例》第三十一条、第七十条第一款",
            (Sanction(3, (F,), (1000, 5000, 100)), Sanction(1, (W,))),
            subjects=(0.9, 0.1, 0.0),
        ),
        Violation(
            2,
            "道路运输安全违法",
            ("当事人所属{plate}号危险货物运输车辆未按规定安装或者使用具有行驶记录功能的卫星定位装置。",),
            "《道路危险货物运输管理规定》第五十一条第一款、第六十五条",
            (Sanction(3, (F,), (5000, 20000, 1000)), Sanction(1, (F, LS), (10000, 20000, 1000))),
            subjects=(1.0, 0.0, 0.0),
            license="道路运输经营许可证",
        ),
    ],
    "safety": [
        Violation(
            10,
            "安全生产",
            (
                "当事人未按规定对从业人员进行安全生产教育和培训，{workers}名{job}未经安全培训即上岗作业。",
                "当事人未建立安全风险分级管控制度，未对{place}存在的事故隐患采取措施消除。",
                "当事人{place}未设置明显的安全警示标志，{equipment}防护装置缺失。",
            ),
            "《中华人民共和国安全生产法》第二十八条第一款、第九十七条第（三）项",
            (Sanction(6, (F,), (10000, 100000, 1000)), Sanction(2, (W, F), (10000, 50000, 1000))),
            subjects=(0.9, 0.1, 0.0),
            domain=SafetyDomain.WORK_SAFETY,
        ),
        Violation(
            4,
            "危险化学品安全违法",
            ("当事人未取得危险化学品经营许可证，在{place}储存、经营{chemical}约{tons}吨。",),
            "《危险化学品安全管理条例》第三十三条第一款、第七十七条第三款",
            (
                Sanction(3, (F, CG, CP), (100000, 200000, 1000), (1000, 50000)),
                Sanction(1, (F, LR), (100000, 200000, 1000)),
            ),
            subjects=(0.85, 0.15, 0.0),
            domain=SafetyDomain.WORK_SAFETY,
            license="危险化学品经营许可证",
            property="危险化学品",
        ),
        Violation(
            2,
            "生产安全事故",
            ("当事人{place}发生一起{accident}事故，造成{injured}人受伤，当事人对事故发生负有责任。",),
            "《中华人民共和国安全生产法》第一百一十四条第一款第（一）项",
            (Sanction(3, (F,), (300000, 1000000, 10000)), Sanction(1, (F, LS), (300000, 1000000, 10000))),
            subjects=(1.0, 0.0, 0.0),
            domain=SafetyDomain.WORK_SAFETY,
            license="安全生产许可证",
        ),
    ],
    "urban": [
        Violation(
            8,
            "违法建设",
            ("当事人未取得建设工程规划许可证，擅自在{place}搭建{structure}，面积约{area}平方米。",),
            "《中华人民共和国城乡规划法》第四十条第一款、第六十四条",
            (Sanction(3, (F,), (5000, 200000, 100)),),
            subjects=(0.5, 0.1, 0.4),
        ),
        Violation(
            8,
            "违反市容环境卫生管理规定",
            (
                "当事人在{place}占道经营，经劝阻拒不改正。",
                "当事人在{place}乱堆放{stuff}，影响市容环境卫生。",
                "当事人未经批准在{place}擅自设置户外广告牌，面积约{area}平方米。",
            ),
            "《杭州市城市市容和环境卫生管理条例》第十八条、第五十三条",
            (Sanction(5, (F,), (50, 2000, 50)), Sanction(1, (W,))),
            subjects=(0.2, 0.4, 0.4),
        ),
        Violation(
            6,
            "建筑垃圾违规处置",
            ("当事人所属{plate}号渣土运输车辆未密闭运输，沿途撒漏建筑垃圾约{tons}吨。",),
            "《城市建筑垃圾管理规定》第十四条、第二十三条",
            (Sanction(4, (F,), (5000, 50000, 1000)),),
            subjects=(0.9, 0.0, 0.1),
        ),
        Violation(
            3,
            "餐饮油烟违法排放",
            ("当事人未安装油烟净化设施，在{place}从事餐饮服务，油烟直接排放。",),
            "《中华人民共和国大气污染防治法》第八十一条第一款、第一百一十八条第一款",
            (Sanction(3, (F,), (5000, 50000, 500)),),
            subjects=(0.3, 0.7, 0.0),
        ),
    ],
    "construction": [
        Violation(
            6,
            "扬尘污染防治不力",
            ("当事人承建的{project}项目施工现场未采取覆盖、洒水等扬尘防治措施，裸露土方约{area}平方米。",),
            "《中华人民共和国大气污染防治法》第六十九条第三款、第一百一十五条第一款第（一）项",
            (Sanction(4, (F,), (10000, 100000, 1000)),),
            subjects=(1.0, 0.0, 0.0),
        ),
        Violation(
            4,
            "未取得施工许可擅自施工",
            ("当事人{project}项目未取得施工许可证擅自开工，合同价款{invest}万元。",),
            "《中华人民共和国建筑法》第七条、第六十四条，《建筑工程施工许可管理办法》第十二条",
            (Sanction(3, (F,), (10000, 200000, 1000)),),
            subjects=(1.0, 0.0, 0.0),
        ),
        Violation(
            2,
            "违反工程质量管理规定",
            ("当事人在{project}项目施工中偷工减料，使用不合格的{material}。",),
            "《建设工程质量管理条例》第二十八条、第六十四条",
            (Sanction(3, (F,), (100000, 800000, 10000)), Sanction(1, (F, QD), (100000, 800000, 10000))),
            subjects=(1.0, 0.0, 0.0),
        ),
    ],
    "police": [
        Violation(
            5,
            "消防安全违法",
            (
                "当事人经营场所{place}占用、堵塞疏散通道，安全出口上锁。",
                "当事人经营场所消防设施未保持完好有效，{equipment}损坏未及时维修。",
            ),
            "《中华人民共和国消防法》第二十八条、第六十条第一款第（三）项",
            (Sanction(4, (F,), (5000, 50000, 500)), Sanction(1, (W,))),
            subjects=(0.6, 0.4, 0.0),
            domain=SafetyDomain.FIRE_SAFETY,
        ),
        Violation(
            3,
            "违反治安管理",
            ("当事人在{place}因琐事与他人发生纠纷，殴打他人致轻微伤。",),
            "《中华人民共和国治安管理处罚法》第四十三条第一款",
            (Sanction(3, (DT,)), Sanction(2, (DT, F), (200, 500, 100))),
            subjects=(0.0, 0.0, 1.0),
        ),
        Violation(
            2,
            "旅馆业治安管理违法",
            ("当事人经营的旅馆未按规定登记住宿旅客身份信息。",),
            "《旅馆业治安管理办法》第六条、《浙江省旅馆业治安管理办法》第二十四条",
            (Sanction(3, (F,), (500, 5000, 100)), Sanction(1, (W,))),
            subjects=(0.5, 0.5, 0.0),
        ),
    ],
    "health": [
        Violation(
            5,
            "医疗机构违法执业",
            (
                "当事人使用非卫生技术人员从事{treatment}等医疗卫生技术工作。",
                "当事人超出《医疗机构执业许可证》核准登记的诊疗科目开展{treatment}。",
            ),
            "《医疗机构管理条例》第二十七条、第四十七条",
            (Sanction(3, (F,), (10000, 100000, 1000)), Sanction(1, (W, F), (10000, 30000, 1000))),
            subjects=(0.8, 0.2, 0.0),
        ),
        Violation(
            4,
            "公共场所卫生违法",
            ("当事人未取得有效健康合格证明的从业人员{workers}名从事直接为顾客服务工作。",),
            "《公共场所卫生管理条例实施细则》第十条、第三十八条",
            (Sanction(3, (W, F), (500, 5000, 100)), Sanction(1, (W,))),
            subjects=(0.4, 0.6, 0.0),
        ),
        Violation(
            2,
            "非法行医",
            ("当事人未取得《医疗机构执业许可证》擅自在{place}开展诊疗活动，违法所得{gain}元。",),
            "《中华人民共和国基本医疗卫生与健康促进法》第三十八条、第九十九条第一款",
            (Sanction(3, (F, CG, CP), (50000, 200000, 1000), (200, 20000)),),
            subjects=(0.0, 0.1, 0.9),
            property="药品、器械",
        ),
    ],
    "labour": [
        Violation(
            4,
            "拖欠劳动报酬",
            ("当事人未按时足额支付{workers}名劳动者工资，拖欠金额{value}元，经责令限期支付逾期不支付。",),
            "《劳动保障监察条例》第十一条、第二十六条",
            (Sanction(3, (F,), (2000, 50000, 100)),),
            subjects=(0.9, 0.1, 0.0),
        ),
        Violation(
            3,
            "违法延长工作时间",
            ("当事人安排{workers}名劳动者每月延长工作时间超过三十六小时。",),
            "《中华人民共和国劳动法》第四十一条、《劳动保障监察条例》第二十五条",
            (Sanction(3, (W, F), (1000, 20000, 100)),),
            subjects=(1.0, 0.0, 0.0),
        ),
        Violation(
            2,
            "未依法缴纳社会保险费",
            ("当事人未依法为{workers}名职工办理社会保险登记并缴纳社会保险费。",),
            "《中华人民共和国社会保险法》第五十八条、第八十四条",
            (Sanction(3, (F,), (1000, 30000, 100)),),
            subjects=(1.0, 0.0, 0.0),
        ),
    ],
    "land": [
        Violation(
            4,
            "非法占用土地",
            ("当事人未经批准，擅自占用{place}集体土地{area}平方米建设{structure}，其中占用耕地{area2}平方米。",),
            "《中华人民共和国土地管理法》第四十四条、第七十七条第一款",
            (Sanction(3, (F, CP), (5000, 300000, 100)), Sanction(1, (F,), (5000, 300000, 100))),
            subjects=(0.6, 0.0, 0.4),
            property="新建建筑物和其他设施",
        ),
        Violation(
            2,
            "违法采矿",
            ("当事人未取得采矿许可证，擅自在{place}开采{mineral}约{tons}吨。",),
            "《中华人民共和国矿产资源法》第三条第三款、第三十九条",
            (Sanction(3, (F, CG), (10000, 200000, 1000), (5000, 200000)),),
            subjects=(0.5, 0.0, 0.5),
        ),
    ],
    "commerce": [
        Violation(
            3,
            "单用途商业预付卡违规",
            ("当事人发行单用途商业预付卡未按规定向商务主管部门备案，发卡金额{value}元。",),
            "《单用途商业预付卡管理办法（试行）》第七条、第三十六条",
            (Sanction(3, (F,), (5000, 30000, 1000)), Sanction(2, (W,))),
            subjects=(0.7, 0.3, 0.0),
        ),
        Violation(
            2,
            "报废机动车回收违规",
            ("当事人未取得资质认定，擅自从事报废机动车回收活动，收购报废机动车{pieces}辆。",),
            "《报废机动车回收管理办法》第五条、第二十条",
            (Sanction(3, (F, CG, CP), (10000, 100000, 1000), (1000, 50000)),),
            subjects=(0.5, 0.2, 0.3),
            property="报废机动车",
        ),
    ],
    "finance": [
        Violation(
            3,
            "政府采购提供虚假材料",
            ("当事人在{project}政府采购项目中提供虚假的业绩证明材料谋取中标。",),
            "《中华人民共和国政府采购法》第七十七条第一款第（一）项",
            (Sanction(3, (F, BR), (5000, 100000, 500)),),
            subjects=(1.0, 0.0, 0.0),
        ),
        Violation(
            2,
            "违反会计法",
            ("当事人未按照规定填制、取得原始凭证，会计账簿登记不规范。",),
            "《中华人民共和国会计法》第十四条、第四十二条第一款",
            (Sanction(3, (F,), (3000, 50000, 500)), Sanction(1, (W,))),
            subjects=(1.0, 0.0, 0.0),
        ),
    ],
    "education": [
        Violation(
            3,
            "违规开展校外培训",
            ("当事人未经审批，擅自在{place}面向中小学生开展学科类校外培训，违法所得{gain}元。",),
            "《中华人民共和国民办教育促进法》第十二条、第六十四条",
            (Sanction(3, (F, CG), (10000, 100000, 1000), (2000, 100000)), Sanction(1, (W,))),
            subjects=(0.6, 0.1, 0.3),
        ),
    ],
    "civil": [
        Violation(
            3,
            "社会组织违规",
            ("当事人未按规定参加年度检查，且未按照章程规定召开会员大会。",),
            "《社会团体登记管理条例》第三十条第一款第（七）项",
            (Sanction(3, (W,)), Sanction(1, (LR,))),
            subjects=(1.0, 0.0, 0.0),
            license="社会团体法人登记证书",
        ),
    ],
    "justice": [
        Violation(
            3,
            "律师违规执业",
            ("当事人在代理{case}过程中，私自收取委托人费用{value}元。",),
            "《中华人民共和国律师法》第四十八条第（一）项",
            (
                Sanction(2, (W,)),
                Sanction(2, (PR, CG), None, (1000, 30000)),
                Sanction(1, (F, CG), (1000, 50000, 500), (1000, 30000)),
            ),
            subjects=(0.0, 0.0, 1.0),
        ),
    ],
}
VIOLATIONS["street"] = [v for v in VIOLATIONS["urban"] if v.type != "建筑垃圾违规处置"]
VIOLATIONS["zone"] = []  # a development zone mixes the profiles in ZONE_PROFILES

FILL = {
    "claim": _words(
        "三天见效 全网销量第一 国家级专利产品 纯天然无添加 治愈率98% 原价3980元，现价398元 百年老字号 全市最低价"
    ),
    "goods": _words("保健食品 电动自行车 儿童服装 化妆品 净水器 空气净化器 运动鞋 手机配件 灯具 插座 茶叶"),
    "food": _words("牛奶 糕点 速冻水饺 熟食卤味 散装白酒 冷冻肉制品 调味品 饮料 月饼 面包"),
    "item": _words("苯甲酸 山梨酸 菌落总数 大肠菌群 二氧化硫残留量 甜蜜素"),
    "place": _words(
        "店内 经营场所 某小区门口 仓库 生产车间 文一西路 莫干山路 江南大道 市心中路 延安路 临平大道 某工业园区 某农贸市场"
    ),
    "business": _words("餐饮 食品销售 二手车交易 美容美发 废旧物资回收 五金加工 服装销售"),
    "pollutant": _words("化学需氧量 氨氮 总磷 总铜 总镍 悬浮物"),
    "gas": _words("非甲烷总烃 颗粒物 二氧化硫 氮氧化物"),
    "waste": _words("废矿物油 废乳化液 含铜污泥 废活性炭 废包装桶"),
    "facility": _words("废气收集处理设施 废水处理设施 活性炭吸附装置 布袋除尘器"),
    "project": _words("年产5000吨塑料制品 厂房改扩建 商业综合体 城市道路改造 安置房 学校迁建 年产10万套家具 物流园区"),
    "road": _words("G320国道 S13练杭高速 G25长深高速萧山段 杭州绕城高速 S14杭长高速 G104国道"),
    "equipment": _words("电梯 叉车 起重机 压力容器 锅炉 灭火器 消防栓 应急照明灯"),
    "job": _words("电焊工 叉车司机 操作工 仓库管理员"),
    "chemical": _words("甲醇 乙醇 油漆 液化石油气 硫酸"),
    "accident": _words("机械伤害 物体打击 高处坠落 触电 灼烫"),
    "structure": _words("钢结构厂房 彩钢棚 砖混房屋 简易仓库 阳光房"),
    "stuff": _words("建筑垃圾 杂物 废旧纸板 装修垃圾"),
    "material": _words("钢筋 混凝土 防水卷材 保温材料"),
    "treatment": _words("医疗美容 针灸推拿 口腔诊疗 注射"),
    "brand": _words("耐克 阿迪达斯 香奈儿 LV 华为 小米 苹果 美的"),
    "mineral": _words("建筑用石料 河砂 黏土"),
    "case": _words("民事诉讼案件 劳动争议案件 刑事辩护案件"),
}


# (weight, decision document, category, certificate, number prefix, content, years valid (None = long-term),
#  subject kinds (legal person, individual business, natural person))
ORD, REG, APP, FRA, REC = (
    LicenseCategory.ORDINARY,
    LicenseCategory.REGISTRATION,
    LicenseCategory.APPROVAL,
    LicenseCategory.FRANCHISE,
    LicenseCategory.RECOGNITION,
)
LICENSES = {
    "market": [
        (
            6,
            "食品经营许可决定书",
            ORD,
            "食品经营许可证",
            "JY13301",
            "预包装食品销售、散装食品销售、热食类食品制售",
            5,
            (0.5, 0.5, 0.0),
        ),
        (5, "准予设立登记通知书", REG, "营业执照", "", "设立登记", None, (0.6, 0.4, 0.0)),
        (2, "准予变更登记通知书", REG, "营业执照", "", "变更登记（经营范围）", None, (0.8, 0.2, 0.0)),
        (1, "特种设备使用登记决定书", REG, "特种设备使用登记证", "梯11浙A", "电梯使用登记", None, (1.0, 0.0, 0.0)),
        (1, "食品生产许可决定书", ORD, "食品生产许可证", "SC10633010", "糕点、饮料生产", 5, (1.0, 0.0, 0.0)),
    ],
    "ecology": [
        (3, "排污许可决定书", ORD, "排污许可证", "91330", "排放污染物", 5, (1.0, 0.0, 0.0)),
        (3, "建设项目环境影响报告表审批意见", APP, "", "", "同意项目建设", None, (1.0, 0.0, 0.0)),
    ],
    "transport": [
        (
            4,
            "道路运输经营许可决定书",
            ORD,
            "道路运输经营许可证",
            "浙交运管许可杭字",
            "道路普通货物运输",
            4,
            (0.7, 0.1, 0.2),
        ),
        (
            2,
            "网络预约出租汽车运输证核发决定书",
            ORD,
            "网络预约出租汽车运输证",
            "浙A网约",
            "网约车客运",
            8,
            (0.0, 0.0, 1.0),
        ),
        (1, "公路超限运输许可决定书", ORD, "超限运输车辆通行证", "浙超", "大件运输", 1, (1.0, 0.0, 0.0)),
    ],
    "safety": [
        (
            3,
            "危险化学品经营许可决定书",
            ORD,
            "危险化学品经营许可证",
            "浙杭安经字",
            "危险化学品经营（不带储存）",
            3,
            (1.0, 0.0, 0.0),
        ),
        (
            1,
            "烟花爆竹经营（零售）许可决定书",
            ORD,
            "烟花爆竹经营（零售）许可证",
            "浙杭烟零",
            "烟花爆竹零售",
            1,
            (0.2, 0.8, 0.0),
        ),
    ],
    "urban": [
        (
            3,
            "城市建筑垃圾处置核准决定书",
            APP,
            "城市建筑垃圾处置核准证",
            "杭渣",
            "建筑垃圾运输、消纳",
            1,
            (1.0, 0.0, 0.0),
        ),
        (2, "户外广告设施设置许可决定书", ORD, "", "", "设置户外招牌", 3, (0.6, 0.4, 0.0)),
        (1, "临时占用城市道路许可决定书", ORD, "", "", "临时占道施工", 1, (1.0, 0.0, 0.0)),
    ],
    "construction": [
        (4, "建筑工程施工许可决定书", ORD, "建筑工程施工许可证", "330100", "建筑工程施工", None, (1.0, 0.0, 0.0)),
        (2, "建筑业企业资质核准决定书", REC, "建筑业企业资质证书", "D333", "施工总承包三级", 5, (1.0, 0.0, 0.0)),
    ],
    "police": [
        (2, "特种行业许可决定书", ORD, "特种行业许可证", "杭公特旅字", "旅馆业", None, (0.6, 0.4, 0.0)),
        (2, "大型群众性活动安全许可决定书", APP, "", "", "大型群众性活动", 1, (1.0, 0.0, 0.0)),
    ],
    "health": [
        (3, "公共场所卫生许可决定书", ORD, "公共场所卫生许可证", "杭卫公证字", "美容美发场所", 4, (0.5, 0.5, 0.0)),
        (2, "医疗机构执业许可决定书", ORD, "医疗机构执业许可证", "PDY", "诊疗科目：内科、外科", 5, (0.9, 0.1, 0.0)),
    ],
    "labour": [
        (2, "劳务派遣经营许可决定书", ORD, "劳务派遣经营许可证", "330100", "劳务派遣经营", 3, (1.0, 0.0, 0.0)),
        (2, "人力资源服务许可决定书", ORD, "人力资源服务许可证", "33010020", "职业中介活动", None, (1.0, 0.0, 0.0)),
    ],
    "land": [
        (
            3,
            "建设工程规划许可决定书",
            ORD,
            "建设工程规划许可证",
            "建字第330100",
            "建设工程规划许可",
            None,
            (1.0, 0.0, 0.0),
        ),
        (1, "采矿许可决定书", FRA, "采矿许可证", "C3301002010", "建筑用石料开采", 5, (1.0, 0.0, 0.0)),
    ],
    "commerce": [
        (2, "对外贸易经营者备案登记", REG, "对外贸易经营者备案登记表", "0", "对外贸易经营", None, (0.8, 0.2, 0.0)),
        (1, "报废机动车回收拆解企业资质认定决定书", REC, "", "", "报废机动车回收", None, (1.0, 0.0, 0.0)),
    ],
    "finance": [
        (1, "代理记账许可决定书", ORD, "代理记账许可证书", "DLJZ330100", "代理记账业务", None, (1.0, 0.0, 0.0))
    ],
    "education": [(2, "民办学校办学许可决定书", ORD, "民办学校办学许可证", "教民", "非学科类培训", 5, (1.0, 0.0, 0.0))],
    "civil": [(2, "社会团体成立登记决定书", REG, "社会团体法人登记证书", "", "成立登记", 5, (1.0, 0.0, 0.0))],
    "justice": [(1, "律师执业许可决定书", ORD, "律师执业证", "13301", "律师执业", None, (0.0, 0.0, 1.0))],
}
LICENSES["street"] = LICENSES["urban"]
_LICENSE_CODES = {
    "食品经营许可证": "JY13301",
    "安全生产许可证": "（浙）WH安许证字",
    "危险化学品经营许可证": "浙杭安经字",
}
WITHDRAWAL_REASONS = [
    "处罚决定已被行政复议机关撤销。",
    "处罚决定经人民法院判决撤销。",
    "信息录入错误，已重新公示。",
    "行政机关自行纠错，撤销原处罚决定。",
]
# Calendar days between decision and publication (the deadline is 7 working days ≈ 9–11 calendar days).
_PUBLISH_DELAY_WEIGHTS = [0.0] * 11
for _i, _w in enumerate([7, 15, 15, 12, 10, 9, 8, 7, 6, 6, 5]):
    _PUBLISH_DELAY_WEIGHTS[_i] = _w + (_PUBLISH_DELAY_WEIGHTS[_i - 1] if _i else 0)
_COMMON_DEFAULTS = {
    "status": PUBLISHED,
    "version": 1,
    "published_at": None,
    "corrected_at": None,
    "withdrawn_at": None,
    "withdrawal_reason": "",
    "publicity_ended_at": None,
    "overdue_notified_at": None,
    "created_by_label": CREATED_BY_LABEL,
    "created_by_principal": "",
    "organization_code": "",
    "tax_registration_number": "",
    "public_institution_number": "",
    "social_organization_number": "",
    "remarks": "",
    # Benchmark rows keep no published names: documents read the organizations as they are.
    "authority_name": "",
    "authority_uscc": "",
    "data_source_name": "",
    "data_source_uscc": "",
    "created_by_id": None,
    "import_job_id": None,
    "published_by_id": None,
}
_PENALTY_DEFAULTS = dict(_COMMON_DEFAULTS)
_LICENSE_DEFAULTS = dict(_COMMON_DEFAULTS)

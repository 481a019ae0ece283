"""Names for the demo city (福州): districts with their administrative codes, and the parts that
make enterprise, department and service point names look real."""

from __future__ import annotations

import random

from stdnum.cn import uscc

# District -> administrative division code (the 3rd-8th characters of a credit code).
DISTRICTS = {
    "鼓楼区": "350102",
    "台江区": "350103",
    "仓山区": "350104",
    "晋安区": "350111",
    "马尾区": "350105",
    "长乐区": "350112",
    "闽侯县": "350121",
    "连江县": "350122",
    "罗源县": "350123",
    "闽清县": "350124",
    "永泰县": "350125",
    "平潭县": "350128",
    "福清市": "350181",
}
PINYIN = {
    "鼓楼区": "gulou",
    "台江区": "taijiang",
    "仓山区": "cangshan",
    "晋安区": "jinan",
    "马尾区": "mawei",
    "长乐区": "changle",
    "闽侯县": "minhou",
    "连江县": "lianjiang",
    "罗源县": "luoyuan",
    "闽清县": "minqing",
    "永泰县": "yongtai",
    "平潭县": "pingtan",
    "福清市": "fuqing",
}
INDUSTRIES = {
    "制造业": ["精密机械", "电子科技", "新材料", "汽车配件", "纺织", "食品"],
    "信息技术": ["软件", "网络科技", "数据服务", "智能科技"],
    "批发零售": ["商贸", "供应链", "贸易"],
    "建筑业": ["建设工程", "建筑装饰", "市政工程"],
    "医药健康": ["生物医药", "医疗器械", "健康科技"],
    "现代服务": ["物流", "文化传媒", "会展服务"],
}
WORDS = [
    "闽江",
    "榕城",
    "海峡",
    "鼓山",
    "三坊",
    "东南",
    "新榕",
    "福兴",
    "恒信",
    "华宇",
    "安泰",
    "瑞丰",
    "宏达",
    "金源",
    "天成",
    "永盛",
    "信达",
    "华闽",
    "正祥",
    "冠捷",
    "星网",
    "创元",
    "中天",
    "嘉和",
]
DEPARTMENTS = [
    "市发展和改革委员会",
    "市工业和信息化局",
    "市财政局",
    "市人力资源和社会保障局",
    "市自然资源和规划局",
    "市住房和城乡建设局",
    "市商务局",
    "市市场监督管理局",
    "市税务局",
    "市生态环境局",
    "市城市管理委员会",
    "市行政审批服务局",
]
SERVICE_POINTS = {
    "education": ["鼓楼区教育局入学服务窗口", "仓山区教育局入学服务窗口", "福清市教育局入学服务窗口"],
    "medical": ["福建省立医院绿色通道", "福州市第一医院绿色通道", "福建医科大学附属协和医院绿色通道"],
    "tourism": ["三坊七巷景区", "鼓山风景区", "平潭坛南湾景区"],
    "transport": ["福州长乐国际机场贵宾通道", "福州火车站优先通道", "福州南站优先通道"],
    "legal": ["市公共法律服务中心", "仓山区公共法律服务站"],
    "government": ["市民服务中心企业专窗", "马尾区行政服务中心专窗", "长乐区行政服务中心专窗"],
}
SERVICE_POINT_DISTRICT = {
    "鼓楼区教育局入学服务窗口": "鼓楼区",
    "仓山区教育局入学服务窗口": "仓山区",
    "福清市教育局入学服务窗口": "福清市",
    "福建省立医院绿色通道": "鼓楼区",
    "福州市第一医院绿色通道": "台江区",
    "福建医科大学附属协和医院绿色通道": "鼓楼区",
    "三坊七巷景区": "鼓楼区",
    "鼓山风景区": "晋安区",
    "平潭坛南湾景区": "平潭县",
    "福州长乐国际机场贵宾通道": "长乐区",
    "福州火车站优先通道": "晋安区",
    "福州南站优先通道": "仓山区",
    "市公共法律服务中心": "鼓楼区",
    "仓山区公共法律服务站": "仓山区",
    "市民服务中心企业专窗": "台江区",
    "马尾区行政服务中心专窗": "马尾区",
    "长乐区行政服务中心专窗": "长乐区",
}
SURNAMES = "陈林黄张李王吴刘蔡杨郑许谢郭洪邱曾廖赖周"
GIVEN = [
    "建华",
    "志强",
    "秀英",
    "丽娟",
    "国平",
    "海峰",
    "文斌",
    "晓东",
    "美玲",
    "振宇",
    "永辉",
    "雪梅",
    "明杰",
    "春燕",
    "伟",
    "敏",
    "磊",
    "静",
    "婷",
    "斌",
]
ISSUE_TOPICS = [
    ("融资", "流动资金贷款审批周期长", "希望协调银行加快审批，缓解原材料采购资金压力。"),
    ("用工", "技术工人招聘难", "生产线扩产急需数控技工，希望人社部门组织专场招聘。"),
    ("用地", "扩建项目用地指标未落实", "二期厂房用地指标尚未落实，影响项目开工。"),
    ("审批", "环评审批进度慢", "新项目环评材料已提交两个月，希望加快办理。"),
    ("政策", "研发费用加计扣除政策咨询", "希望税务部门上门讲解最新加计扣除政策。"),
    ("基础设施", "园区道路破损", "园区主干道破损严重，影响货车进出。"),
    ("水电气", "用电增容申请", "新增生产线需增加用电容量，申请加快办理。"),
    ("市场", "产品进入政府采购目录", "希望了解进入政府采购目录的条件和流程。"),
]


def credit_code(district: str, k: int) -> str:
    """A valid unified social credit code for the k-th demo enterprise of a district."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body, n = "", k
    for _ in range(7):
        body = alphabet[n % len(alphabet)] + body
        n //= len(alphabet)
    base = f"91{DISTRICTS[district]}MA{body}"
    return base + uscc.calc_check_digit(base)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def enterprise_name(rng: random.Random, district: str) -> tuple[str, str]:
    industry = rng.choice(list(INDUSTRIES))
    place = district.rstrip("区县市") if district in ("福清市", "长乐区") else "福州"
    return f"{place}{rng.choice(WORDS)}{rng.choice(INDUSTRIES[industry])}有限公司", industry

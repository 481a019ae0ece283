"""The Chinese words people read, in one place: the card image, the exports and the H5 app
(served to it as `/app/glossary.js`) all take their labels from here, so they cannot drift.

Platform layer: plain dictionaries keyed by the API's values, importing no domain.
"""

from __future__ import annotations

from typing import Any

# The six services a card grants, as printed on the card and shown in the app.
SERVICES = {
    "education": "子女入学",
    "medical": "就医就诊",
    "tourism": "旅游观光",
    "transport": "候机乘车",
    "legal": "法律服务",
    "government": "政务服务",
}

# What each service means at the service point (the holder's side of the counter).
SERVICE_MEANINGS = {
    "education": "子女入学报名时，在教育部门入学服务窗口优先办理，并获得政策咨询。",
    "medical": "在合作医院绿色通道优先挂号、就诊和检查，减少排队等候。",
    "tourism": "在合作景区走绿色通道入园，享受景区为绿卡持有人提供的服务。",
    "transport": "在机场贵宾通道、火车站优先通道快速安检、候机乘车。",
    "legal": "在公共法律服务中心（站）优先获得法律咨询、公证和法律援助。",
    "government": "在政务服务中心企业专窗优先受理，专人帮办代办。",
}

CARD_STATUSES = {
    "active": "有效",
    "suspended": "已暂停",
    "revoked": "已吊销",
    "expired": "已过期",
}

# The reasons of POST /api/v1/verifications, as the service point's screen says them.
VERIFICATION_REASONS = {
    "malformed": "无法识别",
    "bad_signature": "签名无效",
    "unknown_key": "签名无效（未知密钥）",
    "expired": "已过期",
    "not_yet_valid": "尚未生效",
    "revoked": "已吊销",
    "suspended": "已暂停",
    "replayed": "二维码已使用",
    "not_entitled": "非本服务点服务",
}

# Issue statuses as the enterprise reads them.
ISSUE_STATUSES = {
    "open": "待受理",
    "assigned": "已交办",
    "in_progress": "办理中",
    "resolved": "已办结，待评价",
    "closed": "已办结",
    "transferred": "已移交纪检监察",
    "redirected": "已引导至对应渠道",
}

ISSUE_ACTIONS = {
    "create": "提交问题",
    "assign": "交办部门",
    "start": "开始办理",
    "resolve": "办结答复",
    "verify": "核实办结",
    "reopen": "重新办理",
    "transfer": "移交纪检监察",
    "redirect": "引导至对应渠道",
    "feedback": "企业评价",
}

# Categories the app offers when an entrepreneur files an issue (the API takes any short text).
ISSUE_CATEGORIES = ["融资", "用工", "用地", "审批", "政策", "基础设施", "水电气", "市场", "其他"]

ROLES = {
    "admin": "管理员",
    "secretary": "秘书",
    "leader": "挂钩领导",
    "department": "部门经办人",
    "entrepreneur": "企业家",
    "service_staff": "服务窗口工作人员",
}


def for_app() -> dict[str, Any]:
    """Everything above, for the H5 app."""
    return {
        "services": SERVICES,
        "service_meanings": SERVICE_MEANINGS,
        "card_statuses": CARD_STATUSES,
        "verification_reasons": VERIFICATION_REASONS,
        "issue_statuses": ISSUE_STATUSES,
        "issue_actions": ISSUE_ACTIONS,
        "issue_categories": ISSUE_CATEGORIES,
        "roles": ROLES,
    }

"""The Chinese words people read, in one place: the card image, history notes, notifications,
the exports and the H5 app (served to it as `/app/glossary.js`) all take their labels from here,
so they cannot drift. Error `detail`s stay English (the API contract); what the app shows for a
problem is `PROBLEMS[code]`.

Platform layer: plain dictionaries keyed by the API's values, importing no domain. Tests check
that every value of the domains' enums, every report column, every reminder rule and every
problem code the server can answer has its entry here.
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

# How an issue was handled when raised (its disposition).
DISPOSITIONS = {
    "on_spot": "当场解决",
    "assigned": "交办部门",
    "transferred": "移交纪检监察",
    "redirected": "引导至对应渠道",
}

# Where issues stand, as figures count them (the status sets of the issue machine).
ISSUE_STATES = {
    "solved": "已办结",  # resolved or closed
    "unresolved": "未办结",  # open, assigned or in progress
    "overdue": "已逾期",  # unresolved past the deadline
}

# Notes the server writes into a history that people read.
NOTES = {
    "solved_on_the_spot": "走访时当场解决。",  # an on-the-spot issue recorded without a resolution
    "not_satisfied": "企业对办理结果不满意。",
    "not_satisfied_because": "企业对办理结果不满意：{comment}",
    "card_renewed": "有效期延至 {date}",  # a renewal given without a reason
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


# What the card image prints besides names and numbers.
CARD_FACE = {
    "title": "企业家绿卡",
    "number": "卡号",
    "validity": "有效期",
}

# Notifications (inbox, and the text of webhook messages), per reminder rule: a title that names
# the enterprise and the issue, and a body. Placeholders are filled by backend/reminders/rules.py.
NOTIFICATIONS = {
    "issue_due_soon": {
        "title": "问题即将到期：{enterprise}「{title}」",
        "body": "{enterprise}反映的「{title}」（{reported} 提出）将于 {due} 到期，请尽快办理。",
    },
    "issue_overdue": {
        "title": "问题已逾期：{enterprise}「{title}」",
        "body": "{enterprise}反映的「{title}」（{reported} 提出）已于 {due} 到期，仍未办结。",
    },
    "issue_escalated": {
        "title": "问题逾期升级：{enterprise}「{title}」",
        "body": "{enterprise}反映的「{title}」（{reported} 提出）已逾期 {late} 个工作日（期限 {due}），请督促办理。",
    },
    "visit_overdue": {
        "title": "走访到期：{enterprise}",
        "body": "按机制每 {interval} 天走访一次，应于 {due_on} 前走访{enterprise}，{last}。",
        "last_visit": "上次走访 {date}",
        "never_visited": "尚无走访记录",
    },
    "card_expiring": {
        "title": "绿卡即将到期：{enterprise} {holder}",
        "body": "{enterprise} {holder}的绿卡（卡号 {number}）将于 {until} 到期，请及时办理续期。",
    },
    "chamber_plan_behind": {
        "title": "商会走访计划进度落后：{chamber}",
        "body": "{year} 年计划走访{chamber} {planned} 次，按进度应已完成 {expected} 次，实际完成 {completed} 次。",
    },
    "issues_digest": {
        "title": "本周未办结问题汇总：{unresolved} 件（逾期 {overdue} 件）",
        # One line per issue: enterprise, title and the day it was raised tell same-titled issues
        # apart; a number (the tail of its id) is added only where two lines would still read alike.
        "line": "· {enterprise}「{title}」（{reported} 提出）",
        "number": " 编号 {number}",
        "overdue": "（已逾期）",
        "more": "另有 {more} 件未列出，请在问题清单中查看。",
    },
}

# Webhook texts of domain events (the outbox), per event.
EVENTS = {
    "card.revoked": "绿卡已吊销：{enterprise} {holder}（卡号 {number}），原因：{reason}",
}

# Downloads of the reports (xlsx and csv): titles, sheets and column headers. Column keys are the
# JSON fields of the report rows; `name` is spelled per table (a leader, a department).
REPORTS = {
    "summary": {"title": "企业家绿卡与“五个一”工作汇总表", "sheet": "汇总"},
    "by_district": {"title": "分区县统计表", "sheet": "按区县"},
    "by_leader": {"title": "挂钩领导走访统计表", "sheet": "按领导"},
    "departments": {"title": "部门办理问题排名表", "sheet": "部门排名"},
}
REPORT_WORDS = {
    "period": "统计期间：{first} 至 {last}",
    "district": "区县：{district}",
    "whole_city": "全市",
    "money_unit": "金额单位：万元",
    "total": "合计",
    "indicator": "指标",
    "value": "数值",
    "from": "统计起始日期",
    "to": "统计截止日期",
    "page": "第 &P 页，共 &N 页",  # xlsx print footer (&P page, &N pages)
}
REPORT_COLUMNS = {
    "district": "区县",
    "leader": "挂钩领导",
    "department": "部门",
    "rank": "排名",
    "enterprises_visited": "走访企业数",
    "visits": "走访次数",
    "financing_coordinated": "协调融资",  # the unit is added per format: （元） in csv, （万元） in xlsx
    "hires_helped": "帮助招工（人）",
    "issues_received": "收到问题数",
    "issues_assigned": "交办问题数",
    "issues_raised": "收集问题数",
    "issues_solved": "已解决问题数",
    "issues_resolved": ISSUE_STATES["solved"],
    "issues_open": ISSUE_STATES["unresolved"],
    "issues_overdue": ISSUE_STATES["overdue"],
    "response_rate": "响应率",
    "on_time_rate": "按期办结率",
    "satisfaction_rate": "满意率",
    "cards_issued": "发放绿卡",
    "cards_active": "有效绿卡",
    "cards": "{status}绿卡",  # the summary's cards by status: 已暂停绿卡 ...
    "redemptions": "绿卡服务次数",
    "redemptions_by_service": "绿卡服务次数：{service}",
    "planned_visits": "商会计划走访次数",
    "completed_visits": "商会已完成走访次数",
}
MONEY_UNITS = {"yuan": "（元）", "wan": "（万元）"}

# What the app tells a person for each problem `code` the server can answer (the English
# `detail` is for developers and logs). Keys: every code raised anywhere in backend/.
PROBLEMS = {
    "action_forbidden": "您的身份不能进行此操作。",
    "assignment_ended": "该挂钩关系已结束。",
    "assignment_exists": "该企业已有挂钩领导，请先结束或移交。",
    "assignment_not_found": "未找到该挂钩关系。",
    "bad_coordinates": "定位信息不完整，请同时提供经度和纬度。",
    "bad_request": "请求有误，请检查后重试。",
    "card_exists": "该企业家已有一张未吊销的绿卡。",
    "card_expired": "绿卡已过期。",
    "card_font_missing": "服务器缺少打印绿卡所需的字体，请联系管理员。",
    "card_glyph_missing": "绿卡上的文字含有无法打印的字符，请联系管理员修改。",
    "card_not_found": "未找到绿卡。",
    "card_revoked": "绿卡已吊销。",
    "chamber_not_found": "未找到该商会。",
    "city_wide_only": "此操作仅限市级账号。",
    "concurrent_update": "该问题正被他人同时处理，请稍后重试。",
    "conflict": "操作冲突，请刷新后重试。",
    "corrupt_image": "图片已损坏，无法读取。",
    "database_unavailable": "系统暂时无法访问数据，请稍后重试。",
    "date_out_of_range": "日期须在 2000 年至 2099 年之间。",
    "date_required": "请填写日期。",
    "deadline_in_past": "办理期限须晚于现在。",
    "department_not_found": "未找到该部门。",
    "department_out_of_district": "该部门不负责此问题所在的区县。",
    "department_required": "请选择承办部门。",
    "disposition_not_allowed": "企业提交问题时无需选择处置方式。",
    "district_mismatch": "该账号的区县须与所属单位一致。",
    "duplicate_credit_code": "该统一社会信用代码已登记。",
    "duplicate_department": "已有同名部门。",
    "duplicate_team_member": "专班成员有重复。",
    "enterprise_not_assigned": "该企业不是您挂钩联系的企业。",
    "enterprise_not_found": "未找到该企业。",
    "enterprise_outside_chamber_district": "商会走访只能登记本区县企业的问题。",
    "error": "服务器出现错误，请稍后重试。",
    "feedback_already_given": "已对本次办理结果作出评价。",
    "file_missing": "请选择要上传的照片。",
    "flag_hidden": "只有管理员和秘书可以按距离筛选走访。",
    "forbidden": "您没有权限进行此操作。",
    "forbidden_role": "您的身份无权使用此功能。",
    "form_field_too_large": "表单内容过长。",
    "idempotency_key_reused": "重复提交的内容与原请求不一致，请刷新后重试。",
    "image_too_many_pixels": "图片尺寸过大。",
    "internal_error": "服务器出现意外错误，已记录，请稍后重试。",
    "invalid_credentials": "用户名或密码错误。",
    "invalid_date": "日期格式不正确。",
    "invalid_format": "不支持该导出格式。",
    "invalid_money": "金额格式不正确（非负数，最多两位小数）。",
    "invalid_period": "起始日期不能晚于截止日期。",
    "invalid_refresh_token": "登录已失效，请重新登录。",
    "invalid_token": "登录凭证无效，请重新登录。",
    "invalid_transition": "当前状态下不能进行此操作，请刷新后重试。",
    "invalid_url": "网址无效。",
    "invalid_utf8": "内容包含无法识别的字符。",
    "issue_enterprise_mismatch": "走访中登记的问题须属于被走访的企业。",
    "issue_enterprise_required": "请为问题选择所属企业。",
    "issue_not_found": "未找到该问题。",
    "json_too_deep": "提交的内容层级过深。",
    "key_from_environment": "签名密钥由部署环境提供，请在环境中更换。",
    "leader_in_team": "挂钩领导不能同时是专班成员。",
    "leaders_only": "商会走访由挂钩领导登记。",
    "length_required": "请求缺少内容长度。",
    "login_busy": "登录人数较多，请稍后重试。",
    "malformed_json": "提交的内容格式有误。",
    "malformed_multipart": "上传内容格式有误。",
    "metrics_local_only": "监控指标仅限本机访问。",
    "metrics_token_required": "请提供监控指标的访问令牌。",
    "method_not_allowed": "不支持此操作。",
    "multipart_required": "请以表单方式上传照片。",
    "no_service_point": "您的账号未关联服务点。",
    "not_acceptable": "无法提供所需的格式。",
    "not_an_image": "所选文件不是图片。",
    "not_assigned": "只有该企业的挂钩领导或专班成员可以登记走访。",
    "not_found": "未找到相关内容。",
    "not_resolved": "问题办结后才能评价。",
    "not_visit_team": "只有本次走访的人员可以添加照片。",
    "not_your_department": "该问题未交办给本部门。",
    "not_your_enterprise": "只能为本企业提交问题。",
    "not_your_plan": "挂钩领导只能制定自己的商会走访计划。",
    "notification_not_found": "未找到该提醒。",
    "nul_character": "内容包含无效字符。",
    "out_of_scope": "超出您的管辖范围。",
    "owner_only": "只有企业负责人可以评价。",
    "payload_too_large": "提交的内容太大。",
    "period_too_long": "统计期间最长 1098 天。",
    "photo_not_found": "未找到该照片。",
    "photo_too_large": "照片文件太大。",
    "plan_exists": "该领导本年度已有此商会的走访计划。",
    "rate_limited": "操作过于频繁，请稍后再试。",
    "refresh_token_reused": "登录状态异常，已退出，请重新登录。",
    "reported_in_future": "反映时间不能晚于现在。",
    "resolution_required": "请填写办理结果。",
    "same_leader": "请移交给另一位领导。",
    "service_point_not_found": "未找到该服务点。",
    "service_unavailable": "服务繁忙，请稍后重试。",
    "stale": "内容已被更新，请刷新后重试。",
    "stale_etag": "该问题已被他人更新，请刷新后重试。",
    "status_list_not_found": "未找到该状态列表。",
    "token_expired": "登录已过期，请重新登录。",
    "token_revoked": "登录已失效，请重新登录。",
    "too_many_photos": "照片数量已达上限。",
    "unauthorized": "请先登录。",
    "unknown_chamber": "未找到该商会。",
    "unknown_enterprise": "未找到该企业。",
    "unknown_event": "不支持该事件类型。",
    "unknown_leader": "未找到该领导。",
    "unknown_team_member": "未找到该专班成员。",
    "unsupported_image_type": "请上传 JPEG、PNG、WebP 或 HEIC 格式的照片。",
    "unsupported_media_type": "不支持该内容类型。",
    "user_not_found": "未找到该用户。",
    "user_out_of_district": "该人员不属于此区县。",
    "username_taken": "用户名已被使用。",
    "validation_failed": "请检查填写的内容。",
    "validity_too_long": "绿卡有效期超出上限。",
    "visit_not_found": "未找到该走访记录。",
    "visit_target": "请选择走访的企业或商会（二选一）。",
    "visited_in_future": "走访时间不能晚于现在。",
    "webhook_not_found": "未找到该推送地址。",
    "webhook_target_forbidden": "不允许推送到该地址。",
}


def for_app() -> dict[str, Any]:
    """What the H5 app shows: labels, and the message for each problem code."""
    return {
        "services": SERVICES,
        "service_meanings": SERVICE_MEANINGS,
        "card_statuses": CARD_STATUSES,
        "verification_reasons": VERIFICATION_REASONS,
        "issue_statuses": ISSUE_STATUSES,
        "issue_actions": ISSUE_ACTIONS,
        "issue_categories": ISSUE_CATEGORIES,
        "roles": ROLES,
        "dispositions": DISPOSITIONS,
        "problems": PROBLEMS,
    }

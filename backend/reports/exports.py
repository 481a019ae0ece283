"""Downloads: xlsx (xlsxwriter, one sheet per table) and csv (UTF-8 with BOM, so Excel reads the
Chinese), both with Chinese headers and the same values as the JSON.

In csv, money is the JSON's decimal string and a rate the JSON's fraction (0.8333); in xlsx,
money is a number formatted to the fen and a rate a number formatted as a percentage.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import msgspec
import xlsxwriter

from backend.orgs.schemas import Service
from backend.platform import glossary
from backend.reports import schemas as s

INT, MONEY, RATE, TEXT = "int", "money", "rate", "text"

SERVICE_NAMES = {Service(k): v for k, v in glossary.SERVICES.items()}


class Table(msgspec.Struct):
    """One sheet: a title, column headers with kinds, and rows of values."""

    title: str
    headers: list[str]
    kinds: list[str] | None  # per column; None: per row (a two-column key/value table)
    rows: list[list[Any]]
    row_kinds: list[str] | None = None


def summary_table(summary: s.Summary) -> Table:
    i, c, ch = summary.issues, summary.cards, summary.chambers
    lines: list[tuple[str, Any, str]] = [
        ("统计起始日期", summary.period.from_, TEXT),
        ("统计截止日期", summary.period.to, TEXT),
        ("区县", summary.district or "全市", TEXT),
        ("走访企业数", summary.enterprises_visited, INT),
        ("走访次数", summary.visits, INT),
        ("收到问题数", i.received, INT),
        ("当场解决", i.on_spot, INT),
        ("交办部门", i.assigned, INT),
        ("移交纪检监察", i.transferred, INT),
        ("引导其他渠道", i.redirected, INT),
        ("已解决", i.resolved, INT),
        ("未解决", i.open, INT),
        ("已超期", i.overdue, INT),
        ("按期办结率", i.on_time_rate, RATE),
        ("满意率", i.satisfaction_rate, RATE),
        ("协调融资（元）", summary.financing_coordinated, MONEY),
        ("帮助招工（人）", summary.hires_helped, INT),
        ("发放绿卡", c.issued, INT),
        ("有效绿卡", c.active, INT),
        ("暂停绿卡", c.suspended, INT),
        ("吊销绿卡", c.revoked, INT),
        ("过期绿卡", c.expired, INT),
        ("绿卡服务次数", summary.redemptions.total, INT),
        *((f"绿卡服务次数：{SERVICE_NAMES[Service(k)]}", v, INT) for k, v in summary.redemptions.by_service.items()),
        ("商会计划走访", ch.planned_visits, INT),
        ("商会已完成走访", ch.completed_visits, INT),
    ]
    return Table(
        title="汇总",
        headers=["指标", "数值"],
        kinds=None,
        rows=[[label, value] for label, value, _ in lines],
        row_kinds=[kind for _, _, kind in lines],
    )


DISTRICT_COLUMNS = [
    ("district", "区县", TEXT),
    ("enterprises_visited", "走访企业数", INT),
    ("visits", "走访次数", INT),
    ("financing_coordinated", "协调融资（元）", MONEY),
    ("hires_helped", "帮助招工（人）", INT),
    ("issues_received", "收到问题数", INT),
    ("issues_resolved", "已解决", INT),
    ("issues_open", "未解决", INT),
    ("issues_overdue", "已超期", INT),
    ("on_time_rate", "按期办结率", RATE),
    ("satisfaction_rate", "满意率", RATE),
    ("cards_issued", "发放绿卡", INT),
    ("cards_active", "有效绿卡", INT),
    ("redemptions", "绿卡服务次数", INT),
]
LEADER_COLUMNS = [
    ("name", "领导", TEXT),
    ("district", "区县", TEXT),
    ("visits", "走访次数", INT),
    ("enterprises_visited", "走访企业数", INT),
    ("issues_raised", "收集问题数", INT),
    ("issues_solved", "解决问题数", INT),
    ("financing_coordinated", "协调融资（元）", MONEY),
    ("hires_helped", "帮助招工（人）", INT),
]
DEPARTMENT_COLUMNS = [
    ("rank", "排名", INT),
    ("name", "部门", TEXT),
    ("issues_assigned", "交办问题数", INT),
    ("issues_resolved", "已解决", INT),
    ("issues_open", "未解决", INT),
    ("issues_overdue", "已超期", INT),
    ("response_rate", "响应率", RATE),
    ("on_time_rate", "按期办结率", RATE),
    ("satisfaction_rate", "满意率", RATE),
]


def breakdown_table(title: str, columns: list[tuple[str, str, str]], items: list[Any]) -> Table:
    return Table(
        title=title,
        headers=[header for _, header, _ in columns],
        kinds=[kind for _, _, kind in columns],
        rows=[[getattr(item, key) for key, _, _ in columns] for item in items],
    )


def district_table(report: s.DistrictBreakdown) -> Table:
    return breakdown_table("按区县", DISTRICT_COLUMNS, report.items)


def leader_table(report: s.LeaderBreakdown) -> Table:
    return breakdown_table("按领导", LEADER_COLUMNS, report.items)


def department_table(report: s.DepartmentLeague) -> Table:
    return breakdown_table("部门排名", DEPARTMENT_COLUMNS, report.items)


def _kind(table: Table, r: int, c: int) -> str:
    if table.kinds is not None:
        return table.kinds[c]
    return table.row_kinds[r] if c == 1 and table.row_kinds else TEXT


def to_xlsx(tables: list[Table]) -> bytes:
    """A workbook with one sheet per table."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    formats = {MONEY: book.add_format({"num_format": "#,##0.00"}), RATE: book.add_format({"num_format": "0.00%"})}
    for table in tables:
        sheet = book.add_worksheet(table.title)
        sheet.write_row(0, 0, table.headers, bold)
        for r, row in enumerate(table.rows):
            for c, value in enumerate(row):
                kind = _kind(table, r, c)
                if value is None:
                    sheet.write_blank(r + 1, c, None)
                elif kind == MONEY:
                    sheet.write_number(r + 1, c, float(Decimal(value)), formats[MONEY])
                elif kind in (INT, RATE):
                    sheet.write_number(r + 1, c, value, formats.get(kind))
                else:
                    sheet.write_string(r + 1, c, str(value))
        sheet.set_column(0, len(table.headers) - 1, 14)
    book.close()
    return out.getvalue()


def to_csv(table: Table) -> bytes:
    """One table as csv, UTF-8 with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")

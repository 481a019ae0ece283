"""xlsx and csv downloads carry the same figures as the JSON, under Chinese headers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.reports.helpers import PERIOD, march

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def admin(factory):
    await march(factory)
    return await factory.user("admin")


def _cell(value, like):
    """An xlsx cell value in the JSON's terms (money as a 2-place string)."""
    if isinstance(like, str) and isinstance(value, (int, float)):
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    return value


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_summary_csv_agrees_with_json(admin):
    data = (await admin.get("/api/v1/reports/summary", params=PERIOD)).json()
    reply = await admin.get("/api/v1/reports/summary", params=PERIOD | {"format": "csv"})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    table = dict(_csv(reply.content))
    assert table["指标"] == "数值"
    assert table["统计起始日期"] == "2026-03-01" and table["区县"] == "全市"
    assert int(table["收到问题数"]) == data["issues"]["received"]
    assert int(table["当场解决"]) == data["issues"]["on_spot"]
    assert int(table["已超期"]) == data["issues"]["overdue"]
    assert float(table["按期办结率"]) == data["issues"]["on_time_rate"]
    assert table["协调融资（元）"] == data["financing_coordinated"]
    assert int(table["绿卡服务次数：就医就诊"]) == data["redemptions"]["by_service"]["medical"]
    assert int(table["商会计划走访"]) == data["chambers"]["planned_visits"]


async def test_summary_xlsx_has_one_sheet_per_table_agreeing_with_json(admin):
    reply = await admin.get("/api/v1/reports/summary", params=PERIOD | {"format": "xlsx"})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith(XLSX)
    book = openpyxl.load_workbook(io.BytesIO(reply.content))
    assert book.sheetnames == ["汇总", "按区县", "按领导", "部门排名"]
    summary = {k: v for k, v in book["汇总"].iter_rows(values_only=True)}
    data = (await admin.get("/api/v1/reports/summary", params=PERIOD)).json()
    assert summary["走访企业数"] == data["enterprises_visited"]
    assert summary["满意率"] == data["issues"]["satisfaction_rate"]
    assert _cell(summary["协调融资（元）"], "") == data["financing_coordinated"]
    assert summary["过期绿卡"] == data["cards"]["expired"]

    for sheet, path, key in (
        ("按区县", "by-district", "district"),
        ("按领导", "by-leader", "name"),
        ("部门排名", "departments", "name"),
    ):
        rows = list(book[sheet].iter_rows(values_only=True))
        items = (await admin.get(f"/api/v1/reports/{path}", params=PERIOD)).json()["items"]
        assert len(rows) == len(items) + 1
        headers = rows[0]
        assert all(isinstance(h, str) and h for h in headers)
        for row, item in zip(rows[1:], items):
            values = [v for k, v in item.items() if k not in ("leader_id", "department_id")]
            assert [_cell(v, like) for v, like in zip(row, values)] == [v if v is not None else None for v in values], (
                sheet
            )


@pytest.mark.parametrize("path", ["by-district", "by-leader", "departments"])
async def test_breakdown_csv_and_xlsx_agree_with_json(admin, path):
    items = (await admin.get(f"/api/v1/reports/{path}", params=PERIOD)).json()["items"]
    rows = _csv((await admin.get(f"/api/v1/reports/{path}", params=PERIOD | {"format": "csv"})).content)
    assert len(rows) == len(items) + 1
    for row, item in zip(rows[1:], items):
        values = [v for k, v in item.items() if k not in ("leader_id", "department_id")]
        assert row == ["" if v is None else str(v) for v in values]
    reply = await admin.get(f"/api/v1/reports/{path}", params=PERIOD | {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(reply.content))
    assert len(book.sheetnames) == 1
    assert book.active.max_row == len(items) + 1

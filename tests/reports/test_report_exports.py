"""xlsx and csv downloads carry the same figures as the JSON, under the glossary's Chinese headers;
the xlsx is laid out as the office hands a table on (title, period, frozen header, filter, 万元,
percentages, totals, A4 landscape)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.reports.helpers import PERIOD, march

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 3  # 1: title, 2: period/district/unit, 3: header (openpyxl counts from 1)


@pytest.fixture
async def admin(factory):
    await march(factory)
    return await factory.user("admin")


def _wan(yuan: str) -> float:
    """The JSON's money (a decimal string of yuan) as the xlsx holds it: a number of 万元."""
    return float(Decimal(yuan) / 10_000)


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def _book(admin, path: str, **params) -> openpyxl.Workbook:
    reply = await admin.get(f"/api/v1/reports/{path}", params=PERIOD | {"format": "xlsx"} | params)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(reply.content), data_only=True)


async def test_summary_csv_agrees_with_json(admin):
    data = (await admin.get("/api/v1/reports/summary", params=PERIOD)).json()
    reply = await admin.get("/api/v1/reports/summary", params=PERIOD | {"format": "csv"})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/csv; charset=utf-8"  # the charset once
    assert "attachment" in reply.headers["content-disposition"]
    table = dict(_csv(reply.content))
    assert table["指标"] == "数值"
    assert table["统计起始日期"] == "2026-03-01" and table["区县"] == "全市"
    assert int(table["收到问题数"]) == data["issues"]["received"]
    assert int(table["当场解决"]) == data["issues"]["on_spot"]
    assert int(table["引导至对应渠道"]) == data["issues"]["redirected"]
    assert int(table["已办结"]) == data["issues"]["resolved"]
    assert int(table["未办结"]) == data["issues"]["open"]
    assert int(table["已逾期"]) == data["issues"]["overdue"]
    assert float(table["按期办结率"]) == data["issues"]["on_time_rate"]
    assert table["协调融资（元）"] == data["financing_coordinated"]  # csv keeps the JSON's yuan
    assert int(table["已吊销绿卡"]) == data["cards"]["revoked"]
    assert int(table["绿卡服务次数：就医就诊"]) == data["redemptions"]["by_service"]["medical"]
    assert int(table["商会计划走访次数"]) == data["chambers"]["planned_visits"]


async def test_summary_xlsx_has_one_sheet_per_table_agreeing_with_json(admin):
    book = await _book(admin, "summary")
    assert book.sheetnames == ["汇总", "按区县", "按领导", "部门排名"]
    rows = list(book["汇总"].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    summary = {k: v for k, v in rows}
    data = (await admin.get("/api/v1/reports/summary", params=PERIOD)).json()
    assert summary["走访企业数"] == data["enterprises_visited"]
    assert summary["满意率"] == data["issues"]["satisfaction_rate"]
    assert summary["协调融资（万元）"] == pytest.approx(_wan(data["financing_coordinated"]), abs=1e-9)
    assert summary["已过期绿卡"] == data["cards"]["expired"]

    for sheet, path in (("按区县", "by-district"), ("按领导", "by-leader"), ("部门排名", "departments")):
        rows = list(book[sheet].iter_rows(min_row=HEADER_ROW, values_only=True))
        items = (await admin.get(f"/api/v1/reports/{path}", params=PERIOD)).json()["items"]
        headers, body, totals = rows[0], rows[1:-1], rows[-1]
        assert len(body) == len(items) and totals[0] == "合计"
        assert all(isinstance(h, str) and h for h in headers)
        for row, item in zip(body, items, strict=True):
            values = [v for k, v in item.items() if k not in ("leader_id", "department_id")]
            expected = [_wan(v) if h.endswith("（万元）") else v for h, v in zip(headers, values, strict=True)]
            assert list(row) == pytest.approx(expected), sheet


async def test_the_xlsx_is_formatted_for_the_office(admin):
    """What a person notices on opening or printing the workbook."""
    book = await _book(admin, "by-district")
    sheet = book["按区县"]
    items = (await admin.get("/api/v1/reports/by-district", params=PERIOD)).json()["items"]
    last = HEADER_ROW + len(items)  # the last district's row; the totals row follows

    assert sheet["A1"].value == "分区县统计表" and sheet["A1"].font.b and sheet["A1"].font.sz == 16
    assert sheet["A2"].value == "统计期间：2026-03-01 至 2026-03-31　区县：全市　金额单位：万元"
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:N1", "A2:N2"}  # spanning the table
    headers = [c.value for c in sheet[HEADER_ROW]]
    assert headers[:6] == ["区县", "走访企业数", "走访次数", "协调融资（万元）", "帮助招工（人）", "收到问题数"]
    assert headers[6:9] == ["已办结", "未办结", "已逾期"]
    assert sheet.freeze_panes == "B4"  # header rows and the district column stay in view
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:N{last}"  # the rows, not the totals

    money, rate, count = (headers.index(h) + 1 for h in ("协调融资（万元）", "按期办结率", "走访次数"))
    first = sheet.cell(HEADER_ROW + 1, money)
    assert first.number_format == "#,##0.00" and first.value == pytest.approx(_wan(items[0]["financing_coordinated"]))
    assert sheet.cell(HEADER_ROW + 1, rate).number_format == "0.0%"
    assert sheet.cell(HEADER_ROW + 1, count).number_format == "#,##0"

    totals = [c.value for c in sheet[last + 1]]
    assert totals[0] == "合计"
    assert totals[count - 1] == sum(i["visits"] for i in items)
    assert totals[money - 1] == pytest.approx(sum(_wan(i["financing_coordinated"]) for i in items))
    assert totals[rate - 1] is None  # a rate does not add up
    city = (await admin.get("/api/v1/reports/summary", params=PERIOD)).json()
    assert totals[count - 1] == city["visits"]  # the districts add up to the city

    for column, header in zip("ABCDEFGHIJKLMN", headers, strict=True):  # wide enough for the Chinese
        assert sheet.column_dimensions[column].width >= 2 * len(header), header

    setup = sheet.page_setup
    assert setup.orientation == "landscape" and setup.paperSize == 9  # A4
    # Fitted to one page wide (OOXML's default width is 1 page), as many tall as it takes.
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"  # the header on every printed page


async def test_a_districts_xlsx_names_its_district_and_the_summary_sheet_has_no_totals(admin):
    book = await _book(admin, "summary", district="鼓楼区")
    sheet = book["汇总"]
    assert sheet["A1"].value == "企业家绿卡与“五个一”工作汇总表"
    assert "区县：鼓楼区" in sheet["A2"].value
    assert sheet.freeze_panes == "A4"
    labels = [r[0] for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert "合计" not in labels and labels[2] == "区县"
    rates = [r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[0].value == "按期办结率"]
    assert rates[0][1].number_format == "0.0%"
    leaders = book["按领导"]
    assert [c.value for c in leaders[HEADER_ROW]][0] == "挂钩领导"


@pytest.mark.parametrize("path", ["by-district", "by-leader", "departments"])
async def test_breakdown_csv_and_xlsx_agree_with_json(admin, path):
    items = (await admin.get(f"/api/v1/reports/{path}", params=PERIOD)).json()["items"]
    rows = _csv((await admin.get(f"/api/v1/reports/{path}", params=PERIOD | {"format": "csv"})).content)
    assert len(rows) == len(items) + 1
    assert all("万元" not in h for h in rows[0])
    for row, item in zip(rows[1:], items, strict=True):
        values = [v for k, v in item.items() if k not in ("leader_id", "department_id")]
        assert row == ["" if v is None else str(v) for v in values]
    book = await _book(admin, path)
    assert len(book.sheetnames) == 1
    assert book.active.max_row == HEADER_ROW + len(items) + 1  # title, subtitle, header, rows, totals

"""Downloads: xlsx (xlsxwriter, one sheet per table, formatted as the office hands a table on) and
csv (UTF-8 with BOM, so Excel reads the Chinese), both with the glossary's Chinese headers.

The csv holds the JSON's values (money the decimal string of yuan, a rate the fraction 0.8333).
The xlsx is for people: a title row and a row with the period, district and unit, a frozen
header with an autofilter, widths fitted to the Chinese text, rates as percentages, money in 万元
with thousands separators, a totals row under each breakdown, and A4 landscape printing fitted to
the page width with the header repeated on every page.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from decimal import Decimal
from typing import Any

import msgspec
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from backend.platform import glossary, money
from backend.reports import schemas as s

INT, MONEY, RATE, TEXT = "int", "money", "rate", "text"
RANK = "rank"  # a place in the league: never summed
DISTINCT = "distinct"  # a count of distinct things (enterprises a leader visited): rows may share them, not summed
COLUMN = glossary.REPORT_COLUMNS
WORD = glossary.REPORT_WORDS


class Table(msgspec.Struct):
    """One sheet: which report (a key of glossary.REPORTS), its scope, headers with kinds, rows."""

    report: str
    period: s.PeriodRead
    district: str | None
    headers: list[str]  # money headers without their unit (added per format)
    kinds: list[str] | None  # per column; None: per row (the summary's indicator/value table)
    rows: list[list[Any]]
    row_kinds: list[str] | None = None
    totals: bool = False  # a totals row under the rows (the breakdowns)


def summary_table(summary: s.Summary) -> Table:
    i, c, ch = summary.issues, summary.cards, summary.chambers
    lines: list[tuple[str, Any, str]] = [
        (WORD["from"], summary.period.from_, TEXT),
        (WORD["to"], summary.period.to, TEXT),
        (COLUMN["district"], summary.district or WORD["whole_city"], TEXT),
        (COLUMN["enterprises_visited"], summary.enterprises_visited, INT),
        (COLUMN["visits"], summary.visits, INT),
        (COLUMN["issues_received"], i.received, INT),
        *((glossary.DISPOSITIONS[d], getattr(i, d), INT) for d in glossary.DISPOSITIONS),
        (COLUMN["issues_resolved"], i.resolved, INT),
        (COLUMN["issues_open"], i.open, INT),
        (COLUMN["issues_overdue"], i.overdue, INT),
        (COLUMN["on_time_rate"], i.on_time_rate, RATE),
        (COLUMN["satisfaction_rate"], i.satisfaction_rate, RATE),
        (COLUMN["financing_coordinated"], summary.financing_coordinated, MONEY),
        (COLUMN["hires_helped"], summary.hires_helped, INT),
        (COLUMN["cards_issued"], c.issued, INT),
        *(
            (COLUMN["cards"].format(status=label), getattr(c, status), INT)
            for status, label in glossary.CARD_STATUSES.items()
        ),
        (COLUMN["redemptions"], summary.redemptions.total, INT),
        *(
            (COLUMN["redemptions_by_service"].format(service=glossary.SERVICES[k]), v, INT)
            for k, v in summary.redemptions.by_service.items()
        ),
        (COLUMN["planned_visits"], ch.planned_visits, INT),
        (COLUMN["completed_visits"], ch.completed_visits, INT),
    ]
    return Table(
        report="summary",
        period=summary.period,
        district=summary.district,
        headers=[WORD["indicator"], WORD["value"]],
        kinds=None,
        rows=[[label, value] for label, value, _ in lines],
        row_kinds=[kind for _, _, kind in lines],
    )


# (JSON field of the row, glossary.REPORT_COLUMNS key, kind), in the order of the JSON rows.
DISTRICT_COLUMNS = [
    ("district", "district", TEXT),
    ("enterprises_visited", "enterprises_visited", INT),
    ("visits", "visits", INT),
    ("financing_coordinated", "financing_coordinated", MONEY),
    ("hires_helped", "hires_helped", INT),
    ("issues_received", "issues_received", INT),
    ("issues_resolved", "issues_resolved", INT),
    ("issues_open", "issues_open", INT),
    ("issues_overdue", "issues_overdue", INT),
    ("on_time_rate", "on_time_rate", RATE),
    ("satisfaction_rate", "satisfaction_rate", RATE),
    ("cards_issued", "cards_issued", INT),
    ("cards_active", "cards_active", INT),
    ("redemptions", "redemptions", INT),
]
LEADER_COLUMNS = [
    ("name", "leader", TEXT),
    ("district", "district", TEXT),
    ("visits", "visits", INT),
    ("enterprises_visited", "enterprises_visited", DISTINCT),
    ("issues_raised", "issues_raised", INT),
    ("issues_solved", "issues_solved", INT),
    ("financing_coordinated", "financing_coordinated", MONEY),
    ("hires_helped", "hires_helped", INT),
]
DEPARTMENT_COLUMNS = [
    ("rank", "rank", RANK),
    ("name", "department", TEXT),
    ("issues_assigned", "issues_assigned", INT),
    ("issues_resolved", "issues_resolved", INT),
    ("issues_open", "issues_open", INT),
    ("issues_overdue", "issues_overdue", INT),
    ("response_rate", "response_rate", RATE),
    ("on_time_rate", "on_time_rate", RATE),
    ("satisfaction_rate", "satisfaction_rate", RATE),
]


def breakdown_table(report: str, columns: list[tuple[str, str, str]], result: s.Breakdown) -> Table:
    return Table(
        report=report,
        period=result.period,
        district=result.district,
        headers=[COLUMN[label] for _, label, _ in columns],
        kinds=[kind for _, _, kind in columns],
        rows=[[getattr(item, field) for field, _, _ in columns] for item in result.items],
        totals=True,
    )


def district_table(report: s.DistrictBreakdown) -> Table:
    return breakdown_table("by_district", DISTRICT_COLUMNS, report)


def leader_table(report: s.LeaderBreakdown) -> Table:
    return breakdown_table("by_leader", LEADER_COLUMNS, report)


def department_table(report: s.DepartmentLeague) -> Table:
    return breakdown_table("departments", DEPARTMENT_COLUMNS, report)


def _kind(table: Table, r: int, c: int) -> str:
    if table.kinds is not None:
        return table.kinds[c]
    return table.row_kinds[r] if c == 1 and table.row_kinds else TEXT


def _with_unit(label: str, kind: str, unit: str) -> str:
    return label + glossary.MONEY_UNITS[unit] if kind == MONEY else label


# -- xlsx ------------------------------------------------------------------------------------------

TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 0, 1, 2
FIRST_DATA_ROW = HEADER_ROW + 1
NUMBER_FORMATS = {INT: "#,##0", DISTINCT: "#,##0", MONEY: "#,##0.00", RATE: "0.0%", RANK: "0"}
A4 = 9  # xlsxwriter's paper code


def text_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a Chinese (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(value: Any, kind: str) -> str:
    """A cell as the number format shows it (for fitting the width)."""
    if value is None:
        return ""
    if kind in (INT, DISTINCT):
        return f"{value:,}"
    if kind == RATE:
        return f"{value:.1%}"
    if kind == MONEY:
        return f"{value:,.2f}"
    return str(value)


def _cell(value: Any, kind: str) -> Any:
    """A value as the sheet holds it: money (the API's yuan string) as a number of 万元."""
    return float(money.wan(value)) if kind == MONEY and value is not None else value


def _subtitle(table: Table, has_money: bool) -> str:
    parts = [
        WORD["period"].format(first=table.period.from_, last=table.period.to),
        WORD["district"].format(district=table.district or WORD["whole_city"]),
    ]
    return "　".join(parts + ([WORD["money_unit"]] if has_money else []))


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_size": 11, "valign": "vcenter"}
        cell = base | {"border": 1}
        self.title = book.add_format(base | {"bold": True, "font_size": 16, "align": "center"})
        self.subtitle = book.add_format(base | {"align": "center"})
        self.header = book.add_format(
            cell | {"bold": True, "align": "center", "bg_color": "#DDEBF7", "text_wrap": True}
        )
        self.text = book.add_format(cell)
        self.numbers = {kind: book.add_format(cell | {"num_format": f}) for kind, f in NUMBER_FORMATS.items()}
        self.numbers[RANK].set_align("center")
        self.total_text = book.add_format(cell | {"bold": True, "top": 2})
        self.totals = {
            kind: book.add_format(cell | {"bold": True, "top": 2, "num_format": f})
            for kind, f in NUMBER_FORMATS.items()
        }

    def body(self, kind: str) -> Any:
        return self.numbers.get(kind, self.text)


def _write_sheet(book: xlsxwriter.Workbook, f: _Formats, table: Table) -> None:
    sheet = book.add_worksheet(glossary.REPORTS[table.report]["sheet"])
    width = len(table.headers)
    kinds = [[_kind(table, r, c) for c in range(width)] for r in range(len(table.rows))]
    has_money = any(MONEY in row for row in kinds)
    headers = [_with_unit(h, table.kinds[c], "wan") if table.kinds else h for c, h in enumerate(table.headers)]
    widths = [text_width(h) for h in headers]

    sheet.set_row(TITLE_ROW, 30)
    subtitle = _subtitle(table, has_money)
    sheet.write_row(HEADER_ROW, 0, headers, f.header)
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            kind = kinds[r][c]
            if c == 0 and table.kinds is None:
                value = _with_unit(value, table.row_kinds[r] if table.row_kinds else TEXT, "wan")
            cell = _cell(value, kind)
            if cell is None:
                sheet.write_blank(FIRST_DATA_ROW + r, c, None, f.body(kind))
            elif kind == TEXT:
                sheet.write_string(FIRST_DATA_ROW + r, c, str(cell), f.text)
            else:
                sheet.write_number(FIRST_DATA_ROW + r, c, cell, f.body(kind))
            widths[c] = max(widths[c], text_width(_shown(cell, kind)))
    last_row = FIRST_DATA_ROW + len(table.rows) - 1
    if table.totals:
        _write_totals(sheet, f, table, last_row + 1)
    widths = [w + 3 for w in widths]
    # The title and subtitle span the table: widen it when they are wider than its columns.
    missing = max(text_width(subtitle), text_width(glossary.REPORTS[table.report]["title"]) * 3 // 2) + 4 - sum(widths)
    for c in range(width):
        widths[c] += max(0, missing) // width + (1 if c < max(0, missing) % width else 0)
    for c, w in enumerate(widths):
        sheet.set_column(c, c, min(w, 60))

    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, width - 1, glossary.REPORTS[table.report]["title"], f.title)
    sheet.merge_range(SUBTITLE_ROW, 0, SUBTITLE_ROW, width - 1, subtitle, f.subtitle)
    sheet.freeze_panes(FIRST_DATA_ROW, 1 if table.kinds else 0)
    sheet.autofilter(HEADER_ROW, 0, max(last_row, HEADER_ROW), width - 1)
    sheet.set_landscape()
    sheet.set_paper(A4)
    # One page wide, as many tall as it takes; the summary is one page.
    sheet.fit_to_pages(1, 0 if table.kinds else 1)
    sheet.repeat_rows(HEADER_ROW)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer(f"&C{WORD['page']}")


def _write_totals(sheet: Any, f: _Formats, table: Table, row: int) -> None:
    """合计: sums of the counts and of money (as formulas, with their values cached for readers
    that do not calculate); rates and text are left empty (a rate does not add up)."""
    sheet.write_string(row, 0, WORD["total"], f.total_text)
    for c, kind in enumerate(table.kinds or [], 0):
        if c == 0:
            continue
        if kind in (INT, MONEY) and table.rows:
            if kind == MONEY:  # summed exactly, in 万元
                total: Any = float(sum((money.wan(r[c]) for r in table.rows if r[c] is not None), Decimal(0)))
            else:
                total = sum(r[c] or 0 for r in table.rows)
            column = xl_col_to_name(c)
            formula = f"=SUBTOTAL(109,{column}{FIRST_DATA_ROW + 1}:{column}{row})"  # 109: sum of visible rows
            sheet.write_formula(row, c, formula, f.totals[kind], total)
        else:
            sheet.write_blank(row, c, None, f.totals.get(kind, f.total_text))


def to_xlsx(tables: list[Table]) -> bytes:
    """A workbook with one formatted sheet per table."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    formats = _Formats(book)
    for table in tables:
        _write_sheet(book, formats, table)
    book.close()
    return out.getvalue()


# -- csv -------------------------------------------------------------------------------------------


def to_csv(table: Table) -> bytes:
    """One table as csv, UTF-8 with a BOM: the JSON's values under Chinese headers (money in 元)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if table.kinds is not None:
        writer.writerow([_with_unit(h, k, "yuan") for h, k in zip(table.headers, table.kinds, strict=True)])
        writer.writerows([["" if v is None else v for v in row] for row in table.rows])
    else:
        writer.writerow(table.headers)
        kinds = table.row_kinds or [TEXT] * len(table.rows)
        writer.writerows([[_with_unit(label, kind, "yuan"), value] for (label, value), kind in zip(table.rows, kinds)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")

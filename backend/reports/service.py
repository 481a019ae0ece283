"""Reports for a caller: the period and district they may ask for, the figures, the downloads."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import msgspec

from backend.platform.actor import Actor
from backend.reports import breakdowns, exports
from backend.reports import schemas as s
from backend.reports.params import Format, Period, district_for, output_format, period
from backend.reports.summary import summary


class Download(msgspec.Struct):
    filename: str
    media_type: str
    content: bytes


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"  # Litestar adds "; charset=utf-8" to a text/ type


def _filename(name: str, p: Period, district: str | None, fmt: Format) -> str:
    parts = [name, p.first.isoformat(), p.last.isoformat()] + ([district] if district else [])
    return "_".join(parts) + f".{fmt.value}"


def _download(name: str, p: Period, district: str | None, fmt: Format, tables: list[exports.Table]) -> Download:
    if fmt == Format.XLSX:
        return Download(filename=_filename(name, p, district, fmt), media_type=XLSX, content=exports.to_xlsx(tables))
    return Download(filename=_filename(name, p, district, fmt), media_type=CSV, content=exports.to_csv(tables[0]))


def _report(
    actor: Actor, first: str | None, last: str | None, district: str | None, format_: str | None
) -> tuple[Period, str | None, Format]:
    p = period(first, last)
    fmt = output_format(format_)
    return p, district_for(actor, district), fmt


async def get_summary(
    *, actor: Actor, first: str | None, last: str | None, district: str | None = None, format_: str | None = None
) -> s.Summary | Download:
    """The summary as JSON; as xlsx it carries every breakdown too (one sheet each), as csv the summary only."""
    p, d, fmt = _report(actor, first, last, district, format_)
    result = await summary(period=p, district=d)
    if fmt == Format.JSON:
        return result
    tables = [exports.summary_table(result)]
    if fmt == Format.XLSX:
        tables += [
            exports.district_table(await breakdowns.by_district(period=p, district=d)),
            exports.leader_table(await breakdowns.by_leader(period=p, district=d)),
            exports.department_table(await breakdowns.departments(period=p, district=d)),
        ]
    return _download("summary", p, d, fmt, tables)


def _breakdown(
    name: str, build: Callable[..., Awaitable[Any]], to_table: Callable[[Any], exports.Table]
) -> Callable[..., Awaitable[Any]]:
    async def get(
        *, actor: Actor, first: str | None, last: str | None, district: str | None = None, format_: str | None = None
    ) -> Any:
        p, d, fmt = _report(actor, first, last, district, format_)
        result = await build(period=p, district=d)
        return result if fmt == Format.JSON else _download(name, p, d, fmt, [to_table(result)])

    get.__name__ = f"get_{name.replace('-', '_')}"
    get.__doc__ = f"The {name} breakdown as JSON, or one table as xlsx/csv."
    return get


get_by_district = _breakdown("by-district", breakdowns.by_district, exports.district_table)
get_by_leader = _breakdown("by-leader", breakdowns.by_leader, exports.leader_table)
get_departments = _breakdown("departments", breakdowns.departments, exports.department_table)

"""GET /api/v1/reports/...: the summary and the breakdowns, as JSON or an xlsx/csv download.

Readers: admin and secretary. A district-scoped caller reports on their own district (asking
for another is 403). Dates are Asia/Shanghai business dates, both inclusive.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import QueryParameter

from backend.platform.actor import Actor, Role
from backend.platform.guards import requires
from backend.reports import schemas as s
from backend.reports import service
from backend.reports.params import Format

From = Annotated[
    str | None,
    QueryParameter(
        name="from", description="First business date, YYYY-MM-DD (inclusive).", examples=[Example(value="2026-01-01")]
    ),
]
To = Annotated[
    str | None,
    QueryParameter(
        name="to", description="Last business date, YYYY-MM-DD (inclusive).", examples=[Example(value="2026-12-31")]
    ),
]
District = Annotated[
    str | None, QueryParameter(name="district", description="One district (scoped callers: their own).")
]
FormatQ = Annotated[
    str | None,
    QueryParameter(
        name="format", description="json (default), xlsx or csv.", schema_extra={"enum": [f.value for f in Format]}
    ),
]
# What a reply may be besides JSON (documented in the OpenAPI document by backend/platform/openapi.py).
DOWNLOADS_OPT = {"downloads": [service.XLSX, service.CSV]}


DOWNLOADS = (
    " With `format=xlsx` the reply is a workbook (Chinese headers, one sheet per table); with"
    " `format=csv` one table as UTF-8 csv with a BOM. Dates are Asia/Shanghai, both inclusive."
)


def _reply(result: Any) -> Any:
    if isinstance(result, service.Download):
        return Response(
            content=result.content,
            media_type=result.media_type,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(result.filename)}"},
        )
    return result


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]
    guards = [requires(Role.ADMIN, Role.SECRETARY)]

    @get(
        "/summary", opt=DOWNLOADS_OPT, summary="Summary figures for a period (admin, secretary)", description=DOWNLOADS
    )
    async def summary(
        self,
        actor: NamedDependency[Actor],
        from_: From = None,
        to: To = None,
        district: District = None,
        format_: FormatQ = None,
    ) -> s.Summary:
        return _reply(await service.get_summary(actor=actor, first=from_, last=to, district=district, format_=format_))

    @get("/by-district", opt=DOWNLOADS_OPT, summary="Figures by district (admin, secretary)", description=DOWNLOADS)
    async def by_district(
        self,
        actor: NamedDependency[Actor],
        from_: From = None,
        to: To = None,
        district: District = None,
        format_: FormatQ = None,
    ) -> s.DistrictBreakdown:
        return _reply(
            await service.get_by_district(actor=actor, first=from_, last=to, district=district, format_=format_)
        )

    @get("/by-leader", opt=DOWNLOADS_OPT, summary="Figures by leader (admin, secretary)", description=DOWNLOADS)
    async def by_leader(
        self,
        actor: NamedDependency[Actor],
        from_: From = None,
        to: To = None,
        district: District = None,
        format_: FormatQ = None,
    ) -> s.LeaderBreakdown:
        return _reply(
            await service.get_by_leader(actor=actor, first=from_, last=to, district=district, format_=format_)
        )

    @get(
        "/departments",
        opt=DOWNLOADS_OPT,
        summary="Department league table: response, on-time and satisfaction rates (admin, secretary)",
        description=DOWNLOADS,
    )
    async def departments(
        self,
        actor: NamedDependency[Actor],
        from_: From = None,
        to: To = None,
        district: District = None,
        format_: FormatQ = None,
    ) -> s.DepartmentLeague:
        return _reply(
            await service.get_departments(actor=actor, first=from_, last=to, district=district, format_=format_)
        )


ROUTERS = [ReportController]

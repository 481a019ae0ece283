"""HTTP routes of the visits domain: visits and their photos, chamber plans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from litestar.response import File

from backend.platform import clock, idempotency, inputs
from backend.platform.actor import Actor, Role
from backend.platform.db import transaction
from backend.platform.errors import NotFound, UnsupportedMedia
from backend.platform.guards import requires
from backend.platform.ids import new_id
from backend.platform.routing import DEFAULT_PAGE, Cursor, Limit, page
from backend.platform.schemas import Page
from backend.visits import imaging, photos, plans, upload, visit_log
from backend.visits import schemas as s

ADMIN = requires(Role.ADMIN)


IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(name="Idempotency-Key", required=False, description="Retry key: a repeat returns the first reply."),
]
VISITORS = (Role.ADMIN, Role.SECRETARY, Role.LEADER, Role.DEPARTMENT)


@dataclass
class PhotoUploadOperation(Operation):
    """The upload's OpenAPI operation: the handler reads its multipart body itself (upload.py)."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description="The photo as the multipart field `file` (JPEG, PNG, WebP or HEIC).",
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        required=[upload.FIELD],
                        properties={upload.FIELD: Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)},
                    )
                )
            },
        )


async def _multipart_only(request: Request) -> None:
    """Refuse other body types with 415; the handler streams the body itself (`upload`), so this hook
    replaces the app's, which would parse the whole form first."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedMedia("Send the photo as multipart/form-data in the field `file`.", code="multipart_required")


class VisitController(Controller):
    path = "/api/v1/visits"
    tags = ["five-ones visits"]
    guards = [requires(*VISITORS, Role.ENTREPRENEUR)]

    @post(
        "/", guards=[requires(*VISITORS)], summary="Log a visit with the issues raised in it (assigned leader or team)"
    )
    async def create(
        self, data: JSONBody[s.VisitCreate], actor: NamedDependency[Actor], idempotency_key: IdempotencyKey = None
    ) -> Response[s.VisitRead]:
        return await idempotency.run(
            actor=actor,
            key=idempotency_key,
            request_fingerprint=idempotency.fingerprint("POST /api/v1/visits", data),
            work=lambda: visit_log.create(data=data, actor=actor),
        )

    @get("/", summary="List visits the caller may see, newest first")
    async def list(
        self,
        actor: NamedDependency[Actor],
        enterprise_id: FromQuery[str | None] = None,
        chamber_id: FromQuery[str | None] = None,
        leader_id: FromQuery[str | None] = None,
        start: Annotated[
            str | None, QueryParameter(name="from", description="First day YYYY-MM-DD (Asia/Shanghai), inclusive.")
        ] = None,
        end: Annotated[
            str | None, QueryParameter(name="to", description="Last day YYYY-MM-DD (Asia/Shanghai), inclusive.")
        ] = None,
        far_from_enterprise: Annotated[
            bool | None,
            QueryParameter(description="Admins and secretaries: only visits logged over 1 km away (or not)."),
        ] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.VisitRead]:
        return page(
            await visit_log.get_all(
                actor=actor,
                enterprise_id=enterprise_id,
                chamber_id=chamber_id,
                leader_id=leader_id,
                start=inputs.parse_date(start, "from"),
                end=inputs.parse_date(end, "to"),
                limit=limit,
                cursor=cursor,
                far=far_from_enterprise,
            )
        )

    @get("/{visit_id:str}", summary="Read a visit with its issues and photos")
    async def read(self, visit_id: FromPath[str], actor: NamedDependency[Actor]) -> s.VisitRead:
        return await visit_log.get(visit_id=visit_id, actor=actor)

    @post(
        "/{visit_id:str}/photos",
        guards=[requires(*VISITORS)],
        request_max_body_size=photos.MAX_BODY_BYTES,
        before_request=_multipart_only,
        operation_class=PhotoUploadOperation,
        summary="Add a photo (JPEG, PNG, WebP or HEIC) to a visit; stored without metadata",
    )
    async def add_photo(
        self,
        request: Request,
        visit_id: FromPath[str],
        actor: NamedDependency[Actor],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.PhotoRead]:
        # Who may add, and to which visit, is settled before a byte of the body is read.
        visit = await visit_log.get_row(visit_id=visit_id, actor=actor)
        await visit_log.may_add_photos(visit=visit, actor=actor)
        async with upload.received_file(request, max_bytes=imaging.MAX_PHOTO_BYTES) as received:
            request_fingerprint = idempotency.fingerprint(f"POST /api/v1/visits/{visit['id']}/photos", received.sha256)
            replayed = await idempotency.replay(
                actor=actor, key=idempotency_key, request_fingerprint=request_fingerprint
            )
            if replayed is not None:
                return replayed  # a retry: the first attempt's photo, without processing the image again
            await photos.check_room(visit_id=visit["id"])  # every limit before the image is decoded
            cleaned = await imaging.process(received.file)  # in a thread, before any transaction opens
        photo_id = new_id()
        await photos.store(photo_id, cleaned)
        try:
            reply = await idempotency.run(
                actor=actor,
                key=idempotency_key,
                request_fingerprint=request_fingerprint,
                work=lambda: photos.insert(
                    photo_id=photo_id, visit_id=visit["id"], cleaned=cleaned, uploaded_by=actor.id
                ),
            )
        except BaseException:
            photos.discard(photo_id)
            raise
        if reply.headers.get("Idempotent-Replayed"):
            photos.discard(photo_id)  # the first attempt's files serve the replay
        return reply

    @get(
        "/{visit_id:str}/photos/{photo_id:str}",
        media_type="image/*",
        summary="The photo's bytes (as the visit is visible)",
    )
    async def photo(self, visit_id: FromPath[str], photo_id: FromPath[str], actor: NamedDependency[Actor]) -> File:
        return await _photo_file(visit_id, photo_id, actor, thumbnail=False)

    @get(
        "/{visit_id:str}/photos/{photo_id:str}/thumbnail",
        media_type="image/*",
        summary="The photo's thumbnail (at most 512 px)",
    )
    async def thumbnail(self, visit_id: FromPath[str], photo_id: FromPath[str], actor: NamedDependency[Actor]) -> File:
        return await _photo_file(visit_id, photo_id, actor, thumbnail=True)


async def _photo_file(visit_id: str, photo_id: str, actor: Actor, *, thumbnail: bool) -> File:
    visit = await visit_log.get_row(visit_id=visit_id, actor=actor)
    row = await photos.find(visit_id=visit["id"], photo_id=photo_id)
    if row is None:
        raise NotFound("No such photo.", code="photo_not_found")
    return File(
        path=photos.path_of(row["id"], thumbnail=thumbnail),
        media_type=row["media_type"],
        content_disposition_type="inline",
        filename=f"{row['id']}{'_thumb' if thumbnail else ''}.{row['media_type'].split('/')[1]}",
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


class ChamberPlanController(Controller):
    path = "/api/v1/chamber-plans"
    tags = ["chambers of commerce"]
    guards = [requires(Role.ADMIN, Role.SECRETARY, Role.LEADER)]

    @post("/", guards=[requires(Role.ADMIN, Role.LEADER)], summary="Plan a leader's visits to a chamber in a year")
    async def create(self, data: JSONBody[s.ChamberPlanCreate], actor: NamedDependency[Actor]) -> s.ChamberPlanRead:
        async with transaction():
            return await plans.create(data=data, actor=actor)

    @get("/", summary="The year's chamber plans with completed visits (default: this year, Asia/Shanghai)")
    async def list(
        self,
        actor: NamedDependency[Actor],
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
        leader_id: FromQuery[str | None] = None,
        chamber_id: FromQuery[str | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.ChamberPlanRead]:
        return page(
            await plans.get_all(
                actor=actor,
                year=year or clock.today().year,
                leader_id=leader_id,
                chamber_id=chamber_id,
                limit=limit,
                cursor=cursor,
            )
        )


ROUTERS: list = [VisitController, ChamberPlanController]

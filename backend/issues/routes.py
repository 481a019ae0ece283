"""HTTP routes of the issues domain: parse, guard, one service call, reply (with the ETag)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from backend.issues import queue, service, workflow
from backend.issues import schemas as s
from backend.platform import idempotency
from backend.platform.actor import Actor, Role
from backend.platform.guards import requires
from backend.platform.routing import DEFAULT_PAGE, Cursor, Limit, page
from backend.platform.schemas import Page

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key", required=False, description="A retry with the same key returns the first reply."
    ),
]
IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", required=False, description="The ETag read last; a stale one answers 412."),
]
Overdue = Annotated[
    bool | None, QueryParameter(name="overdue", required=False, description="true: only overdue issues.")
]


async def issue_filter(
    status: FromQuery[s.Status | None] = None,
    overdue: Overdue = None,
    enterprise_id: FromQuery[str | None] = None,
    department_id: FromQuery[str | None] = None,
    district: FromQuery[str | None] = None,
) -> s.IssueFilter:
    """The filters of `GET /issues` and the review queue, read once from the query string."""
    return s.IssueFilter(
        status=status, overdue=overdue, enterprise_id=enterprise_id, department_id=department_id, district=district
    )


FILTERS = {"filters": Provide(issue_filter)}


def _with_etag(response: Response) -> Response:
    """The issue reply's ETag as a header (also on a replayed reply)."""
    content = response.content
    tag = content.etag if isinstance(content, s.IssueRead) else msgspec.json.decode(content).get("etag")
    if tag:
        response.headers["ETag"] = tag
    return response


async def _keyed(
    request: Request, actor: Actor, key: str | None, data: Any, work: Any, status_code: int, *extra: Any
) -> Response:
    """Run `work` under the Idempotency-Key (if any) and reply with the issue's ETag."""
    return _with_etag(
        await idempotency.run(
            actor=actor,
            key=key,
            request_fingerprint=idempotency.fingerprint("POST", request.url.path, msgspec.to_builtins(data), *extra),
            work=work,
            status_code=status_code,
        )
    )


class IssueController(Controller):
    path = "/api/v1/issues"
    tags = ["issues"]
    dependencies = FILTERS
    guards = [requires(Role.ADMIN, Role.SECRETARY, Role.LEADER, Role.DEPARTMENT, Role.ENTREPRENEUR)]

    @post("/", guards=[requires(*service.FILERS)], summary="Raise an issue (owners: for their own enterprise)")
    async def create(
        self,
        request: Request,
        data: JSONBody[s.IssueCreate],
        actor: NamedDependency[Actor],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.IssueRead]:
        return await _keyed(
            request, actor, idempotency_key, data, lambda: service.create_issue(data=data, actor=actor), 201
        )

    @get("/", summary="List the issues the caller may see")
    async def list(
        self,
        actor: NamedDependency[Actor],
        filters: NamedDependency[s.IssueFilter],
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.IssueRead]:
        return page(await service.list_issues(actor=actor, filters=filters, limit=limit, cursor=cursor))

    @get("/{issue_id:str}", summary="Read an issue with its history (and its ETag)")
    async def get(self, issue_id: FromPath[str], actor: NamedDependency[Actor]) -> Response[s.IssueDetail]:
        issue = await service.get_issue(issue_id=issue_id, actor=actor)
        return Response(issue, headers={"ETag": issue.etag})

    @post(
        "/{issue_id:str}/transitions",
        status_code=200,
        guards=[requires(Role.ADMIN, Role.SECRETARY, Role.DEPARTMENT)],
        summary="Take an action on an issue (assign, start, resolve, verify, reopen, transfer, redirect)",
    )
    async def transition(
        self,
        request: Request,
        issue_id: FromPath[str],
        data: JSONBody[s.TransitionIn],
        actor: NamedDependency[Actor],
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.IssueDetail]:
        work = lambda: workflow.transition(issue_id=issue_id, data=data, actor=actor, if_match=if_match)  # noqa: E731
        return await _keyed(request, actor, idempotency_key, data, work, 200, if_match)

    @post(
        "/{issue_id:str}/feedback",
        status_code=200,
        guards=[requires(Role.ENTREPRENEUR)],
        summary="The owner's feedback on a resolution; not satisfied reopens the issue",
    )
    async def feedback(
        self,
        request: Request,
        issue_id: FromPath[str],
        data: JSONBody[s.FeedbackIn],
        actor: NamedDependency[Actor],
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.IssueDetail]:
        work = lambda: workflow.give_feedback(issue_id=issue_id, data=data, actor=actor, if_match=if_match)  # noqa: E731
        return await _keyed(request, actor, idempotency_key, data, work, 200, if_match)


class ReviewQueueController(Controller):
    path = "/api/v1/review-queue"
    tags = ["issues"]
    dependencies = FILTERS
    guards = [requires(Role.SECRETARY, Role.ADMIN)]

    @get("/", summary="Unresolved issues, overdue first, then nearest deadline (secretaries)")
    async def list(
        self,
        actor: NamedDependency[Actor],
        filters: NamedDependency[s.IssueFilter],
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.QueueItem]:
        return page(await queue.review_queue(actor=actor, filters=filters, limit=limit, cursor=cursor))


ROUTERS = [IssueController, ReviewQueueController]

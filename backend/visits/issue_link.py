"""The visits domain's one bridge to the issues domain: the issues raised in a visit.

In an enterprise visit an issue may leave out `enterprise_id` (it is the visit's enterprise); one
naming another enterprise is refused. In a chamber visit each issue names the member enterprise
that raised it, which must lie in the chamber's district (and the visitor's). Issues are created through the issues service inside the visit's transaction, so
the visit and its issues commit or fail together.
"""

from __future__ import annotations

import uuid

import msgspec

from backend.issues import service as issues
from backend.issues.schemas import IssueCreate, IssueRead, VisitContext
from backend.platform.actor import Actor
from backend.platform.errors import DomainError, ValidationFailed
from backend.visits.schemas import VisitIssueIn


def _issue_input(item: VisitIssueIn, enterprise_id: uuid.UUID | None, index: int) -> IssueCreate:
    fields = msgspec.structs.asdict(item)
    given = fields.pop("enterprise_id")
    if enterprise_id is not None:
        if given is not None and given != str(enterprise_id):
            raise ValidationFailed(
                "An issue raised in a visit belongs to the visited enterprise.",
                field=f"issues[{index}].enterprise_id",
                code="issue_enterprise_mismatch",
            )
        given = str(enterprise_id)
    elif given is None:
        raise ValidationFailed(
            "An issue raised in a chamber visit names its enterprise.",
            field=f"issues[{index}].enterprise_id",
            code="issue_enterprise_required",
        )
    return IssueCreate(enterprise_id=given, **fields)


async def create_for_visit(
    *, visit_id: uuid.UUID, enterprise_id: uuid.UUID | None, district: str, items: list[VisitIssueIn], actor: Actor
) -> list[IssueRead]:
    """Create each issue raised in the visit; an error names the issue's place in the list.

    The issues service checks each issue's enterprise against the visit (`VisitContext`): the
    visited enterprise, or in a chamber visit one of the chamber's district within the visitor's.
    """
    visit = VisitContext(id=visit_id, district=district, enterprise_id=enterprise_id)
    created: list[IssueRead] = []
    for index, item in enumerate(items):
        data = _issue_input(item, enterprise_id, index)
        try:
            created.append(await issues.create_issue(data=data, actor=actor, visit=visit))
        except DomainError as exc:
            if exc.errors:
                exc.errors = [e | {"field": f"issues[{index}].{e.get('field', '')}"} for e in exc.errors]
            exc.detail = f"issues[{index}]: {exc.detail}"
            raise
    return created


async def issues_of(*, visit_ids: list[uuid.UUID], actor: Actor) -> dict[str, list[IssueRead]]:
    """Visit id (as text) -> the issues raised in it that the actor may see (oldest first)."""
    return await issues.list_for_visits(visit_ids=visit_ids, actor=actor)

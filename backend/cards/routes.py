"""HTTP routes of the cards domain: cards, tokens, images, status lists, JWKS, verifications."""

from __future__ import annotations

import contextlib
from typing import Annotated, AsyncIterator

from litestar import Controller, Litestar, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from backend.cards import images, issuing, keys, service, statuslist, verification
from backend.cards import schemas as s
from backend.orgs.schemas import Service
from backend.platform import db, idempotency
from backend.platform.actor import Actor, Role
from backend.platform.db import transaction
from backend.platform.guards import PUBLIC, requires
from backend.platform.routing import DEFAULT_PAGE, Cursor, Limit, page
from backend.platform.schemas import Page

ADMIN = requires(Role.ADMIN)
HOLDER_OR_ADMIN = requires(Role.ADMIN, Role.ENTREPRENEUR)
IdempotencyKey = Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)]
ServiceFilter = Annotated[Service | None, QueryParameter(name="service")]
FromFilter = Annotated[str | None, QueryParameter(name="from", description="date or timestamp, inclusive")]
ToFilter = Annotated[str | None, QueryParameter(name="to", description="date (whole day) or timestamp, inclusive")]


class CardController(Controller):
    path = "/api/v1/cards"
    tags = ["cards"]
    guards = [requires(Role.ADMIN, Role.SECRETARY, Role.LEADER, Role.ENTREPRENEUR)]

    @post("/", guards=[ADMIN], summary="Issue a green card (admin)")
    async def create(self, data: JSONBody[s.CardCreate], actor: NamedDependency[Actor]) -> s.CardDetail:
        async with transaction():
            return await service.create_card(data=data, actor=actor)

    @get("/", summary="List cards the caller may see")
    async def index(
        self,
        actor: NamedDependency[Actor],
        status: FromQuery[s.CardStatus | None] = None,
        batch: FromQuery[str | None] = None,
        enterprise_id: FromQuery[str | None] = None,
        holder_id: FromQuery[str | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.CardRead]:
        return page(
            await service.list_cards(
                actor=actor,
                status=status,
                batch=batch,
                enterprise_id=enterprise_id,
                holder_id=holder_id,
                limit=limit,
                cursor=cursor,
            )
        )

    @get("/{card_id:str}", summary="Read a card with its history")
    async def read(self, card_id: FromPath[str], actor: NamedDependency[Actor]) -> s.CardDetail:
        return await service.get_card(card_id=card_id, actor=actor)

    @get("/{card_id:str}/credential", guards=[HOLDER_OR_ADMIN], summary="The credential printed on the card")
    async def credential(self, card_id: FromPath[str], actor: NamedDependency[Actor]) -> s.TokenRead:
        async with transaction():
            return await issuing.credential(card_id=card_id, actor=actor)

    @get(
        "/{card_id:str}/qr.png", guards=[HOLDER_OR_ADMIN], media_type="image/png", summary="The credential as a QR code"
    )
    async def qr(self, card_id: FromPath[str], actor: NamedDependency[Actor]) -> Response[bytes]:
        async with transaction():
            token = await issuing.credential(card_id=card_id, actor=actor)
        return Response(
            await images.render_qr(token.token),
            media_type="image/png",
            headers={"Cache-Control": "private, max-age=300"},
        )

    @get(
        "/{card_id:str}/card.png",
        guards=[HOLDER_OR_ADMIN],
        media_type="image/png",
        summary="The card image (ID-1, 300 dpi)",
    )
    async def image(self, card_id: FromPath[str], actor: NamedDependency[Actor]) -> Response[bytes]:
        async with transaction():
            face = await issuing.card_face(card_id=card_id, actor=actor)
        return Response(
            await images.render_card(face), media_type="image/png", headers={"Cache-Control": "private, max-age=300"}
        )

    @post("/{card_id:str}/suspend", guards=[ADMIN], status_code=200, summary="Suspend a card (admin)")
    async def suspend(
        self, card_id: FromPath[str], data: JSONBody[s.ReasonIn], actor: NamedDependency[Actor]
    ) -> s.CardDetail:
        async with transaction():
            return await service.change_status(card_id=card_id, action="suspend", reason=data.reason, actor=actor)

    @post("/{card_id:str}/reinstate", guards=[ADMIN], status_code=200, summary="Reinstate a suspended card (admin)")
    async def reinstate(
        self, card_id: FromPath[str], data: JSONBody[s.ReasonIn], actor: NamedDependency[Actor]
    ) -> s.CardDetail:
        async with transaction():
            return await service.change_status(card_id=card_id, action="reinstate", reason=data.reason, actor=actor)

    @post("/{card_id:str}/revoke", guards=[ADMIN], status_code=200, summary="Revoke a card for good (admin)")
    async def revoke(
        self, card_id: FromPath[str], data: JSONBody[s.ReasonIn], actor: NamedDependency[Actor]
    ) -> s.CardDetail:
        async with transaction():
            return await service.change_status(card_id=card_id, action="revoke", reason=data.reason, actor=actor)

    @post("/{card_id:str}/renew", guards=[ADMIN], status_code=200, summary="Extend a card's validity (admin)")
    async def renew(
        self, card_id: FromPath[str], data: JSONBody[s.RenewIn], actor: NamedDependency[Actor]
    ) -> s.CardDetail:
        async with transaction():
            return await service.renew(card_id=card_id, data=data, actor=actor)

    @get("/{card_id:str}/redemptions", guards=[HOLDER_OR_ADMIN], summary="Where and when the card was used")
    async def redemptions(
        self, card_id: FromPath[str], actor: NamedDependency[Actor], limit: Limit = DEFAULT_PAGE, cursor: Cursor = None
    ) -> Page[s.RedemptionRead]:
        card = await service.get_card_row(card_id=card_id, actor=actor)
        return page(await verification.list_redemptions(actor=actor, card_id=str(card.id), limit=limit, cursor=cursor))


class MyCardController(Controller):
    path = "/api/v1/me/card"
    tags = ["cards"]
    guards = [requires(Role.ENTREPRENEUR)]

    @get("/", summary="The caller's own card")
    async def mine(self, actor: NamedDependency[Actor]) -> s.CardDetail:
        return await service.my_card(actor=actor)

    @get("/presentation", summary="A one-time token for the app's rotating QR")
    async def presentation(self, actor: NamedDependency[Actor]) -> Response[s.TokenRead]:
        token = await issuing.presentation(actor=actor)
        return Response(token, headers={"Cache-Control": "no-store"})


@post(
    "/api/v1/verifications",
    guards=[requires(Role.SERVICE_STAFF)],
    status_code=200,
    tags=["cards"],
    summary="Judge a card credential or presentation token at the caller's service point",
)
async def verify(
    data: JSONBody[s.VerificationIn], actor: NamedDependency[Actor], idempotency_key: IdempotencyKey = None
) -> Response[s.VerificationRead]:
    if idempotency_key is not None:
        return await idempotency.run(
            actor=actor,
            key=idempotency_key,
            status_code=200,
            request_fingerprint=idempotency.fingerprint("POST", "/api/v1/verifications", data.token),
            work=lambda: verification.verify(token=data.token, actor=actor),
        )
    judged = await verification.judge_online(token=data.token, actor=actor)
    if judged.writes_one_statement:  # nothing, or one atomic INSERT: no explicit transaction
        return Response(await verification.record(judged=judged, actor=actor))
    async with transaction():
        return Response(await verification.record(judged=judged, actor=actor))


@get(
    "/api/v1/redemptions",
    guards=[requires(Role.ADMIN, Role.SERVICE_STAFF)],
    tags=["cards"],
    summary="Redemptions across service points (admin), or at the caller's own service point (service staff)",
)
async def list_redemptions(
    actor: NamedDependency[Actor],
    service_: ServiceFilter = None,
    service_point_id: FromQuery[str | None] = None,
    from_: FromFilter = None,
    to: ToFilter = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[s.RedemptionRead]:
    return page(
        await verification.list_redemptions(
            actor=actor,
            service=service_,
            service_point_id=service_point_id,
            from_=from_,
            to=to,
            limit=limit,
            cursor=cursor,
        )
    )


@get(
    "/api/v1/status-lists/{list_id:str}",
    opt=PUBLIC,
    tags=["cards"],
    media_type="application/statuslist+jwt",
    summary="Signed Token Status List (2 bits: 0 valid, 1 revoked, 2 suspended) for offline scanners",
)
async def status_list(list_id: FromPath[str], request: Request) -> Response[bytes]:
    signed = await statuslist.signed_list(list_id=list_id)
    headers = {"Cache-Control": f"public, max-age={signed.ttl}", "ETag": signed.etag}
    if request.headers.get("if-none-match") == signed.etag:
        return Response(b"", status_code=304, headers=headers)
    return Response(signed.token.encode(), media_type="application/statuslist+jwt", headers=headers)


@get("/.well-known/jwks.json", opt=PUBLIC, tags=["cards"], summary="Public keys that sign card credentials")
async def jwks() -> Response[dict]:
    ring = await keys.ring()
    return Response(ring.jwks, headers={"Cache-Control": "public, max-age=300"})


@contextlib.asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    """Make sure a signing key exists before the first request."""
    async with db.transaction():
        await keys.ensure_key()
    keys.forget()
    images.check_fonts_at_start()
    yield


ROUTERS = [CardController, MyCardController, verify, list_redemptions, status_list, jwks]

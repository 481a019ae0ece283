"""create_app(): the domains' routers, auth, errors, logging and the lifespan in one place."""

from __future__ import annotations

import contextlib
import gc
from typing import AsyncIterator

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from backend.apidocs import RENDER_PLUGINS
from backend.assignments import routes as assignments
from backend.cards import routes as cards
from backend.headers import add_security_headers
from backend.issues import routes as issues
from backend.ops.routes import PROMETHEUS
from backend.ops.routes import ROUTERS as OPS
from backend.orgs import routes as orgs
from backend.platform import db, inputs, logs
from backend.platform.errors import EXCEPTION_HANDLERS
from backend.platform.openapi import document_problems
from backend.platform.routing import provide_actor
from backend.platform.settings import settings
from backend.reminders import routes as reminders
from backend.reports import routes as reports
from backend.security import routes as security
from backend.security.guards import authenticate
from backend.security.network import trusted_proxy_middleware
from backend.visits import routes as visits
from backend.web import routes as web

# Adding a domain: add its routes module here. A routes module may also define `lifespan`.
DOMAINS = [security, orgs, cards, assignments, visits, issues, reminders, reports, web]


@contextlib.asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    await db.start()
    async with contextlib.AsyncExitStack() as stack:
        for domain in DOMAINS:
            if hasattr(domain, "lifespan"):
                await stack.enter_async_context(domain.lifespan(app))
        # Startup objects (routes, schemas, modules) never die: keep them out of the collector's
        # full passes, whose pauses otherwise show in the latency tail.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await stack.aclose()
            await db.stop()


def create_app() -> Litestar:
    logs.configure(settings.log_level)
    app = Litestar(
        route_handlers=[*OPS, *(r for domain in DOMAINS for r in domain.ROUTERS)],
        dependencies={"actor": Provide(provide_actor)},
        middleware=[
            logs.request_id_middleware,
            PROMETHEUS.middleware,
            trusted_proxy_middleware,
            inputs.text_middleware,
        ],
        request_class=inputs.CheckedRequest,
        before_request=inputs.read_form,  # a route's own before_request replaces this: call it there
        guards=[authenticate],
        before_send=[add_security_headers],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=[_lifespan],
        request_max_body_size=settings.max_body_bytes,
        logging_config=None,  # logs.configure() owns logging: JSON lines
        openapi_config=OpenAPIConfig(
            title="Green Card & Five-Ones API",
            version="1.0.0",
            description="Entrepreneur green cards and the five-ones enterprise-visit mechanism.",
            path="/schema",
            render_plugins=RENDER_PLUGINS,
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
            security=[{"bearer": []}],
        ),
    )
    document_problems(app)
    return app

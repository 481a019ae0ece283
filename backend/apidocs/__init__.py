"""The API docs page at `/schema`: Swagger UI, served by this process (no CDN), no inline script.

Litestar's stock docs pages load their scripts, styles and fonts from public CDNs with inline
scripts. This origin also serves the H5 app and its tokens, so third-party code may not run on
it, and an intranet deployment may not reach a CDN at all. Swagger UI (5.x: it reads OpenAPI
3.1) comes from the pinned `swagger-ui-py` package and starts from `start.js` here, which loads
`/schema/openapi.json`, so the page runs under the app's strict policy (backend/headers.py:
scripts and styles from this origin only). The machine-readable document stays at
`/schema/openapi.json` (and `.yaml`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, YamlRenderPlugin
from litestar.router import Router
from litestar.static_files import create_static_files_router

from backend.platform.guards import PUBLIC

HERE = Path(__file__).parent
# Swagger UI's files from the swagger-ui-py package, found without importing it (it would
# import its framework adapters); only its static folder is used.
SWAGGER_UI = Path(importlib.util.find_spec("swagger_ui").origin).parent / "static"  # type: ignore[union-attr, arg-type]
ASSETS = "/schema/assets"

_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<link rel="stylesheet" href="{ASSETS}/docs.css">
<link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{ASSETS}/start.js"></script>
</body>
</html>
"""


class SwaggerPage(OpenAPIRenderPlugin):
    """Swagger UI from this origin's own files."""

    def __init__(self) -> None:
        super().__init__(path=["/", "/swagger"])

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = str(openapi_schema.get("info", {}).get("title", "API"))
        safe = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return _PAGE.replace("{title}", safe).encode()

    def receive_router(self, router: Router) -> None:
        router.register(
            create_static_files_router(
                path="/assets",
                directories=[HERE / "static", SWAGGER_UI],
                opt=PUBLIC,
                include_in_schema=False,
                send_as_attachment=False,
            )
        )


RENDER_PLUGINS = [SwaggerPage(), JsonRenderPlugin(), YamlRenderPlugin()]

#!/bin/sh
# The container's entry point: `python -m backend "$@"`, but `serve` refuses to start without
# PUBLIC_BASE_URL. Every token's issuer and every link is built from it; the built-in default
# (http://localhost:8000) would give tokens an issuer no client outside the container uses.
set -e
if [ "${1:-serve}" = "serve" ] && [ -z "${PUBLIC_BASE_URL:-}" ]; then
    echo "error: PUBLIC_BASE_URL is not set. Set it to the address clients reach this service at," >&2
    echo "e.g. docker run -e PUBLIC_BASE_URL=https://greencard.example.gov.cn ... (it is the tokens' issuer)" >&2
    exit 64
fi
exec python -m backend "$@"

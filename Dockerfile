FROM python:3.11-slim

# pg_dump and pg_restore, for `backup` and `restore` against PostgreSQL: Debian's client, which must be
# at least the server's major version (python:3.11-slim is Debian 13: client 17, for servers up to 17).
# Card images need no system font: Noto Sans CJK SC comes with the Python dependencies.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 greencard
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY migrations ./migrations
COPY piccolo_conf.py ./
COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN pip install --no-cache-dir . && mkdir -p /data && chown -R greencard /app /data

USER greencard
# PUBLIC_BASE_URL has no default here: `serve` refuses to start without it (see docker-entrypoint.sh).
ENV DATA_DIR=/data PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8000
# Liveness, not readiness: /health answers from the process alone, so a database outage does not get
# every container restarted. Load balancers route by /ready (database reachable, migrations current).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
# Arguments are the CLI's: `docker run IMAGE migrate`, `docker run IMAGE backup /data/backups/x.tar.gz`.
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]

FROM python:3.11-slim

# A CJK font for the card images (holder names are printed in Chinese characters).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk curl \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 greencard
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY migrations ./migrations
COPY piccolo_conf.py ./
RUN pip install --no-cache-dir . && mkdir -p /data && chown -R greencard /app /data

USER greencard
ENV DATA_DIR=/data PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/health || exit 1
CMD ["python", "-m", "backend", "serve", "--host", "0.0.0.0", "--port", "8000"]

# Production image: non-root, migrates and seeds on start, then serves. Configure with DATABASE_URL, PORT, WEB_CONCURRENCY.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=8000 \
    HOST=0.0.0.0 \
    WEB_CONCURRENCY=1 \
    DATABASE_URL=sqlite:////data/salary.db

WORKDIR /srv/app
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY seed ./seed
COPY migrations ./migrations
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /srv/app salary \
    && mkdir -p /data && chown salary /data

USER salary
EXPOSE 8000
CMD ["sh", "-c", "salary-api migrate && salary-api seed && exec salary-api serve --host \"$HOST\" --port \"$PORT\" --workers \"$WEB_CONCURRENCY\""]

# Production image: non-root, migrates and seeds on start, then serves. Configure with DATABASE_URL, PORT,
# WEB_CONCURRENCY and the SALARY_API_* settings (docs/configuration.md); compose.yaml shows a deployment.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000 \
    HOST=0.0.0.0 \
    WEB_CONCURRENCY=1 \
    DATABASE_URL=sqlite:////data/salary.db

WORKDIR /srv/app
# The dependencies first, from the lock (pinned, every file checked against its hash), in their own layer.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md LICENSE alembic.ini ./
COPY app ./app
COPY seed ./seed
COPY migrations ./migrations
RUN pip install --no-deps --no-build-isolation . \
    && rm -rf build *.egg-info \
    && useradd --system --uid 10001 --home-dir /srv/app salary \
    && mkdir -p /data && chown salary /data

USER salary
EXPOSE 8000
# Ready: /readyz answers 200 (the data loaded, the database reachable, not draining). Standard library only:
# the slim image has no curl. The start period covers migrate, seed and the first load.
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-m", "app.health.probe"]
CMD ["sh", "-c", "salary-api migrate && salary-api seed && exec salary-api serve --host \"$HOST\" --port \"$PORT\" --workers \"$WEB_CONCURRENCY\""]

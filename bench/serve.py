"""Start an ASGI app as `salary-api serve` does (its HTTP protocol with the head limits, asyncio loop, one
worker, its logging configuration, no uvicorn access log, no forwarded-header trust):
``python -m bench.serve APP PORT [--factory] [--loop=uvloop]``. The bench runs the floor (and the layer
variants of bench/layers.py) through this, so they pay what production pays per connection and request;
the API itself runs as `salary-api serve`."""

import sys

import uvicorn

from app.config import get_settings
from app.observability.logs import logging_config
from app.server import PROTOCOL


def main() -> None:
    app, port, *flags = sys.argv[1:]
    settings = get_settings()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(port),
        factory="--factory" in flags,
        loop=next((f.split("=", 1)[1] for f in flags if f.startswith("--loop=")), "asyncio"),
        http=PROTOCOL,
        proxy_headers=False,
        workers=1,
        timeout_keep_alive=settings.keep_alive_timeout,
        log_config=logging_config(settings),
        log_level=settings.log_level,
        access_log=False,
        lifespan="on",
    )


if __name__ == "__main__":
    main()

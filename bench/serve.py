"""Start an ASGI app as `salary-api serve` does (its HTTP protocol with the head limits, asyncio loop, one
worker, no access log, no forwarded-header trust): ``python -m bench.serve APP PORT [--factory]``. The bench
runs the API and the floor through this, so both pay what production pays per connection and request."""

import sys

import uvicorn

from app.server import PROTOCOL


def main() -> None:
    app, port, *flags = sys.argv[1:]
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(port),
        factory="--factory" in flags,
        loop=next((f.split("=", 1)[1] for f in flags if f.startswith("--loop=")), "asyncio"),
        http=PROTOCOL,
        proxy_headers=False,
        workers=1,
        access_log=False,
        log_level="warning",
        lifespan="on",
    )


if __name__ == "__main__":
    main()

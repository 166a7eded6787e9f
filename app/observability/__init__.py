"""What an operator sees: request ids, Prometheus metrics, structured logs and the SIGTERM drain.

Each concern is its own pure-ASGI layer or module; ``app.observability.stack`` puts the layers around the
edge in their order.
"""

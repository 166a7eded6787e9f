"""Who the client is (the peer, or what a trusted proxy says it forwarded for), and its rate limit."""

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from app.edge.common import header, send_error
from app.observability import metrics

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# Enough for any real chain of proxies; a longer header is a forgery and is not walked.
MAX_FORWARDED_HOPS = 16
MAX_KEY_LENGTH = 64


def client_key(address: str) -> str:
    """A bounded bucket key: an IPv4 address, an IPv6 /64 (one subscriber's block), or a truncated label."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:MAX_KEY_LENGTH]
    if ip.version == 6:
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


class ClientAddresses:
    """Resolves the client address: the TCP peer, unless the peer is a proxy the operator trusts, in which
    case the right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy."""

    def __init__(self, trusted_proxies: Sequence[str] = ()) -> None:
        self.trusted: list[IPNetwork] = [
            ipaddress.ip_network(p.strip(), strict=False) for p in trusted_proxies
        ]

    def is_trusted(self, address: str) -> bool:
        """Whether ``address`` is one of the operator's proxies."""
        if not self.trusted:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def resolve(self, scope: Scope) -> str:
        """The client's address for rate limiting and logs; never longer than an IP address."""
        peer = scope.get("client")
        host = peer[0] if peer else "-"
        if not self.trusted or not self.is_trusted(host):
            return host
        forwarded = header(scope, b"x-forwarded-for")
        if forwarded is None:
            return host
        hops = forwarded.split(b",")
        if len(hops) > MAX_FORWARDED_HOPS:
            return host
        for hop in reversed(hops):
            candidate = hop.strip().decode("latin-1")
            try:
                address = str(ipaddress.ip_address(candidate))
            except ValueError:
                return host  # a malformed entry: trust nothing the proxy passed on
            if not self.is_trusted(address):
                return address
        return host


class TokenBuckets:
    """Per-client token buckets; a bounded dict of bounded keys, so a flood of addresses cannot grow it."""

    def __init__(self, per_minute: int, max_clients: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(max(per_minute // 6, 1))  # a burst of ten seconds' worth
        self.max_clients = max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str, now: float) -> float:
        """0 when allowed, else the seconds until a token is available."""
        tokens, last = self.buckets.pop(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self.buckets[client] = (tokens - 1, now)
            wait = 0.0
        else:
            self.buckets[client] = (tokens, now)
            wait = (1 - tokens) / self.rate
        if len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        return wait


class ClientAddressMiddleware:
    """Puts the resolved client address into the scope, for the rate limit and the logs below."""

    def __init__(self, app: ASGIApp, *, addresses: ClientAddresses) -> None:
        self.app = app
        self.addresses = addresses

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.addresses.trusted:
            address = self.addresses.resolve(scope)
            peer = scope.get("client")
            if peer is None or address != peer[0]:
                scope["client"] = (address, 0)
        await self.app(scope, receive, send)


class RateLimitMiddleware:
    """429 with Retry-After once a client has spent its tokens."""

    def __init__(self, app: ASGIApp, *, per_minute: int, max_clients: int = 100_000) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute, max_clients)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client = scope.get("client")
            host = client[0] if client else "-"
            key = client_key(host) if ":" in host or len(host) > MAX_KEY_LENGTH else host
            wait = self.buckets.take(key, time.monotonic())
            if wait > 0:
                metrics.rate_limited()
                retry = str(max(1, math.ceil(wait)))
                await send_error(
                    send,
                    429,
                    "rate_limited",
                    f"Too many requests from this client; retry after {retry} s.",
                    extra=[(b"retry-after", retry.encode())],
                )
                return
        await self.app(scope, receive, send)

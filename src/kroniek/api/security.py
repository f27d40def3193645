"""What protects the server from its clients, as ASGI middleware: a token for writes, a rate limit per client
address, and security headers. Reads stay open without a token, as in Datasette.

Order, outermost first: headers (so that every answer carries them, refusals too), rate limit (cheapest
refusal, and it also slows down guessing the token), token, then the body limit (api.errors.BodyLimit).
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kroniek.api.errors import error_response
from kroniek.api.ui import CONTENT_SECURITY_POLICY
from kroniek.errors import InputError
from kroniek.settings import Settings

# Methods that only read; any other method changes data or costs an analysis, and needs the token.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MIN_TOKEN_LENGTH = 16
MAX_CLIENTS = 10_000  # buckets kept; the least recently seen client is forgotten (its bucket starts full again)
# Answers that are not the UI page: nothing in them may load, run or be framed.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",  # frame-ancestors for browsers without CSP level 2
}


def is_loopback(host: str) -> bool:
    """Whether listening on `host` serves this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def write_token(host: str, token: str | None) -> tuple[str | None, bool]:
    """The token writes need when serving on `host`, and whether it was generated here.

    A given token always applies (a shared machine's other users reach loopback too). Without one, loopback
    stays open and any other address gets a random token, as Jupyter does: a server reachable from the
    network never takes writes from anyone who can reach it.
    """
    if token is not None:
        check_token(token)
        return token, False
    if is_loopback(host):
        return None, False
    return secrets.token_urlsafe(32), True


def check_token(token: str) -> None:
    if len(token) < MIN_TOKEN_LENGTH or not token.isascii() or not token.isprintable() or " " in token:
        raise InputError("E014", length=len(token), minimum=MIN_TOKEN_LENGTH)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the middleware (inside out: the last added runs first) and describe 401 and 429 in the OpenAPI."""
    if settings.token is not None:
        check_token(settings.token)
        app.add_middleware(WriteToken, token=settings.token)
    limits = RateLimits.of(settings)
    if limits.enabled:
        app.add_middleware(RateLimit, limits=limits)
    app.add_middleware(SecurityHeaders)
    _describe(app, token=settings.token is not None, limited=limits.enabled)


# -- token ----------------------------------------------------------------------------------------


class WriteToken:
    """Refuses requests other than reads without `Authorization: Bearer <token>`, with 401."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in READ_METHODS and not self._authorised(scope):
            response = error_response(
                401, "unauthorized", "this server takes writes and analyses only with its token:"
                " send the header 'Authorization: Bearer <token>'",
            )  # fmt: skip
            response.headers["WWW-Authenticate"] = 'Bearer realm="kroniek"'
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authorised(self, scope: Scope) -> bool:
        given = next((value for name, value in scope["headers"] if name == b"authorization"), b"")
        return hmac.compare_digest(given, self.expected)  # constant time: no guessing byte by byte


# -- rate limit -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimits:
    per_second: float  # requests of any kind, per client address
    burst: float
    writes_per_minute: float  # writes and analyses, per client address, on top of the above

    @classmethod
    def of(cls, settings: Settings) -> RateLimits:
        return cls(settings.rate_limit, max(1.0, settings.rate_burst), settings.write_rate_limit)

    @property
    def enabled(self) -> bool:
        return self.per_second > 0 or self.writes_per_minute > 0

    @property
    def write_burst(self) -> float:
        """Ten seconds' worth of writes at once, at least one."""
        return max(1.0, self.writes_per_minute / 6)


class TokenBucket:
    """Holds up to `capacity` tokens, refilled at `rate` per second; a request takes one."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.updated = capacity, now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: there is one now, without taking it)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class RateLimit:
    """Token buckets per client address: past its limit a client gets 429 with Retry-After.

    The client address is the connection's, or X-Forwarded-For's on connections from a proxy uvicorn trusts
    (127.0.0.1 and ::1 unless FORWARDED_ALLOW_IPS says otherwise). The buckets are read and updated on the
    event loop with no await in between, so no lock is needed.
    """

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits
        self.buckets: OrderedDict[tuple[str, str], TokenBucket] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        kinds = ["any"] + ([] if scope["method"] in READ_METHODS else ["write"])
        buckets = [self._bucket(client, kind) for kind in kinds if self._rate(kind) > 0]
        now = time.monotonic()
        wait = max((bucket.wait(now) for bucket in buckets), default=0.0)
        if wait > 0:
            await self._too_many(wait)(scope, receive, send)
            return
        for bucket in buckets:
            bucket.take()
        await self.app(scope, receive, send)

    def _rate(self, kind: str) -> float:
        return self.limits.per_second if kind == "any" else self.limits.writes_per_minute / 60

    def _bucket(self, client: str, kind: str) -> TokenBucket:
        key = (client, kind)
        bucket = self.buckets.get(key)
        if bucket is None:
            capacity = self.limits.burst if kind == "any" else self.limits.write_burst
            bucket = self.buckets[key] = TokenBucket(self._rate(kind), capacity, time.monotonic())
            if len(self.buckets) > MAX_CLIENTS:
                self.buckets.popitem(last=False)
        self.buckets.move_to_end(key)
        return bucket

    @staticmethod
    def _too_many(wait: float) -> Any:
        seconds = max(1, math.ceil(wait))
        response = error_response(
            429, "too_many_requests", f"too many requests from this address: retry in {seconds} s"
        )
        response.headers["Retry-After"] = str(seconds)
        return response


# -- headers --------------------------------------------------------------------------------------


class SecurityHeaders:
    """Sets the security headers on every answer that has not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").startswith("text/html")
                policy = CONTENT_SECURITY_POLICY if html else API_CONTENT_SECURITY_POLICY
                for name, value in {**SECURITY_HEADERS, "content-security-policy": policy}.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


# -- OpenAPI --------------------------------------------------------------------------------------

ERROR_SCHEMA = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}


def _describe(app: FastAPI, *, token: bool, limited: bool) -> None:
    """Add the answers the middleware gives to the OpenAPI document, which only knows the routes."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                if limited:
                    responses.setdefault(
                        "429", {"description": "rate limit reached; see Retry-After", "content": ERROR_SCHEMA}
                    )
                if token and method.upper() not in READ_METHODS:
                    responses.setdefault("401", {"description": "no or wrong token", "content": ERROR_SCHEMA})
                    operation["security"] = [{"token": []}]
        if token:
            schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes["token"] = {"type": "http", "scheme": "bearer", "description": "the token `kroniek serve` printed"}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

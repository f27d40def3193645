"""Every error leaves the API in one shape, decided here: {"error": {"code", "message"}} with its HTTP status.

Which status and code::

    HTTPException (routing, 404/405, 413)      -> its status, code from the status
    RequestValidationError (bad query or body) -> 422 invalid
    InputError (bad date, bad cursor, ...)     -> 422 invalid
    StoreError E032 (no such document)         -> 404 not_found
    any other error                            -> 500 internal, without its details
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kroniek.errors import InputError, KroniekError, StoreError

log = logging.getLogger("kroniek.api")

CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal",
    503: "unavailable",
}


class ApiError(Exception):
    """An error the API raises itself, with its status and code."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")


def error_response(status: int, code: str, message: str, details: list[Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(KroniekError, _kroniek_error)
    app.add_exception_handler(Exception, _internal_error)


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return error_response(error.status, error.code, str(error))


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    message = error.detail if isinstance(error.detail, str) else json.dumps(error.detail)
    response = error_response(error.status_code, CODES.get(error.status_code, "error"), message)
    response.headers.update(error.headers or {})
    return response


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    details = [
        {"where": ".".join(str(part) for part in problem.get("loc", ())), "problem": problem.get("msg", "")}
        for problem in error.errors()
    ]
    message = "; ".join(f"{d['where']}: {d['problem']}" for d in details) or "invalid request"
    return error_response(422, "invalid", message, details)


async def _kroniek_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, KroniekError)
    if isinstance(error, StoreError) and error.code == "E032":
        return error_response(404, "not_found", str(error))
    if isinstance(error, InputError):
        return error_response(422, "invalid", str(error))
    log.error("kroniek error on %s: %s", request.url.path, error)
    return error_response(500, "internal", str(error))


async def _internal_error(request: Request, error: Exception) -> JSONResponse:
    log.exception("internal error on %s", request.url.path, exc_info=error)
    return error_response(500, "internal", f"internal error ({type(error).__name__}); see the server log")


class BodyLimit:
    """Refuses request bodies over `max_bytes` with 413, by Content-Length or while they stream in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large()(scope, receive, send)
            return
        await self.app(scope, self._counting(receive), send)

    def _too_large(self) -> JSONResponse:
        return error_response(413, "too_large", f"request body over the limit of {self.max_bytes} bytes")

    def _counting(self, receive: Receive) -> Receive:
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(413, f"request body over the limit of {self.max_bytes} bytes")
            return message

        return counted

"""API security against real servers: a token for writes off loopback, rate limits, body limits, headers.

`kroniek serve` itself runs as a subprocess bound to a non-loopback address of this machine (from
`hostname -I`); the other rules run on servers in a thread over the same app, with their limits set small.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from kroniek.api import create_app
from kroniek.api.security import write_token
from kroniek.api.server import running
from kroniek.errors import InputError
from kroniek.settings import Settings
from tests.test_api import error_of, store_annotated

ROOT = Path(__file__).resolve().parents[1]
KRONIEK = [str(Path(sys.executable).with_name("kroniek"))]
# Past validation, so a body like this answers 422 once it is let through: no analysis is needed to see that.
INVALID_ARTICLE: dict[str, Any] = {"text": ""}


def network_address() -> str | None:
    """An IPv4 address of this machine other than loopback, or None where it has none."""
    if not shutil.which("hostname"):
        return None
    found = subprocess.run(["hostname", "-I"], capture_output=True, text=True, check=False).stdout.split()
    return next((address for address in found if "." in address and not address.startswith("127.")), None)


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("security") / "kroniek.db"
    store_annotated(path)
    return path


@contextmanager
def server(database: Path, host: str = "127.0.0.1", **settings: Any) -> Iterator[str]:
    """A real server in a thread with these settings (the rest as defaults); yields its base URL."""
    app = create_app(database, settings=replace(Settings(db=database), **settings))
    try:
        with running(app, host) as base:
            yield base
    finally:
        app.state.backend.close()


@contextmanager
def kroniek_serve(database: Path, host: str | None, token: str | None = None) -> Iterator[tuple[str, str]]:
    """`kroniek serve` (on its default address when `host` is None) in a subprocess until it answers; yields
    its base URL and what it printed so far."""
    port = free_port(host or "127.0.0.1")
    env = {key: value for key, value in os.environ.items() if key != "KRONIEK_TOKEN"}
    env.update({"KRONIEK_TOKEN": token} if token else {})
    command = [*KRONIEK, "serve", "--db", str(database), "--port", str(port), *(["--host", host] if host else [])]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    base, printed = f"http://{host or '127.0.0.1'}:{port}", ""
    try:
        assert process.stderr is not None
        for line in process.stderr:
            printed += line
            if "Uvicorn running" in line or "Application startup complete" in line:
                break
        else:
            pytest.fail(f"kroniek serve ended before serving:\n{printed}")
        assert httpx.get(f"{base}/events").status_code == 200
        yield base, printed
    finally:
        process.terminate()
        process.wait(15)
        if process.stderr:
            process.stderr.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- token for writes -----------------------------------------------------------------------------


def test_serve_on_a_network_address_prints_a_token_and_asks_it_of_writes_only(database: Path) -> None:
    host = network_address()
    if host is None:
        pytest.skip("this machine has no non-loopback address; test_token_given_to_the_app covers the rule")
    with kroniek_serve(database, host) as (base, printed):
        token = re.search(r"Authorization: Bearer (\S+)'", printed)
        assert token, printed
        assert len(token.group(1)) >= 32
        for path in ("/documents", "/analyse"):
            error = error_of(httpx.post(base + path, json=INVALID_ARTICLE), 401)
            assert error["code"] == "unauthorized"
            wrong = httpx.post(base + path, json=INVALID_ARTICLE, headers=bearer(token.group(1)[:-1] + "x"))
            assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
            assert httpx.post(base + path, json=INVALID_ARTICLE, headers=bearer(token.group(1))).status_code == 422
        for path in ("/events", "/documents", "/places", "/entities", "/openapi.json", "/"):
            assert httpx.get(base + path).status_code == 200, path


def test_serve_listens_on_loopback_by_default_and_takes_writes_there_without_a_token(database: Path) -> None:
    with kroniek_serve(database, None) as (base, printed):
        assert "Bearer" not in printed
        assert httpx.post(f"{base}/analyse", json=INVALID_ARTICLE).status_code == 422
        host = network_address()
        if host is not None:  # this machine's other address does not reach it
            with pytest.raises(httpx.ConnectError):
                httpx.get(base.replace("127.0.0.1", host) + "/events")


def test_serve_on_loopback_asks_a_given_token_of_writes(database: Path) -> None:
    token = "correct-horse-battery-staple"
    with kroniek_serve(database, "127.0.0.1", token=token) as (base, printed):
        assert token not in printed  # a token the user chose is not echoed
        assert httpx.post(f"{base}/analyse", json=INVALID_ARTICLE).status_code == 401
        assert httpx.post(f"{base}/analyse", json=INVALID_ARTICLE, headers=bearer(token)).status_code == 422


def test_serve_refuses_a_weak_token(database: Path) -> None:
    done = subprocess.run(
        [*KRONIEK, "serve", "--db", str(database), "--token", "secret"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "E014" in done.stderr and "Traceback" not in done.stderr


def test_the_token_rule_for_each_address() -> None:
    assert write_token("127.0.0.1", None) == (None, False)
    assert write_token("localhost", None) == (None, False)
    assert write_token("::1", None) == (None, False)
    for host in ("0.0.0.0", "::", "192.0.2.2", "example.org"):
        token, generated = write_token(host, None)
        assert generated and token and len(token) >= 32
    assert write_token("0.0.0.0", None)[0] != write_token("0.0.0.0", None)[0]
    assert write_token("0.0.0.0", "a-token-of-my-own-choosing") == ("a-token-of-my-own-choosing", False)
    with pytest.raises(InputError, match="E014"):
        write_token("127.0.0.1", "short")
    with pytest.raises(InputError, match="E014"):
        write_token("0.0.0.0", "with a space inside it")


def test_token_given_to_the_app(database: Path) -> None:
    token = "s3cret-token-for-this-test-only"
    with server(database, token=token) as base:
        error = error_of(httpx.post(f"{base}/documents", json=[INVALID_ARTICLE]), 401)
        assert "Authorization: Bearer" in error["message"]
        assert (
            httpx.post(f"{base}/documents", json=INVALID_ARTICLE, headers={"Authorization": token}).status_code == 401
        )
        assert httpx.post(f"{base}/documents", json=INVALID_ARTICLE, headers=bearer(token)).status_code == 422
        assert httpx.get(f"{base}/events").status_code == 200
        spec = httpx.get(f"{base}/openapi.json").json()
        assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
        analyse = spec["paths"]["/analyse"]["post"]
        assert analyse["security"] == [{"token": []}] and "401" in analyse["responses"]
        assert "security" not in spec["paths"]["/events"]["get"]


# -- rate limit -----------------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after_then_lets_the_client_in_again(database: Path) -> None:
    with server(database, rate_limit=1.0, rate_burst=3.0) as base, httpx.Client(base_url=base) as client:
        assert [client.get("/events").status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get("/events")
        assert error_of(refused, 429)["code"] == "too_many_requests"
        assert refused.headers["retry-after"] == "1"
        time.sleep(1.1)
        spec = client.get("/openapi.json")  # let in again, after a second
        assert "429" in spec.json()["paths"]["/events"]["get"]["responses"]


def test_each_client_address_has_its_own_limit(database: Path) -> None:
    host = network_address()
    if host is None:
        pytest.skip("this machine has no non-loopback address to be a second client from")
    with server(database, "0.0.0.0", rate_limit=0.01, rate_burst=2.0) as base:
        port = base.rsplit(":", 1)[1]
        local, other = f"http://127.0.0.1:{port}", f"http://{host}:{port}"  # the client address is the one dialled
        assert [httpx.get(f"{local}/places").status_code for _ in range(3)] == [200, 200, 429]
        assert httpx.get(f"{other}/places").status_code == 200


def test_writes_have_a_stricter_limit(database: Path) -> None:
    with server(database, write_rate_limit=6.0) as base:  # 6 a minute: one at once
        assert httpx.post(f"{base}/analyse", json=INVALID_ARTICLE).status_code == 422
        assert httpx.post(f"{base}/analyse", json=INVALID_ARTICLE).headers["retry-after"] == "10"
        assert httpx.get(f"{base}/events").status_code == 200  # reads are not held back by writes


# -- body limit -----------------------------------------------------------------------------------


def test_oversize_bodies_get_413_whether_declared_or_chunked(database: Path) -> None:
    with server(database, max_size_mb=0.001) as base:  # 1,000 bytes
        body = b'{"text": "' + b"woord " * 400 + b'"}'
        error = error_of(httpx.post(f"{base}/analyse", content=body, headers={"Content-Type": "application/json"}), 413)
        assert error["code"] == "too_large"

        def chunks() -> Iterator[bytes]:
            yield body[:500]
            yield body[500:]

        request = httpx.Request(
            "POST", f"{base}/analyse", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert "content-length" not in request.headers and request.headers["transfer-encoding"] == "chunked"
        with httpx.Client() as client:
            assert error_of(client.send(request), 413)["code"] == "too_large"
        small = httpx.post(f"{base}/analyse", json=INVALID_ARTICLE)
        assert small.status_code == 422  # a body within the limit goes on to validation


# -- headers --------------------------------------------------------------------------------------


def test_security_headers_on_the_ui_and_on_the_api(database: Path) -> None:
    with server(database) as base:
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"  # nothing inline, nothing foreign
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        for response in (page, httpx.get(f"{base}/events"), httpx.get(f"{base}/static/app.js"), httpx.get(f"{base}/x")):
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert response.headers["x-frame-options"] == "DENY"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert httpx.get(f"{base}/events").headers["content-security-policy"].startswith("default-src 'none'")


# -- load, short (benchmarks/api_load.py is the long run) -----------------------------------------


def test_fifty_concurrent_clients_get_no_errors(database: Path) -> None:
    paths = ["/events", "/events?country=IQ", "/events?since=2017&until=2021", "/documents", "/places", "/histogram"]

    async def client(http: httpx.AsyncClient, number: int) -> list[int]:
        return [(await http.get(paths[(number + i) % len(paths)])).status_code for i in range(8)]

    async def crowd(base: str) -> list[int]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
            answers = await asyncio.gather(*(client(http, number) for number in range(50)))
        return [status for statuses in answers for status in statuses]

    with server(database, rate_limit=0) as base:
        statuses = asyncio.run(crowd(base))
    assert len(statuses) == 400 and set(statuses) == {200}

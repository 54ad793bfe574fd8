"""End-to-end fixtures: the real `frontdesk` binary in front of the `scripted-upstream` fake LLM.

Both executables come from `swift build --show-bin-path` (run from the repository root; build
them first with `swift build --product frontdesk` and `swift build --product scripted-upstream`,
as scripts/run-tests.sh does). Set FRONTDESK_E2E_BIN_PATH to use another build directory.

Raw HTTP goes through the standard library (`http.client`) so the suite needs nothing beyond
the packages scripts/ensure-deps.sh installs (openai, pyyaml, jsonschema, pytest).
"""
from __future__ import annotations

import functools
import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_TOOLS = REPO.parent / "shared" / "tools"
sys.path.insert(0, str(SHARED_TOOLS))

import validate_openai  # noqa: E402  (shared/tools/validate_openai.py, beside the clone)

# Loopback only: never send test traffic through a proxy from the environment.
for _name in ("NO_PROXY", "no_proxy"):
    os.environ[_name] = "127.0.0.1,localhost"

UPSTREAM_KEY = "sk-test-upstream-secret-1234567890"
UPSTREAM_MODEL = "scripted-model"
START_TIMEOUT = 60.0

# Variables FrontDesk reads; scrubbed from the inherited environment so only the test decides.
_CONFIG_VARIABLES = {
    "HOST", "PORT", "DATABASE_PATH", "PERSONAS_DIR", "PERSONA_NAME", "PERSONA_MODE",
    "MAX_BODY_BYTES", "MAX_TOOL_ROUNDS", "LOG_LEVEL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
    "FRONTDESK_ENV",
}
_CONFIG_PREFIXES = ("UPSTREAM_", "FRONTDESK_", "WEBHOOK_", "TELNYX_", "TEXTS_", "METRICS_")
_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}


@functools.lru_cache(maxsize=1)
def bin_path() -> Path:
    override = os.environ.get("FRONTDESK_E2E_BIN_PATH")
    if override:
        return Path(override)
    out = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True, check=True
    )
    return Path(out.stdout.strip().splitlines()[-1])


def executable(name: str) -> Path:
    path = bin_path() / name
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: run `swift build --product {name}` first", pytrace=False)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrubbed_environment() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items()
        if k not in _CONFIG_VARIABLES and k not in _PROXY_VARIABLES and not k.startswith(_CONFIG_PREFIXES)
    }
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def stop_process(process: subprocess.Popen, timeout: float = 5.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


# ---------------------------------------------------------------------------------------------
# Raw HTTP (standard library)


@dataclass
class HTTPResult:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float
    # Receive time (seconds since the request was sent) of each SSE `data:` line, in order.
    event_times: list[float] = field(default_factory=list)
    transfer_error: str | None = None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def sse_events(self) -> list[str]:
        return [line[len("data:"):].strip() for line in self.text.splitlines() if line.startswith("data:")]


def http_request(
    base_url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> HTTPResult:
    """One request on a fresh connection. `body` may be bytes, str or a JSON-able object.
    The response is read line by line so SSE receive times can be measured."""
    url = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    all_headers = {"Connection": "close"}
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        all_headers["Content-Type"] = "application/json"
    if isinstance(body, str):
        body = body.encode()
    all_headers.update(headers or {})
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        chunks: list[bytes] = []
        times: list[float] = []
        error = None
        try:
            while True:
                line = response.readline()
                if not line:
                    break
                if line.startswith(b"data:"):
                    times.append(time.monotonic() - started)
                chunks.append(line)
        except (http.client.IncompleteRead, ConnectionError, OSError) as e:
            error = repr(e)
        return HTTPResult(
            status=response.status,
            headers={k.lower(): v for k, v in response.getheaders()},
            body=b"".join(chunks),
            elapsed=time.monotonic() - started,
            event_times=times,
            transfer_error=error,
        )
    finally:
        connection.close()


def post_chat(base_url: str, payload: Any, headers: dict[str, str] | None = None, path: str = "/v1/chat/completions",
              timeout: float = 30.0) -> HTTPResult:
    return http_request(base_url, "POST", path, payload, headers, timeout)


def assert_openai_error(result: HTTPResult, status: int, *, param: Any = ..., error_type: str | None = None) -> dict:
    assert result.status == status, f"expected {status}, got {result.status}: {result.text[:500]}"
    assert result.headers.get("content-type", "").startswith("application/json"), result.headers
    body = result.json()
    validate_openai.validate_error(body)
    error = body["error"]
    if param is not ...:
        assert error.get("param") == param, f"param: expected {param!r}, got {error.get('param')!r}: {body}"
    if error_type is not None:
        assert error.get("type") == error_type, body
    return error


# ---------------------------------------------------------------------------------------------
# The fake upstream


class FakeUpstream:
    """A running `scripted-upstream` process, driven over its control endpoints."""

    def __init__(self, chunk_delay_ms: int = 0):
        self.process = subprocess.Popen(
            [str(executable("scripted-upstream")), "--host", "127.0.0.1", "--port", "0",
             "--chunk-delay-ms", str(chunk_delay_ms)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO,
        )
        deadline = time.monotonic() + START_TIMEOUT
        line = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                break
            if self.process.poll() is not None:
                break
        if not line.startswith(b"LISTENING "):
            stop_process(self.process)
            raise RuntimeError(f"scripted-upstream did not start (first line {line!r})")
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.url}/v1"

    def script(self, *replies: dict) -> None:
        result = http_request(self.url, "POST", "/_script", {"replies": list(replies)})
        assert result.status == 200, result.text

    def reset(self) -> None:
        assert http_request(self.url, "POST", "/_reset", b"").status == 200

    def set_chunk_delay(self, ms: int) -> None:
        assert http_request(self.url, "POST", "/_config", {"chunk_delay_ms": ms}).status == 200

    def requests(self, path: str | None = "/v1/chat/completions") -> list[dict]:
        recorded = http_request(self.url, "GET", "/_requests").json()["requests"]
        return [r for r in recorded if path is None or r["path"] == path]

    def chat_bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests()]

    def stop(self) -> None:
        stop_process(self.process)


# Reply builders (the fake's JSON script form)
def text_reply(text: str) -> dict:
    return {"type": "text", "text": text}


def status_reply(status: int, message: str, retry_after: int | None = None) -> dict:
    reply = {"type": "status", "status": status, "message": message}
    if retry_after is not None:
        reply["retry_after"] = retry_after
    return reply


def tool_calls_reply(calls: list[dict], shape: str = "fragments") -> dict:
    return {"type": "tool_calls", "calls": calls, "shape": shape}


HANG = {"type": "hang"}


def drop_reply(text: str, after_words: int) -> dict:
    return {"type": "drop", "text": text, "after_words": after_words}


# ---------------------------------------------------------------------------------------------
# FrontDesk


class FrontDesk:
    """A running `frontdesk serve --env test` process with its own database and log file."""

    def __init__(self, directory: Path, env: dict[str, str]):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.url}/v1"
        self.database = directory / "fd.sqlite"
        self.log_path = directory / "frontdesk.log"
        self.env = env
        full_env = scrubbed_environment()
        full_env.update({"DATABASE_PATH": str(self.database), "PERSONAS_DIR": str(REPO / "personas"),
                         "LOG_LEVEL": "info"})
        full_env.update(env)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(executable("frontdesk")), "serve", "--env", "test", "--port", str(self.port)],
            cwd=REPO, env=full_env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                self._log.close()
                raise RuntimeError(f"frontdesk exited with {self.process.returncode}:\n{self.log_text()[-3000:]}")
            try:
                if http_request(self.url, "GET", "/health", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"frontdesk did not answer /health:\n{self.log_text()[-3000:]}")
            time.sleep(0.05)

    def log_text(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def business_name(self) -> str:
        import sqlite3
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
            return db.execute("SELECT name FROM business").fetchone()[0]

    def cli(self, *args: str) -> str:
        """Runs `frontdesk ARGS --database <this server's file>` (e.g. `business add`); returns stdout."""
        result = subprocess.run([str(executable("frontdesk")), *args, "--database", str(self.database)],
                                cwd=REPO, env=scrubbed_environment(), capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"frontdesk {' '.join(args)} failed: {result.stderr}"
        return result.stdout

    def create_key(self, business: str = "default") -> str:
        """A new business API key (`fdk_…`), made with the CLI. The server sees it within a second."""
        return self.cli("business", "key", "create", "--business", business).strip().splitlines()[-1]

    def openai_client(self, api_key: str = "sk-client-not-checked", **kwargs):
        import openai
        return openai.OpenAI(base_url=self.base_url, api_key=api_key, max_retries=0, timeout=30, **kwargs)

    def stop(self) -> None:
        stop_process(self.process)
        if not self._log.closed:
            self._log.close()


def upstream_env(fake: FakeUpstream, **extra: str) -> dict[str, str]:
    env = {
        "UPSTREAM_BASE_URL": fake.base_url,
        "UPSTREAM_API_KEY": UPSTREAM_KEY,
        "UPSTREAM_MODEL": UPSTREAM_MODEL,
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def start_frontdesk(tmp_path_factory):
    """Factory: start_frontdesk(env) → FrontDesk; every server started is stopped at module end."""
    started: list[FrontDesk] = []

    def start(env: dict[str, str]) -> FrontDesk:
        server = FrontDesk(tmp_path_factory.mktemp("frontdesk"), env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def fake():
    upstream = FakeUpstream()
    yield upstream
    upstream.stop()


@pytest.fixture(autouse=True)
def _fresh_fake(request):
    """Each test starts with an empty script and no recordings on the module's fake."""
    if "fake" in request.fixturenames:
        request.getfixturevalue("fake").reset()
    yield


def wait_until(predicate: Callable[[], Any], what: str, seconds: float = 10.0,
               context: Callable[[], str] | None = None, interval: float = 0.05) -> Any:
    """Polls `predicate` until it returns something truthy (and returns that), or fails the test
    after `seconds`, with `context()` appended to say what was seen instead."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = f"\n{context()}" if context else ""
            pytest.fail(f"timed out after {seconds} s waiting for {what}{extra}", pytrace=False)
        time.sleep(interval)


def telnyx_raw(body: Any) -> bytes:
    """The exact bytes a test sends (and signs) as Telnyx: pretty-printed, non-ASCII kept as UTF-8,
    so a server that re-serialised the JSON before checking the signature would fail."""
    return body if isinstance(body, bytes) else json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")


def telnyx_signature(key, timestamp: str, body: bytes) -> str:
    """Telnyx's Ed25519 signature (a PyNaCl SigningKey) over "{timestamp}|{raw body}", base64."""
    import base64

    return base64.b64encode(key.sign(timestamp.encode("utf-8") + b"|" + body).signature).decode()


def read_request_body(handler) -> bytes:
    """The body of a request a fake outside service (http.server) received: Content-Length or
    chunked (libcurl may send either)."""
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


# The persona Telnyx's assistant is configured with in the e2e tests of calls.
VOICE_MODEL = "frontdesk/dental_office"


def serve_fake(handle: Callable[[BaseHTTPRequestHandler], None], name: str) -> ThreadingHTTPServer:
    """Starts a quiet HTTP/1.1 server on 127.0.0.1 (any free port) for a FAKE outside service:
    every request, whatever its method, goes to `handle(handler)`. Stop it with shutdown() and
    server_close()."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            handle(self)

        do_GET = do_PUT = do_PATCH = do_DELETE = do_POST

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True).start()
    return server


def stream_turn(client, messages: list[dict], metadata: dict) -> tuple[str, str | None]:
    """One streamed voice turn with the official openai SDK, every chunk checked against OpenAI's
    schema; returns what was spoken and the finish reason."""
    stream = client.chat.completions.create(model=VOICE_MODEL, messages=messages, stream=True,
                                            extra_body={"extra_metadata": metadata})
    spoken, finish = "", None
    for chunk in stream:
        validate_openai.validate_chunk(chunk.model_dump(exclude_unset=True))
        if chunk.choices:
            spoken += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
    return spoken, finish


class VoiceCall:
    """One phone call's turns as Telnyx's assistant sends them (Custom LLM with forward_metadata),
    through the official openai SDK, streamed; every chunk checked against OpenAI's schema."""

    def __init__(self, server, api_key: str, **metadata: str):
        # Telnyx's assistant sends the business key (`llm_api_key_ref`): once a key exists, /v1 needs one.
        self.client = server.openai_client(api_key=api_key)
        self.metadata = {"telnyx_conversation_channel": "phone_call", **metadata}
        self.messages: list[dict] = []

    def say(self, text: str) -> str:
        self.messages.append({"role": "user", "content": text})
        spoken, finish = stream_turn(self.client, self.messages, self.metadata)
        assert finish == "stop", (finish, spoken)
        self.messages.append({"role": "assistant", "content": spoken})
        return spoken


class StaffApi:
    """The staff REST API (/api/v1) with one business key, made with the CLI."""

    def __init__(self, url: str, key: str):
        self.url, self.key = url, key

    @classmethod
    def for_server(cls, server, business: str = "default"):
        """A new key of `business`; returns once the server accepts it (it reloads keys within a second)."""
        api = cls(server.url, server.create_key(business))
        wait_until(lambda: api.call("GET", "business").status == 200, f"the server to accept the new key of {business}")
        return api

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> HTTPResult:
        target = f"/api/v1/{path}"
        query = {k: v for k, v in query.items() if v is not None}
        if query:
            target += "?" + urllib.parse.urlencode(query)
        return http_request(self.url, method, target, body, {"Authorization": f"Bearer {self.key}"})

    def ok(self, method: str, path: str, body: Any = None, expect: int = 200, **query: Any) -> Any:
        """The JSON answer (None when empty) after asserting the HTTP status `expect`; named so that
        `status` stays free as a query parameter (appointments?status=booked)."""
        result = self.call(method, path, body, **query)
        assert result.status == expect, f"{method} {path}: expected {expect}, got {result.status}: {result.text[:600]}"
        return result.json() if result.body else None

    def get(self, path: str, **query: Any) -> Any:
        return self.ok("GET", path, **query)

    def events(self) -> list[dict]:
        """Every event of the business, oldest first, following `next_after`."""
        out: list[dict] = []
        after = 0
        for _ in range(200):
            page = self.get("events", after=after, limit=500)
            out += page["data"]
            if not page["data"] or page["next_after"] is None:
                return out
            after = page["next_after"]
        pytest.fail("events pagination did not end")

"""The web app: one FastAPI app with the Gradio UI and an OpenAI-compatible API, a thin shell over Advisor.

    GET  /                      the Gradio UI (ui.py)
    POST /v1/chat/completions   OpenAI-compatible chat, model "stackadvisor"; stream=true answers as SSE
    GET  /v1/models             the one model
    POST /api/ask               {"question": ..., "history": [[user, assistant], ...]} -> Reply.to_dict()
    GET  /healthz               index ready, backend reachable (names, never keys or URLs)

Every request passes one ASGI guard, in this order (pure ASGI, so streamed answers stay streamed):

    traversal (.., file=, NUL), uploads -> 404   basic auth -> 401   body size -> 413   per-client rate limit -> 429
    then the route; advisor calls run in a bounded thread pool and a full queue answers 503 "busy" at once.

The rate limit covers /v1 and /api, and (at 4x) the UI's event submissions; a client is its network address
(an API key is no identity: anyone can send a fresh made-up one with every request, and with auth on every
client sends the same password). Forwarded-for headers are ignored unless the peer is a proxy named in
STACKADVISOR_TRUSTED_PROXIES: behind a load balancer, name it there so each user keeps their own limit.
With STACKADVISOR_AUTH="user:password" every route but /healthz needs HTTP Basic auth; OpenAI clients pass
the password as their API key.

| setting         | env var                        | default        |
|-----------------|--------------------------------|----------------|
| auth            | STACKADVISOR_AUTH              | none (no auth) |
| concurrency     | STACKADVISOR_CONCURRENCY       | 4              |
| queue           | STACKADVISOR_QUEUE             | 64             |
| rate_limit      | STACKADVISOR_RATE_LIMIT        | 120/minute     |
| max_body_bytes  | STACKADVISOR_MAX_BODY_BYTES    | 1048576        |
| history_chars   | STACKADVISOR_HISTORY_CHARS     | 12000          |
| trusted_proxies | STACKADVISOR_TRUSTED_PROXIES   | none           |

Bounded work per request: the history a request replays is its last `history_turns` turns and, of those, the newest
whose user messages total at most `history_chars` characters (reading a user turn costs what reading a question
does, so a body at the size limit costs a few questions, not hundreds). A request whose client disconnects stops at
the advisor's next piece of output (an LLM answer between sentences); the worker slot is free when it does.
Gradio's direct calls (/gradio_api/api/NAME, /gradio_api/run/NAME) bypass its queue, so they take the API's rate
limit and a slot of the same pool as /v1 and /api.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import re
import secrets
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, MutableMapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import unquote, urlsplit

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from .errors import BackendError, ConfigError, IndexError_, InputError, StackAdvisorError
from .text import package_version

log = logging.getLogger("stackadvisor.web")

MODEL = "stackadvisor"
ADVISOR_SETTINGS = ("llm", "base_url", "kb", "table", "home", "embeddings", "chroma_url", "k", "timeout", "max_input_chars")
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|sec|s|minute|min|m|hour|h)\s*$", re.I)
_SECRET_ENV = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|AUTH", re.I)
_KEYLIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-]{6,}|Bearer\s+\S+)")


# ------------------------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class WebSettings:
    """Limits of the web app: explicit argument > STACKADVISOR_* env var > default."""

    auth: str | None = None  # "user:password"
    concurrency: int = 4  # advisor calls running at once (threads)
    queue: int = 64  # calls allowed to wait for a thread; beyond that: 503 busy
    rate_limit: str = "120/minute"  # per client on /v1 and /api; burst = the count
    max_body_bytes: int = 1024 * 1024
    max_message_chars: int = 20_000  # any one message of a history (the question has max_input_chars)
    max_messages: int = 500
    history_turns: int = 20  # (user, assistant) pairs passed on; older turns only set needs
    history_chars: int = 12_000  # characters of user messages replayed, newest first; older turns are dropped
    ui: bool = True
    trusted_proxies: str = ""  # comma-separated addresses/CIDRs whose X-Forwarded-For is believed (serve only)

    @classmethod
    def load(cls, **given: Any) -> WebSettings:
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = given.pop(f.name, None)
            if value is None:
                value = os.environ.get(f"STACKADVISOR_{f.name.upper()}") or None
            if value is not None:
                values[f.name] = value
        if given:
            raise ConfigError(f"Unknown web setting(s): {', '.join(sorted(given))}. Valid: {', '.join(f.name for f in fields(cls))}.")
        try:
            for name in ("concurrency", "queue", "max_body_bytes", "max_message_chars", "max_messages", "history_turns", "history_chars"):
                if name in values:
                    values[name] = int(values[name])
                    if values[name] < (0 if name == "queue" else 1):
                        raise ValueError
        except (TypeError, ValueError):
            raise ConfigError(f"Invalid web setting {name} (env STACKADVISOR_{name.upper()}): give a positive integer.") from None
        settings = replace(cls(), **values)
        settings.rate()  # validate
        if settings.auth is not None and ":" not in settings.auth:
            raise ConfigError('STACKADVISOR_AUTH must look like "user:password".')
        return settings

    def rate(self) -> tuple[int, float]:
        """(burst, tokens per second) from "120/minute"."""
        m = _RATE.match(str(self.rate_limit))
        if not m or int(m.group(1)) < 1:
            raise ConfigError(f"Invalid rate limit {self.rate_limit!r} (env STACKADVISOR_RATE_LIMIT): use N/second, N/minute or N/hour, e.g. 120/minute.")
        n, unit = int(m.group(1)), m.group(2).lower()[0]
        return n, n / {"s": 1.0, "m": 60.0, "h": 3600.0}[unit]


# ------------------------------------------------------------------------------------------ helpers


def redact(text: str) -> str:
    """Remove secrets from a message that leaves the process: env values that look like keys, sk-..., bearer tokens."""
    for name, value in os.environ.items():
        if value and len(value) >= 6 and _SECRET_ENV.search(name):
            text = text.replace(value, "[redacted]")
            if name == "STACKADVISOR_AUTH" and ":" in value:
                password = value.split(":", 1)[1]
                if len(password) >= 4:
                    text = text.replace(password, "[redacted]")
    return _KEYLIKE.sub("[redacted]", text)


def printable(text: object, limit: int = 200) -> str:
    """A value made safe for one log line: control characters, ANSI and bidi escaped, length capped."""
    s = str(text)
    cut = len(s) > limit
    s = s[:limit].encode("unicode_escape", "backslashreplace").decode("ascii")
    s = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "?", s)
    return s + ("..." if cut else "")


def error_body(message: str, type_: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": redact(message), "type": type_, "code": code or type_}}


def error_response(status: int, message: str, type_: str, code: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(message, type_, code), status_code=status, headers=headers)


def describe_error(exc: BaseException) -> tuple[int, str, str]:
    """(status, message, type) for an error raised while answering; messages tell the next step."""
    if isinstance(exc, InputError):
        return 400, str(exc), "invalid_request_error"
    if isinstance(exc, IndexError_):
        return 503, str(exc), "index_unavailable"
    if isinstance(exc, BackendError):
        return 502, str(exc), "backend_error"
    if isinstance(exc, StackAdvisorError):
        return 500, str(exc), "stackadvisor_error"
    return 500, "Internal error while answering; the server log has the details. Try again, and report it if it persists.", "internal_error"


class Busy(Exception):
    """The advisor's queue is full."""


class UnsupportedMedia(InputError):
    """A JSON route got a body that does not say it is JSON (415)."""


# ------------------------------------------------------------------------------------------ the guard


class RateLimiter:
    """Token buckets per client key: `burst` requests at once, refilled at `per_second`."""

    MAX_CLIENTS = 10_000

    def __init__(self, burst: int, per_second: float) -> None:
        self.burst, self.per_second = float(burst), per_second
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, now: float | None = None) -> float:
        """0 when allowed, else the seconds until the next request would be."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.per_second)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > self.MAX_CLIENTS:
                self._prune(now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1 - tokens) / self.per_second

    def peek(self, key: str, now: float | None = None) -> float:
        """Like allow() without taking a token."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.per_second)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.per_second

    def _prune(self, now: float) -> None:
        full = self.burst / self.per_second
        for k, (_, last) in list(self._buckets.items()):
            if now - last > full:
                del self._buckets[k]
        while len(self._buckets) > self.MAX_CLIENTS:
            del self._buckets[next(iter(self._buckets))]


class _TooLarge(Exception):
    pass


def _is_traversal(path: str, raw: bytes) -> bool:
    text = raw.decode("latin-1") or path
    for _ in range(3):  # double- and triple-encoded forms too
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    low = (text + "\n" + path).lower().replace("\\", "/")
    return ("/../" in low + "/" or "/.." in low or low.startswith("..") or "\x00" in low
            or "file=" in low or "/." in low.replace("/.well-known", ""))


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and b"json" in v.lower() for k, v in headers)


async def _buffered(receive: Callable) -> tuple[bytes, Callable]:
    """Read a request body whole (the caller bounds its size) and a receive that hands it on once, then waits as before."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> dict:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _busy_response() -> JSONResponse:
    return error_response(503, "The advisor is busy; try again in a few seconds.", "busy", headers={"Retry-After": "2"})


class Guard:
    """The ASGI middleware in front of everything (see the module docstring)."""

    API_PREFIXES = ("/v1/", "/api/")
    UI_EVENTS = ("/gradio_api/queue/join", "/gradio_api/call/")  # UI event submissions (through Gradio's queue): 4x the API rate
    DIRECT_CALLS = ("/gradio_api/api/", "/gradio_api/run/")  # a function run outside Gradio's queue: the API's rate and a pool slot
    OPEN_PATHS = ("/healthz",)
    UI_MAX_BODY = 64 * 1024
    AUTH_FAILURES_PER_MINUTE = 30  # then 429 for that address, right credentials or not, until it refills
    BLOCKED = ("/gradio_api/upload", "/upload", "/gradio_api/mcp")  # the UI takes no files and serves no MCP

    def __init__(self, app: Callable, settings: WebSettings, service: Service | None = None,
                 fn_ids: Callable[[], set[int]] | None = None) -> None:
        self.app = app
        self.settings = settings
        self.service = service  # direct Gradio calls hold one of its slots
        self.fn_ids = fn_ids  # the UI's event handler ids: queue/join with another fn_index is a 400, not a KeyError
        burst, per_second = settings.rate()
        self.limiter = RateLimiter(burst, per_second)
        self.ui_limiter = RateLimiter(4 * burst, 4 * per_second)
        self.auth_failures = RateLimiter(self.AUTH_FAILURES_PER_MINUTE, self.AUTH_FAILURES_PER_MINUTE / 60)  # per address
        self.credentials: tuple[bytes, bytes] | None = None
        if settings.auth:
            user, password = settings.auth.split(":", 1)
            self.credentials = (user.encode(), password.encode())

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: list[int] = [0]

        async def send_logged(message: MutableMapping[str, Any]) -> None:  # an ASGI message (starlette.types.Message)
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        path = scope.get("path", "")
        try:
            refusal = self._refuse(scope)
            if refusal is not None:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                await refusal(scope, receive, send_logged)
                return
            bounded = self._bounded(receive, self._limit(path))
            if scope["type"] == "http" and scope.get("method") == "POST" and path.startswith("/gradio_api/"):
                await self._gradio(scope, bounded, send_logged, path)
                return
            await self.app(scope, bounded, send_logged)
        except _TooLarge:
            if status[0] == 0:
                await self._too_large(path)(scope, receive, send_logged)
        finally:
            if scope["type"] == "http" and not path.startswith(("/gradio_api/heartbeat", "/gradio_api/queue/data")):
                client = (scope.get("client") or ("-", 0))[0]
                log.info("%s %s %s %d %.0fms", printable(client, 64), scope.get("method", "-"), printable(path), status[0],
                         (time.perf_counter() - started) * 1000)

    def _refuse(self, scope: dict) -> Callable | None:
        path = scope.get("path", "")
        if _is_traversal(path, scope.get("raw_path") or b"") or path.startswith(self.BLOCKED):
            return error_response(404, "Not found.", "not_found")
        headers = dict(scope.get("headers") or [])
        if self.credentials and path not in self.OPEN_PATHS:
            host = str((scope.get("client") or ("-", 0))[0])
            wait = self.auth_failures.peek(host)
            if wait:
                return self._rate_limited(wait, "Too many failed sign-ins from this address")
            if not self._authorized(headers):
                self.auth_failures.allow(host)
                return error_response(401, "Authentication required: this server was started with STACKADVISOR_AUTH.", "unauthorized",
                                      headers={"WWW-Authenticate": 'Basic realm="stackadvisor", charset="UTF-8"'})
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self._limit(path)
            except ValueError:
                return error_response(400, "Invalid Content-Length header.", "invalid_request_error")
            if too_big:
                return self._too_large(path)
        limiter = None
        if path.startswith(self.API_PREFIXES) or (path.startswith(self.DIRECT_CALLS) and scope.get("method") == "POST"):
            limiter = self.limiter
        elif path.startswith(self.UI_EVENTS) and scope.get("method") == "POST":
            limiter = self.ui_limiter
        if limiter is not None:
            wait = limiter.allow(self._client_key(scope, headers))
            if wait:
                return self._rate_limited(wait, "Too many requests from this client")
        return None

    async def _gradio(self, scope: dict, receive: Callable, send: Callable, path: str) -> None:
        """A POST to Gradio's API. Direct calls take a pool slot (503 busy when none is free or queued); queue/join's
        fn_index must name one of the UI's handlers; Gradio's unhandled errors on bad input (a plain-text 500 from
        its error middleware: unknown fields in call/v2, an unknown api name) become a 400 naming the API page."""
        if path.rstrip("/") == "/gradio_api/queue/join" and self.fn_ids is not None:
            body, receive = await _buffered(receive)
            refusal = self._check_fn_index(body)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        started = rewritten = False

        async def clean_send(message: dict) -> None:
            nonlocal started, rewritten
            if rewritten:
                return
            if message["type"] == "http.response.start":
                if message["status"] >= 500 and not _is_json(message.get("headers") or []):
                    rewritten = True
                    await self._bad_ui_request()(scope, receive, send)
                    return
                started = True
            await send(message)

        direct = self.service if path.startswith(self.DIRECT_CALLS) else None  # a direct call holds one of its slots
        if direct is not None:
            try:
                direct.admit()
            except Busy:
                await _busy_response()(scope, receive, send)
                return
        try:
            if direct is not None:
                async with direct.limiter:
                    await self.app(scope, receive, clean_send)
            else:
                await self.app(scope, receive, clean_send)
        except _TooLarge:
            raise
        except Exception as exc:  # noqa: BLE001 - Gradio re-raises what its error middleware already answered
            if started:
                raise
            log.warning("UI request refused: %s %s", printable(path), printable(type(exc).__name__))
            if not rewritten:
                await self._bad_ui_request()(scope, receive, send)
        finally:
            if direct is not None:
                direct.release()

    @staticmethod
    def _bad_ui_request() -> JSONResponse:
        return error_response(400, "This request to the UI's API could not be processed: check the endpoint name and its fields "
                                   "against the API page (the \"Use via API\" link at the foot of the UI).", "invalid_request_error")

    def _check_fn_index(self, body: bytes) -> JSONResponse | None:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None  # Gradio answers a malformed body itself (422)
        if not isinstance(data, dict) or "fn_index" not in data:
            return None
        index = data["fn_index"]
        known = self.fn_ids() if self.fn_ids is not None else set()
        if isinstance(index, bool) or not isinstance(index, int) or index not in known:
            return error_response(400, f"Unknown fn_index {printable(repr(index), 40)}: this UI has event handlers {min(known, default=0)}-"
                                       f"{max(known, default=0)}. Use the UI, or the named endpoints on its API page.", "invalid_request_error")
        return None

    @staticmethod
    def _rate_limited(wait: float, what: str) -> JSONResponse:
        seconds = max(1, int(wait + 0.999))
        return error_response(429, f"{what}; slow down and retry in {seconds} s.", "rate_limited", headers={"Retry-After": str(seconds)})

    def _limit(self, path: str) -> int:
        """Body limit: the UI's events carry one question (the conversation stays on the server), so 64 KiB."""
        return min(self.settings.max_body_bytes, self.UI_MAX_BODY) if path.startswith("/gradio_api/") else self.settings.max_body_bytes

    def _too_large(self, path: str) -> JSONResponse:
        limit = self._limit(path)
        return error_response(413, f"Request body too large: the limit is {limit:,} bytes. Send only the question and a short history.",
                              "request_too_large")

    def _authorized(self, headers: dict[bytes, bytes]) -> bool:
        """HTTP Basic with the user and password, or (for OpenAI clients) a bearer key equal to the password."""
        value = headers.get(b"authorization", b"")
        scheme, _, token = value.partition(b" ")
        if self.credentials is None:
            return False
        if scheme.lower() == b"bearer":
            return secrets.compare_digest(token.strip(), self.credentials[1])
        if scheme.lower() != b"basic":
            return False
        try:
            user, _, password = base64.b64decode(token.strip(), validate=True).partition(b":")
        except ValueError:
            return False
        ok_user = secrets.compare_digest(user, self.credentials[0])
        ok_password = secrets.compare_digest(password, self.credentials[1])
        return ok_user and ok_password

    @staticmethod
    def _client_key(scope: dict, headers: dict[bytes, bytes]) -> str:  # noqa: ARG004
        """The client: its network address (as uvicorn resolved it: a trusted proxy's X-Forwarded-For, else the peer).
        Never a header the client chooses: a made-up bearer key per request would make every request a new client."""
        return str((scope.get("client") or ("-", 0))[0])

    @staticmethod
    def _bounded(receive: Callable, limit: int) -> Callable:
        seen = 0

        async def bounded() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        return bounded


# ------------------------------------------------------------------------------------------ the service


class Service:
    """The advisor behind the routes: admission (queue limit), a bounded thread pool, readiness."""

    def __init__(self, advisor: Any, settings: WebSettings) -> None:
        self.advisor = advisor
        self.settings = settings
        self.limiter = anyio.CapacityLimiter(settings.concurrency)
        self.in_flight = 0
        self.index_ready = False
        self.index_error: str | None = None
        self._probe: tuple[float, bool] = (0.0, False)

    # admission ------------------------------------------------------------------------------
    @property
    def capacity(self) -> int:
        return self.settings.concurrency + self.settings.queue

    def admit(self) -> None:
        if self.in_flight >= self.capacity:
            raise Busy
        self.in_flight += 1

    def release(self) -> None:
        self.in_flight -= 1

    async def call(self, fn: Callable[[], Any]) -> Any:
        """Run a blocking advisor call in the pool (after admit())."""
        try:
            return await anyio.to_thread.run_sync(fn, limiter=self.limiter)
        finally:
            self.release()

    async def collect(self, make: Callable[[], Iterator[Any]], request: Request) -> Any:
        """The last item of a blocking generator run in the pool (after admit()), or None when the client went away
        first: a disconnect closes the generator at its next item (an LLM answer stops between sentences), so an
        abandoned request gives its slot back instead of running to the end."""
        last = error = None

        async with anyio.create_task_group() as tg:
            async def watch() -> None:
                while (await request.receive())["type"] != "http.disconnect":
                    pass
                tg.cancel_scope.cancel()

            tg.start_soon(watch)
            try:
                async for item in self.iterate(make):
                    last = item
            except Exception as exc:  # noqa: BLE001 - raised as itself below, not inside the task group's ExceptionGroup
                error = exc
            tg.cancel_scope.cancel()
        if error is not None:
            raise error
        return None if isinstance(last, str) else last  # the text pieces come first, the Reply last

    def notices(self) -> list[str]:
        """What every answer should say about the index right now: user kbs left out because they are damaged."""
        retriever = getattr(self.advisor, "_retriever", None)
        return [redact(m) for m in (getattr(retriever, "damaged", None) or {}).values()]

    def public(self, data: dict[str, Any]) -> dict[str, Any]:
        """A reply's dict as web users get it: the index notices added."""
        extra = [n for n in self.notices() if n not in (data.get("notices") or [])]
        if extra:
            data["notices"] = [*(data.get("notices") or []), *extra]
        return data

    async def iterate(self, make: Callable[[], Iterator[Any]]) -> AsyncIterator[Any]:
        """Items of a blocking generator, produced in the pool and handed to the event loop (after admit())."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        stop = threading.Event()

        def put(kind: int, value: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening
                loop.call_soon_threadsafe(queue.put_nowait, (kind, value))

        def work() -> None:
            it = None
            try:
                it = make()
                for item in it:
                    put(0, item)
                    if stop.is_set():
                        break
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                put(1, exc)
            finally:
                if it is not None and hasattr(it, "close"):
                    with contextlib.suppress(Exception):
                        it.close()
                put(2, None)

        task = asyncio.ensure_future(anyio.to_thread.run_sync(work, limiter=self.limiter))
        def done(t: asyncio.Future[Any]) -> None:
            self.release()
            if not t.cancelled():
                t.exception()  # retrieved, so asyncio does not log it as never retrieved

        task.add_done_callback(done)
        try:
            while True:
                kind, value = await queue.get()
                if kind == 2:
                    return
                if kind == 1:
                    raise value
                yield value
        finally:
            stop.set()
            if not task.done():
                task.cancel()

    # readiness ------------------------------------------------------------------------------
    WARM_QUESTION = "We're building a real-time chat app and the team knows React: which backend?"

    def warm(self) -> None:
        """Open the index and load the model; then run one question through everything but the writer (no LLM
        call) so the first user does not pay for regex compilation and first-use imports."""
        try:
            self.advisor.warm()
        except Exception as exc:  # noqa: BLE001 - reported by /healthz, logged here
            self.index_ready = False
            self.index_error = redact(str(exc) if isinstance(exc, StackAdvisorError) else f"{type(exc).__name__} while opening the index")
            log.warning("index not ready: %s", printable(self.index_error, 500))
            log.debug("index error detail: %s", printable(redact(repr(exc)), 1000))
            return
        try:
            from .compose import compose

            with contextlib.suppress(ImportError):  # gradio touches matplotlib on each event: import it here, not there
                import matplotlib  # noqa: F401
            ctx = self.advisor.prepare(self.WARM_QUESTION)
            self.advisor.verify(compose(ctx).text, ctx)
        except Exception as exc:  # noqa: BLE001 - only a warm-up
            log.warning("warm-up question failed: %s", printable(redact(f"{type(exc).__name__}: {exc}"), 500))
        self.index_ready, self.index_error = True, None

    def backend_reachable(self) -> bool:
        """Offline and in-process (local:) backends are always reachable; an OpenAI-compatible endpoint: a TCP
        connect to its host, cached for 10 s (no request is sent, so no key is used)."""
        name = str(self.advisor.backend)
        if name == "offline" or name.startswith("local"):
            return True
        now = time.monotonic()
        if now - self._probe[0] < 10:
            return self._probe[1]
        url = getattr(self.advisor.settings, "base_url", None) or "https://api.openai.com/v1"
        parts = urlsplit(url)
        ok = False
        try:
            with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)), timeout=1.0):
                ok = True
        except OSError:
            ok = False
        self._probe = (now, ok)
        return ok


# ------------------------------------------------------------------------------------------ request parsing


def _text(content: Any, where: str) -> str:
    """OpenAI message content: a string, or a list of parts of which the text parts count."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        out = []
        for part in content:
            if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                out.append(part["text"])
            elif isinstance(part, str):
                out.append(part)
        return "\n".join(out)
    raise InputError(f"{where}: content must be a string or a list of text parts.")


def parse_messages(messages: Any, settings: WebSettings, max_question: int) -> tuple[str, list[tuple[str, str]]]:
    """OpenAI messages -> (the last user question, history pairs). System and tool messages are not instructions."""
    if not isinstance(messages, list) or not messages:
        raise InputError('"messages" must be a non-empty list of {"role": ..., "content": ...}.')
    if len(messages) > settings.max_messages:
        raise InputError(f"Too many messages ({len(messages)}); the limit is {settings.max_messages}. Send the recent turns only.")
    turns: list[tuple[str, str]] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            raise InputError(f"messages[{i}] must be an object with a string \"role\".")
        role = m["role"].strip().lower()  # "User", "ASSISTANT": the role, whatever its case
        text = _text(m.get("content"), f"messages[{i}]")
        limit = max_question if i == len(messages) - 1 else settings.max_message_chars
        if len(text) > limit:
            raise InputError(f"messages[{i}] is {len(text):,} characters; the limit is {limit:,}. Shorten it and try again.")
        if role in ("user", "assistant"):
            turns.append((role, text))
    if not turns or turns[-1][0] != "user" or str(messages[-1].get("role")).strip().lower() != "user":
        raise InputError("The last message must be the user's question (role \"user\").")
    question = turns[-1][1]
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for role, text in turns[:-1]:
        if role == "user":
            if pending is not None:
                pairs.append((pending, ""))
            pending = text
        elif pending is not None:
            pairs.append((pending, text))
            pending = None
    if pending is not None:
        pairs.append((pending, ""))
    return question, within_budget(pairs[-settings.history_turns:], settings.history_chars)


def within_budget(pairs: list[tuple[str, str]], chars: int) -> list[tuple[str, str]]:
    """The newest turns whose user messages total at most `chars` characters (the newest one always: an over-long
    turn is then refused by the advisor with its limit). Reading a user turn costs what reading a question does, so
    this bounds what one request can make the server read, whatever the body holds."""
    kept: list[tuple[str, str]] = []
    total = 0
    for user, assistant in reversed(pairs):
        total += len(user)
        if kept and total > chars:
            break
        kept.append((user, assistant))
    return kept[::-1]


def parse_history(history: Any, settings: WebSettings) -> list[tuple[str, str]]:
    if history is None:
        return []
    if not isinstance(history, list):
        raise InputError('"history" must be a list of [user, assistant] pairs.')
    if len(history) * 2 > settings.max_messages:
        raise InputError(f"History too long ({len(history)} turns); the limit is {settings.max_messages // 2}. Send the recent turns only.")
    pairs = []
    for i, turn in enumerate(history):
        if not (isinstance(turn, (list, tuple)) and len(turn) == 2 and all(isinstance(t, str) for t in turn)):
            raise InputError(f"history[{i}] must be a pair of strings [user, assistant].")
        if max(len(turn[0]), len(turn[1])) > settings.max_message_chars:
            raise InputError(f"history[{i}] is longer than {settings.max_message_chars:,} characters; shorten it and try again.")
        pairs.append((turn[0], turn[1]))
    return within_budget(pairs[-settings.history_turns:], settings.history_chars)


JSON_TYPES = re.compile(r"^\s*application/(?:[\w.+-]+\+)?json\s*(?:;|$)", re.I)


async def read_json(request: Request) -> dict[str, Any]:
    """The JSON object a route was sent. A body that does not say it is JSON (text/plain, a form, no Content-Type) is
    415: a page on another site can send those without a CORS preflight, so they must never start any work."""
    if not JSON_TYPES.match(request.headers.get("content-type", "")):
        raise UnsupportedMedia('Send the body as JSON with "Content-Type: application/json".')
    body = await request.body()
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: a body of 100,000 "["
        raise InputError("The request body must be valid UTF-8 JSON.") from None
    if not isinstance(data, dict):
        raise InputError("The request body must be a JSON object.")
    return data


def check_options(data: dict[str, Any]) -> None:
    """Refuse, clearly, what /v1/chat/completions would otherwise silently ignore: another model, several choices,
    tools, structured output, log-probabilities. Harmless defaults (n=1, tools=[], response_format text) pass."""
    model = data.get("model")
    if model is not None and (not isinstance(model, str) or model.strip().lower() != MODEL):
        raise InputError(f'Unknown model {printable(model, 60)!r}: this server has one model, "{MODEL}" (GET /v1/models lists it).')
    n = data.get("n")
    if n is not None and (isinstance(n, bool) or n != 1):
        raise InputError('"n" must be 1: the advisor gives one answer per question (send the request again for another).')
    for key, what in (("tools", "tools (function calling)"), ("functions", "functions (function calling)")):
        if data.get(key) not in (None, []):
            raise InputError(f'"{key}" is not supported: the advisor answers in text and calls no {what}. Leave it out.')
    if data.get("tool_choice") not in (None, "none", "auto"):
        raise InputError('"tool_choice" is not supported: the advisor calls no tools. Leave it out.')
    fmt = data.get("response_format")
    if fmt is not None and not (isinstance(fmt, dict) and fmt.get("type") == "text"):
        raise InputError('"response_format" is not supported: answers are markdown text, with the checks and sources in the "stackadvisor" field.')
    if data.get("logprobs") not in (None, False) or data.get("top_logprobs") not in (None, 0):
        raise InputError('"logprobs" is not supported: the advisor does not expose token probabilities. Leave it out.')


def extra_of(reply: Any) -> dict[str, Any]:
    """The reply's checks, sources, ranking, ... for the extra "stackadvisor" field (the answer travels as content)."""
    data = reply.to_dict()
    data.pop("answer", None)
    return data


# ------------------------------------------------------------------------------------------ the app


def create_app(advisor: Any = None, **settings: Any) -> FastAPI:
    """The FastAPI app. `advisor` defaults to Advisor(**advisor settings); web settings: see WebSettings."""
    advisor_kw = {k: settings.pop(k) for k in list(settings) if k in ADVISOR_SETTINGS}
    web = WebSettings.load(**settings)
    if advisor is None:
        from .advisor import Advisor

        advisor = Advisor(**advisor_kw)
    elif advisor_kw:
        raise ConfigError(f"Pass either an advisor or its settings ({', '.join(sorted(advisor_kw))}), not both.")
    service = Service(advisor, web)
    offline = str(getattr(advisor, "backend", "offline")) == "offline"
    max_question = int(getattr(getattr(advisor, "settings", None), "max_input_chars", 4000))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=service.warm, name="stackadvisor-warm", daemon=True).start()
        yield

    app = FastAPI(title="stackadvisor", version=package_version(), lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.service = service
    app.state.settings = web

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError) -> JSONResponse:
        return error_response(400, str(exc), "invalid_request_error")

    @app.exception_handler(UnsupportedMedia)
    async def _unsupported_media(request: Request, exc: UnsupportedMedia) -> JSONResponse:
        return error_response(415, str(exc), "unsupported_media_type")

    @app.exception_handler(Busy)
    async def _busy(request: Request, exc: Busy) -> JSONResponse:
        return _busy_response()

    async def answer(payload: dict[str, Any], request: Request) -> Any:
        """The Reply for one question (after admit()). Offline it is bounded CPU work (the history budget); with an
        LLM it is the advisor's stream, collected, so a client that disconnects stops the LLM call at once."""
        if offline:
            return await service.call(lambda: advisor.invoke(payload))
        return await service.collect(lambda: advisor.stream(payload), request)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        reachable = await anyio.to_thread.run_sync(service.backend_reachable)
        ok = service.index_ready and reachable
        damaged = service.notices()  # user kbs left out of answers: still answering (200), but say so
        body = {
            "status": "ok" if ok and not damaged else ("starting" if not service.index_ready and service.index_error is None else "degraded"),
            "index": {"ready": service.index_ready, "error": service.index_error, "damaged": damaged},
            "backend": {"name": advisor.backend, "reachable": reachable},
            "load": {"in_flight": service.in_flight, "capacity": service.capacity},
            "version": package_version(),
        }
        return JSONResponse(json.loads(redact(json.dumps(body))), status_code=200 if ok else 503)

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "stackadvisor"}]}

    @app.post("/api/ask")
    async def ask(request: Request) -> JSONResponse:
        data = await read_json(request)
        question = data.get("question")
        if not isinstance(question, str):
            raise InputError('Send {"question": "...", "history": [["user", "assistant"], ...]}.')
        if len(question) > max_question:
            raise InputError(f"That message is {len(question):,} characters; the limit is {max_question:,}. Shorten it to the question itself and try again.")
        history = parse_history(data.get("history"), web)
        service.admit()
        try:
            reply = await answer({"question": question, "history": history}, request)
        except Exception as exc:  # noqa: BLE001 - the edge
            return _failure(exc)
        if reply is None:  # the client went away
            return error_response(400, "The client disconnected before the answer.", "client_disconnected")
        return JSONResponse(service.public(reply.to_dict()))

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        data = await read_json(request)
        check_options(data)
        question, history = parse_messages(data.get("messages"), web, max_question)
        stream = data.get("stream") is True
        service.admit()
        payload = {"question": question, "history": history}
        cid = "chatcmpl-" + uuid.uuid4().hex[:24]
        created = int(time.time())
        if not stream:
            try:
                reply = await answer(payload, request)
            except Exception as exc:  # noqa: BLE001 - the edge
                return _failure(exc)
            if reply is None:  # the client went away
                return error_response(400, "The client disconnected before the answer.", "client_disconnected")
            return {
                "id": cid, "object": "chat.completion", "created": created, "model": MODEL,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.answer}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                MODEL: service.public(extra_of(reply)),
            }
        return StreamingResponse(_sse(service.iterate(lambda: advisor.stream(payload)), cid, created, service.public),
                                 media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    if web.ui:
        from .ui import mount

        mount(app, advisor, web)
    mounted = (getattr(r, "app", None) for r in app.routes)  # a Mount's app (Gradio's has get_blocks)
    blocks = next((a.get_blocks() for a in mounted if a is not None and hasattr(a, "get_blocks")), None)
    fn_ids = (lambda: set(blocks.fns)) if blocks is not None else None
    app.add_middleware(Guard, settings=web, service=service, fn_ids=fn_ids)
    return app


def _failure(exc: BaseException) -> JSONResponse:
    status, message, type_ = describe_error(exc)
    if status >= 500:
        log.error("answer failed: %s", printable(redact(f"{type(exc).__name__}: {exc}"), 500))
    return error_response(status, message, type_)


async def _sse(items: AsyncIterator[Any], cid: str, created: int,
               public: Callable[[dict[str, Any]], dict[str, Any]] = lambda d: d) -> AsyncIterator[bytes]:
    def chunk(delta: dict, finish: str | None = None, **extra: Any) -> bytes:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return b"data: " + json.dumps(body, ensure_ascii=False).encode() + b"\n\n"

    yield chunk({"role": "assistant", "content": ""})
    sent = []
    try:
        async for item in items:
            if isinstance(item, str):
                sent.append(item)
                yield chunk({"content": item})
            else:
                extra = public(extra_of(item))
                if "".join(sent) != item.answer:  # the checker rewrote the streamed text: the final answer wins
                    extra["answer"] = item.answer
                yield chunk({}, "stop", **{MODEL: extra})
    except Exception as exc:  # noqa: BLE001 - the stream has started: report in-band
        status, message, type_ = describe_error(exc)
        if status >= 500:
            log.error("stream failed: %s", printable(redact(f"{type(exc).__name__}: {exc}"), 500))
        yield b"data: " + json.dumps(error_body(message, type_)).encode() + b"\n\n"
    yield b"data: [DONE]\n\n"


MAX_HEADER_BYTES = 16 * 1024  # request line + headers of one request (h11's default; browsers send ~1-2 KB)
HEADER_TIMEOUT = 10.0  # seconds a connection may take to send a request's line and headers, the first one included


def http_protocol() -> Any:
    """uvicorn's httptools protocol with two limits it lacks: a connection that has not sent a complete request line
    and headers within HEADER_TIMEOUT seconds of opening (or of a request's first byte) is closed, so idle or
    trickling half-open connections do not hold one of limit_concurrency's places; a request whose line and headers
    exceed MAX_HEADER_BYTES is answered 431 and closed. Without httptools: h11, whose incomplete-event limit bounds the
    headers the same way (the idle timeout then is uvicorn's keep-alive only)."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return "h11"

    class BoundedHttpTools(HttpToolsProtocol):  # type: ignore[misc, valid-type]
        _header_timer: Any = None
        _header_bytes = 0

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(HEADER_TIMEOUT, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._header_bytes = 0
            self._arm()

        def _count(self, n: int) -> bool:
            self._header_bytes += n
            if self._header_bytes <= MAX_HEADER_BYTES:
                return True
            if not self.transport.is_closing():
                body = json.dumps(error_body(f"Request headers too large: the limit is {MAX_HEADER_BYTES:,} bytes.", "request_too_large")).encode()
                self.transport.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
                                     b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body))
                self.transport.close()
            return False

        def on_url(self, url: bytes) -> None:
            if self._count(len(url)):
                super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            if self._count(len(name) + len(value) + 4):
                super().on_header(name, value)

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

    return BoundedHttpTools


def serve(host: str = "127.0.0.1", port: int = 7860, **settings: Any) -> None:
    """Serve the app with uvicorn (blocking). Binds 127.0.0.1 unless told otherwise; never a share link."""
    import uvicorn

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(**{k: v for k, v in settings.items() if v is not None})
    web: WebSettings = app.state.settings
    if host not in ("127.0.0.1", "localhost", "::1") and not web.auth:
        log.warning("binding %s without STACKADVISOR_AUTH: anyone who can reach this machine can use the advisor", printable(host))
    print(f"stackadvisor: serving the UI and the API on http://{host}:{port}  (Ctrl-C stops)", flush=True)
    proxies = [p.strip() for p in web.trusted_proxies.split(",") if p.strip()]
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", server_header=False,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None,
                limit_concurrency=max(64, 4 * (web.concurrency + web.queue)), timeout_keep_alive=5,
                http=http_protocol(), h11_max_incomplete_event_size=MAX_HEADER_BYTES)


__all__ = ["Guard", "RateLimiter", "Service", "WebSettings", "create_app", "parse_messages", "redact", "serve"]

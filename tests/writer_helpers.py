"""What test_writers.py, test_llm.py and the hardening tests share: a scripted OpenAI-compatible endpoint, reading a
streamed reply, and finding the contradictions an answer left unmarked.

`ScriptedServer` is the one fake of the LLM tests: a real HTTP server on 127.0.0.1, in a thread, speaking the
OpenAI streaming protocol (chunked SSE), so the whole client stack runs unchanged; it plays what a real model
cannot show on demand (a 500, a 429, a slow answer, a stream cut at a known point, a model that contradicts the
table twice in a row). The `scripted`, `offline_advisor` fixtures live in conftest.py.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from typing import Any

CHAT_Q = "We're building a real-time chat app and the team knows React: which backend?"


class ScriptedServer:
    """An OpenAI-compatible endpoint on a real socket that plays a script, one step per request:

    ("text", "...")            a normal streamed answer
    ("status", 500, headers)   an HTTP error (JSON body echoing the key, as api.openai.com does for a bad key)
    ("slow", seconds)          accept, then say nothing for that long
    ("cut", "...")             stream the text, then drop the connection inside the chunked body
    ("drip", seconds, "...")   stream the text one word per chunk (or a list's items), `seconds` apart: never idle
                               long enough for a socket timeout
    When the script runs out, the last step repeats. `requests` keeps every request body.
    """

    def __init__(self, *steps: tuple) -> None:
        self.steps = list(steps)
        self.requests: list[dict] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                self._json(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                owner.requests.append(body)
                step = owner.steps.pop(0) if len(owner.steps) > 1 else owner.steps[0]
                kind = step[0]
                if kind == "status":
                    code, headers = step[1], (step[2] if len(step) > 2 else {})
                    self._json(code, {"error": {"message": f"Incorrect API key provided: {self.headers.get('Authorization', '')}", "code": code}}, headers)
                    return
                if kind == "slow":
                    time.sleep(step[1])
                    try:
                        self._json(200, {})
                    except OSError:
                        pass  # the client gave up long ago: that is the point
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                words = step[-1] if isinstance(step[-1], list) else re.findall(r"\S+\s*|\s+", step[-1])
                for word in words:
                    try:
                        self._chunk(sse({"choices": [{"index": 0, "delta": {"content": word}, "finish_reason": None}]}))
                    except OSError:
                        return  # the client gave up (a drip past its deadline)
                    if kind == "drip":
                        time.sleep(step[1])
                if kind == "cut":
                    self.wfile.write(b"40\r\ndata: {\"choi")  # half a chunk, then the connection drops
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self._chunk(sse({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
                self._chunk(b"data: [DONE]\n\n")
                self.wfile.write(b"0\r\n\r\n")

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def _json(self, code: int, payload: dict, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # a client hanging up on a scripted failure is expected
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def script(self, *steps: tuple) -> "ScriptedServer":
        """A new script, and the requests seen so far forgotten (one server serves a whole module)."""
        self.steps = list(steps)
        self.requests.clear()
        return self

    def prompts(self) -> list[str]:
        return ["\n".join(m["content"] for m in r.get("messages", [])) for r in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def sse(payload: dict) -> bytes:
    payload = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "scripted", **payload}
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def stream_reply(advisor: Any, question: Any) -> tuple[str, Any]:
    """(everything the advisor's stream showed, joined; the final Reply)."""
    pieces, reply = [], None
    for item in advisor.stream(question):
        if isinstance(item, str):
            pieces.append(item)
        else:
            reply = item
    return "".join(pieces), reply


def unmarked_contradictions(advisor: Any, reply: Any) -> list[Any]:
    """Contradicted claims in the final answer that are not in a sentence marked as corrected."""
    from stackadvisor.writers import MARK

    bad = []
    for c in advisor.check(reply.answer):
        if c.verdict != "contradicted":
            continue
        start = reply.answer.rfind("\n", 0, c.span[0]) + 1
        end = reply.answer.find("\n", c.span[1])
        if MARK not in reply.answer[start : end if end >= 0 else None]:
            bad.append(c)
    return bad

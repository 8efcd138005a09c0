"""The LLM's act proposals (writers/acts.py): schema-constrained JSON, strict validation, an additive merge, and
the offline reading whenever anything is wrong.

Real parts: the llama.cpp test server with SmolLM2 (tests/llama_server.py) through the real OpenAIWriter, so the
request really carries the schema and the server's grammar really constrains the output; real sockets for a server
that is down. Outputs a schema-constrained server cannot be made to write (not JSON, unknown kinds or ids, a weight
out of range, extra keys, too many acts) are played by the package's FunctionWriter (writers/fake.py: the real
LLMWriter with its transport replaced), which gets the prompt but no grammar, as any other backend would.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from stackadvisor import Advisor, rules
from stackadvisor.config import Settings
from stackadvisor.errors import ConfigError
from stackadvisor.rules.dialogue import Act, State, read_turn
from stackadvisor.writers import acts as acts_mod
from stackadvisor.writers import get_writer
from stackadvisor.writers.acts import KINDS, ActProposer, merge, with_proposal
from stackadvisor.writers.fake import FunctionWriter

try:
    from tests.llama_server import free_port, llama_server  # noqa: F401 - the fixture
except ImportError:  # plain `pytest`: tests/ is on sys.path, the repository root may not be
    from llama_server import free_port, llama_server  # type: ignore[no-redef]  # noqa: F401

HEADLINE = "We're building a real-time chat app and the team knows React: which backend?"
VAGUE = "Which backend should we use?"  # the offline reader finds no need in it
PROPOSAL_PROMPT = "You read one message from a user choosing a backend language"  # how the proposer's prompt begins


def proposal(*acts: tuple[str, Any, Any]) -> str:
    return json.dumps({"acts": [{"kind": k, "target": t, "weight": w} for k, t, w in acts]})


class Told(ActProposer):
    """The real proposer with a prompt that tells the model what to write (a 135M model proposes little on its own)."""

    def __init__(self, writer: Any, table: Any, answer: str) -> None:
        super().__init__(writer, table, timeout=60)
        self.answer = answer

    def messages(self, text: str, state: State) -> list[tuple[str, str]]:
        return [("system", "Repeat the JSON the user sends, exactly."), ("user", self.answer)]


def scripted(acts_reply: str, answer: str = "See the ranking.") -> FunctionWriter:
    """A model that writes `acts_reply` when asked for acts and `answer` otherwise."""
    def model(messages: list[tuple[str, str]], info: Any) -> str:
        return acts_reply if messages[0][1].startswith(PROPOSAL_PROMPT) else answer

    return FunctionWriter(model, name="acts")


def asked_for_acts(writer: FunctionWriter) -> int:
    return sum(1 for messages in writer.calls if messages[0][1].startswith(PROPOSAL_PROMPT))


@pytest.fixture(scope="module")
def table(knowledge: Any) -> Any:
    return knowledge.table


@pytest.fixture(scope="module")
def offline(built_home: Path) -> Any:
    return Advisor(home=built_home)


# ----------------------------------------------------------------------------------- the real server


def test_a_constrained_proposal_from_the_real_server_becomes_acts(llama_server: str, table: Any) -> None:  # noqa: F811
    writer = get_writer(Settings(llm="openai:smollm2", base_url=llama_server))
    told = proposal(("set_priority", "speed", 1.0), ("add_use_case", "real-time", None))
    acts = Told(writer, table, told).propose(VAGUE, State())
    assert acts == (Act("set_priority", "speed", 1.0, "llm"), Act("add_use_case", "real-time", None, "llm"))
    merged = merge(read_turn(VAGUE, table, State()), acts)
    assert "real-time" in merged.needs.use_cases and merged.needs.priorities["speed"] == 1.0
    assert merged.intent.kind == "recommend" and "ask_pick" in merged.kinds()


def test_the_schema_keeps_the_real_server_to_known_kinds_and_the_tables_ids(llama_server: str, table: Any) -> None:  # noqa: F811
    """Told to write a kind and an id that do not exist, the model can only write ones that do: the grammar."""
    writer = get_writer(Settings(llm="openai:smollm2", base_url=llama_server))
    told = Told(writer, table, proposal(("teleport", "mainframe", 7)))
    raw = "".join(acts_mod._open_json(writer, told.messages("", State()), told.schema, acts_mod.ACTS_TOKENS, 60))
    data = json.loads(raw)
    ids = set(table.languages) | set(table.criteria) | set(table.use_cases) | set(table.constraints)
    assert set(data) == {"acts"} and len(data["acts"]) <= acts_mod.MAX_ACTS
    for act in data["acts"]:
        assert act["kind"] in KINDS and (act["target"] is None or act["target"] in ids)
        assert act["weight"] is None or act["weight"] in acts_mod.WEIGHTS


def test_the_advisor_with_llm_acts_on_still_answers_and_the_rules_score_and_check(
        llama_server: str, built_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("STACKADVISOR_LLM_ACTS", "1")
    seen: list[Any] = []
    real = ActProposer.propose
    monkeypatch.setattr(ActProposer, "propose", lambda self, text, state: seen.append(real(self, text, state)) or seen[-1])
    advisor = Advisor(llm="openai:smollm2", base_url=llama_server, home=built_home, timeout=60)
    assert advisor.settings.llm_acts
    reply = advisor.ask(HEADLINE)
    assert len(seen) == 1  # asked once; a valid proposal (SmolLM2 mostly proposes none) or None both leave an answer
    assert reply.answer and reply.recommendation
    assert reply.ranking == rules.score(reply.needs, advisor.table, reply.intent).pairs()  # the rules scored the needs
    assert "real-time" in reply.needs.use_cases  # the reader's needs are kept: a proposal only adds
    assert any(c.kind == "recommendation" for c in reply.checks)


def test_a_server_that_is_down_falls_back_to_the_offline_reading_quickly(built_home: Path, table: Any, offline: Any,
                                                                          monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there: connection refused
    writer = get_writer(Settings(llm="openai:smollm2", base_url=base_url))
    caplog.set_level(logging.INFO)
    assert ActProposer(writer, table).propose(HEADLINE, State()) is None
    assert "no act proposal (OpenAIConnectionError)" in caplog.text  # refused at once ("timed out" had it waited for the deadline)
    monkeypatch.setenv("STACKADVISOR_LLM_ACTS", "1")
    reply = Advisor(llm="openai:smollm2", base_url=base_url, home=built_home, timeout=10).ask(HEADLINE)
    expected = offline.ask(HEADLINE)
    assert (reply.needs, reply.ranking, reply.recommendation) == (expected.needs, expected.ranking, expected.recommendation)
    assert reply.notices  # the answer itself fell back to the offline writer and says so


# ----------------------------------------------------------------------------------- invalid output (FunctionWriter)


@pytest.mark.parametrize("raw", [
    "Sure! The user wants a chat app.",  # not JSON
    '{"acts": [{"kind": "add_use_case", "target": "real-time", "weight": null}',  # cut short
    '[{"kind": "ask_pick", "target": null, "weight": null}]',  # not an object
    proposal(("teleport", None, None)),  # a kind the reader does not know
    proposal(("add_use_case", "mainframe", None)),  # an id the table does not have
    proposal(("add_use_case", "speed", None)),  # a criterion where a use case belongs
    proposal(("knows", "Java", None)),  # a language outside the table
    proposal(("set_priority", "speed", 1.7)),  # a weight out of range
    proposal(("set_priority", "speed", None)),  # a priority without a weight
    proposal(("set_priority", "speed", True)),  # a bool is no weight
    proposal(("add_use_case", "real-time", 0.6)),  # a weight where none belongs
    proposal(("ask_pick", "Go", None)),  # a target where none belongs
    proposal(*[("add_use_case", "real-time", None)] * 7),  # more than MAX_ACTS
    '{"acts": [], "note": "extra"}',  # an extra key
    '{"acts": [{"kind": "ask_pick", "target": null, "weight": null, "why": "x"}]}',  # an extra key in an act
    proposal(("add_use_case", "real-time", None), ("teleport", None, None)),  # one bad act spoils the proposal
])
def test_invalid_output_falls_back_to_the_offline_reading(raw: str, table: Any) -> None:
    writer = scripted(raw)
    assert ActProposer(writer, table).propose(VAGUE, State()) is None
    reading = read_turn(VAGUE, table, State())
    assert with_proposal(writer, VAGUE, table, reading) is reading


def test_the_advisor_answers_from_the_offline_reading_when_the_proposal_is_invalid(built_home: Path, offline: Any,
                                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKADVISOR_LLM_ACTS", "1")
    writer = scripted(proposal(("exclude", "Atlantis", None)))
    reply = Advisor(llm=writer, home=built_home).ask(HEADLINE)
    expected = offline.ask(HEADLINE)
    assert asked_for_acts(writer) == 1
    assert (reply.needs, reply.intent, reply.ranking) == (expected.needs, expected.intent, expected.ranking)


def test_a_slow_model_is_abandoned_at_the_deadline(table: Any, caplog: pytest.LogCaptureFixture) -> None:
    writer = FunctionWriter.scripted(proposal(("ask_pick", None, None)), delay=60.0)  # its first piece would come after a minute
    caplog.set_level(logging.INFO)
    started = time.monotonic()
    assert ActProposer(writer, table, timeout=0.5).propose(VAGUE, State()) is None
    assert time.monotonic() - started < 30  # a hang guard: the minute-long piece is not waited for
    assert "no act proposal (timed out)" in caplog.text


# ----------------------------------------------------------------------------------- the merge policy


def test_a_valid_proposal_adds_what_the_reader_missed(built_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKADVISOR_LLM_ACTS", "1")
    writer = scripted(proposal(("add_use_case", "real-time", None), ("set_priority", "concurrency", 1.0), ("ask_pick", None, None)))
    advisor = Advisor(llm=writer, home=built_home)
    reply = advisor.ask(VAGUE)
    assert "real-time" in reply.needs.use_cases and reply.needs.priorities["concurrency"] == 1.0
    assert reply.intent.kind == "recommend" and reply.recommendation  # a vague turn that states a need asks for a pick
    assert reply.ranking == rules.score(reply.needs, advisor.table, reply.intent).pairs()
    assert any(c.kind == "recommendation" for c in reply.checks)


def test_the_offline_reading_wins_on_exclusions_drops_and_polarity(table: Any) -> None:
    text = "Speed does not matter to us, but Rust is out."
    reading = read_turn(text, table, State())
    assert "speed" in reading.needs.dropped and "Rust" in reading.needs.excluded
    parse = ActProposer(scripted(""), table).parse
    first = parse(proposal(
        ("set_priority", "speed", 1.0),  # the user dropped speed
        ("include", "Rust", None), ("knows", "Rust", None),  # the user ruled Rust out
        ("knows", "Python", None),  # a language the conversation never named
        ("add_constraint", "fast-delivery", None),  # taken
    ))
    second = parse(proposal(("exclude", "Go", None), ("drop", "ecosystem", None), ("reset", None, None)))  # never taken
    assert first is not None and second is not None
    merged = merge(reading, first + second)
    assert merged.needs.excluded == reading.needs.excluded == frozenset({"Rust"})
    assert "speed" not in merged.needs.priorities and not merged.needs.skills
    assert merged.needs.constraints == reading.needs.constraints | {"fast-delivery"}
    assert merged.intent == reading.intent
    assert [a for a in merged.acts if a.how == "llm"] == [Act("add_constraint", "fast-delivery", None, "llm")]


def test_a_proposal_never_changes_a_weight_the_reader_set(table: Any) -> None:
    reading = read_turn("Speed matters a little for our chat app.", table, State())
    acts = ActProposer(scripted(""), table).parse(proposal(*[("set_priority", c, 1.0) for c in reading.needs.priorities]))
    assert acts is not None and reading.needs.priorities
    assert merge(reading, acts) is reading


# ----------------------------------------------------------------------------------- off by default


def test_offline_is_the_default_and_the_proposer_is_never_called(built_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the proposer was called")

    monkeypatch.setattr(ActProposer, "propose", boom)
    assert Settings.load().llm_acts is False
    writer = scripted(proposal(("add_use_case", "real-time", None)))
    assert Advisor(llm=writer, home=built_home).ask(VAGUE).intent.kind == "vague"  # an LLM, the setting off
    assert asked_for_acts(writer) == 0
    monkeypatch.setenv("STACKADVISOR_LLM_ACTS", "1")
    reply = Advisor(home=built_home).ask(HEADLINE)  # the setting on, no LLM configured: nothing to ask
    assert reply.recommendation == "Node.js" and reply.backend == "offline"


def test_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert replace(Settings(), llm_acts=True).llm_acts
    for raw, value in (("1", True), ("on", True), ("true", True), ("0", False), ("off", False)):
        monkeypatch.setenv("STACKADVISOR_LLM_ACTS", raw)
        assert Settings.load().llm_acts is value
    monkeypatch.setenv("STACKADVISOR_LLM_ACTS", "maybe")
    with pytest.raises(ConfigError, match="llm_acts"):
        Settings.load()

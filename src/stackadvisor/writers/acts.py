"""The LLM proposes a turn's dialogue acts; the rules still read, score and check (issue 11, deliverable 5).

    reading = read_turn(question, table, state, meaning)          # the offline reading, always computed
    reading = with_proposal(writer, question, table, reading)     # an LLM writer may add to it (STACKADVISOR_LLM_ACTS=1)

ActProposer asks the configured LLM for the turn's acts as JSON: {"acts": [{"kind", "target", "weight"}, ...]}.
The request carries a JSON schema whose enums are the act kinds the reader knows and the table's ids, so even a
small model can only write parseable JSON with real ids: llama.cpp and llama-cpp-python servers get
`response_format={"type": "json_object", "schema": ...}` (the form both document), api.openai.com gets the strict
`json_schema` form, the in-process local: model the same grammar through llama-cpp-python; any other writer (the
tests' FunctionWriter) gets the prompt only. Whatever comes back is validated again here, strictly: a kind the
reader does not know, a target that is not an id of the table for that kind, a weight outside (0, 1], an extra
key or more than MAX_ACTS acts make the whole proposal invalid. Invalid output, a timeout (ACTS_TIMEOUT, through
the writers' own `bounded` deadline) or a transport error gives None, and the offline reading stands unchanged.

Merge policy, in one sentence: the proposal may only ADD needs the offline reading lacks, never change one it has.
  - taken from a valid proposal: set_priority of a criterion the reading did not weigh, add_use_case,
    add_constraint, and knows for a language the conversation has named (needs.mentioned);
  - never taken: anything the user dropped (needs.dropped) or a language ruled out; drop, exclude, include, reset
    and the follow-ups (why_not, downsides, what_if): exclusions, polarity and the answer kind stay the reader's;
  - a turn the reader found "vague" becomes a pick request once the proposal added a need (a turn that states a
    need asks for a pick), and its "vague" act becomes ask_pick; every added act has how="llm".
The merged Reading is the reader's own type, so scoring, the checks and "what changed" run unchanged. History
replayed for a stateless ask(question, history) is read offline only (one LLM call per turn asked, not per turn
replayed); a Chat carries the merged needs on in its state.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, get_args

from ..prompts import Messages
from ..rules.dialogue import Act, ActKind, Reading, State
from ..rules.types import Intent
from .base import Failure, Writer
from .model import LLMWriter, bounded

log = logging.getLogger("stackadvisor.writers")

ACTS_TIMEOUT = 6.0  # seconds, at most, for the proposal (the turn's answer deadline keeps counting meanwhile)
ACTS_TOKENS = 160  # enough for MAX_ACTS short acts
MAX_ACTS = 6
WEIGHTS = (0.3, 0.6, 1.0)  # low, normal, high: the schema offers these; validation accepts any weight in (0, 1]
KINDS: tuple[str, ...] = get_args(ActKind)
MERGED = frozenset({"set_priority", "add_use_case", "add_constraint", "knows"})  # the kinds a proposal may add
_NEED_KINDS = ("set_priority", "drop", "add_use_case", "add_constraint", "knows", "exclude", "include")


class ActProposer:
    """The LLM's proposal of one turn's acts, validated against the table; None when anything is wrong."""

    def __init__(self, writer: LLMWriter, table: Any, timeout: float = ACTS_TIMEOUT) -> None:  # table: knowledge.Table
        self.writer, self.table = writer, table
        self.timeout = min(float(writer.timeout), timeout)
        langs, crits = frozenset(table.languages), frozenset(table.criteria)
        uses, cons = frozenset(table.use_cases), frozenset(table.constraints)
        # kind -> (the ids its target may be, whether it needs one); kinds not listed take no target
        self.targets: dict[str, tuple[frozenset[str], bool]] = {
            "set_priority": (crits, True), "drop": (crits | uses | cons, True), "add_use_case": (uses, True),
            "add_constraint": (cons, True), **{k: (langs, True) for k in ("knows", "exclude", "include", "why_not", "downsides")},
            "ask_fact": (langs, False), "compare": (langs, False),
        }
        ids = sorted(langs | crits | uses | cons)
        item = {"type": "object", "additionalProperties": False, "required": ["kind", "target", "weight"], "properties": {
            "kind": {"type": "string", "enum": list(KINDS)},
            "target": {"anyOf": [{"type": "string", "enum": ids}, {"type": "null"}]},
            "weight": {"anyOf": [{"type": "number", "enum": list(WEIGHTS)}, {"type": "null"}]}}}
        self.schema = {"type": "object", "additionalProperties": False, "required": ["acts"],
                       "properties": {"acts": {"type": "array", "maxItems": MAX_ACTS, "items": item}}}

    def messages(self, text: str, state: State) -> Messages:
        t = self.table
        system = "\n".join([
            "You read one message from a user choosing a backend language and list what it says as dialogue acts, in JSON.",
            "Use only these ids.",
            "Criteria (set_priority, weight 0.3 low, 0.6 normal, 1.0 high): " + ", ".join(f"{c} ({v.label})" for c, v in t.criteria.items()),
            "Use cases (add_use_case): " + ", ".join(f"{u} ({v.label})" for u, v in t.use_cases.items()),
            "Constraints (add_constraint): " + ", ".join(f"{c} ({v.label})" for c, v in t.constraints.items()),
            "Languages (knows: the team knows it; exclude: ruled out; include; why_not; downsides; ask_fact): " + ", ".join(t.languages),
            "drop: a need that no longer matters. Target null: ask_pick (wants a recommendation), compare, overview, what_if, "
            "reset, greeting, vague, out_of_scope.",
            'List only what the message says; if it says none of these, answer {"acts": []}.'])
        n = state.needs
        known = [*(f"{c} {w:g}" for c, w in sorted(n.priorities.items())), *sorted(n.use_cases), *sorted(n.constraints),
                 *(f"knows {s}" for s in sorted(n.skills)), *(f"not {x}" for x in sorted(n.excluded))]
        user = f"Last pick: {state.pick or 'none'}. Needs so far: {', '.join(known) or 'none'}.\nMessage: {json.dumps(text)}"
        return [("system", system), ("user", user)]

    def propose(self, text: str, state: State) -> tuple[Act, ...] | None:
        """The valid proposed acts (how="llm"), or None: invalid output, timeout, transport error."""
        deadline = time.monotonic() + self.timeout
        open_stream = partial(_open_json, self.writer, self.messages(text, state), self.schema, ACTS_TOKENS, self.timeout)
        try:
            raw = "".join(bounded(open_stream, deadline, f"{self.writer.name}-acts", self.writer.in_process))
        except Exception as exc:  # noqa: BLE001 - a Failure or any SDK error: the offline reading stands
            reason = exc.reason if isinstance(exc, Failure) else type(exc).__name__
            log.info("%s: no act proposal (%s); using the offline reading", self.writer.name, self.writer.scrub(reason))
            return None
        acts = self.parse(raw)
        if acts is None:
            log.info("%s: invalid act proposal; using the offline reading", self.writer.name)
        return acts

    def parse(self, raw: str) -> tuple[Act, ...] | None:
        """The acts of a JSON proposal, or None unless every part of it is valid."""
        try:
            data = json.loads(raw)
        except (TypeError, ValueError):
            return None
        if not isinstance(data, dict) or set(data) != {"acts"} or not isinstance(data["acts"], list) or len(data["acts"]) > MAX_ACTS:
            return None
        acts = [self._act(item) for item in data["acts"]]
        return None if any(a is None for a in acts) else tuple(dict.fromkeys(a for a in acts if a is not None))

    def _act(self, item: object) -> Act | None:
        if not isinstance(item, dict) or not set(item) <= {"kind", "target", "weight"}:
            return None
        kind, target, weight = item.get("kind"), item.get("target"), item.get("weight")
        if kind not in KINDS:
            return None
        pool, needed = self.targets.get(kind, (frozenset(), False))
        if not (target in pool if isinstance(target, str) else target is None and not needed):
            return None
        if kind == "set_priority":
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
                return None
        elif weight is not None:
            return None
        return Act(kind, target, float(weight) if weight is not None else None, how="llm")  # type: ignore[arg-type]


def merge(reading: Reading, proposal: Sequence[Act]) -> Reading:
    """The offline reading with the needs a valid proposal adds (the policy in the module docstring)."""
    n = reading.needs
    pri, uses, cons, skills = dict(n.priorities), set(n.use_cases), set(n.constraints), set(n.skills)
    added: list[Act] = []
    for a in proposal:
        t = a.target or ""
        if a.kind not in MERGED or t in n.dropped:
            continue
        if a.kind == "set_priority" and t not in pri and a.weight is not None:
            pri[t] = a.weight
        elif a.kind == "add_use_case" and t not in uses:
            uses.add(t)
        elif a.kind == "add_constraint" and t not in cons:
            cons.add(t)
        elif a.kind == "knows" and t not in skills and t in n.mentioned and t not in n.excluded:
            skills.add(t)
        else:
            continue
        added.append(a)
    if not added:
        return reading
    needs = replace(n, priorities=pri, use_cases=frozenset(uses), constraints=frozenset(cons), skills=frozenset(skills))
    acts, intent = list(reading.acts), reading.intent
    if intent.kind == "vague":
        intent = Intent("recommend", intent.languages, intent.criteria, True, intent.candidates)
        acts = [Act("ask_pick", how="llm") if a.kind == "vague" else a for a in acts]
    at = next((i for i, a in enumerate(acts) if a.kind not in _NEED_KINDS), len(acts))  # need acts first, as the reader lists them
    return Reading((*acts[:at], *added, *acts[at:]), needs, intent, reading.before)


def with_proposal(writer: Writer, text: str, table: Any, reading: Reading) -> Reading:
    """`reading` merged with the LLM's valid proposal; `reading` itself for a writer that is no LLM, or on any failure."""
    if not isinstance(writer, LLMWriter):
        return reading
    proposal = ActProposer(writer, table).propose(text, reading.before)
    return reading if proposal is None else merge(reading, proposal)


def _open_json(writer: LLMWriter, messages: Messages, schema: dict, max_tokens: int, timeout: float) -> Iterator[str]:
    """One completion constrained to `schema` where the backend can do it (the prompt alone elsewhere)."""
    from .local import LocalWriter
    from .openai import OpenAIWriter

    if isinstance(writer, OpenAIWriter):
        from langchain_core.messages import HumanMessage, SystemMessage

        local = bool(writer.settings.base_url)  # llama.cpp & co: json_object + schema; api.openai.com: strict json_schema
        fmt = {"type": "json_object", "schema": schema} if local else \
            {"type": "json_schema", "json_schema": {"name": "dialogue_acts", "strict": True, "schema": schema}}
        extra = {"response_format": fmt, **({"max_tokens": max_tokens} if local else {})}
        chain = writer._llm.bind(max_tokens=max_tokens, timeout=timeout, extra_body=extra) | writer._parser
        return chain.stream([SystemMessage(c) if role == "system" else HumanMessage(c) for role, c in messages])
    if isinstance(writer, LocalWriter):
        return _local_json(writer, messages, schema, max_tokens, timeout)
    return writer._open(messages, max_tokens, timeout)


def _local_json(writer: Any, messages: Messages, schema: dict, max_tokens: int, timeout: float) -> Iterator[str]:
    """The in-process model (local:) under the schema's grammar, one generation at a time as LocalWriter does."""
    if not writer._lock.acquire(timeout=max(0.0, timeout)):
        raise Failure("timed out waiting for the local model", False)
    try:
        chunks = writer._get().create_chat_completion(messages=[{"role": r, "content": c} for r, c in messages], stream=True, max_tokens=max_tokens,
                                                      temperature=0.0, response_format={"type": "json_object", "schema": schema})
        for chunk in chunks:
            piece = chunk["choices"][0].get("delta", {}).get("content")
            if piece:
                yield piece
    finally:
        writer._lock.release()


__all__ = ["ACTS_TIMEOUT", "ActProposer", "merge", "with_proposal"]

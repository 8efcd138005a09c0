"""Reading a conversation: each user turn becomes typed dialogue acts applied to a conversation state.

    state = State()
    reading = read_turn("We need a real-time API.", table, state)     # acts: add_use_case real-time, ask_pick
    state = reading.state.after_pick(ranking)                         # the caller scores and records the pick
    read_turn("why not Go?", table, state).intent                     # Intent("why_not", ("Go", <pick>))

Rasa CALM turns each user message into commands over a dialogue state; this is the same idea on the rules
layer's own readers. The lexical reader (`read.extract_needs`, `intent.classify`) finds the needs and the kind of
question; this module adds what only a conversation has: the last pick and the languages under discussion, so
"why not Go?", "what are its downsides?", "what if performance mattered more?", "Not Node.js." and short
refinements ("Traffic is tiny, maybe 10 users") are ordinary acts rather than special cases. With a `Meaning`
(example utterances scored by the local embedder) it also recognises needs nobody listed the words for.

The cues are data (rules/lexicon/acts.yaml, topics.yaml); this module holds only the structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from . import lexicon
from .context import _LOAD_CRITERIA, _LOAD_NEEDS, _dropped_with, _load
from .finder import _key, _lc, foreign_choice, foreign_script, gloss
from .intent import classify
from .meaning import Meaning
from .mentions import _entities, _is_question, _sentences
from .normalise import normalise
from .read import _MORE_THAN, _NEED_VOICE, _PICK_FOR, _clauses, _drop_cue, extract_needs
from .types import Intent, Needs, Ranking, Score
from .vocab import _NEGATION, _vocab

ActKind = Literal[
    "set_priority", "drop", "add_use_case", "add_constraint", "require", "knows", "exclude", "include",
    "ask_pick", "why_not", "what_if", "downsides", "ask_fact", "compare", "overview", "out_of_scope", "reset",
    "greeting", "vague",
]

#: How close a clause must come to a topic's nearest example, and by how much it must beat the next topic.
TOPIC_THRESHOLD = 0.45
TOPIC_MARGIN = 0.04
#: A clause longer than this many characters is not scored by meaning (long clauses blur every topic together).
WINDOW_WORDS = 7  # a long clause is also scored as windows of this many words,
WINDOW_STRIDE = 4  # starting every this many words
TOPIC_MAX_TEXTS = 48  # texts scored per turn at most (one embedding batch)
SAID_TURNS = 8  # user turns a state remembers for what a later drop refers to
#: The weight of a criterion a use case implies (real-time -> concurrency): below a stated need (0.6), so it
#: separates languages the use case alone leaves level (after "Not Node.js.") without outvoting what was said.
IMPLIED_WEIGHT = 0.3


@dataclass(frozen=True)
class Act:
    """One thing a user turn does to the conversation."""

    kind: ActKind
    target: str | None = None  # a criterion / use case / constraint id, or a language
    weight: float | None = None  # for set_priority
    how: str = "lexicon"  # lexicon | meaning | follow-up: which reader found it


@dataclass(frozen=True)
class State:
    """What the conversation has established so far."""

    needs: Needs = field(default_factory=Needs)
    pick: str | None = None  # the last recommendation
    order: tuple[str, ...] = ()  # the last ranking, best first
    topic: tuple[str, ...] = ()  # the languages the conversation is about now
    ranking: Ranking | None = None  # the last ranking that made a pick (for "what changed")
    added: Needs = field(default_factory=Needs)  # what the last turn added (an "I meant ..." takes it back)
    previous: Needs = field(default_factory=Needs)  # the needs before the last turn ("scratch that" goes back to them)
    said: tuple[str, ...] = ()  # the user's last turns, oldest first ("scrap the resizing" drops what the resizing asked for)
    asked: tuple[str, ...] = ()  # the criteria the last turn asked a fact about ("and why is that?" asks why)

    def after(self, needs: Needs, intent: Intent, ranking: Ranking | None, text: str = "") -> State:
        """The state once a turn has been answered (`text`: the turn, kept for what a later drop refers to)."""
        added = Needs(priorities={c: w for c, w in needs.priorities.items() if c not in self.needs.priorities},
                      use_cases=needs.use_cases - self.needs.use_cases, constraints=needs.constraints - self.needs.constraints)
        said = (*self.said, text)[-SAID_TURNS:] if text else self.said
        asked = intent.criteria if intent.kind == "fact" else ()
        return replace(self._after(needs, intent, ranking), added=added, previous=self.needs, said=said, asked=asked)

    def _after(self, needs: Needs, intent: Intent, ranking: Ranking | None) -> State:
        pick = ranking.recommendation if ranking is not None and ranking.recommendation else None
        named = tuple(n for n in intent.languages if n not in needs.excluded)  # "we can't use node": the topic is the new pick
        topic = ((pick,) if pick and intent.kind == "recommend" and not intent.candidates and set(intent.languages) <= needs.excluded
                 else named or ((pick,) if pick else self.topic))
        if not named and not pick and intent.kind == "fact" and len(intent.criteria) == 1 and ranking is not None:
            crit = intent.criteria[0]  # "who's the best at concurrency?": the answer's first language is what "that" means next
            def on(s: Score) -> float:
                return next((c.points for c in s.breakdown if c.kind == "criterion" and c.key == crit), 0.0)
            best = max(ranking.scores, key=on, default=None)
            topic = (best.language,) if best is not None and on(best) > 0 else topic
        if pick:
            return State(needs, pick, tuple(s.language for s in ranking.scores), tuple(topic), ranking)  # type: ignore[union-attr]
        return State(needs, self.pick, self.order, tuple(topic), self.ranking)


@dataclass(frozen=True)
class Reading:
    """One user turn, read against the state before it."""

    acts: tuple[Act, ...]
    needs: Needs  # the conversation's needs after this turn
    intent: Intent
    before: State  # the state the turn was read against (what changed = before.needs -> needs)

    @property
    def changed(self) -> bool:
        return _needs_key(self.needs) != _needs_key(self.before.needs)

    def kinds(self) -> tuple[str, ...]:
        return tuple(a.kind for a in self.acts)


def _needs_key(n: Needs) -> tuple:
    return (tuple(sorted(n.priorities.items())), n.use_cases, n.constraints, n.skills, n.excluded)


# ------------------------------------------------------------------------------------------- cues (compiled data)

def _phrase_alt(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+").replace("'", "'?") for p in sorted(phrases, key=len, reverse=True))


@dataclass(frozen=True)
class _Cues:
    why_not: re.Pattern
    downsides: re.Pattern
    what_if: re.Pattern
    reset: re.Pattern
    raise_: re.Pattern
    lower: re.Pattern


_CUES: _Cues | None = None


def _cues() -> _Cues:
    global _CUES
    if _CUES is None:
        acts = lexicon.load("acts")
        rx = {k: re.compile(rf"\b(?:{_phrase_alt(v)})\b", re.I) for k, v in acts.items()}
        _CUES = _Cues(rx["why_not"], rx["downsides"], rx["what_if"], rx["reset"], rx["raise"], rx["lower"])
    return _CUES


_PRONOUN = lexicon.pattern("dialogue", "pronoun")
_INFO_REQUEST = lexicon.pattern("dialogue", "info_request")  # "just tell me how the table rates node": asked
_ANOTHER = lexicon.pattern("dialogue", "runner_up")
_CORRECTION = lexicon.pattern("dialogue", "correction")
_COMPARE_TOP = lexicon.pattern("dialogue", "compare_top")
_WHY_ALONE = lexicon.pattern("dialogue", "why_alone")
_BARE_ASK = lexicon.pattern("dialogue", "bare_language_ask")
_REJECT_PICK = lexicon.pattern("dialogue", "reject_pick")
_PRONOUN_LANGUAGE = lexicon.pattern("dialogue", "pronoun_language")
_ASKS_WHICH = lexicon.pattern("dialogue", "asks_which_language")
_COMPARE_OTHER = lexicon.pattern("dialogue", "compare_other")
_FOR_PROJECT = lexicon.pattern("dialogue", "for_project")
_CONTRAST_FRAGMENT = re.compile(r"(?:and\s+|but\s+)?not\s+(?:an?\s+|the\s+)?[\w'-]+(?:\s+[\w'-]+){0,2}", re.I)
_OFFERED_AFTER = re.compile(r"(?:'s)?\s*(?:or\b|vs\.?|versus\b|and\b|,|/|for\b|\?)", re.I)
_AMONG_NAMED = lexicon.pattern("read", "among_named")
_OWN_PROJECT = lexicon.pattern("dialogue", "own_project")
_CHOOSING = lexicon.pattern("dialogue", "choosing")
_CHOOSING_HOW = lexicon.pattern("dialogue", "choosing_how")  # "how should I pick between the two?": the way, not the pick
_GAP_MAX = 24  # characters allowed between a why-not cue and the language it asks about ("why not just use Go")


def topic_examples(table) -> dict[str, tuple[str, ...]]:  # noqa: ANN001 - knowledge.Table
    """The example utterances whose labels the table has (a table of one's own drops the rest)."""
    out = {}
    for label, ex in lexicon.examples("topics").items():
        if label == "none":
            out[label] = ex
            continue
        kind, _, tid = label.removeprefix("not:").partition(":")
        pool = {"use_case": table.use_cases, "constraint": table.constraints, "criterion": table.criteria}.get(kind, {})
        if tid in pool:
            out[label] = ex
    return out


# ------------------------------------------------------------------------------------------- the reader

def starts_over(text: str) -> bool:
    """A short turn that starts a new conversation or a separate project ("start over", "separate service: ..."):
    what came before, its pick included, is no longer what "that one" refers to."""
    lc = _lc(text or "")
    return bool(_cues().reset.search(lc)) and len(lc) < 160


def read_turn(text: str, table, state: State | None = None, meaning: Meaning | None = None) -> Reading:  # noqa: ANN001
    """The acts of one user turn, the needs after it and the answer it wants."""
    state = state or State()
    cues = _cues()
    v = _vocab(table)
    original = text or ""
    foreign = foreign_script(original)  # "Qual linguagem vocês indicam para quem deseja começar ...?": read in its gloss
    text = normalise(gloss(original) if foreign else original, table)
    lc = _lc(text)
    ents = [e for e in _entities(text, v, lc) if not e.outside]
    named = tuple(dict.fromkeys(e.name for e in ents))

    if starts_over(text):
        fresh = extract_needs(text, table, None)
        intent = classify(text, table, fresh)
        return Reading((Act("reset"), *_need_acts(Needs(), fresh)), fresh, intent, State())

    turn = extract_needs(text, table, None)  # what this turn says on its own (classify reads it)
    # "wait, scratch that, node is fine actually": the last turn is taken back and this one read over what came before
    # it; with a new project named ("scratch that, it's a game server") the project is replaced instead (below)
    undo = bool(_UNDO.search(lc)) and not (turn.use_cases or turn.constraints) and state.previous != state.needs
    needs = extract_needs(text, table, state.previous if undo else state.needs)
    if foreign:  # "Pilih golang atau node js", "... no Node.js": its negations and its "we know" are not English
        needs = replace(needs, excluded=state.needs.excluded, skills=state.needs.skills)
        turn = replace(turn, excluded=frozenset(), skills=frozenset())
    follow = _follow_up(text, lc, ents, named, state, cues)
    if follow is not None and follow.kind == "why_not":
        if follow.target not in state.needs.excluded:  # "why not Go?" asks about Go; it does not rule it out
            needs = replace(needs, excluded=needs.excluded - {follow.target})
            turn = replace(turn, excluded=turn.excluded - {follow.target})
        if follow.target not in state.needs.mentioned:  # ... nor does it name Go as an option (a tie stays the pick's)
            needs = replace(needs, mentioned=tuple(n for n in needs.mentioned if n != follow.target))
    turn_dropped = set(turn.dropped)  # what the turn's own words drop (meaning may add more below)
    gone = _dropped_with(lc, table, v, state, turn)
    if gone:  # "actually scrap the resizing": what the resizing asked for ("very cpu-heavy" image work) goes with it
        needs = replace(needs, priorities={c: w for c, w in needs.priorities.items() if f"criterion:{c}" not in gone},
                        use_cases=frozenset(u for u in needs.use_cases if f"use_case:{u}" not in gone),
                        constraints=frozenset(c for c in needs.constraints if f"constraint:{c}" not in gone),
                        skills=frozenset(n for n in needs.skills if f"skill:{n}" not in gone),
                        required=needs.required - {g.split(":", 1)[1] for g in gone},
                        dropped=needs.dropped | {g.split(":", 1)[1] for g in gone if not g.startswith("skill:")})
    if meaning is not None:  # a foreign turn is read by meaning in its gloss
        read_names = (needs.skills - state.needs.skills) | (needs.excluded - state.needs.excluded)
        found = _by_meaning(lc, v, meaning, ents, read_names)
        needs, turn = _apply(found, needs, state.needs, table), _apply(found, turn, Needs(), table)
    restated = bool(_RESTATE_PROJECT.search(lc)) and bool(turn.use_cases or turn.constraints) and not _ADDS_TEAM.search(lc)
    if (_REPLACE_PROJECT.search(lc) or restated) and not state.needs.empty and not undo:
        # "change of plans, now it's just a REST API": the project is this turn's; the team and exclusions stay
        kept = replace(Needs(), skills=state.needs.skills, excluded=state.needs.excluded)
        needs = replace(turn, skills=turn.skills | kept.skills, excluded=(turn.excluded | kept.excluded) - (turn.skills - kept.skills),
                        dropped=turn.dropped | (set(state.needs.priorities) - set(turn.priorities)) | (state.needs.use_cases - turn.use_cases))
    if turn.skills and state.needs.skills - turn.skills and _REPLACE_TEAM.search(lc) and not _ADDS_TEAM.search(lc):
        # "actually they're all data scientists now": who the team is now replaces who it was
        needs = replace(needs, skills=needs.skills - (state.needs.skills - turn.skills))
    if _CORRECTION.search(lc) and not state.added.empty:
        # "I meant quick to develop, not fast at runtime": the priorities the last turn added and this one does not
        # say go; its use cases and constraints only when this turn states others ("i meant 100 users, not 100k"
        # corrects the load, not the chat it was for)
        needs = replace(needs, priorities={c: w for c, w in needs.priorities.items() if c not in state.added.priorities or c in turn.priorities})
        if turn.use_cases:
            needs = replace(needs, use_cases=needs.use_cases - (state.added.use_cases - turn.use_cases))
        if turn.constraints:
            needs = replace(needs, constraints=needs.constraints - (state.added.constraints - turn.constraints))
    among_topic: tuple[str, ...] = ()
    if not named and len(state.topic) >= 2 and _AMONG_NAMED.search(lc):
        among_topic = state.topic  # "go or rust, which is easier?" ... "which one for a job scheduler?"
    elif not named and len(state.order) >= 2 and _AMONG_NAMED.search(lc):
        among_topic = state.order[:2]  # "which of those is easier for javascript people?": the pick and the runner-up shown
    elif not named and state.topic and _PRONOUN_LANGUAGE.search(lc):
        among_topic = state.topic[:1]  # "who's best at concurrency?" ... "build our presence service in that?"
    if state.pick and not named and _REJECT_PICK.search(lc):  # "something else": the pick is turned down, as if named
        needs = replace(needs, excluded=needs.excluded | {state.pick}, skills=needs.skills - {state.pick})
        turn = replace(turn, excluded=turn.excluded | {state.pick})
    load = _load(lc)
    if load is not None:  # "maybe 10 users" says speed and concurrency do not matter; "200k clients at once" that they do
        if load is False and not _PERF_WORDS.search(lc):  # the amount outweighs a load word it came with ("10 users")
            needs, turn = (replace(n, priorities={c: w for c, w in n.priorities.items() if c not in _LOAD_CRITERIA}) for n in (needs, turn))
        elif load is False and not any(_key(m.group(0)) in v.complaints for m in v.need_rx.finditer(lc)):
            # "maybe 500 concurrent players": the need is named, and the amount says it is modest (unless it already
            # fails at that amount: "with 30 clients some fail", "too slow even for 10 users")
            needs, turn = (replace(n, priorities={c: (min(w, 0.3) if c in _LOAD_CRITERIA and c in turn.priorities else w)
                                                  for c, w in n.priorities.items()}) for n in (needs, turn))
        if load:  # "millions of redirects a day": a stated amount outweighs a drop read by meaning alone
            needs, turn = (replace(n, dropped=n.dropped - {c for c in _LOAD_CRITERIA if c not in turn_dropped}) for n in (needs, turn))
        needs = _apply(_LOAD_NEEDS[load], needs, state.needs, table)
        if load and "concurrency" in needs.priorities and "concurrency" not in turn.priorities:
            # "metrics from 100k servers, all reporting at once": the amount is the emphasis (a weight said wins)
            needs = replace(needs, priorities={**needs.priorities, "concurrency": 1.0})
        turn = _apply(_LOAD_NEEDS[load], turn, Needs(), table)
    needs = _shift_weights(lc, table, v, needs, state.needs, cues)
    needs = _most_displaces(lc, needs, state.needs, turn)
    needs = _drop_namesakes(needs, state.needs, table)
    newly = needs.dropped - state.needs.dropped  # "forget performance" after "very CPU heavy": the work that asked for it goes
    gone = {c for c in needs.constraints if c not in turn.constraints and (t := table.constraints.get(c)) is not None
            and t.criterion in newly}
    if gone:
        needs = replace(needs, constraints=needs.constraints - gone, dropped=needs.dropped | gone)
    needs = _implied(needs, state.needs, table)
    intent = classify(text, table, needs, turn)
    acts = list(_need_acts(state.needs, needs))
    intent = _answer_kind(intent, follow, named, needs, state, acts, lc, cues)
    if among_topic and follow is None and intent.kind == "fact" and not state.pick and not _PICK_FOR.search(lc) \
            and not (needs.use_cases or needs.constraints or needs.skills or needs.excluded):
        intent = Intent("compare", among_topic, intent.criteria)  # "which is easier, go or rust?" ... "and which of those is faster?"
    elif among_topic and follow is None and intent.kind in ("recommend", "fact", "vague", "compare"):
        intent = Intent("recommend", among_topic, intent.criteria, True, candidates=among_topic)
    if intent.kind == "recommend" and len(intent.candidates) >= 2 and follow is None and "?" in lc and not turn.priorities:
        # "which of those is easier to pick up?", "which is better for beginners, node or python?": what the question
        # asks of the candidates is what the pick between them weighs
        needs = replace(needs, priorities={**{c: 0.6 for c in intent.criteria if c not in needs.dropped}, **needs.priorities})
    if load is not None and not named and intent.kind in ("fact", "vague", "out_of_scope") and "?" not in lc:
        intent = Intent("recommend", (), intent.criteria, True)  # "telemetry for 200k clients": a project, stated
    elif load is not None and intent.kind == "compare" and len(intent.languages) >= 2 and follow is None:
        # "Node.js vs Go for a URL shortener with millions of redirects a day": two offered for a project, sized
        intent = Intent("recommend", intent.languages, intent.criteria, True, candidates=intent.languages)
    if intent.kind == "recommend" and intent.wants_pick and len(intent.candidates) >= 2 and needs.empty \
            and _OWN_PROJECT.search(lc) and _CHOOSING.search(lc):
        intent = replace(intent, even=True)  # "I want to make a p2p program, rust or go, which one to choose?"
    elif len(named) >= 2 and needs.empty and intent.kind in ("recommend", "compare", "vague") and follow is None \
            and _CHOOSING.search(lc) and not _CHOOSING_HOW.search(lc) and not state.pick:
        # "Python and NodeJS are both great ... But which of the two should you use?": a choice asked for in so many
        # words, with nothing to weigh: the table's criteria weigh the same ("django or express for my backend?" asks
        # for no choice in words, and is shown side by side)
        intent = Intent("recommend", named, intent.criteria, True, candidates=named, even=True)
    elif foreign and len(named) >= 2 and intent.kind in ("recommend", "compare") \
            and not (intent.candidates and intent.even == needs.empty) and foreign_choice(original.lower()):
        # "Pilih golang atau node js untuk saya?" ("choose golang or node js for me?"): a choice among the names,
        # weighed by what its gloss asks for (the criteria the same when it asks for nothing)
        intent = Intent("recommend", named, intent.criteria, True, candidates=named, even=needs.empty)
    if follow is not None:
        acts.append(follow)
    acts.append(Act(_ACT_OF_INTENT.get(intent.kind, "vague"), intent.languages[0] if intent.kind in ("fact", "downsides") and intent.languages else None))
    return Reading(tuple(acts), needs, intent, state)


_ACT_OF_INTENT: dict[str, ActKind] = {
    "recommend": "ask_pick", "fact": "ask_fact", "compare": "compare", "overview": "overview", "out_of_scope": "out_of_scope",
    "vague": "vague", "greeting": "greeting", "why_not": "why_not", "downsides": "downsides",
}


def _follow_up(text: str, lc: str, ents, named: tuple[str, ...], state: State, cues: _Cues) -> Act | None:  # noqa: ANN001
    """why-not, downsides and what-if: the acts that only make sense against what was said before."""
    for m in cues.why_not.finditer(lc):
        nxt = next((e for e in ents if 0 <= e.start - m.end() <= _GAP_MAX and not re.search(r"[.!?;]", lc[m.end():e.start])), None)
        if nxt is not None and state.pick:
            return Act("why_not", nxt.name, how="follow-up")
    if state.pick and len(named) == 1 and named[0] != state.pick and re.search(rf"\b{re.escape(lc[ents[0].start:ents[0].end])}\s+instead\b", lc):
        return Act("why_not", named[0], how="follow-up")
    if cues.downsides.search(lc) and (_is_question(lc) or _INFO_REQUEST.search(lc) or len(lc.split()) <= 5):
        # asked for ("what are the risks with go?", "rust's cons"), not a word of the project ("a fintech risk engine")
        if len(named) == 1:
            return Act("downsides", named[0], how="follow-up")
        if not named and _ANOTHER.search(lc) and len(state.order) > 1:
            return Act("downsides", state.order[1], how="follow-up")
        if not named and (state.pick or state.topic) and (_PRONOUN.search(lc) or len(lc.split()) <= 8):
            return Act("downsides", state.pick or state.topic[0], how="follow-up")
    if cues.what_if.search(lc):
        return Act("what_if", how="follow-up")
    if not named and _ANOTHER.search(lc) and len(state.order) > 1 and len(lc.split()) <= 12:
        if _COMPARE_TOP.search(lc):
            return Act("compare", state.order[0], how="follow-up")  # "compare the top two"
        return Act("ask_pick", None, how="alternative")  # "what's the runner-up?", "the easiest alternative": the pick of the rest
    if state.asked and state.topic and not named and _WHY_ALONE.fullmatch(lc.strip(" ?!.")):
        return Act("ask_fact", state.topic[0], how="follow-up")  # "what's python's concurrency?" ... "why is that?"
    if state.pick and not named and _WHY_ALONE.fullmatch(lc.strip(" ?!.")):
        return Act("why_not", state.pick, how="follow-up")  # "why?": the reasons for the pick
    if state.pick and len(named) == 1 and named[0] != state.pick and _BARE_ASK.fullmatch(lc.strip()):
        return Act("why_not", named[0], how="follow-up")  # "and rust?"
    return None


def _answer_kind(intent: Intent, follow: Act | None, named: tuple[str, ...], needs: Needs, state: State, acts: list[Act],
                 lc: str, cues: _Cues) -> Intent:
    """The kind of answer the turn wants, once the conversation is taken into account."""
    if follow is not None and follow.kind == "why_not" and state.pick:
        if follow.target == state.pick:  # "why Go?" / "what about Go?" about the pick itself: explain it again
            return Intent("recommend", (), intent.criteria, True)
        return Intent("why_not", (follow.target, state.pick), intent.criteria, True)  # type: ignore[arg-type]
    if follow is not None and follow.kind == "ask_pick" and follow.how == "alternative":
        rest = tuple(n for n in state.order if n != state.pick and n not in needs.excluded)
        return Intent("recommend", (), intent.criteria, True, candidates=rest)  # chosen with this turn's needs too
    if follow is not None and follow.kind == "ask_fact":  # the reasons behind the fact just given
        return Intent("fact", (follow.target,), state.asked)  # type: ignore[arg-type]
    if follow is not None and follow.kind == "downsides":
        return Intent("downsides", (follow.target,), intent.criteria)  # type: ignore[arg-type]
    if follow is not None and follow.kind == "compare" and len(state.order) > 1:
        return Intent("compare", state.order[:2], intent.criteria)  # "compare the top two"
    other = state.pick or (state.topic[0] if state.topic else None)
    if intent.kind in ("compare", "fact") and len(intent.languages) == 1 and other and other != intent.languages[0] and follow is None \
            and (intent.kind == "compare" or _COMPARE_OTHER.search(lc)):
        return Intent("compare", (other, intent.languages[0]), intent.criteria)  # "how does that compare to go?": the other side
    changed = any(a.kind in ("set_priority", "drop", "add_use_case", "add_constraint", "knows", "exclude", "include") for a in acts)
    if follow is not None and follow.kind == "what_if" and not needs.empty:
        return Intent("recommend", intent.languages, intent.criteria, True, intent.candidates)
    stated = not ("?" in lc or _INFO_REQUEST.search(lc) or _is_question(lc))
    if state.pick and changed and (intent.kind in ("out_of_scope", "vague", "fact", "greeting") or intent.kind == "compare" and stated) \
            and not (intent.kind == "fact" and named and not stated):
        # a refinement of a conversation that already has a pick: re-rank ("Traffic is tiny", "Not Node.js.", "the
        # team has never used either rust or go")
        return Intent("recommend", (), intent.criteria, True)
    if intent.kind == "fact" and not intent.languages and not named and state.topic and _PRONOUN.search(lc) \
            and not _ASKS_WHICH.search(lc) and not intent.criteria[1:]:
        return Intent("fact", state.topic[:1], intent.criteria)  # "which frameworks would that be?": of the language in talk
    return intent


def _need_acts(before: Needs, after: Needs) -> list[Act]:
    """The needs a turn set, raised, dropped or ruled in and out, as acts (the diff of two Needs)."""
    acts: list[Act] = []
    for cid, w in after.priorities.items():
        if before.priorities.get(cid) != w:
            acts.append(Act("set_priority", cid, w))
    for cid in set(before.priorities) - set(after.priorities):
        acts.append(Act("drop", cid))
    for u in sorted(after.use_cases - before.use_cases):
        acts.append(Act("add_use_case", u))
    for c in sorted(after.constraints - before.constraints):
        acts.append(Act("add_constraint", c))
    for t in sorted((before.use_cases - after.use_cases) | (before.constraints - after.constraints)):
        acts.append(Act("drop", t))
    for t in sorted(after.musts - before.musts):
        acts.append(Act("require", t))
    for n in sorted(after.skills - before.skills):
        acts.append(Act("knows", n))
    for n in sorted(after.excluded - before.excluded):
        acts.append(Act("exclude", n))
    for n in sorted(before.excluded - after.excluded):
        acts.append(Act("include", n))
    return acts


# ------------------------------------------------------------------------------------------- needs by meaning

def _unread_clauses(lc: str, v) -> list[tuple[int, int, int]]:  # noqa: ANN001
    """(sentence index, start, end) of the clauses in which the lexicon found no need: the ones left to meaning."""
    out = []
    for si, (s0, s1) in enumerate(_sentences(lc)):
        for c0, c1 in (part for a, b in _clauses(lc, s0, s1) for part in _parts(lc, a, b)):
            clause = lc[c0:c1].strip()
            if len(clause) < 8 or len(clause.split()) < 3:
                continue
            if v.need_rx.search(lc, c0, c1) is not None:
                continue
            out.append((si, c0, c1))
    return out


_PART_WORDS = 4  # words each side of a conjunction needs before the clause is cut there
_CONJ = lexicon.pattern("dialogue", "conj")


def _parts(lc: str, a: int, b: int) -> list[tuple[int, int]]:
    """A clause cut at its conjunctions: "the team has never used either and we ship in 6 weeks" is two statements,
    and the negation of the first says nothing of the second."""
    out, start = [], a
    for m in _CONJ.finditer(lc, a, b):
        if len(lc[start:m.start()].split()) >= _PART_WORDS and len(lc[m.end():b].split()) >= _PART_WORDS:
            out.append((start, m.start()))  # only where both sides are statements of their own ("...front end and the back end" is one)
            start = m.end()
    out.append((start, b))
    return [(x, y) for x, y in out if y > x]


def _neutral(lc: str, a: int, b: int, ents) -> str:  # noqa: ANN001
    """A clause with its language names replaced by "it": "the team found Rust too hard" is scored as the
    experience it states, not as a sentence about Rust (names pull every clause towards the language's topics)."""
    out, at = [], a
    for e in ents:
        if a <= e.start and e.end <= b:
            out.append(lc[at:e.start])
            out.append("it")
            at = e.end
    out.append(lc[at:b])
    return "".join(out).strip()


def _by_meaning(lc: str, v, meaning: Meaning, ents=(), read_names=frozenset()) -> dict[str, bool]:  # noqa: ANN001
    """Needs the lexicon missed, recognised by their nearest example utterance ("a live feed of scores pushed to
    browsers" -> real-time): label -> True when the need is asked for, False when the turn says it does not apply.

    Polarity policy, in one place: a "not:" label or a negation in the clause makes it a drop; within one sentence
    a drop of a topic beats a positive reading of it ("Traffic is tiny, maybe 10 users" is one statement)."""
    spans = [(si, a, b) for si, a, b in _unread_clauses(lc, v)  # a clause the lexicon read as a skill or an exclusion is read
             if not any(a <= e.start < b and e.name in read_names for e in ents)
             and not (read_names and v.skill_rx.search(lc, a, b) is not None)
             and not any(e.start == a + len(lc[a:b]) - len(lc[a:b].lstrip()) and not _OFFERED_AFTER.match(lc, e.end) for e in ents)]
    # "python outruns every other language": a clause whose subject is a named language describes it (the checker
    # reads it) and states no need; "python or node for a push service" offers the two, and its project is read
    # "what is node.js best for, per the article?": a question about a named language states no need of the asker's
    asked = {si for si, (s0, s1) in enumerate(_sentences(lc)) if _is_question(lc[s0:s1]) and not _NEED_VOICE.search(lc, s0, s1)
             and not _FOR_PROJECT.search(lc, s0, s1) and any(s0 <= e.start < s1 and not _OFFERED_AFTER.match(lc, e.end) for e in ents)}
    spans = [(si, a, b) for si, a, b in spans if si not in asked]
    if not spans:
        return {}
    texts: list[tuple[int, str, str]] = []  # (sentence, text scored, the clause up to its end: the negation scope)
    for sent, a, b in spans:
        clause = _neutral(lc, a, b, ents)
        if _CONTRAST_FRAGMENT.fullmatch(clause):
            continue  # "..., not software engineers": a contrast with what came before, no need and no drop of one
        for window, upto in _windows(clause):
            if sum(w not in _THIN for w in re.findall(r"[\w'-]+", window)) >= 2:  # "have the backend in it" says nothing
                texts.append((sent, window, upto))
        if len(texts) >= TOPIC_MAX_TEXTS:
            break
    found: dict[tuple[int, str], bool] = {}
    hits = meaning.best([t for _, t, _ in texts[:TOPIC_MAX_TEXTS]], TOPIC_THRESHOLD, TOPIC_MARGIN, _rivals)
    for (sent, text, scope), hit in zip(texts, hits):
        if hit is None or hit.label == "none":
            continue
        dropped = _drop_cue(scope)
        negated = _NEGATION.search(scope) is not None or dropped
        if negated and not dropped and _BAD_POLE.intersection(re.findall(r"[a-z][a-z-]*", text)):
            negated = False  # "doesn't want to fight a hard language", "avoid anything slow": the need, said twice negatively
            # (a drop cue is no second negative: "a hard language is fine" drops ease of learning)
        negative = hit.label.startswith("not:") or negated
        label = hit.label.removeprefix("not:")
        found[(sent, label)] = found.get((sent, label), True) and not negative
    out: dict[str, bool] = {}
    for (_, label), positive in found.items():
        out[label] = out.get(label, True) and positive
    return out


def _windows(clause: str) -> list[tuple[str, str]]:
    """The texts a clause is scored as: itself, and when it is long, overlapping windows of WINDOW_WORDS words,
    each with the clause up to the window's end (a negation scopes to the right, to the end of its clause).

    A long clause mixes a question frame with its content ("which backend language is the easiest to pick up for a
    total beginner" is nearest to the generic "which backend language should I pick"); its windows are not."""
    words = clause.split()
    out = [(clause, clause)]
    if len(words) <= WINDOW_WORDS + 2:
        return out
    for i in range(0, len(words) - WINDOW_STRIDE, WINDOW_STRIDE):
        end = min(i + WINDOW_WORDS, len(words))
        out.append((" ".join(words[i:end]), " ".join(words[:end])))
        if end == len(words):
            break
    return out


def _rivals(top: str, other: str) -> bool:
    """Whether two readings of a clause exclude each other, so the top one must win by a margin: the reject class,
    or the two polarities of a need. Two needs ("new to backend work": ease of learning, fast delivery) can both hold."""
    return "none" in (top, other) or top.startswith("not:") != other.startswith("not:")


def _apply(found: dict[str, bool], needs: Needs, before: Needs, table) -> Needs:  # noqa: ANN001
    """`needs` with what meaning found; what the words of the turn said wins where both speak of one need."""
    if not found:
        return needs
    pri, uc, cons, dropped = dict(needs.priorities), set(needs.use_cases), set(needs.constraints), set(needs.dropped)
    # "signalling server for video calls, all real-time": a criterion meaning finds where the words named a use case
    # that bears on it is that use case again, left at the weight the use case implies (_implied)
    topics = [table.use_cases.get(u) for u in needs.use_cases - before.use_cases] + \
        [table.constraints.get(c) for c in needs.constraints - before.constraints]
    echoed = {t.criterion for t in topics if t is not None and t.criterion}
    for label, positive in found.items():
        kind, _, tid = label.partition(":")
        said = (tid in needs.priorities and needs.priorities.get(tid) != before.priorities.get(tid)) or \
               (tid in needs.use_cases - before.use_cases) or (tid in needs.constraints - before.constraints)
        if not positive:
            if said:
                continue
            pri.pop(tid, None)
            uc.discard(tid)
            cons.discard(tid)
            dropped.add(tid)
        elif tid not in needs.dropped or tid in before.dropped:
            if kind == "use_case":
                uc.add(tid)
            elif kind == "constraint":
                cons.add(tid)
            elif kind == "criterion" and tid not in pri and tid not in echoed:
                pri[tid] = 0.6
            dropped.discard(tid)
    return replace(needs, priorities={c: w for c, w in pri.items() if c in table.criteria}, use_cases=frozenset(uc),
                   constraints=frozenset(cons), dropped=frozenset(dropped - set(pri) - uc - cons))


def _drop_namesakes(needs: Needs, before: Needs, table) -> Needs:  # noqa: ANN001
    """A criterion dropped this turn takes the use cases named after it along ("ignore performance" also drops
    high-performance backends): the user dropped the word, whichever of its meanings the earlier turn read."""
    gone = {cid for cid in before.priorities if cid not in needs.priorities and cid in needs.dropped}
    if not gone:
        return needs
    words = {w for cid in gone for w in (*table.criteria[cid].nouns, table.criteria[cid].label.lower())}
    drop = {u for u in needs.use_cases if any(w in u.replace("-", " ") or w in table.use_cases[u].label.lower() for w in words)}
    if not drop:
        return needs
    return replace(needs, use_cases=needs.use_cases - drop, dropped=needs.dropped | drop)


def _implied(needs: Needs, before: Needs, table) -> Needs:  # noqa: ANN001
    """Criteria the conversation's use cases and constraints imply (the `criterion` each names in
    corpus/comparison.yaml: real-time -> concurrency), at IMPLIED_WEIGHT, unless the user stated or dropped them;
    re-derived every turn, so they leave with the use case."""
    pri = dict(needs.priorities)
    for cid in before.implied:  # last turn's implied weights, unless this turn stated the criterion itself
        if pri.get(cid) == before.priorities.get(cid):
            pri.pop(cid, None)
    implied = set()
    topics = [table.use_cases.get(u) for u in sorted(needs.use_cases)] + [table.constraints.get(c) for c in sorted(needs.constraints)]
    for topic in topics:
        crit = topic.criterion if topic is not None else None
        if crit is not None and crit in table.criteria and crit not in pri and crit not in needs.dropped:
            pri[crit] = IMPLIED_WEIGHT
            implied.add(crit)
    return replace(needs, priorities=pri, implied=frozenset(implied))


# ------------------------------------------------------------------------------------------- load and emphasis

_THIN = frozenset(lexicon.phrases("words", "thin_words"))
#: Words for the bad end of a criterion ("hard", "slow"): negated, they ask for the need ("avoid anything slow")
_BAD_POLE = frozenset(lexicon.phrases("check", "negative"))
_REPLACE_PROJECT = lexicon.pattern("dialogue", "replace_project")
_UNDO = lexicon.pattern("dialogue", "undo")
_REPLACE_TEAM = lexicon.pattern("dialogue", "replace_team")
_RESTATE_PROJECT = lexicon.pattern("dialogue", "restate_project")
_ADDS_TEAM = lexicon.pattern("dialogue", "adds_team")
_MOST_RX = lexicon.pattern("dialogue", "matters_most")
_PERF_WORDS = lexicon.pattern("dialogue", "performance_words")
def _most_displaces(lc: str, needs: Needs, before: Needs, turn: Needs) -> Needs:
    """One thing matters most: "actually no, speed matters most" after "ease of learning matters most" moves the
    earlier top priority down to a low weight instead of keeping two at the top."""
    top = {c for c, w in turn.priorities.items() if w >= 1.0}
    if not top or not _MOST_RX.search(lc):
        return needs
    pri = {c: (0.3 if w >= 1.0 and c not in top and c not in turn.priorities and before.priorities.get(c, 0) >= 1.0 else w)
           for c, w in needs.priorities.items()}
    return replace(needs, priorities=pri)


# ------------------------------------------------------------------------------------------- what-if weights

def _shift_weights(lc: str, table, v, needs: Needs, before: Needs, cues: _Cues) -> Needs:  # noqa: ANN001
    """"What if performance mattered more?": a comparative about a criterion named in the same clause moves its
    weight from where the conversation had it (+0.4 up, down to 0.3), instead of restating the default weight."""
    if not (cues.raise_.search(lc) or cues.lower.search(lc)):
        return needs
    pri = dict(needs.priorities)
    clauses = [c for s0, s1 in _sentences(lc) for c in _clauses(lc, s0, s1)]
    for c0, c1 in clauses:
        up, down = cues.raise_.search(lc, c0, c1), cues.lower.search(lc, c0, c1)
        if not (up or down) or _drop_cue(lc[c0:c1]) or _MORE_THAN.search(lc, c0, c1):
            continue  # "speed matters more than ease of learning" ranks the two: extract_needs has read it
        for m in v.need_rx.finditer(lc, c0, c1):
            for kind, cid in v.need_map.get(_key(m.group(0)), []):
                if kind != "criterion" or cid not in table.criteria or cid in needs.dropped:
                    continue
                was = before.priorities.get(cid, 0.0)
                pri[cid] = round(min(1.0, (was or 0.6) + 0.4), 2) if up else min(was or 0.3, 0.3)
    return replace(needs, priorities=pri, dropped=frozenset(needs.dropped - set(pri)))

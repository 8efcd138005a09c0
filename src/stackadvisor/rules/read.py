"""Reading a user turn: the needs it states (extract_needs). The kind of answer it wants is rules/intent.py."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from ..knowledge import Table
from . import lexicon
from .clean import _clean_markdown, _strip_injection
from .finder import _QUOTED, _TOKEN_RX, _key, _lc
from .mentions import _entities, _is_question, _sentences
from .types import (
    Needs,
)
from .vocab import _DROP_RX, _MUST_RX, _STRONG_RX, _WEAK_KEYS, _Ent, _rephrase, _Vocab, _vocab

# ============================================================================================ extract_needs

_LOOK = 80  # characters before a mention that its cues are read from (a mention's context, not the whole clause)
#: a drop word that drops nothing: a noun ("every last drop of performance") or a placing ("binaries they can drop
#: on servers", "a drop-in replacement")
_DROP_NOUN = re.compile(r"\s+of\b|-in\b|(?:\s+(?:it|them|this|that|these|those))?\s+(?:on|onto|into|in)\s+(?:a|an|the|our|their|any|my|your|every|each)?\b", re.I)


def _clause_start(clause_starts: tuple[list[int], list[tuple[int, int]]], pos: int, default: int) -> int:
    """The start of the clause holding `pos` (clauses sorted, disjoint), else `default`: a bisect, not a scan."""
    starts, clauses = clause_starts
    i = bisect_right(starts, pos) - 1
    return clauses[i][0] if i >= 0 and pos < clauses[i][1] else default


_MARK = "\x00"  # stands for the first character of a mention while the cue patterns run


def _unanchored(rx: re.Pattern) -> re.Pattern:
    """A cue pattern written against the text before a mention (`...$`), made to end at a marked mention instead,
    so it runs once over a sentence (backtracking exactly as `$` did) rather than once per mention."""
    at = rx.pattern.rindex("$")
    return re.compile(rx.pattern[:at] + f"(?={_MARK})" + rx.pattern[at + 1:], rx.flags)


def _gone(lc: str, lo: int, start: int, end: int, s1: int) -> bool:
    """Whether the people who know the language mentioned at start..end have left the team."""
    return bool(_SKILL_GONE.match(lc[end:min(s1, end + 60)]) or _SKILL_LOST.search(lc, lo, start))


class _MentionCues:
    """The cues of one sentence, each pattern run once over it with the mentions marked (linear), then looked up
    per mention: a mention is cued when a cue match ends where it starts and begins inside its window (the
    clause, at most _LOOK characters back). A sentence of a thousand mentions costs one pass per pattern."""

    def __init__(self, lc: str, s0: int, s1: int, marks: list[int]) -> None:
        self.lc = lc
        chars = list(lc[s0:s1])
        for p in marks:
            if s0 <= p < s1:
                chars[p - s0] = _MARK
        text = "".join(chars)
        self._excl = {m.end() + s0: m.start() + s0 for m in _EXCL_AT.finditer(text)}
        self._unexcl = {m.end() + s0: m.start() + s0 for m in _UNEXCL_AT.finditer(text)}
        self._skill = {m.end() + s0: m.start() + s0 for m in _SKILL_AT.finditer(text)}
        self._neg = [m.span() for m in _SKILL_NEG_WORD.finditer(lc, s0, s1)]
        self._neg_starts = [a for a, _ in self._neg]

    @staticmethod
    def _at(ends: dict[int, int], pos: int, lo: int) -> bool:
        start = ends.get(pos)
        return start is not None and start >= lo

    def excluded(self, pos: int, lo: int) -> bool:
        return self._at(self._excl, pos, lo)

    def unexcluded(self, pos: int, lo: int) -> bool:
        return self._at(self._unexcl, pos, lo)

    def skilled(self, pos: int, lo: int) -> bool:
        return self._at(self._skill, pos, lo)

    def negated(self, pos: int, lo: int) -> bool:
        """A negation in the 40 characters before `pos` with no , . ; between it and the mention."""
        i = bisect_left(self._neg_starts, max(lo, pos - 40))
        for a, b in self._neg[i:]:
            if a >= pos:
                break
            if b <= pos and not any(ch in ",.;" for ch in self.lc[b:pos]):
                return True
        return False


def _inside(ents: list, starts: list[int], pos: int) -> bool:
    """Whether `pos` falls inside one of the (sorted, disjoint) mentions."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and ents[i].start <= pos < ents[i].end


def _drop_cue(clause: str) -> bool:
    """A cue that a need no longer counts; a cue word used as a noun ("every last drop of performance") is none."""
    return any(not _DROP_NOUN.match(clause, m.end()) for m in _DROP_RX.finditer(clause))

def _drop_reaches(lc: str, c0: int, c1: int, a: int, b: int, needs_at: Sequence[int] = ()) -> bool:
    """Whether a drop cue of the clause speaks of the need at lc[a:b]: no "and" / "plus" joins a new statement
    between them ("removing the Node runtime and increased efficiency" drops the runtime, not efficiency), unless
    what it joins is a list of needs (`needs_at`, where the clause names one): "we do not need improved concurrency
    and performance" drops both."""
    for m in _DROP_RX.finditer(lc, c0, c1):
        if _DROP_NOUN.match(lc, m.end()):
            continue
        forward = m.end() <= a
        lo, hi = (m.end(), a) if forward else (b, m.start())
        cuts = [lo, *(j.start() for j in _JOIN_RX.finditer(lc, lo, hi)), hi]
        segments = list(zip(cuts, cuts[1:]))
        near, listed = (segments[-1], segments[:-1]) if forward else (segments[0], segments[1:])
        def names_need(x: int, y: int) -> bool:
            return any(x <= p < y for p in needs_at)
        if not (listed and names_need(*near)) and all(names_need(x, y) for x, y in listed):
            return True
    return False


_JOIN_RX = re.compile(r"\b(?:and|plus|as\s+well\s+as|while)\b", re.I)
_NEED_CLAUSE = lexicon.pattern("read", "need_clause")
_ASKS_REQUIREMENT = lexicon.pattern("read", "asks_requirement")
_HEARSAY = lexicon.pattern("read", "hearsay")
_OPEN_ALT = lexicon.pattern("read", "open_alternatives")  # "any other more CPU-friendly options?" asks for them: a need
_NEAR_NEG = lexicon.pattern("read", "near_neg")
_CAPABILITY_NEG = lexicon.pattern("read", "capability_neg")
_SEEK_OTHER = lexicon.pattern("read", "seek_other")
_OFFERED = lexicon.pattern("read", "offered_option")
_LANG_MODIFIER = lexicon.pattern("read", "lang_modifier")  # "a library with no Rust equivalent": Rust is not ruled out
_BLAME_REACH = 80  # a complaint blames the last language named at most this many characters before it
_SKILL_PRE = lexicon.pattern("read", "skill_pre")
_SKILL_LACKING = lexicon.pattern("read", "skill_lacking")
_SKILL_POST = lexicon.pattern("read", "skill_post")
_SKILL_NEG = lexicon.pattern("read", "skill_neg")
_SKILL_GONE = lexicon.pattern("read", "skill_gone")
_IMMEDIACY = lexicon.pattern("read", "immediacy")
IMMEDIATE = "real-time"  # the use case (an id of corpus/comparison.yaml) that changes shown to others as they happen are
_SKILL_LOST = lexicon.pattern("read", "skill_lost")
_SKILL_VOICE = lexicon.pattern("read", "skill_voice")
_OWN_VOICE = lexicon.pattern("read", "own_voice")
_FRONTEND_STACK = lexicon.pattern("read", "frontend_stack")
_OWN_COMMUNITY = lexicon.pattern("read", "own_community")
_FRAMEWORK_TALK = re.compile(r"\b(?:framework|frameworks|library|libraries|is\s+an?)\b", re.I)
_EXCL_PRE = lexicon.pattern("read", "excl_pre")
_EXCL_POST = lexicon.pattern("read", "excl_post")
_UNEXCL_POST = lexicon.pattern("read", "unexcl_post")
_UNEXCL_PRE = lexicon.pattern("read", "unexcl_pre")
_EXCL_AT, _UNEXCL_AT, _SKILL_AT = _unanchored(_EXCL_PRE), _unanchored(_UNEXCL_PRE), _unanchored(_SKILL_PRE)
_SKILL_NEG_WORD = re.compile(_SKILL_NEG.pattern.removesuffix(r"[^,.;]*$"), re.I)
_LIST_GAP = lexicon.pattern("read", "list_gap")
_PLURAL_VERB = re.compile(r"\s+(?:are|aren't)\b", re.I)  # "... are banned": said of every language listed before it


_MOVE_TO = lexicon.pattern("read", "move_to")
_MOVE_INTENT = lexicon.pattern("read", "move_intent")
_MOVE_WISH = lexicon.pattern("read", "move_wish")
_WISH_EXAMPLES = lexicon.pattern("read", "wish_examples")
_DESCRIBED_AFTER = lexicon.pattern("read", "described_after")
_WHY_ASK = lexicon.pattern("read", "why_ask")
_PICK_FOR = lexicon.pattern("read", "pick_for")  # "which one for a concurrent job scheduler?": its project words are needs
_NOT_CONTRAST = re.compile(r"[^.;:!?]{0,30}?[,\s]\s*(?:and\s+)?not\s+$", re.I)
_AMONG_TABLE = lexicon.pattern("read", "among_table")  # "which of the four fits?" asks for a pick: what it names are needs
_WHY_EMBEDDED = lexicon.pattern("read", "why_embedded")
_OUTSIDE_DESCRIBED = lexicon.pattern("read", "outside_described")
_DONE_ELSEWHERE = lexicon.pattern("read", "done_elsewhere")
_CLAUSE_END = re.compile(r"[,;:.!?]|\s(?:but|however|though|although|whereas|while|and)\s")


def _clause_end(lc: str, pos: int) -> int:
    m = _CLAUSE_END.search(lc, pos)
    return m.start() if m else len(lc)


_SUBJECT_NEXT = re.compile(r"\s+(?:is|isn't|are|aren't|was|wasn't|were|has|had|does|doesn't|did|can|can't|will|won't|would|should|just|really)\b", re.I)
_MOVE_REJECTED = re.compile(r"\b(?:better|rather|instead\s+of|than|no\s+need\s+to|not\s+worth|against)\s+$", re.I)


def _move(lc: str, ents: list[_Ent], v: _Vocab) -> tuple[tuple[str, ...], frozenset[str], bool, tuple[str, ...]]:
    """A move of the backend: (its targets in the table, the languages it leaves, whether it is stated, its targets
    outside the table: "port to C++"). The left
    ones (of a stated move only) are every language
    the turn names (by name or by a framework) that is not a target: "Rewrite in Go. The existing implementation is
    written in Node" moves to Go, off Node.js; "I am currently working with python. But I think, transfer my server
    to C++" off Python. A move only asked about ("should we switch to Go?", "rewrite in go or python?") is none: the
    user is still weighing it."""
    targets: dict[str, None] = {}
    stated = False
    quoted = [m.span() for m in _QUOTED.finditer(lc)]  # '"Switch to Go or Rust for real performance."': someone else's move
    ents = [e for e in ents if not any(a <= e.start < b for a, b in quoted)]
    starts = [e.start for e in ents]
    for s0, s1 in _sentences(lc):
        sent = ents[bisect_left(starts, s0):bisect_left(starts, s1)]
        moved = False
        wish = _MOVE_WISH.search(lc, s0, s1)
        for i, e in enumerate(sent):
            if _OFFERED.match(lc, e.end):  # "Rust can be a decent option too": one more place to move to
                targets[e.name] = None
                continue
            example = wish is not None and wish.end() <= e.start and _WISH_EXAMPLES.match(lc[wish.end():e.start])
            to = _MOVE_TO.search(lc, max(s0, e.start - _LOOK), e.start)
            if to and _MOVE_REJECTED.search(lc, max(s0, to.start() - 30), to.start()):
                continue  # "doing this in python is better than rewriting it in go": a move argued against
            if example or to:  # "a compiled language, like Go or Rust"
                moved = True
                targets[e.name] = None
                for a, b in zip(sent[i:], sent[i + 1:]):  # "into Go and Rust", "in Java or Scala or C++ or Rust"
                    if not _LIST_GAP.match(lc[a.end:b.start]) or _SUBJECT_NEXT.match(lc, b.end):
                        break  # "rewrite it in go, python is too slow": a new clause's subject, not one more target
                    targets[b.name] = None
        moved = moved or wish is not None  # "a more performant language would be nice"
        stated = stated or moved and (not _is_question(lc[s0:s1]) or _MOVE_INTENT.search(lc, s0, s1) is not None)
    inside = tuple(t for t in targets if t in v.table.languages)
    beyond = tuple(t for t in targets if t not in v.table.languages)
    if not stated:
        return inside, frozenset(), False, beyond
    named = {e.name for e in ents if not e.outside}
    named.update(n for m in v.skill_rx.finditer(lc) if not _inside(ents, starts, m.start()) and (n := v.skill_map.get(_key(m.group(0)))))
    return inside, frozenset(named - set(targets)), True, beyond


def _blamed(lc: str, ents: list[_Ent], starts: list[int], lo: int, at: int) -> tuple[str, ...]:
    """The table language a complaint at `at` is about: the last one named in lc[lo:at] ("python in the https server
    end doesn't scale", "an issue with node JS and the fact it is bound to a single thread"), when no other
    language's name or a comparison stands between them ("faster than python" blames no one)."""
    before = [e for e in ents[bisect_left(starts, lo):bisect_left(starts, at)] if e.end <= at]
    if not before or before[-1].outside:
        return ()
    gap = lc[before[-1].end:at]
    if _NO_BLAME_GAP.search(gap):
        return ()
    return (before[-1].name,)


_NO_BLAME_GAP = lexicon.pattern("read", "blame_gap")


_NEED_VERB = lexicon.pattern("read", "need_verb")
_NEED_VOICE = lexicon.pattern("read", "need_voice")
_AUDIENCE = lexicon.pattern("read", "audience")
_NEED_AND = re.compile(r"\s+and\s+", re.I)


def _clauses(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out, start = [], lo
    for m in _NEED_CLAUSE.finditer(text, lo, hi):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if hi > start:
        out.append((start, hi))
    split: list[tuple[int, int]] = []
    for a, b in out:
        cur = a
        for m in _NEED_AND.finditer(text, a, b):
            if _NEED_VERB.search(text, cur, m.start()) and _NEED_VERB.search(text, m.end(), b):
                split.append((cur, m.start()))
                cur = m.end()
        split.append((cur, b))
    return split


_ONE_STACK = lexicon.pattern("read", "one_stack")  # "one language for the browser and the server"
_ONLY_SKILL = lexicon.pattern("read", "only_skill")  # "they only know python": nothing else is known
_MORE_THAN = lexicon.pattern("read", "more_than")


def _implied_criteria(phrase: str, v: _Vocab) -> list[str]:
    """Criteria named inside a use-case phrase: "high-performance" -> speed ("ship fast" is not: an adjective)."""
    out = []
    for w in _TOKEN_RX.findall(_lc(phrase)):
        cid = v.crit_map.get(w)
        if cid and cid not in out and w not in v.table.criteria[cid].adjectives:
            out.append(cid)
    return out


def _weights(lc: str, clauses: list[tuple[int, int]]) -> list[tuple[int, float]]:
    """Intensity cues as (position, weight); weight 1.0 strong, 0.3 weak."""
    cues = []
    for m in _STRONG_RX.finditer(lc):
        k = _key(m.group(0))
        cues.append((m.start(), 0.3 if k in _WEAK_KEYS else 1.0))
    return cues


def _cue_weight(local: list[tuple[int, float]], carry: float | None, at: int) -> tuple[float, bool]:
    """A need's weight from the clause's intensity cues (the nearest one), else the one carried from a cue-only
    clause before it, else the default 0.6; and whether a cue set it."""
    if local:
        return min(local, key=lambda pw: abs(pw[0] - at))[1], True
    if carry is not None:
        return carry, True
    return 0.6, False


def extract_needs(text: str, table: Table, previous: Needs | None = None) -> Needs:
    """The needs stated in one user turn, merged over the conversation so far (`previous`).

    Later turns add to earlier ones; an explicit change of mind ("forget the libraries", "not real-time after
    all", "we don't care about ease of learning") removes what it names."""
    v = _vocab(table)
    prev = previous or Needs()
    text = _rephrase(_strip_injection(_clean_markdown(text or "")))
    lc = _lc(text)
    pri = dict(prev.priorities)
    uc, cons = set(prev.use_cases), set(prev.constraints)
    skills, excl, dropped = set(prev.skills), set(prev.excluded), set(prev.dropped)
    required = set(prev.required)
    mentioned, outside = list(prev.mentioned), list(prev.outside)
    unfamiliar: set[str] = set()  # languages named as ones the team does not know: no tie goes to them
    blamed: set[str] = set()  # languages a complaint is about ("node is bound to a single thread")
    felt: list[tuple[str, tuple[str, ...]]] = []  # (criterion, the languages a complaint about it blames)
    turn_pri: dict[str, float] = {}
    ents = _entities(text, v, lc)
    ent_starts = [e.start for e in ents]
    for e in ents:
        if e.outside:
            if e.name not in outside:
                outside.append(e.name)
        elif e.name not in mentioned:
            mentioned.append(e.name)
    described = [(e.end, e.end + d.end()) for e in ents if (d := _DESCRIBED_AFTER.match(lc[e.end:e.end + 200]))]
    # "java has threads, but ...": what an outside language has is no need of the asker's, up to the clause's end
    described += [(e.end, _clause_end(lc, e.end)) for e in ents if e.outside and _OUTSIDE_DESCRIBED.match(lc[e.end:e.end + 40])]
    described += [m.span() for m in _OWN_COMMUNITY.finditer(lc)]  # "for our community": who it is for, not an ecosystem
    for s0, s1 in _sentences(lc):  # "the number crunching stays in Fortran": work done by outside code is not a need
        for e in ents[bisect_left(ent_starts, s0):bisect_left(ent_starts, s1)]:
            if e.outside and _DONE_ELSEWHERE.search(lc, max(s0, e.start - 60), e.start):
                described.append((s0, e.start))
    last_said: list[tuple[str, str]] = []
    quoted = [m.span() for m in _QUOTED.finditer(lc)]  # "stop telling me Python is 'too slow'": someone else's words
    for s0, s1 in _sentences(lc):
        sentence = lc[s0:s1]
        question = _is_question(sentence)
        clauses = _clauses(lc, s0, s1)
        clause_starts = ([a for a, _ in clauses], clauses)
        own_voice = bool(_OWN_VOICE.search(sentence))
        cues = _weights(lc[s0:s1], clauses)
        cues = [(p + s0, w) for p, w in cues]
        carry: float | None = None
        crit_hits: list[tuple[int, str]] = []
        said: list[tuple[str, str]] = []  # needs this sentence named, for a bare "Not needed anymore." after it
        asks_only = question and not _NEED_VOICE.search(sentence) and not _AUDIENCE.search(sentence) and not cues \
            and not _AMONG_TABLE.search(sentence) and not _PICK_FOR.search(sentence) and not _OPEN_ALT.search(sentence) and not any(
            k != "criterion" for m in v.need_rx.finditer(lc, s0, s1) for k, _ in v.need_map.get(_key(m.group(0)), []))
        for c0, c1 in clauses:
            clause = lc[c0:c1]
            drop = _drop_cue(clause)
            heard = _HEARSAY.search(lc, c0, c1)
            hits = [m for m in v.need_rx.finditer(lc, c0, c1)
                    if (_key(m.group(0)) in v.complaints or not any(a <= m.start() < b for a, b in described))
                    and not (heard and heard.end() <= m.start())]
            local = [(p, w) for p, w in cues if c0 <= p < c1]
            # "it has to be memory safe", "memory corruption is not an option": the clause's needs are requirements
            # (unless hedged: "it has to be a bit faster" is a weight, not a line)
            must = not asks_only and _MUST_RX.search(clause) is not None and not any(w < 1.0 for _, w in local) \
                and not (question and _ASKS_REQUIREMENT.match(sentence))
            if not hits:
                if local and not drop:
                    carry = max(w for _, w in local) if any(w == 1.0 for _, w in local) else local[0][1]
                continue
            for m in hits:
                near = lc[max(c0, m.start() - 40):m.start()]
                # a complaint ("too slow", "isn't slow", "does not support threads") asks for the need: only a drop cue drops it
                negated = (drop and _drop_reaches(lc, c0, c1, m.start(), m.end(), [h.start() for h in hits])) or (
                    _key(m.group(0)) not in v.complaints and bool(_NEAR_NEG.search(near)) and not _CAPABILITY_NEG.search(near))
                blames = () if negated or _key(m.group(0)) not in v.complaints or _is_question(clause) or _NEAR_NEG.search(near) \
                    or any(a <= m.start() < b for a, b in quoted) else _blamed(lc, ents, ent_starts, max(s0, m.start() - _BLAME_REACH), m.start())
                blamed.update(blames)
                for kind, tid in v.need_map.get(_key(m.group(0)), []):
                    said.append((kind, tid))
                    if negated:
                        dropped.add(tid)
                        required.discard(tid)
                        if kind == "criterion":
                            pri.pop(tid, None)
                            turn_pri.pop(tid, None)
                        elif kind == "use_case":
                            uc.discard(tid)
                        else:
                            cons.discard(tid)
                        continue
                    if kind == "criterion" and asks_only:
                        crit_hits.append((m.start(), tid))  # "what if speed mattered more than readability?" still ranks the two
                        continue
                    dropped.discard(tid)
                    if must:
                        required.add(tid)
                    if kind in ("use_case", "constraint"):
                        (uc if kind == "use_case" else cons).add(tid)
                        implied = _implied_criteria(v.syn_canon.get(_key(m.group(0)), m.group(0)), v)  # a synonym implies what its keyword does
                        if kind == "constraint":  # CPU-bound work is a need for speed: the article's cons say so
                            implied += [c for c in v.constraint_crit.get(tid, ()) if c not in implied and c not in dropped]
                        for cid in implied:  # "performance-critical": the phrase's own cue weighs what it implies
                            if cid not in pri and not asks_only:
                                pri[cid] = turn_pri[cid] = _cue_weight(local, carry, m.start())[0]
                                dropped.discard(cid)
                                crit_hits.append((m.start(), cid))
                    else:
                        w, explicit = _cue_weight(local, carry, m.start())
                        if blames:
                            felt.append((tid, blames))
                        if tid in turn_pri:
                            w = max(turn_pri[tid], w)
                        elif not explicit:
                            w = max(pri.get(tid, 0.0), w)
                        turn_pri[tid] = w
                        pri[tid] = w
                        crit_hits.append((m.start(), tid))
            carry = None
        immediate = _IMMEDIACY.search(sentence) if IMMEDIATE in table.use_cases and not asks_only else None
        if immediate and IMMEDIATE not in uc:  # "parents should see the score change the moment it happens"
            if _SKILL_NEG.search(sentence[:immediate.start()]) or _drop_cue(sentence):
                dropped.add(IMMEDIATE)
            else:
                uc.add(IMMEDIATE)
                dropped.discard(IMMEDIATE)
                said.append(("use_case", IMMEDIATE))
        if not said and last_said and len(_TOKEN_RX.findall(sentence)) <= 6 and _drop_cue(sentence):
            for kind, tid in last_said:  # "Real-time? Not needed anymore." drops what the sentence before named
                dropped.add(tid)
                if kind == "criterion":
                    pri.pop(tid, None)
                    turn_pri.pop(tid, None)
                else:
                    (uc if kind == "use_case" else cons).discard(tid)
        last_said = said
        for m in _MORE_THAN.finditer(lc, s0, s1):
            a = [cid for p, cid in crit_hits if p < m.start()]
            b = [cid for p, cid in crit_hits if p >= m.end()]
            if a and b and a[-1] != b[0]:
                hi_c, lo_c = (a[-1], b[0]) if m.group("dir") != "less" else (b[0], a[-1])
                pri[hi_c] = turn_pri[hi_c] = 1.0
                pri[lo_c] = turn_pri[lo_c] = min(pri.get(lo_c, 0.3), 0.3)
        # languages: exclusions, re-inclusions and team skills
        sent_ents = [e for e in ents[bisect_left(ent_starts, s0):bisect_left(ent_starts, s1)] if not e.outside]
        prev_excl: _Ent | None = None
        prev_skill: _Ent | None = None
        skill_hits = [m for m in v.skill_rx.finditer(lc, s0, s1)]
        cues_at = _MentionCues(lc, s0, s1, [e.start for e in sent_ents] + [m.start() for m in skill_hits])
        # "go and node are banned": a plural exclusion after a list reaches back over the list
        listed_out: set[int] = set()
        excl_ends: list[int] = []  # where the sentence's ruled-out names end ("not Python or JavaScript")
        for i in range(len(sent_ents) - 1, -1, -1):
            e = sent_ents[i]
            after = lc[e.end:min(s1, e.end + 60)]
            if _EXCL_POST.match(after) and _PLURAL_VERB.match(after):
                listed_out.add(i)
            elif i + 1 in listed_out and _LIST_GAP.match(lc[e.end:sent_ents[i + 1].start]):
                listed_out.add(i)
        for i, e in enumerate(sent_ents):
            c0 = _clause_start(clause_starts, e.start, s0)
            lo = max(c0, e.start - _LOOK)  # a mention's cues lie in a bounded window before it
            after = lc[e.end:min(s1, e.end + 60)]
            if _UNEXCL_POST.match(after) or cues_at.unexcluded(e.start, lo):
                excl.discard(e.name)
                continue
            listed = prev_excl is not None and e.start - prev_excl.end <= _LOOK and _LIST_GAP.match(lc[prev_excl.end:e.start])
            if (cues_at.excluded(e.start, lo) and not _LANG_MODIFIER.match(after) or _EXCL_POST.match(after) or listed or i in listed_out) \
                    and not _SKILL_POST.match(after) \
                    and not (_WHY_ASK.search(lc, s0, e.start) and (question or _WHY_EMBEDDED.search(lc, s0, e.start))):
                if prev_skill is not None and _NOT_CONTRAST.match(lc[prev_skill.end:e.start]):
                    skills.discard(e.name)  # "we're a Go shop, not python": not a skill of the team, still a candidate
                    continue
                excl.add(e.name)
                prev_excl = e
                excl_ends.append(e.end)
                continue
            prev_excl = None
            if _gone(lc, lo, e.start, e.end, s1):
                skills.discard(e.name)  # "our go devs quit": the team no longer knows it; still a candidate
                prev_skill = None
                continue
            skill_listed = prev_skill is not None and e.start - prev_skill.end <= _LOOK and _LIST_GAP.match(lc[prev_skill.end:e.start])
            cue = cues_at.skilled(e.start, lo) or (_SKILL_POST.match(after) and own_voice)
            lacking = _SKILL_LACKING.search(lc, max(s0, e.start - _LOOK), e.start)
            if (cue or skill_listed) and not cues_at.negated(e.start, lo) and not lacking:
                skills.add(e.name)
                prev_skill = e
                if _ONLY_SKILL.search(lc, lo, e.start) and "learning_curve" not in pri and "learning_curve" not in dropped:
                    pri["learning_curve"] = 0.6  # "the new hires only know python": any other is one to learn
            else:
                if lacking:  # "I don't feel comfortable writing Python", "barely familiar with Rust": what the team lacks
                    skills.discard(e.name)
                    unfamiliar.add(e.name)
                prev_skill = None
        voice = bool(_SKILL_VOICE.search(sentence))
        framework_talk = bool(_FRAMEWORK_TALK.search(sentence))
        for m in skill_hits:
            name = v.skill_map.get(_key(m.group(0)))
            if name is None or _inside(ents, ent_starts, m.start()):
                continue
            c0 = _clause_start(clause_starts, m.start(), s0)
            lo = max(c0, m.start() - _LOOK)
            if cues_at.excluded(m.start(), lo) or _EXCL_POST.match(lc[m.end():min(s1, m.end() + 60)]) \
                    or any(x <= m.start() and m.start() - x <= _LOOK and _LIST_GAP.match(lc[x:m.start()]) for x in excl_ends):
                excl.add(name)  # "anything but JavaScript", "not Python or JavaScript": a language's own skill word ruled out
                continue
            if _UNEXCL_POST.match(lc[m.end():min(s1, m.end() + 60)]) or cues_at.unexcluded(m.start(), lo):
                excl.discard(name)  # "ok they caved, js is fine again": a language's own skill word let back in lets it back in
                continue
            if question and (re.match(rf"\s*(?:,|or|vs\.?|versus)\s+(?:\w+\s+)?(?:{v.alias_alt})\b", lc[m.end():m.end() + 40])
                             or re.search(rf"\b(?:{v.alias_alt})\s*(?:,|or|vs\.?|versus)\s+$", lc[max(s0, m.start() - 40):m.start()])):
                continue  # "is javascript or faster python?": an option offered, not what the team knows
            if cues_at.negated(m.start(), lo):
                continue
            if _gone(lc, lo, m.start(), m.end(), s1):
                skills.discard(name)  # "the react folks left"
                continue
            if not _FRONTEND_STACK.match(lc, m.end(), s1):
                if not voice and (question or framework_talk):
                    continue
                if question and not own_voice:
                    continue
            skills.add(name)
    one_stack = _ONE_STACK.search(lc)
    if one_stack and not _drop_cue(lc[max(0, one_stack.start() - 40):one_stack.end()]) \
            and not (_is_question(lc) and any(not e.outside for e in ents)):  # "can i use the same language ... with node?" asks a fact
        # "the same language in the browser and on the server": the language whose pro that is, as if the team knew it
        skills.update(lang.name for lang in table.languages.values()
                      if any(it.skill for it in lang.pros) and lang.name not in excl)
    targets, left, _, _ = _move(lc, ents, v)
    excl.update(left)  # what a stated move leaves is not a candidate, and not a skill to stay for
    if blamed and _SEEK_OTHER.search(lc):  # "node is bound to a single thread... any alternate servers?": a way off it
        excl.update(blamed - set(targets))
    for cid, names in felt:  # "python doesn't scale that well :(": a shortfall the user lives with is a top need
        if cid in pri and not set(names) & excl:  # (not "rust is out, way too steep": why a language is left)
            pri[cid] = 1.0
    for name in excl:
        skills.discard(name)
    return Needs(
        priorities={cid: round(w, 2) for cid, w in pri.items() if cid in table.criteria},
        use_cases=frozenset(uc),
        constraints=frozenset(cons),
        skills=frozenset(skills),
        excluded=frozenset(excl),
        mentioned=tuple(n for n in mentioned if n not in unfamiliar or n in skills),
        outside=tuple(outside),
        dropped=frozenset(dropped - set(pri) - uc - cons),
        required=frozenset(required),
    )

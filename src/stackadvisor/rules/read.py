"""Reading a user turn: the needs it states (extract_needs) and the kind of answer it wants (classify)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..knowledge import Table
from . import lexicon
from .clean import _clean_markdown, _strip_injection
from .finder import _TOKEN_RX, _alt, _key, _lc, _words_rx
from .mentions import _QWORD, _entities, _is_question, _sentences
from .types import (
    OFF_TOPIC,
    Intent,
    Needs,
)
from .vocab import _DROP_RX, _STRONG_RX, _WEAK_KEYS, _Ent, _rephrase, _Vocab, _vocab

# ============================================================================================ extract_needs

_LOOK = 80  # characters before a mention that its cues are read from (a mention's context, not the whole clause)
_DROP_NOUN = re.compile(r"\s+of\b")


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

def _drop_reaches(lc: str, c0: int, c1: int, a: int, b: int) -> bool:
    """Whether a drop cue of the clause speaks of the need at lc[a:b]: no "and" / "plus" joins a new statement
    between them ("removing the Node runtime and increased efficiency" drops the runtime, not efficiency)."""
    for m in _DROP_RX.finditer(lc, c0, c1):
        if _DROP_NOUN.match(lc, m.end()):
            continue
        gap = lc[m.end():a] if m.end() <= a else lc[b:m.start()]
        if not _JOIN_RX.search(gap):
            return True
    return False


_JOIN_RX = re.compile(r"\b(?:and|plus|as\s+well\s+as|while)\b", re.I)
_NEED_CLAUSE = lexicon.pattern("read", "need_clause")
_NEAR_NEG = lexicon.pattern("read", "near_neg")
_CAPABILITY_NEG = lexicon.pattern("read", "capability_neg")
_SKILL_PRE = lexicon.pattern("read", "skill_pre")
_SKILL_POST = lexicon.pattern("read", "skill_post")
_SKILL_NEG = lexicon.pattern("read", "skill_neg")
_SKILL_VOICE = lexicon.pattern("read", "skill_voice")
_OWN_VOICE = lexicon.pattern("read", "own_voice")
_FRAMEWORK_TALK = re.compile(r"\b(?:framework|frameworks|library|libraries|is\s+an?)\b", re.I)
_EXCL_PRE = lexicon.pattern("read", "excl_pre")
_EXCL_POST = lexicon.pattern("read", "excl_post")
_UNEXCL_POST = lexicon.pattern("read", "unexcl_post")
_UNEXCL_PRE = re.compile(r"\b(?:reconsider|include|allow|bring\s+back)\s+$", re.I)
_EXCL_AT, _UNEXCL_AT, _SKILL_AT = _unanchored(_EXCL_PRE), _unanchored(_UNEXCL_PRE), _unanchored(_SKILL_PRE)
_SKILL_NEG_WORD = re.compile(_SKILL_NEG.pattern.removesuffix(r"[^,.;]*$"), re.I)
_LIST_GAP = lexicon.pattern("read", "list_gap")


_MOVE_TO = lexicon.pattern("read", "move_to")
_MOVE_INTENT = lexicon.pattern("read", "move_intent")
_MOVE_WISH = lexicon.pattern("read", "move_wish")
_DESCRIBED_AFTER = lexicon.pattern("read", "described_after")
_OUTSIDE_DESCRIBED = lexicon.pattern("read", "outside_described")
_CLAUSE_END = re.compile(r"[,;:.!?]|\s(?:but|however|though|although|whereas|while|and)\s")


def _clause_end(lc: str, pos: int) -> int:
    m = _CLAUSE_END.search(lc, pos)
    return m.start() if m else len(lc)


def _move(lc: str, ents: list[_Ent], v: _Vocab) -> tuple[tuple[str, ...], frozenset[str], bool]:
    """A move of the backend: (its targets in the table, the languages it leaves, whether it is stated). The left
    ones (of a stated move only) are every language
    the turn names (by name or by a framework) that is not a target: "Rewrite in Go. The existing implementation is
    written in Node" moves to Go, off Node.js; "I am currently working with python. But I think, transfer my server
    to C++" off Python. A move only asked about ("should we switch to Go?", "rewrite in go or python?") is none: the
    user is still weighing it."""
    targets: dict[str, None] = {}
    stated = False
    starts = [e.start for e in ents]
    for s0, s1 in _sentences(lc):
        sent = ents[bisect_left(starts, s0):bisect_left(starts, s1)]
        moved = False
        for i, e in enumerate(sent):
            if _MOVE_TO.search(lc, max(s0, e.start - _LOOK), e.start):
                moved = True
                targets[e.name] = None
                for a, b in zip(sent[i:], sent[i + 1:]):  # "into Go and Rust", "in Java or Scala or C++ or Rust"
                    if not _LIST_GAP.match(lc[a.end:b.start]):
                        break
                    targets[b.name] = None
        moved = moved or _MOVE_WISH.search(lc, s0, s1) is not None  # "a more performant language would be nice"
        stated = stated or moved and (not _is_question(lc[s0:s1]) or _MOVE_INTENT.search(lc, s0, s1) is not None)
    inside = tuple(t for t in targets if t in v.table.languages)
    if not stated:
        return inside, frozenset(), False
    named = {e.name for e in ents if not e.outside}
    named.update(n for m in v.skill_rx.finditer(lc) if not _inside(ents, starts, m.start()) and (n := v.skill_map.get(_key(m.group(0)))))
    return inside, frozenset(named - set(targets)), True


_NEED_VERB = lexicon.pattern("read", "need_verb")
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
    mentioned, outside = list(prev.mentioned), list(prev.outside)
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
    last_said: list[tuple[str, str]] = []
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
        asks_only = question and not _NEED_VOICE.search(sentence) and not _AUDIENCE.search(sentence) and not cues and not any(
            k != "criterion" for m in v.need_rx.finditer(lc, s0, s1) for k, _ in v.need_map.get(_key(m.group(0)), []))
        for c0, c1 in clauses:
            clause = lc[c0:c1]
            drop = _drop_cue(clause)
            hits = [m for m in v.need_rx.finditer(lc, c0, c1)
                    if _key(m.group(0)) in v.complaints or not any(a <= m.start() < b for a, b in described)]
            local = [(p, w) for p, w in cues if c0 <= p < c1]
            if not hits:
                if local and not drop:
                    carry = max(w for _, w in local) if any(w == 1.0 for _, w in local) else local[0][1]
                continue
            for m in hits:
                near = lc[max(c0, m.start() - 40):m.start()]
                # a complaint ("too slow", "isn't slow", "does not support threads") asks for the need: only a drop cue drops it
                negated = (drop and _drop_reaches(lc, c0, c1, m.start(), m.end())) or (
                    _key(m.group(0)) not in v.complaints and bool(_NEAR_NEG.search(near)) and not _CAPABILITY_NEG.search(near))
                for kind, tid in v.need_map.get(_key(m.group(0)), []):
                    said.append((kind, tid))
                    if negated:
                        dropped.add(tid)
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
                    if kind in ("use_case", "constraint"):
                        (uc if kind == "use_case" else cons).add(tid)
                        implied = _implied_criteria(v.syn_canon.get(_key(m.group(0)), m.group(0)), v)  # a synonym implies what its keyword does
                        if kind == "constraint":  # CPU-bound work is a need for speed: the article's cons say so
                            implied += [c for c in v.constraint_crit.get(tid, ()) if c not in implied and c not in dropped]
                        for cid in implied:
                            if cid not in pri and not asks_only:
                                pri[cid] = turn_pri[cid] = 0.6
                                dropped.discard(cid)
                                crit_hits.append((m.start(), cid))
                    else:
                        if local:
                            w = min(local, key=lambda pw: abs(pw[0] - m.start()))[1]
                            explicit = True
                        elif carry is not None:
                            w, explicit = carry, True
                        else:
                            w, explicit = 0.6, False
                        if tid in turn_pri:
                            w = max(turn_pri[tid], w)
                        elif not explicit:
                            w = max(pri.get(tid, 0.0), w)
                        turn_pri[tid] = w
                        pri[tid] = w
                        crit_hits.append((m.start(), tid))
            carry = None
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
        for e in sent_ents:
            c0 = _clause_start(clause_starts, e.start, s0)
            lo = max(c0, e.start - _LOOK)  # a mention's cues lie in a bounded window before it
            after = lc[e.end:min(s1, e.end + 60)]
            if _UNEXCL_POST.match(after) or cues_at.unexcluded(e.start, lo):
                excl.discard(e.name)
                continue
            listed = prev_excl is not None and e.start - prev_excl.end <= _LOOK and _LIST_GAP.match(lc[prev_excl.end:e.start])
            if (cues_at.excluded(e.start, lo) or _EXCL_POST.match(after) or listed) and not _SKILL_POST.match(after):
                excl.add(e.name)
                prev_excl = e
                continue
            prev_excl = None
            skill_listed = prev_skill is not None and e.start - prev_skill.end <= _LOOK and _LIST_GAP.match(lc[prev_skill.end:e.start])
            cue = cues_at.skilled(e.start, lo) or (_SKILL_POST.match(after) and own_voice)
            if (cue or skill_listed) and not cues_at.negated(e.start, lo):
                skills.add(e.name)
                prev_skill = e
            else:
                prev_skill = None
        voice = bool(_SKILL_VOICE.search(sentence))
        framework_talk = bool(_FRAMEWORK_TALK.search(sentence))
        for m in skill_hits:
            name = v.skill_map.get(_key(m.group(0)))
            if name is None or _inside(ents, ent_starts, m.start()):
                continue
            c0 = _clause_start(clause_starts, m.start(), s0)
            lo = max(c0, m.start() - _LOOK)
            if cues_at.excluded(m.start(), lo) or _EXCL_POST.match(lc[m.end():min(s1, m.end() + 60)]):
                excl.add(name)  # "anything but JavaScript": a language's own skill word ruled out rules out the language
                continue
            if cues_at.negated(m.start(), lo):
                continue
            if not voice and (question or framework_talk):
                continue
            if question and not own_voice:
                continue
            skills.add(name)
    excl.update(_move(lc, ents, v)[1])  # what a stated move leaves is not a candidate, and not a skill to stay for
    for name in excl:
        skills.discard(name)
    return Needs(
        priorities={cid: round(w, 2) for cid, w in pri.items() if cid in table.criteria},
        use_cases=frozenset(uc),
        constraints=frozenset(cons),
        skills=frozenset(skills),
        excluded=frozenset(excl),
        mentioned=tuple(mentioned),
        outside=tuple(outside),
        dropped=frozenset(dropped - set(pri) - uc - cons),
    )


# ============================================================================================ classify

_GREET_WORDS = frozenset(lexicon.phrases("scope", "greet_words"))  # data: rules/lexicon/scope.yaml
_OVERVIEW = lexicon.pattern("read", "overview")
_REC = lexicon.pattern("read", "rec")
_REC_ONE = lexicon.pattern("read", "rec_one")
_OFF_TOPIC = re.compile(rf"\b(?:{_words_rx(OFF_TOPIC)})\b")
#: Careers and job-hunting: questions about people's jobs rather than about which language to build with.
CAREER_TOPICS = lexicon.phrases("scope", "career_topics")  # data: rules/lexicon/scope.yaml
_CAREER = re.compile(rf"\b(?:{_words_rx(CAREER_TOPICS)})\b")
_CAREER_LANG_ASK = lexicon.pattern("read", "career_lang_ask")


def _off_topic_word(lc: str, v: _Vocab) -> bool:
    """An off-topic subject ("frontend", "database") named outside the table's own phrases: "front-end developers"
    is a team skill and "database engine" a kind of system the table knows, not a question about either subject."""
    found = [m.span() for m in _OFF_TOPIC.finditer(lc)]
    if not found:
        return False
    shields = [m.span() for rx in (v.skill_rx, v.need_rx) for m in rx.finditer(lc)]
    return any(not any(a <= x and y <= b for a, b in shields) for x, y in found)
_CHOICE_GAP = re.compile(r"\s*(?:,|\bor\b|\bvs\.?|\bversus\b)\s*(?:(?:maybe|perhaps|even)\s+)?$")


def _off_topic_choice(lc: str, v: _Vocab) -> bool:
    """A choice offered between off-topic things only ("mongodb or dynamodb for storing chat messages?"): what is
    being chosen is not a backend language, whatever it is for."""
    found = [m for m in _OFF_TOPIC.finditer(lc)]
    return any(_CHOICE_GAP.match(lc[a.end():b.start()]) for a, b in zip(found, found[1:]))


_OFF_TOPIC_Q = lexicon.pattern("read", "off_topic_q")
#: Cloud and hosting vendors: the article compares languages, not where to run them.
HOSTING_VENDORS = lexicon.phrases("scope", "hosting_vendors")  # data: rules/lexicon/scope.yaml
_VENDOR = _words_rx(HOSTING_VENDORS)
_HOSTING_Q = lexicon.pattern("read", "hosting_q", vendor=_VENDOR)
_LANG_ASK = lexicon.pattern("read", "lang_ask")
_IN_SCOPE = lexicon.pattern("read", "in_scope")
_ALT_GAP = lexicon.pattern("read", "alt_gap")
_BEST_FOR = lexicon.pattern("read", "best_for")
_NEED_VOICE = lexicon.pattern("read", "need_voice")
_COMPARE = lexicon.pattern("read", "compare")
_VAGUE = lexicon.pattern("read", "vague")
_OPEN_Q = re.compile(r"\b(?:which|what)\b", re.I)
#: A question about what the source says ("listed for", "per the article", "mention ... in their best-for").
_ABOUT_SOURCE = lexicon.pattern("read", "about_source")
_OPEN_SUBJECT = lexicon.pattern("read", "open_subject")
_AMONG_NAMED = lexicon.pattern("read", "among_named")
_AMONG_TABLE = lexicon.pattern("read", "among_table")
_TABLE_LOOKUP = lexicon.pattern("read", "table_lookup")
#: A change the user proposes to make ("rewrite the backend in Go", "migrate to Rust").
_PROPOSAL = lexicon.pattern("read", "proposal")
_OPEN_ALT = lexicon.pattern("read", "open_alternatives")
#: A how-to question about using a tool ("how do I fix ModuleNotFoundError", "how do I write a docker-compose file").
_HOWTO = lexicon.pattern("read", "howto")
#: A question asked anywhere in the turn, not only at its start ("aws or gcp, which cloud is cheaper").
_ASKING = re.compile(r"\b(?:which|what|where|how|who)\b", re.I)
#: An imperative request for information is a question too ("Tell me about the GIL and Python's concurrency.").
_INFO_REQUEST = re.compile(r"\s*(?:please\s+)?(?:tell\s+me|explain|describe|show\s+me|give\s+me|list|summari[sz]e|walk\s+me\s+through)\b", re.I)
_OR_GAP = re.compile(r"^\s*,?\s*or\s*$", re.I)
_AUDIENCE = lexicon.pattern("read", "audience")
_NEED_VOICE_OWN = re.compile(r"\b(?:we|us|our|i|my|me)\b", re.I)
_LANG_SUBJECT_Q = lexicon.pattern("read", "lang_subject_question")
_VERDICT_Q = lexicon.pattern("read", "verdict_question")


def _criteria_in(lc: str, v: _Vocab) -> list[str]:
    found: list[str] = []
    for rx, mp in ((v.crit_rx, v.crit_map), (v.cmp_rx, v.cmp_map), (v.sup_rx, v.sup_map)):
        for m in rx.finditer(lc):
            t = mp.get(_key(m.group(0)))
            cid = t[0] if isinstance(t, tuple) else t
            if cid and cid not in found:
                found.append(cid)
    order = list(v.table.criteria)
    return sorted(found, key=order.index)


def _alternatives(lc: str, ents: list[_Ent], background: set[str]) -> tuple[str, ...]:
    """Table languages offered as alternatives ("Go or Rust", "Java vs Go", "between Node.js and Python")."""
    out: list[str] = []
    for a, b in zip(ents, ents[1:]):
        gap = lc[a.end:b.start]
        if not _ALT_GAP.match(gap):
            continue
        if gap.strip() == "and" and not re.search(r"\b(?:between|choose|choosing|pick|picking|decide|deciding|compare|comparing)\s+(?:\w+\s+){0,2}$", lc[:a.start]):
            continue
        for e in (a, b):
            if not e.outside and e.name not in background and e.name not in out:
                out.append(e.name)
    return tuple(out) if len(out) >= 1 and any(e.outside for e in ents) or len(out) >= 2 else ()


def _asks_about(lc: str, ents: list[_Ent]) -> bool:
    """A question whose subject is a table language: "is go ...", "can rust ...", "how fast is python ..."."""
    first = next((e for e in ents if not e.outside), None)
    return first is not None and "?" in lc[first.end:] and _LANG_SUBJECT_Q.search(lc[:first.start]) is not None


def _hosting_question(lc: str, cur: Needs) -> bool:
    """A question about where or how to host, deploy or pay for a service ("Where should I host my Go service?",
    "Which cloud is cheapest?"), and not also about which language to use: the article covers none of that."""
    if "?" not in lc and not _QWORD.match(lc) and not _ASKING.search(lc):
        return False
    for s0, s1 in _sentences(lc):
        sent = lc[s0:s1]
        if not _HOSTING_Q.search(sent) or _LANG_ASK.search(sent):
            continue
        if re.search(r"\b(?:cheap|cost|pric|expens|billing)", sent) and cur.priorities and not re.search(
                r"\b(?:host|hosting|deploy|cloud|server|provider|vendor)", sent):
            continue  # "which is cheaper for us if speed matters?": a need with a cost word, still a language question
        return True
    return False


def _needs_beside(text: str, lc: str, v: _Vocab) -> bool:
    """Does a sentence without a superlative state a need of the user's own? ("Ramp-up time is everything for
    us. Which language is easiest?" asks for a pick; "Which language is easiest?" alone asks for a fact.)"""
    sents, start = [], 0
    for m in re.finditer(r"[.!?;:\n]+", lc):  # sentences, and the clauses a semicolon or colon sets apart
        if lc[start:m.start()].strip():
            sents.append((start, m.start()))
        start = m.end()
    if lc[start:].strip():
        sents.append((start, len(lc)))
    if len(sents) < 2:
        return False
    rest = " ".join(text[a:b] for a, b in sents if v.sup_rx.search(lc, a, b) is None)
    if not rest.strip() or not (_NEED_VOICE.search(rest) or _STRONG_RX.search(_lc(rest))):
        return False
    return not extract_needs(rest, v.table).empty


def classify(text: str, table: Table, needs: Needs, turn: Needs | None = None) -> Intent:
    """What kind of answer the question wants (see IntentKind)."""
    v = _vocab(table)
    text = _rephrase(_strip_injection(_clean_markdown(text or "")))
    lc = _lc(text).strip()
    ents = _entities(text, v, _lc(text))
    langs = tuple(dict.fromkeys(e.name for e in ents if not e.outside))
    outside = tuple(dict.fromkeys(e.name for e in ents if e.outside))
    criteria = tuple(_criteria_in(lc, v))
    cur = turn if turn is not None else extract_needs(text, table)  # the needs this turn states on its own
    words = re.findall(r"[a-z']+", lc)
    if not langs and not outside and not criteria and cur.empty and words and all(w in _GREET_WORDS for w in words):
        return Intent("greeting")
    if not lc:
        return Intent("vague")
    if langs and not outside and _asks_about(lc, ents) and not _NEED_VOICE_OWN.search(lc) and not _VERDICT_Q.search(lc):
        # "is go as expressive as python?", "can go do generics?": a property asked of a named language is a fact
        # about it (or a comparison), never a need of the asker's project; "is go a good fit for ...?" asks a verdict
        return Intent("compare", langs, criteria) if len(langs) >= 2 else Intent("fact", langs, criteria)
    project = bool(cur.use_cases or cur.constraints or cur.skills or cur.excluded)
    asks = "?" in lc or bool(_QWORD.match(lc)) or bool(_INFO_REQUEST.match(lc))
    voiced = bool(cur.priorities) and bool(_NEED_VOICE.search(lc) or _STRONG_RX.search(lc) or _AUDIENCE.search(lc))
    background = set(cur.excluded) | set(cur.skills)
    focus = tuple(n for n in langs if n not in background)
    alternatives = _alternatives(lc, _entities(lc, v, lc), background)
    if cur.dropped and not focus and not outside:
        return Intent("recommend", (), tuple(c for c in criteria if c not in cur.dropped), True) if not needs.empty else Intent("vague")
    rec_cue = bool(_REC.search(lc)) or (bool(_BEST_FOR.search(lc)) and (project or not needs.empty) and len(langs) != 1)
    sup = any((v.sup_map.get(_key(m.group(0))) or (None,))[0] for m in v.sup_rx.finditer(lc))
    # a how-to about a tool is not ours (one weighing two table languages still is)
    if (_HOWTO.search(lc) and not _OPEN_Q.search(lc) and len(langs) < 2) or _hosting_question(lc, cur) or _OFF_TOPIC_Q.search(lc) \
            or (not langs and _off_topic_choice(lc, v)) or (_off_topic_word(lc, v) and not (cur.use_cases or cur.constraints or criteria or outside)
                                   and not _IN_SCOPE.search(lc) and (not focus or not rec_cue)):
        return Intent("out_of_scope", langs)
    if _CAREER.search(lc) and not (cur.use_cases or cur.constraints or criteria or outside) and not _CAREER_LANG_ASK.search(lc):
        return Intent("out_of_scope", langs)
    if _OVERVIEW.search(lc) and len(langs) != 1 and not project:
        return Intent("overview", tuple(table.names), criteria)
    if (asks or _is_question(lc)) and _OPEN_SUBJECT.search(lc) and _TABLE_LOOKUP.search(lc) and not _NEED_VOICE_OWN.search(lc):
        return Intent("fact", (), criteria)  # "is any language's concurrency rated above node's?": a look-up across the table
    if asks and _ABOUT_SOURCE.search(lc) and _OPEN_Q.search(lc) and (cur.use_cases or cur.constraints) and not cur.skills \
            and not _NEED_VOICE_OWN.search(lc):
        return Intent("fact", langs, criteria)  # "which language is listed for real-time apps?" asks what the article says
    if outside and not langs and not (sup and asks):  # "Java has threads, but who is best at concurrency?" is a fact
        chosen = re.search(rf"\b(?:use|pick|choose|learn|try|adopt|about|is|go\s+with)\s+(?:{_alt(outside)})\b", lc, re.I)
        if _AMONG_TABLE.search(lc) and (project or voiced or rec_cue or not needs.empty):
            return Intent("recommend", (), criteria, True)  # "we use Scala + Spark ...; which of the four fits?"
        if rec_cue and _OPEN_Q.search(lc) and (project or voiced or not needs.empty) and not chosen:
            return Intent("recommend", (), criteria, True)
        if (project or voiced or cur.priorities) and not chosen and not (sup and asks):
            return Intent("recommend", (), criteria, True)  # "our engineers came from C++ and want ...": a mention, not the subject
        return Intent("out_of_scope", (), criteria)
    if sup and not project and (asks or langs) and not re.search(r"\b(?:should|recommend|suggest|for\s+(?:us|me|our|my))\b", lc) \
            and not _AUDIENCE.search(lc) and not _needs_beside(text, lc, v):
        return Intent("fact", langs, criteria)  # "which is fastest?" asks a fact; "fastest possible backend, ..." states a need
    if len(langs) >= len(table.languages) >= 3 and not project and not criteria and not rec_cue:
        return Intent("overview", tuple(table.names), criteria)
    targets, _, stated = _move(lc, ents, v)
    moved_to = tuple(n for n in targets if n not in cur.excluded)
    if moved_to and stated and not outside:  # "I want to switch from Python to Go, what do you think?": the move, weighed
        return Intent("recommend", langs, criteria, True, candidates=moved_to)
    if moved_to and len(focus) == 1 and not cur.skills and (cur.use_cases or cur.constraints or cur.priorities):
        # "Convert to GO? ... an API using the microservice template": a move asked about, for a project: the open pick
        return Intent("recommend", langs, criteria, True)
    if len(focus) >= 2:
        choice = asks and bool(alternatives) and not sup and v.cmp_rx.search(lc) is None \
            and any(_OR_GAP.match(lc[a.end:b.start]) for a, b in zip(ents, ents[1:]))  # not "which is faster, A or B?"
        proposal = _PROPOSAL.search(lc) is not None  # "change the backend from go to nodejs": which of the two
        # "which is better for a beginner, python or go?": a need and two offered is a pick between them
        choice = choice or (asks and bool(alternatives) and bool(cur.priorities) and _AUDIENCE.search(lc) is not None)
        if rec_cue or project or choice or proposal:  # "rust or node for my first backend?" asks for a pick between the two
            among = alternatives or (focus if (rec_cue or proposal) and not _OPEN_ALT.search(lc) else ())
            return Intent("recommend", langs, criteria, True, candidates=among)  # "...studied Go and Rust, which one?"
        return Intent("compare", langs, criteria)
    if langs and not focus:  # "I have studied Go and Rust ... which one?": known languages, asked between
        among = langs if len(langs) >= 2 and _AMONG_NAMED.search(lc) and not _OPEN_ALT.search(lc) else ()
        return Intent("recommend", langs, criteria, True, candidates=among)
    if len(focus) == 1:
        offered = _alternatives(lc, _entities(lc, v, lc), set())  # "Go or Node or something else?", Node the team's
        if asks and len(offered) >= 2 and (project or rec_cue or _OPEN_ALT.search(lc)):
            return Intent("recommend", langs, criteria, True, candidates=() if _OPEN_ALT.search(lc) else offered)
        if outside and (project or rec_cue or voiced):
            return Intent("recommend", langs, criteria, True, candidates=alternatives or focus)
        if _PROPOSAL.search(lc) and cur.skills - set(focus) and not _OPEN_ALT.search(lc) and (rec_cue or asks or project or voiced):
            # "we're a Django shop, should we switch to Go?": Go against what the team runs today
            return Intent("recommend", langs, criteria, True, candidates=(*focus, *sorted(cur.skills - set(focus))))
        if rec_cue and _REC_ONE.search(lc):
            return Intent("recommend", langs, criteria, True)
        if _COMPARE.search(lc) and re.search(r"\b(?:vs\.?|versus|compared?|than)\b", lc):
            return Intent("compare", langs, criteria)
        if not asks and (project or voiced or _PROPOSAL.search(lc)):
            # "Rewrite the backend in Go for increased efficiency": a proposal with needs, not a question about Go;
            # "migrate from Python to Go" weighs the two it names
            among = langs if len(langs) >= 2 and _PROPOSAL.search(lc) and not _OPEN_ALT.search(lc) else ()
            return Intent("recommend", langs, criteria, True, candidates=among)
        return Intent("fact", langs, criteria)
    # no table language named; a statement of a need is a project described ("it's for an IoT platform with many
    # devices connected at once" states concurrency by meaning)
    if rec_cue or project or voiced or (cur.priorities and not asks and not criteria):
        if not (cur.empty and needs.empty) or project or voiced:
            return Intent("recommend", (), criteria, True)
        return Intent("vague", (), criteria)
    if criteria:
        return Intent("fact", (), criteria)
    if _VAGUE.search(lc):
        return Intent("recommend", (), criteria, True) if not needs.empty and _REC.search(lc) else Intent("vague")
    return Intent("out_of_scope")


# ============================================================================================ score

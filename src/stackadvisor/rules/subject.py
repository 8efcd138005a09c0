"""What a question asks about, when that is not a choice of language (classify asks this before it reads a pick).

    foreign_subject(lc, v, ents) -> str | None    the thing asked to be chosen, done or judged, when the article
                                                  covers none of it: "which mascot is cuter?", "caddy or nginx in
                                                  front of my api?", "how should I tune postgres connection pooling
                                                  for high concurrency?", "is kubernetes overkill for a startup?"
    asked_outside(lc, ents) -> set[str]           the languages outside the table that a question offers or asks
                                                  about ("Go or Elixir?", "is Elixir good for chat?"), as against
                                                  ones it only mentions ("OCaml person here.", "our app is Kotlin")

A need named as a purpose does not make such a question ours: the postgres question wants pooling settings, not a
language, however concurrent the load. The test is the object of the question against the article's vocabulary
(needs, criteria, pros and cons, languages, and the nouns of choosing one: rules/lexicon/scope.yaml choice_nouns).
"""

from __future__ import annotations

import re

from . import lexicon
from .finder import _words_rx
from .mentions import _is_question, _sentences
from .read import _AMONG_TABLE
from .types import OFF_TOPIC
from .vocab import _Ent, _Vocab

_WH_OBJECT = lexicon.pattern("read", "wh_object")
_OPTION_PAIR = lexicon.pattern("read", "option_pair")
_HOWTO_OBJECT = lexicon.pattern("read", "howto_object")
_VERDICT_OBJECT = lexicon.pattern("read", "verdict_object")
_IN_SCOPE = lexicon.pattern("read", "in_scope")
_OFF_TOPIC = re.compile(rf"\b(?:{_words_rx(OFF_TOPIC)})\b")
_CHOICE_NOUNS = frozenset(lexicon.phrases("scope", "choice_nouns"))
_FRAME = (frozenset(lexicon.phrases("words", "thin_words")) | frozenset(lexicon.phrases("words", "question_stop"))
          | frozenset(lexicon.phrases("scope", "not_options")))
_TOKEN = re.compile(r"[a-z0-9][\w.+#'-]*")
_POSSESSIVE = re.compile(r"\b(?:our|my|their|his|her|the)\s+(?:[\w-]+\s+){0,2}(?:is|are|was|were|uses?|in)\s*$")
_OPTIONS_OPEN = re.compile(r"(?:^\W*(?:(?:so|ok|okay|hmm|well|hey|hi)\W+)*|[:;(]\s*|\b(?:use|using|choose|choosing|pick|picking|between|prefer|try|either)\s+)$")
_CHOICE_VERB = re.compile(r"\b(?:use|using|pick|choose|learn|learning|try|adopt|about|go\s+with|switch\s+to|move\s+to|is|or|vs\.?|versus)\s*$")


def _covered(lc: str, a: int, b: int, v: _Vocab, ents: list[_Ent]) -> bool:
    """Does the head word of lc[a:b] (its last) name a need, a criterion, a pro or con of the article, a language or
    framework, or a noun of choosing a language? Words before it only modify it: "python version", "pandas
    function" and "package manager" ask for a version, a function and a manager."""
    heads = list(_TOKEN.finditer(lc, a, b))
    if not heads:
        return False
    h0, h1 = heads[-1].span()
    head = lc[h0:h1]
    singular = re.sub(r"(?:e?s)$", "", head) if len(head) > 3 else head  # "ecosystems", "languages"
    if {head, singular} & _CHOICE_NOUNS or _IN_SCOPE.fullmatch(head) or any(e.start < h1 and e.end > h0 for e in ents):
        return True
    if any(m.start() < h1 and m.end() > h0 for rx in (v.need_rx, v.crit_rx, v.item_rx, v.sup_rx, v.cmp_rx, v.skill_rx)
           for m in rx.finditer(lc, a, b)):
        return True
    return singular != head and any(rx.search(singular) for rx in (v.crit_rx, v.need_rx, v.item_rx))


def _frame_only(lc: str, a: int, b: int) -> bool:
    """A phrase of frame words only ("of the", "it", "is best"): no object at all."""
    words = _TOKEN.findall(lc, a, b)
    return not words or words[0] in _FRAME


def _wh_subject(lc: str, v: _Vocab, ents: list[_Ent]) -> str | None | bool:
    """The object of the turn's which-questions: True when one is ours, the first foreign one, or None."""
    foreign = None
    questions = [(s0, s1) for s0, s1 in _sentences(lc) if _is_question(lc[s0:s1])]
    for m in _WH_OBJECT.finditer(lc):
        a, b = m.span("obj")
        if not any(s0 <= a < s1 for s0, s1 in questions):
            continue  # "Go, which we've been using to write the backend": a relative clause, not a question
        if _frame_only(lc, a, b):
            continue
        if _covered(lc, a, b, v, ents):
            return True
        foreign = foreign or lc[a:b]
    return foreign


def _offered(lc: str, v: _Vocab, ents: list[_Ent]) -> str | None | bool:
    """Options offered with "or" / "vs" in a question: True when one is ours, the first pair of foreign ones, or
    None ("caddy or nginx?", "npm vs yarn vs pnpm": a choice of tools; "sooner or later" offers nothing)."""
    foreign = None
    for s0, s1 in _sentences(lc):
        sent = lc[s0:s1]
        if "?" not in sent and not re.search(r"\b(?:which|what|should)\b", sent):
            continue
        ours = [e.start for e in ents if s0 <= e.start < s1 and not e.outside]
        chain = -1
        for m in _OPTION_PAIR.finditer(lc, s0, s1):
            spans = [m.span("a"), m.span("b")]
            if any(x < m.start("a") for x in ours) or any(m.start("a") <= x < m.end("b") for x in ours):
                continue  # "what is node good at, io or cpu?": the options are properties of a language asked about
                # (options before the language are its context's: "postgres or mongodb for a rust backend?")
            if m.start("a") != chain and not _OPTIONS_OPEN.search(lc, s0, m.start("a")):
                continue  # options stand first in the sentence or after a verb of choosing: "caddy or nginx?"
            chain = m.start("b")
            if any(lc[x:y] in _FRAME or lc[x:y].isdigit() for x, y in spans):
                continue
            if any(_covered(lc, x, y, v, ents) for x, y in spans):
                return True
            foreign = foreign or f"{lc[slice(*spans[0])]} or {lc[slice(*spans[1])]}"
    return foreign


def foreign_subject(lc: str, v: _Vocab, ents: list[_Ent]) -> str | None:
    """The thing the turn asks to choose, do or judge when the article covers none of it, else None (see the
    module docstring). A turn that also asks for "one of the four" is ours whatever else it asks."""
    if _AMONG_TABLE.search(lc):
        return None
    wh = _wh_subject(lc, v, ents)
    if wh is True:
        return None
    if wh:
        return wh
    offered = _offered(lc, v, ents)
    if offered is True:
        return None
    if offered:
        return offered
    for m in _HOWTO_OBJECT.finditer(lc):
        a, b = m.span("obj")
        if _OFF_TOPIC.search(lc, a, b) and not any(a <= e.start < b for e in ents):
            return lc[a:b].strip()  # "how should I tune postgres connection pooling": a tool's settings
    for m in _VERDICT_OBJECT.finditer(lc):
        a, b = m.span("obj")
        if _frame_only(lc, a, b) or any(e.start < b and e.end > a for e in ents):
            continue
        if not any(t in _CHOICE_NOUNS or _IN_SCOPE.fullmatch(t) for t in _TOKEN.findall(lc, a, b)):
            return lc[a:b].strip()  # "is kubernetes overkill?": a verdict on a tool, not on a language
    return None


def asked_outside(lc: str, ents: list[_Ent]) -> set[str]:
    """The outside languages the turn offers or asks about: one beside another language with "or"/"vs", one after a
    verb of choosing ("use Kotlin", "what about Elixir"), or the subject of a question ("is Elixir good for chat?").
    One the team already runs or comes from ("our app is Kotlin", "OCaml person here") is only mentioned."""
    out: set[str] = set()
    for e in ents:
        if not e.outside:
            continue
        before = lc[max(0, e.start - 40):e.start]
        if _POSSESSIVE.search(before):
            continue
        after = lc[e.end:e.end + 12]
        s0, s1 = next(((a, b) for a, b in _sentences(lc) if a <= e.start < b), (0, len(lc)))
        question = "?" in lc[s0:s1]
        if _CHOICE_VERB.search(before) or re.match(r"\s*(?:,|or\b|vs\.?|versus\b|\(?or\b)", after) \
                or (question and re.search(r"\b(?:is|are|does|can|would|should|how\s+\w+\s+is)\s+$", before)):
            out.add(e.name)
    return out

"""The compiled lexicon of a Table (`_vocab(table)`): every phrase that names a need, a criterion, a comparison,
a language or a skill, as finders and maps shared by reading and checking. Text primitives live in finder.py,
language mentions and sentences in mentions.py, injection and markdown clean-up in clean.py."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from ..knowledge import Item, Table
from . import lexicon
from .finder import _NEVER, _TOKEN_RX, _WS_RX, _alt, _Finder, _first_tokens, _key, _lc, _phrase_rx, _words_rx, derived
from .types import (
    AMBIGUOUS_NAMES,
    OUTSIDE_TECH,
)

AMBIGUOUS_KEYWORDS: dict[str, str] = {
    "rest": r"(?=[\s\-]*(?:apis?|ful|endpoints?|services?|server|backend|interface|calls?)\b)",
    # "which backend language should I learn?": the language is what is learned, ease is not asked ("hard to learn" is)
    "learn": r"(?!\s+(?:which|what|about|more|how|whether|if|the\s+differences?)\b)"
             r"(?:(?<!should i learn)(?<!should we learn)(?<!language to learn)|(?!\s*(?:first|next)?\s*(?:[?.!]|$)))",
    "scale": r"(?!\s+(?:of|from)\b)",
    "script": r"(?!\s+(?:kiddie)\b)",
}

_STRONG = lexicon.phrases("needs", "strong")  # data: rules/lexicon/needs.yaml
_WEAK = lexicon.phrases("needs", "weak")  # data: rules/lexicon/needs.yaml
_MUST = lexicon.phrases("needs", "must")  # data: rules/lexicon/needs.yaml
_DROP = lexicon.phrases("needs", "drop")  # data: rules/lexicon/needs.yaml
#: data: rules/lexicon/claims.yaml, and the checker's degree words (check.yaml), which a predicate may carry too
_PREDICATE_MODS = tuple(dict.fromkeys((*lexicon.phrases("claims", "predicate_mods"), *lexicon.phrases("check", "degree_extreme"),
                                      *lexicon.phrases("check", "degree_moderate"))))
_GENERIC_BETTER = lexicon.phrases("claims", "generic_better")  # data: rules/lexicon/claims.yaml
_GENERIC_BEST = lexicon.phrases("claims", "generic_best")  # data: rules/lexicon/claims.yaml
_GENERIC_WORST = lexicon.phrases("claims", "generic_worst")  # data: rules/lexicon/claims.yaml
_GENERIC_WORSE = lexicon.phrases("claims", "generic_worse")  # data: rules/lexicon/claims.yaml
_POS_TOPIC = lexicon.phrases("claims", "pos_topic")  # data: rules/lexicon/claims.yaml
_NEG_TOPIC = lexicon.phrases("claims", "neg_topic")  # data: rules/lexicon/claims.yaml

#: Everyday and domain wording for what a table keyword names, as canonical keyword -> phrases. A phrase takes
#: over every meaning its canonical keyword has in the loaded table (need, criterion, use case, constraint,
#: comparative); a canonical keyword the table does not have adds nothing, so a table of one's own is unaffected
#: unless it uses the same words. Only wording that means the keyword in any backend conversation belongs here.
SYNONYMS = lexicon.mapping("needs", "synonyms")  # data: rules/lexicon/needs.yaml
COMPLAINTS = lexicon.mapping("needs", "complaints")  # data: rules/lexicon/needs.yaml
COMPLAINT_ADJECTIVES = lexicon.phrases("needs", "complaint_adjectives")

# "faster to learn", "pick it up quicker": speed words that grade how soon a language is learned, not how fast
# it runs. _rephrase() turns them into ease words of the same length, so spans stay valid.
_LEARN_VERB = r"(?:learn|pick\s+up|master|get\s+(?:started|productive|going|up\s+to\s+speed)|ramp\s+up|onboard|become\s+productive)"
_LEARN_SPEED = lexicon.pattern("vocab", "learn_speed")
_LEARN_OBJ_STOP = frozenset(lexicon.phrases("words", "learn_obj_stop"))  # data: rules/lexicon/words.yaml
_EASE_WORD = lexicon.load("claims")["ease_word"]  # data: rules/lexicon/claims.yaml


def _rephrase(text: str) -> str:
    """`text` with speed words that grade learning rewritten as ease words ("Go is faster to learn than Rust" reads
    "Go is easier to learn than Rust"; "which one will my team pick up quicker?" asks about ease of learning).
    Same length as `text`."""
    if not _LEARN_SPEED.search(text):
        return text
    out = list(text)
    for m in _LEARN_SPEED.finditer(text):
        g = "adj1" if m.group("adj1") else "adj2"
        if g == "adj2" and any(w.lower() in _LEARN_OBJ_STOP for w in m.group("obj").split()):
            continue
        word = _WS_RX.sub(" ", m.group(g).lower())
        new = _EASE_WORD[word]
        a, b = m.span(g)
        out[a:b] = list(new.ljust(b - a))
    return "".join(out)


_FEW = lexicon.phrases("claims", "few")  # data: rules/lexicon/claims.yaml
_MANY = lexicon.phrases("claims", "many")  # data: rules/lexicon/claims.yaml
#: "a huge set of", "a tiny number of": an amount said with a size word before a collective noun (patterns.yaml)
_MANY_OF, _FEW_OF = lexicon.pattern("vocab", "many_of").pattern, lexicon.pattern("vocab", "few_of").pattern
#: a degree adverb between the article and a predicate ("an unacceptably slow language"); not one that negates ("a barely fast")
_ADVERB = r"(?!(?:hardly|barely|scarcely|rarely|seldom|only|early|likely|daily|friendly|ugly|holy|oily)\b)[a-z]{3,}ly"
_INTENSIFIER = r"(?:(?:really|very|extremely|particularly|especially|exceptionally|remarkably|so|quite|pretty|super|incredibly)\s+)?"
_NEGATION = lexicon.pattern("vocab", "negation")

_STRONG_RX = _phrase_rx(_STRONG + _WEAK)
_WEAK_KEYS = {_key(w) for w in _WEAK}
_MUST_RX = _phrase_rx(_MUST)
_DROP_RX = _phrase_rx(_DROP)
_SENT_RX = re.compile(r"[.!?]+(?=[\s\"')\]*_]|$)|\n")
_ABBREV = ("vs", "e.g", "i.e", "etc", "approx", "cf")


@dataclass
class _Ent:
    start: int
    end: int
    name: str
    outside: bool = False


@dataclass
class _Vocab:
    table: Table
    lang_rx: _Finder
    alias_lang: dict[str, str]
    ambiguous: frozenset[str]
    alias_alt: str
    outside_rx: _Finder
    outside_map: dict[str, str]
    need_rx: _Finder
    need_map: dict[str, list[tuple[str, str]]]
    skill_rx: _Finder
    skill_map: dict[str, str]
    crit_rx: _Finder  # criterion keywords + nouns (claims / intent)
    crit_map: dict[str, str]
    noun_rx: _Finder  # criterion nouns only
    noun_map: dict[str, str]
    noun_tail: re.Pattern
    absent_rx: _Finder
    absent_map: dict[str, list[tuple[str, Item]]]  # pattern -> (language, item)
    handles_rx: _Finder
    cmp_rx: _Finder
    cmp_map: dict[str, tuple[str | None, int]]
    sup_rx: _Finder
    sup_map: dict[str, tuple[str, int]]
    level_rx: dict[str, tuple[_Finder, _Finder, _Finder]]
    topic_kw: dict[tuple[str, str], re.Pattern]
    level_map: dict[str, dict[str, str]]
    pred_rx: _Finder
    pred_map: dict[str, tuple[str, str, str]]  # word -> (criterion, level, "half" | "dir")
    eq_rx: _Finder
    eq_map: dict[str, tuple[str, int]]
    topic_rx: _Finder
    topic_map: dict[str, tuple[str, str]]
    item_rx: _Finder
    item_map: dict[str, list[tuple[str, str, Item]]]
    fw_rx: _Finder
    fw_map: dict[str, list[str]]
    covers: str
    constraint_crit: dict[str, list[str]]  # constraint id -> criteria its con lines compare on ("Slower than ..." -> speed)
    rel_rx: _Finder  # "less expressive than", "more expressive than": comparisons the article makes in a pro or con line
    rel_map: dict[str, list[tuple[str, str, int, str, Item]]]  # adjective -> (language, other, sign, kind, item)
    qty_rx: _Finder  # "has almost no packages", "offers tons of libraries"
    syn_canon: dict[str, str]  # synonym phrase -> the table keyword it stands for
    item_bags: list[tuple[frozenset[str], list[tuple[str, str, Item]], int]]  # content-word stems of an article line, its owners, its length
    qty_map: dict[str, str]  # counted noun -> criterion ("packages" -> ecosystem, as "more packages" is better on it)
    complaints: frozenset[str]  # need phrases that name the bad end ("too slow"): negated or not, they ask for the need


def _vocab(table: Table) -> _Vocab:
    """The table's compiled lexicon, built once per table (kept on the table)."""
    return derived(table, "vocab", _build_vocab)


def _join(names) -> str:
    names = list(names)
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _item_key(text: str) -> str:
    t = re.sub(r"\(.*?\)", " ", text)
    t = re.sub(r"[^\w/+#\s\-]", " ", _lc(t))
    return _key(t)


_NOT_COUNTABLE = lexicon.phrases("words", "not_countable")  # data: rules/lexicon/words.yaml


def _plural(phrase: str) -> str | None:
    """The plural of a keyword whose last word looks like a countable noun ("api gateway" -> "api gateways"); None
    for a hyphenated or short last word, or one with the ending of an adjective, a verb form or a mass noun."""
    if re.search(r"[\-/.]\w*$", phrase.strip()):
        return None
    head, _, w = _key(phrase).rpartition(" ")
    if len(w) < 4 or not w.isalpha() or w.endswith(_NOT_COUNTABLE):
        return None
    if w.endswith("y") and w[-2] not in "aeiou":
        w = w[:-1] + "ies"
    elif w.endswith(("x", "ch", "sh", "z")):
        w += "es"
    else:
        w += "s"
    return f"{head} {w}" if head else w


_ITEM_STOP = frozenset(lexicon.phrases("words", "item_stop"))  # data: rules/lexicon/words.yaml


def _stem(word: str) -> str:
    """A crude lemma for matching article lines: lower case, a plural or third-person s dropped."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_V = TypeVar("_V")


def _share(mp: dict[str, _V], src: str, keys: Iterable[str]) -> None:
    """Give each of `keys` that has no entry yet the value of `src`, when `mp` has `src`. A list value is copied for
    each key (so extending one key's list leaves the others alone); str and tuple values are immutable and shared."""
    if src in mp:
        for k in keys:
            mp.setdefault(k, copy.copy(mp[src]))


def _build_vocab(table: Table) -> _Vocab:
    alias_lang: dict[str, str] = {}
    for lang in table.languages.values():
        for a in (lang.name, *lang.aliases):
            alias_lang.setdefault(_key(a), lang.name)
    known = set(alias_lang)
    for lang in table.languages.values():
        known.update(_key(s) for s in lang.skills)
        known.update(_key(f) for f in lang.frameworks)
    outside_map = {_key(t): t for t in OUTSIDE_TECH if _key(t) not in known}
    # needs vocabulary: criteria (keywords, better/best words, nouns, label, measures), use cases, constraints
    need_map: dict[str, list[tuple[str, str]]] = {}

    def add(phrase: str, target: tuple[str, str]) -> None:
        k = _key(phrase)
        if k and target not in need_map.setdefault(k, []):
            need_map[k].append(target)

    crit_map: dict[str, str] = {}
    noun_map: dict[str, str] = {}
    for cid, c in table.criteria.items():
        for p in (*c.keywords, *c.better, *c.best, *c.nouns, c.label, c.measures):
            add(p, ("criterion", cid))
        for p in (*c.keywords, *c.nouns, c.label, c.measures):
            crit_map.setdefault(_key(p), cid)
        for p in (*c.nouns, c.label, c.measures):
            noun_map.setdefault(_key(p), cid)
    for tid, t in table.use_cases.items():
        for p in t.keywords or (t.label,):
            add(p, ("use_case", tid))
    for tid, t in table.constraints.items():
        for p in t.keywords or (t.label,):
            add(p, ("constraint", tid))
    # complaints: the bad end of a need, which asks for its good end ("too slow", "single-threaded", "slower")
    complaints: set[str] = set()
    for cid, c in table.criteria.items():
        bottom = {a for a, level in c.adjectives.items() if c.scale and level == c.scale[0]}
        bad_nouns = [f"{a} {n}{s}" for a in COMPLAINT_ADJECTIVES for n in c.nouns for s in ("", "s")]
        for p in (*c.worse, *c.worst, *bottom, *COMPLAINTS.get(cid, ()), *bad_nouns):
            if _key(p) not in need_map:  # a phrase that already names a need keeps its reading
                add(p, ("criterion", cid))
                complaints.add(_key(p))
    for kind, ids in (("constraint", table.constraints), ("use_case", table.use_cases)):
        for tid in ids:
            for p in COMPLAINTS.get(tid, ()):
                if _key(p) not in need_map:
                    add(p, (kind, tid))
                    complaints.add(_key(p))
    topic_map: dict[str, tuple[str, str]] = {}
    for tid, t in table.use_cases.items():
        for p in t.keywords or (t.label,):
            topic_map.setdefault(_key(p), ("use_case", tid))
    for tid, t in table.constraints.items():
        for p in t.keywords or (t.label,):
            topic_map.setdefault(_key(p), ("constraint", tid))
    for p, cid in noun_map.items():
        topic_map.setdefault(p, ("criterion", cid))
    skill_map: dict[str, str] = {}
    for lang in table.languages.values():
        for s in lang.skills:
            k = _key(s)
            if k not in alias_lang:
                skill_map.setdefault(k, lang.name)
    # comparisons / superlatives / equality
    cmp_map: dict[str, tuple[str | None, int]] = {}
    sup_map: dict[str, tuple[str, int]] = {}
    for cid, c in table.criteria.items():
        for p in c.better:
            cmp_map.setdefault(_key(p), (cid, 1))
        for p in c.worse:
            cmp_map.setdefault(_key(p), (cid, -1))
        for p in c.best:
            sup_map.setdefault(_key(p), (cid, 1))
        for p in c.worst:
            sup_map.setdefault(_key(p), (cid, -1))
    for p in _GENERIC_BEST:
        sup_map.setdefault(_key(p), (None, 1))  # type: ignore[arg-type]
    for p in _GENERIC_WORST:
        sup_map.setdefault(_key(p), (None, -1))  # type: ignore[arg-type]
    for p in _GENERIC_BETTER:
        cmp_map.setdefault(_key(p), (None, 1))
    for p in _GENERIC_WORSE:
        cmp_map.setdefault(_key(p), (None, -1))
    # levels per criterion: scale names + aliases, paired with nouns
    level_rx: dict[str, tuple[_Finder, _Finder, _Finder]] = {}
    level_map: dict[str, dict[str, str]] = {}
    word_count: dict[str, set[str]] = {}
    for cid, c in table.criteria.items():
        lm: dict[str, str] = {}
        for level in c.scale:
            lm.setdefault(_key(level), level)
        for level, words in c.level_aliases.items():
            for w in words:
                lm.setdefault(_key(w), level)
        level_map[cid] = lm
        for w in (*lm, *c.adjectives):
            word_count.setdefault(_key(w), set()).add(cid)
        levels = _alt(lm)
        nouns = _alt([*c.nouns, c.label])
        gap = (r"(?:\s*'s)?(?:\s*[:=]\s*|\s+)(?:(?:is|are|was|were|remains|stays|seems|rated|considered|only|just|also|quite|"
               r"pretty|really|still|not|isn't|aren't|wasn't|rather|fairly|generally|of\s+[\w.#+]+(?:\s*'s)?|rating|level|score)"
               r"(?:\s*[:=]\s*|\s+)){0,4}")
        noun_first = _first_tokens({_key(p) for p in [*c.nouns, c.label]})
        level_first = _first_tokens(set(lm))
        noun_level = _Finder(rf"(?<![\w])(?P<noun>{nouns})(?![\w]){gap}(?P<level>{levels})(?![\w/])", noun_first)
        level_noun = _Finder(rf"(?<![\w/\-])(?P<level>{levels})(?:\s+(?P<filler>[\w.]+))?\s+(?P<noun>{nouns})(?![\w\-])", level_first)
        level_in_noun = _Finder(rf"(?<![\w/])(?P<level>{levels})\s+(?:in|on|for|at|when\s+it\s+comes\s+to)\s+(?:the\s+)?(?P<noun>{nouns})(?![\w])", level_first)
        level_rx[cid] = (noun_level, level_in_noun, level_noun)  # B last: the looser pattern
    pred_map: dict[str, tuple[str, str, str]] = {}
    for cid, c in table.criteria.items():
        for adj, level in c.adjectives.items():
            if len(word_count.get(_key(adj), ())) == 1:
                pred_map.setdefault(_key(adj), (cid, level, "half"))
        for w, level in level_map[cid].items():
            if len(word_count.get(w, ())) == 1 and w not in noun_map:
                pred_map.setdefault(w, (cid, level, "dir"))
    mods = _words_rx(_PREDICATE_MODS)
    pred_alt = _alt(pred_map)
    pred_verbs = ("make", "makes", "making", "made", "is", "are", "remains", "stays", "seems", "feels", "runs", "looks", "isn", "aren", "was", "were", "be")
    # "'s" is "is" after a pronoun only ("it's very fast"; "Go's fast runtime" is a possessive): its finder token is
    # the "s" after the apostrophe, so the regex, not the finder, checks the boundary
    pred_rx = _Finder(
        rf"(?:(?<![\w])(?:(?:makes?|making|made)\s+(?:it|them)|is|are|remains|stays|seems|feels|runs|looks|isn't|aren't|was|were|be)|(?:(?<=\bit)|(?<=\bthat)|(?<=\bwhich))'s)"
        rf"\s+(?:(?:{mods})\s+)*?(?:an?\s+(?:(?:{mods}|{_ADVERB})\s+)*?)?"
        rf"(?P<adj>{pred_alt})(?![\w/\-])(?!\s+to\s+(?!learn|master|pick|get\s+started|start|read|write|code)\w)(?!\s+(?:among|in\s+popularity)\b)",
        {**{t: [0] for t in pred_verbs}, "s": [1]}, frozenset(_first_tokens(pred_map)), boundary=False) if pred_alt else _Finder("", {})
    eq_map: dict[str, tuple[str, int]] = {}
    for cid, c in table.criteria.items():
        for adj, level in c.adjectives.items():
            eq_map.setdefault(_key(adj), (cid, 1 if c.rank(level) >= len(c.scale) // 2 else -1))
        for w, level in level_map[cid].items():
            if len(word_count.get(w, ())) == 1:
                eq_map.setdefault(w, (cid, 1 if c.rank(level) >= len(c.scale) // 2 else -1))
        for p in (*c.keywords, *c.nouns, c.label, c.measures):
            eq_map.setdefault(_key(p), (cid, 1))
    eq_alt = _alt(eq_map)
    eq_rx = _Finder(
        rf"(?<![\w])(?:as\s+(?P<as>{eq_alt})\s+as(?![\w])|(?:the\s+)?same\s+(?:level\s+of\s+|amount\s+of\s+|degree\s+of\s+|kind\s+of\s+)?(?P<same>{eq_alt})(?![\w])"
        rf"|(?:equal|equivalent|identical|comparable|similar)\s+(?P<eqn>{eq_alt})(?![\w])|equally\s+(?P<equally>{eq_alt})(?![\w])"
        rf"|equally\s+(?:good|strong|great|capable|solid|effective|bad|weak|poor)\s+(?:at|in|on|with|for)\s+(?:the\s+)?(?P<eqat>{eq_alt})(?![\w])"
        rf"|equally\s+[a-z][\w-]*\s+(?P<eqadj>{eq_alt})s?(?![\w]))",  # "equally large ecosystems": the noun names the criterion
        {t: [0] for t in ("as", "same", "the", "equal", "equivalent", "identical", "comparable", "similar", "equally")},
        frozenset({"as", "same", "equal", "equivalent", "identical", "comparable", "similar", "equally"})) if eq_alt else _Finder("", {})
    topic_kw = {}
    for kind, topics in (("use_case", table.use_cases), ("constraint", table.constraints)):
        for tid, t in topics.items():
            alt = _alt(t.keywords or (t.label,))
            topic_kw[(kind, tid)] = re.compile(rf"(?<![\w])(?:{alt})(?![\w])") if alt else _NEVER
    # article items with enough words to be quoted
    item_map: dict[str, list[tuple[str, str, Item]]] = {}
    for lang in table.languages.values():
        for kind, items in (("best_for", lang.best_for), ("pro", lang.pros), ("con", lang.cons)):
            for it in items:
                k = _item_key(it.text)
                if len(k.split()) >= 3 or (len(k.split()) == 2 and not (it.use_case or it.constraint or it.criterion)):
                    item_map.setdefault(k, []).append((lang.name, kind, it))
    # the content words of each article line of three or more, for lines quoted in other words
    names_tokens = {w for k in alias_lang for w in _TOKEN_RX.findall(k)}
    bag_map: dict[frozenset[str], list[tuple[str, str, Item]]] = {}
    bag_size: dict[frozenset[str], int] = {}
    for lang in table.languages.values():
        for kind, items in (("best_for", lang.best_for), ("pro", lang.pros), ("con", lang.cons)):
            for it in items:
                content = [w for w in _TOKEN_RX.findall(_item_key(it.text)) if w not in _ITEM_STOP]
                bag = frozenset(_stem(w) for w in content)
                if len(bag) < 3 or bag & names_tokens:
                    continue
                bag_map.setdefault(bag, []).append((lang.name, kind, it))
                bag_size[bag] = len(it.text)
    item_bags = [(bag, entries, bag_size[bag]) for bag, entries in bag_map.items()]
    absent_map: dict[str, list[tuple[str, Item]]] = {}
    absent_alt: list[str] = []
    absent_first: set[str] = set()
    for lang in table.languages.values():
        for it in (*lang.pros, *lang.best_for):
            m = re.search(r"\bwithout\s+((?:[a-z][\w\-]*\s*){1,3})", _lc(it.text))
            if not m:
                continue
            absent_words = m.group(1).split()
            stems = [w[:max(4, len(w) - 3)] if len(w) > 4 else w for w in absent_words]
            pat = r"[\s\-]+".join(re.escape(st) + r"\w*" for st in stems)
            if pat not in absent_map:
                absent_alt.append(pat)
                absent_first.add(absent_words[0])
            absent_map.setdefault(pat, []).append((lang.name, it))
    fw_map: dict[str, list[str]] = {}
    for lang in table.languages.values():
        for fw in lang.frameworks:
            fw_map.setdefault(_key(fw), []).append(lang.name)
    names = list(table.languages)
    covers = f"The comparison table covers only {_join(names)}."
    # a constraint implies the criteria its con lines compare on: "Slower than compiled languages" (CPU-bound) -> speed
    constraint_crit: dict[str, list[str]] = {}
    for lang in table.languages.values():
        for it in lang.cons:
            if not it.constraint:
                continue
            for w, (cmp_cid, _sign) in cmp_map.items():
                if cmp_cid and re.search(r"(?<![\w])" + r"[\s\-]+".join(map(re.escape, w.split())) + r"\s+than\b", _lc(it.text)):
                    if cmp_cid not in constraint_crit.setdefault(it.constraint, []):
                        constraint_crit[it.constraint].append(cmp_cid)
    # comparisons stated inside an article line: Go's con "Less expressive than Python or Rust"
    rel_map: dict[str, list[tuple[str, str, int, str, Item]]] = {}
    for lang in table.languages.values():
        for kind, items in (("pro", lang.pros), ("con", lang.cons)):
            for it in items:
                m = re.match(r"\s*(?P<dir>less|more)\s+(?P<adj>[a-z][a-z\-]+)\s+than\s+(?P<objs>.+)$", _lc(it.text))
                if not m or _key(f"{m.group('dir')} {m.group('adj')}") in cmp_map:
                    continue
                others = [a for a in _TOKEN_RX.findall(re.sub(r"\(.*?\)", " ", m.group("objs")))]
                objs = [alias_lang[_key(o)] for o in others if _key(o) in alias_lang and alias_lang[_key(o)] != lang.name]
                for o in dict.fromkeys(objs):
                    rel_map.setdefault(m.group("adj"), []).append((lang.name, o, 1 if m.group("dir") == "more" else -1, kind, it))
    rel_first = {d: [0] for d in ("less", "more")} if rel_map else {}
    rel_rx = _Finder(rf"(?P<dir>less|more)\s+(?P<adj>{_alt(rel_map)})\s+than\b", rel_first) if rel_map else _Finder("", {})
    # everyday wording for the table's keywords: a synonym means what its canonical keyword means here
    syn_canon: dict[str, str] = {}
    for canon, phrases in SYNONYMS.items():
        ck = _key(canon)
        for p in phrases:
            if ck in need_map and _key(p) not in need_map:
                syn_canon[_key(p)] = canon
        keys = [_key(p) for p in phrases]
        _share(need_map, ck, keys)
        _share(crit_map, ck, keys)
        _share(topic_map, ck, keys)
        _share(cmp_map, ck, keys)
        _share(sup_map, ck, keys)
    # plurals of use-case and constraint nouns the table gives in the singular ("gateway" -> "gateways")
    for topics in (table.use_cases, table.constraints):
        for t in topics.values():
            for p in t.keywords:
                plural = _plural(p)
                k = _key(p)
                if plural is None or k in AMBIGUOUS_KEYWORDS:
                    continue
                _share(need_map, k, (plural,))
                _share(topic_map, k, (plural,))
    # counted nouns: a criterion whose better/best phrases count something ("more packages") is graded by how many
    qty_map: dict[str, str] = {}
    for cid, c in table.criteria.items():
        for p in (*c.better, *c.worse, *c.best, *c.worst):
            qm = re.fullmatch(r"(?:more|fewer|less|most|fewest|least)\s+([a-z][a-z\-]*s)", _key(p))
            if qm:
                qty_map.setdefault(qm.group(1), cid)
    for canon, phrases in SYNONYMS.items():
        if _key(canon) in qty_map:
            for p in phrases:
                if " " not in _key(p):
                    qty_map.setdefault(_key(p), qty_map[_key(canon)])
    qty_rx = _Finder(
        rf"(?:has|have|had|having|with|offers?|provides?|(?:ships|comes)\s+with|there\s+(?:are|is))\s+(?:(?P<low>{_words_rx(_FEW)}|{_FEW_OF})|(?P<high>{_words_rx(_MANY)}|{_MANY_OF}))\s+"
        rf"(?:[\w\-]+\s+){{0,2}}?(?P<noun>{_alt(qty_map)})(?![\w\-])",
        {w: [0] for w in ("has", "have", "had", "having", "with", "offer", "offers", "provide", "provides", "ships", "comes", "there")},
        frozenset(qty_map)) if qty_map else _Finder("", {})
    need_extra = {k: v for k, v in AMBIGUOUS_KEYWORDS.items() if k in need_map}
    topic_extra = {k: v for k, v in AMBIGUOUS_KEYWORDS.items() if k in topic_map}
    return _Vocab(
        table=table,
        lang_rx=_phrase_rx(alias_lang),
        alias_lang=alias_lang,
        ambiguous=frozenset(k for k in alias_lang if k in AMBIGUOUS_NAMES),
        alias_alt=_alt([*alias_lang, *outside_map]),
        outside_rx=_phrase_rx(outside_map),
        outside_map=outside_map,
        need_rx=_phrase_rx(need_map, need_extra),
        need_map=need_map,
        skill_rx=_phrase_rx(skill_map),
        skill_map=skill_map,
        crit_rx=_phrase_rx(crit_map, {k: v for k, v in AMBIGUOUS_KEYWORDS.items() if k in crit_map}),
        crit_map=crit_map,
        noun_rx=_phrase_rx(noun_map),
        noun_map=noun_map,
        noun_tail=re.compile(rf"(?<![\w])(?P<noun>{_alt(noun_map)})(?:'s)?(?:\s+(?:is|was|remains|really|truly|probably|clearly|not|isn't|still))*\s+(?:the\s+)?$"),
        absent_rx=_Finder(rf"(?:{'|'.join(absent_alt)})(?![\w])" if absent_alt else "", _first_tokens(absent_first)),
        absent_map=absent_map,
        handles_rx=_Finder(rf"(?:handles?|handling|supports?|supporting|does|manages?|deals?\s+with|copes?\s+with|scales?)\s+(?:(?:the|a|an|any|all)\s+)?"
                           rf"(?P<noun>{_alt({**topic_map, **crit_map}, topic_extra)})(?:[\s\-]+(?:work|workloads?|tasks?|jobs?|loads?|traffic|apps?|applications?|services?|code|processing|side|parts?|needs|requirements|use\s+cases?))?"
                           rf"\s+{_INTENSIFIER}(?P<adv>well|nicely|great|brilliantly|effectively|efficiently|poorly|badly|terribly|fine)\b",
                           {w: [0] for w in ("handle", "handles", "handling", "support", "supports", "supporting", "does", "manage", "manages", "deal", "deals", "cope", "copes", "scale", "scales")}),
        cmp_rx=_phrase_rx(cmp_map),
        cmp_map=cmp_map,
        sup_rx=_phrase_rx(sup_map),
        sup_map=sup_map,
        level_rx=level_rx,
        topic_kw=topic_kw,
        level_map=level_map,
        pred_rx=pred_rx,
        pred_map=pred_map,
        eq_rx=eq_rx,
        eq_map=eq_map,
        topic_rx=_phrase_rx(topic_map, topic_extra),
        topic_map=topic_map,
        item_rx=_phrase_rx(item_map, joiner=r",?[\s\-]+"),  # "Clean, readable syntax" quoted with its comma
        item_map=item_map,
        fw_rx=_phrase_rx(fw_map),
        fw_map=fw_map,
        covers=covers,
        constraint_crit=constraint_crit,
        rel_rx=rel_rx,
        rel_map=rel_map,
        qty_rx=qty_rx,
        syn_canon=syn_canon,
        item_bags=item_bags,
        qty_map=qty_map,
        complaints=frozenset(complaints),
    )



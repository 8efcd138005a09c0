"""Language mentions, sentences and questions: where a text names a table language (or one outside the table)."""

from __future__ import annotations

import re
from bisect import bisect_left

from . import lexicon
from .finder import _key, _lc, foreign_script
from .types import AMBIGUOUS_NAMES
from .vocab import _ABBREV, _SENT_RX, _Ent, _Vocab

_GO_STOP_AFTER = lexicon.pattern("vocab", "go_stop_after")
_QUESTION_HEAD = lexicon.pattern("vocab", "question_head")
_MOVE_BEFORE = lexicon.pattern("read", "move_to")
#: Words about a language's qualities: a lower-case ambiguous name right before one is the language ("go advantages").
_ASPECT_AFTER = lexicon.pattern("vocab", "aspect_after")
_CTX_BEFORE = lexicon.pattern("vocab", "ctx_before")
_CTX_EXCLUSION = lexicon.pattern("vocab", "ctx_before_exclusion")
_EXCL_AFTER = lexicon.pattern("read", "excl_post")  # "go is out too", "node is off the table"
_DETERMINER = lexicon.pattern("vocab", "noun_name_determiner")
#: Names that are common nouns too ("node"): in lower case the language unless a determiner comes before.
_NOUN_NAMES = frozenset(lexicon.phrases("names", "noun_names"))


_ENT_MEMO: list[tuple[_Vocab, str, list[_Ent]]] = []  # the last few texts read: a turn is read by several stages
_ENT_MEMO_SIZE = 8


def _entities(text: str, v: _Vocab, lc: str | None = None) -> list[_Ent]:
    """Table languages (and outside technologies) named in the text, in order. The reader, the classifier and the
    checker each ask for the same turn's mentions; the last few answers are kept (by value, not by id)."""
    for mv, mt, got in _ENT_MEMO:
        if mv is v and mt == text:
            return list(got)
    got = _find_entities(text, v, lc)
    _ENT_MEMO.insert(0, (v, text, got))
    del _ENT_MEMO[_ENT_MEMO_SIZE:]
    return list(got)


def _find_entities(text: str, v: _Vocab, lc: str | None = None) -> list[_Ent]:
    lc = _lc(text) if lc is None else lc
    out: list[_Ent] = []
    ctx_after = re.compile(rf"^(?:'s\b|\s*(?:vs\.?|versus|or)\b|\s*(?:,|and|or|vs\.?|versus|than)\s+(?:{v.alias_alt})\b|\s+(?:developers?|devs?|team|code|backend|people|folks|engineers?|house|experience|expertise|skills|veterans|experts?|services?|programmers?|shop|compiler|runtime|binar(?:y|ies)|modules?|routines?|programming|language|lang|versions?|implementations?|ports?|sdks?|librar(?:y|ies)|clients?|frameworks?|bindings?|rewrite|edition|section|chapter|row|column|entry|heading)\b)", re.I)
    versus = re.compile(rf"(?:\s+[\w-]+){{0,3}}?\s+(?:vs\.?|versus)\s+(?:{v.alias_alt})\b", re.I)  # set against a language
    foreign = foreign_script(text)  # in another language an ambiguous name is the name
    for m in v.lang_rx.finditer(lc):
        k = _key(m.group(0))
        name = v.alias_lang.get(k)
        if name is None:
            continue
        if k in v.ambiguous and not _ambiguous_ok(text, lc, m.start(), m.end(), v, ctx_after, foreign):
            continue
        out.append(_Ent(m.start(), m.end(), name, False))
    named, starts = len(out), [e.start for e in out]  # table-language mentions: in order and disjoint
    for m in v.outside_rx.finditer(lc):
        i = bisect_left(starts, m.end(), 0, named)
        if i and out[i - 1].end > m.start():  # overlaps a table-language mention (bisect: linear in mentions)
            continue
        k = _key(m.group(0))
        if k in AMBIGUOUS_NAMES and not versus.match(lc, m.end()) and (
                _GO_STOP_AFTER.match(lc, m.end()) if text[m.start()].isupper()
                else not _ambiguous_ok(text, lc, m.start(), m.end(), v, ctx_after, foreign)):
            continue  # "swift delivery" is no language; "swift on the server vs rust" and "why use dart for server" are
        out.append(_Ent(m.start(), m.end(), v.outside_map[k], True))
    out.sort(key=lambda e: e.start)
    return out


#: a verb of using a runtime right before a bare noun name: "run node in production" names the language
_USE_VERB_BEFORE = re.compile(r"\b(?:run|runs|running|use|uses|using|deploy|deploys|deploying|host|hosting|write|writing|allow|allows|support|supports)\s+$")


_NEG_MODAL_BEFORE = lexicon.pattern("vocab", "neg_modal_before")
_UNEXCL_BEFORE = lexicon.pattern("read", "unexcl_pre")
_CAPABLE_AFTER = lexicon.pattern("vocab", "capable_after")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")


def _ambiguous_ok(text: str, lc: str, s: int, e: int, v: _Vocab, ctx_after: re.Pattern, foreign: bool = False) -> bool:
    word = text[s:e]
    after = lc[e:e + 60]
    if _UNSPACED.match(text[e:e + 1]) or (s and _UNSPACED.match(text[s - 1])) or foreign:
        return True  # "用go还是用rust", "pilih rust atau go": in another language, the word is a name, not the English verb
    if word[:1].isupper():
        head = lc[max(0, s - 3):s].rstrip(" \t*_\"'(")
        sentence_start = not head or head[-1] in ".!?:\n-"
        if sentence_start and _GO_STOP_AFTER.match(after):
            return False
        m = re.match(r"\s+(?:with|for)\s+(?:the\s+|a\s+)?", after)
        if m and re.match(rf"(?:{v.alias_alt})\b", after[m.end():]):
            return False
        return True
    before = lc[max(0, s - 40):s]
    if _ASPECT_AFTER.match(after):
        return True
    if re.search(r"\bfrom\s+$", before) and re.match(rf"\s+(?:to|into)\s+(?:{v.alias_alt})\b", after) \
            or re.search(rf"\bfrom\s+(?:{v.alias_alt})\s+(?:to|into)\s+$", before):
        return True  # "change backend from go to nodejs", "from python to go": both ends of a move are languages
    if _MOVE_BEFORE.search(before):
        return True  # "converting python server module to go": the target of a move
    if re.search(r"\b(?:is|isn't|was|wasn't)\s+$", before) and not re.match(r"\s+(?:to|on|off|ahead|live|away|back|through)\b", after):
        return True  # "why is go fast?": after a copula it is the subject ("go fast" is otherwise a verb phrase)
    if _COMPARE_BEFORE.search(before):
        return True  # "how does that compare to go on concurrency?": what is compared against is a language
    if _NEG_MODAL_BEFORE.search(before) and _CAPABLE_AFTER.match(after):
        return True  # "wouldn't go do the job too?": a rival offered in a negative question, with what it would do
    if _SUBJECT_VERB_AFTER.match(after) and not _GO_VERB_BEFORE.search(before):
        return True  # "does your article say go is less expressive?": a copula after it makes it the subject
    if re.search(r"\b(?:for|about|of|with|in|than)\s+$", before) and re.match(r"\s*(?:[?!,;]|\.(?:\s|$)|$)", after):
        return True  # "which downsides does the article list for go?": a preposition's object, ending the sentence
    if _QUESTION_HEAD.search(before) and (not _GO_STOP_AFTER.match(after) or re.match(r"\s+do\b", after)):
        return True  # "is node fast", "does go have generics": the subject of a question, not a verb
    if _CTX_EXCLUSION.search(before) and not _GO_STOP_AFTER.match(after) or _EXCL_AFTER.match(after):
        return True  # "not node either", "anything but go": set aside, so named
    if _UNEXCL_BEFORE.search(before) and re.match(r"\s*(?:[.!?,;]|again\b|after\s+all\b|$)", after):
        return True  # "legal just approved go", "we can use go again": let back in, so named
    if _key(word) in _NOUN_NAMES and not _DETERMINER.search(before) and not re.match(r"\s*of\b", after) \
            and not (re.match(r"\s*(?:in|on)\b", after) and not _USE_VERB_BEFORE.search(before)):
        return True  # "we use node", "node or go", "we can't run node in our infra" -- but not "each node of the cluster"
    return bool(_CTX_BEFORE.search(before) or ctx_after.match(after))


def _sentences(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in _SENT_RX.finditer(text):
        if m.group(0) == "." and _abbrev_at(text, m.start()):
            continue
        end = m.end()
        if text[start:end].strip():
            out.extend(_tagged(text, start, end) if m.group(0).startswith("?") else [(start, end)])
        start = end
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def _tagged(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A statement with a question after a comma ("only interns will maintain it, does that change anything?") as
    two sentences, the statement first; a sentence that opens as a question stays whole."""
    body = text[a:b]
    tag = next(reversed(list(_QUESTION_TAG.finditer(body))), None)  # the last comma before a question
    if tag is None or _QWORD.match(body.strip().strip("*_ \"'(")) or not _STATEMENT_HEAD.match(body[:tag.start()]):
        return [(a, b)]
    return [(a, a + tag.start() + 1), (a + tag.start() + 1, b)]


_QWORD = lexicon.pattern("vocab", "qword")
_QUESTION_TAG = lexicon.pattern("vocab", "question_tag")
_STATEMENT_HEAD = lexicon.pattern("vocab", "statement_head")
_SUBJECT_VERB_AFTER = lexicon.pattern("vocab", "subject_verb_after")
_GO_VERB_BEFORE = lexicon.pattern("vocab", "go_verb_before")
_COMPARE_BEFORE = lexicon.pattern("vocab", "compare_before")
_WH_INSIDE = lexicon.pattern("vocab", "wh_inside")
_INDIRECT_Q = lexicon.pattern("vocab", "indirect_question")  # "I am curious about switching to rust": asked, not stated


def _abbrev_at(text: str, dot: int) -> bool:
    for ab in _ABBREV:
        a = dot - len(ab)
        if a >= 0 and text[a:dot].lower() == ab and (a == 0 or not text[a - 1].isalnum()):
            return True
    return False


def _is_question(sentence: str) -> bool:
    s = sentence.strip().strip("*_ \"')")
    return s.endswith("?") or bool(_QWORD.match(s)) or bool(_WH_INSIDE.search(s)) or bool(_INDIRECT_Q.search(s))  # "axum is for which language"




def languages_named(text: str, table) -> tuple[str, ...]:  # noqa: ANN001 - knowledge.Table
    """The table languages a text names, in order of first mention: the one mention finder the reader, the
    checker, retrieval and ingest share ("Go ahead" is no mention of Go; "golang", "Node" and "go vs rust" are)."""
    from .vocab import _vocab

    return tuple(dict.fromkeys(e.name for e in _entities(text, _vocab(table)) if not e.outside))

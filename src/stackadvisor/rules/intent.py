"""The kind of answer a user turn wants (classify): a pick, a fact, a comparison, an overview, or out of scope."""

from __future__ import annotations

import re

from ..knowledge import Table
from . import lexicon
from .clean import _clean_markdown, _strip_injection
from .finder import _QUOTED, _alt, _key, _lc, _words_rx, foreign_script
from .mentions import _QWORD, _entities, _is_question, _sentences
from .read import _AMONG_TABLE, _AUDIENCE, _NEED_VOICE, _OWN_COMMUNITY, _move, extract_needs
from .subject import _IN_SCOPE, _OFF_TOPIC, asked_outside, foreign_subject
from .types import Intent, Needs
from .vocab import _STRONG_RX, _Ent, _item_key, _rephrase, _Vocab, _vocab

_GREET_WORDS = frozenset(lexicon.phrases("scope", "greet_words"))  # data: rules/lexicon/scope.yaml
_OVERVIEW = lexicon.pattern("read", "overview")
_REC = lexicon.pattern("read", "rec")
_REC_ONE = lexicon.pattern("read", "rec_one")
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
_ALT_GAP = lexicon.pattern("read", "alt_gap")
_BEST_FOR = lexicon.pattern("read", "best_for")
_COMPARE = lexicon.pattern("read", "compare")
_VAGUE = lexicon.pattern("read", "vague")
_OPEN_Q = re.compile(r"\b(?:which|what|who|who's|whose)\b", re.I)
#: A question about what the source says ("listed for", "per the article", "mention ... in their best-for").
_ABOUT_SOURCE = lexicon.pattern("read", "about_source")
#: a yes/no question about what the source says ("does the article say anything about garbage collection?")
_SOURCE_ASK = lexicon.pattern("read", "source_ask")
ABOUT_DATE = lexicon.pattern("read", "about_date")  # "when was the article written?": a fact about the source itself
_WHY_WRITTEN = lexicon.pattern("read", "why_written")  # "why is it written in golang?": a third party's choice
_OPEN_SUBJECT = lexicon.pattern("read", "open_subject")
_AMONG_NAMED = lexicon.pattern("read", "among_named")
_EXPLAIN = lexicon.pattern("read", "explain_request")
_DIFFERENCE = lexicon.pattern("read", "difference_between")
_NO_NEW_LANG = lexicon.pattern("read", "no_new_language")
_LANG_FOR_PROJECT = lexicon.pattern("read", "lang_for_project")
_TABLE_LOOKUP = lexicon.pattern("read", "table_lookup")
#: A change the user proposes to make ("rewrite the backend in Go", "migrate to Rust").
_PROPOSAL = lexicon.pattern("read", "proposal")
_MAINTAINER_Q = lexicon.pattern("read", "maintainer_question")  # "is there a bottleneck in the library?": their code
_ADVOCACY = lexicon.pattern("read", "advocacy")  # "I suggest we build it in Go for lower latency": a pick, with Go offered
_OPEN_ALT = lexicon.pattern("read", "open_alternatives")
_OFFERED_UNKNOWN = lexicon.pattern("read", "offered_unknown")
#: A how-to question about using a tool ("how do I fix ModuleNotFoundError", "how do I write a docker-compose file").
_HOWTO = lexicon.pattern("read", "howto")
#: A request for material (examples, tutorials, courses), whichever languages it names.
_RESOURCES = lexicon.pattern("read", "resource_request")
#: A question asked anywhere in the turn, not only at its start ("aws or gcp, which cloud is cheaper").
_ASKING = re.compile(r"\b(?:which|what|where|how|who)\b", re.I)
#: An imperative request for information is a question too ("Tell me about the GIL and Python's concurrency.").
_INFO_REQUEST = re.compile(r"\s*(?:please\s+)?(?:tell\s+me|explain|describe|show\s+me|give\s+me|list|summari[sz]e|walk\s+me\s+through)\b", re.I)
#: where a request may start: the turn's start or after a clause ("never mind the pick, just tell me ...")
_CLAUSE_START = re.compile(r"^|[,.;:!]\s*(?:(?:just|so|and|then|ok|okay)\s+)*")
_OR_GAP = re.compile(r"^\s*,?\s*or\s*$", re.I)
_NEED_VOICE_OWN = re.compile(r"\b(?:we|us|our|i|my|me)\b", re.I)
_LANG_SUBJECT_Q = lexicon.pattern("read", "lang_subject_question")
_VERDICT_Q = lexicon.pattern("read", "verdict_question")
_AUDIENCE_PLURAL = lexicon.pattern("read", "audience_plural")
#: a verdict asked of one named language for a project ("is Rust overkill for a CRUD app?"): a pick, with the
#: named one weighed ("is node good for cpu bound stuff" asks the article's point about it: a fact)
_WHY_Q = re.compile(r"\W*why\b", re.I)  # "why is node.js not suitable for heavy CPU apps?" asks for reasons, not a verdict
_VERDICT_ON = lexicon.pattern("read", "verdict_on")
_MANNER = lexicon.pattern("read", "manner")
_WANT = lexicon.pattern("read", "want_voice")
_FOR_US = lexicon.pattern("read", "for_us")
_PROJECT_HEAD = lexicon.pattern("read", "project_head")
_SOURCE_SAYS = lexicon.pattern("read", "source_says")  # "does the article say go is ...?": asked of the source


def _criteria_in(lc: str, v: _Vocab) -> list[str]:
    found: list[str] = []
    audience = [m.span() for m in _OWN_COMMUNITY.finditer(lc)]  # "for our community hall": who it is for
    for rx, mp in ((v.crit_rx, v.crit_map), (v.cmp_rx, v.cmp_map), (v.sup_rx, v.sup_map)):
        for m in rx.finditer(lc):
            if any(a <= m.start() < b for a, b in audience):
                continue
            t = mp.get(_key(m.group(0)))
            cid = t[0] if isinstance(t, tuple) else t
            if cid and cid not in found:
                found.append(cid)
    order = list(v.table.criteria)
    return sorted(found, key=order.index)


def _superlative_of(lc: str, m: re.Match, v: _Vocab) -> bool:
    """A superlative of a criterion: one that names it ("fastest"), or a plain one right before a criterion's noun
    ("the biggest package ecosystem", "the best concurrency"; not "the best language for ...")."""
    if (v.sup_map.get(_key(m.group(0))) or (None,))[0]:
        return True
    n = v.crit_rx.search(lc, m.end(), m.end() + 30)
    return n is not None and re.fullmatch(r"\s+(?:[\w-]+\s+)?", lc[m.end():n.start()]) is not None


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
    text = _rephrase(_strip_injection(_clean_markdown(text or ""))).strip()  # stripped first: the mentions' offsets are lc's
    lc = _lc(text)
    ents = _entities(text, v, lc)
    langs = tuple(dict.fromkeys(e.name for e in ents if not e.outside))
    outside = tuple(dict.fromkeys(e.name for e in ents if e.outside))
    criteria = tuple(_criteria_in(lc, v))
    cur = turn if turn is not None else extract_needs(text, table)  # the needs this turn states on its own
    words = re.findall(r"[a-z']+", lc)
    if not langs and not outside and not criteria and cur.empty and words and all(w in _GREET_WORDS for w in words):
        return Intent("greeting")
    if not lc:
        return Intent("vague")
    if langs and foreign_script(text):  # "区块链用go还是用rust": only the names can be read: they are compared (one is weighed)
        return Intent("compare", langs, criteria) if len(langs) >= 2 else Intent("recommend", langs, criteria, True, candidates=langs)
    if ABOUT_DATE.search(lc):
        return Intent("fact", langs, criteria)
    if not langs and not outside and not criteria and _is_question(lc) and _ABOUT_SOURCE.search(lc) and (cur.empty or _SOURCE_ASK.search(lc)):
        owners = _article_owners(text, words, table)
        if owners:  # "does the article say anything about async/await?": the languages whose lines name it
            return Intent("fact", owners)
    owner = _line_owner(lc, v)
    if owner is not None:  # "which language gets called 'less expressive than Python or Rust'?": whose line that is
        return Intent("fact", (owner,))
    if langs and _third_party_choice(lc):
        return Intent("fact", langs, criteria)  # "why is it written in golang?": the language's strengths, no pick
    if langs and _SOURCE_SAYS.search(lc) and not _NEED_VOICE_OWN.search(lc):
        return Intent("compare", langs, criteria) if len(langs) >= 2 else Intent("fact", langs, criteria)
    if _EXPLAIN.match(lc) and (_MANNER.search(lc) or _QUOTED.search(lc)):
        # "explain the CAP theorem in simple terms": how to pitch it, not a need; "translate 'performance comparison'
        # into French": the quoted text is what to work on, not what is asked for
        plain = _QUOTED.sub(" ", _MANNER.sub(" ", lc))
        explain_needs, explain_criteria = extract_needs(plain, table), _criteria_in(plain, v)
    else:
        explain_needs, explain_criteria = cur, list(criteria)
    if _EXPLAIN.match(lc) and not (explain_needs.priorities or explain_needs.constraints or explain_needs.excluded) \
            and not explain_criteria and v.item_rx.search(lc) is None and not (explain_needs.use_cases and _OPEN_Q.search(lc)):
        return Intent("out_of_scope", langs)  # "explain rust lifetimes like im 5": a tutorial, not the article
    if not langs and not outside and _DIFFERENCE.search(lc) and not _NEED_VOICE_OWN.search(lc):
        return Intent("out_of_scope")  # "what's the difference between REST and GraphQL?": two things that are not languages
    if cur.skills and _NO_NEW_LANG.search(lc):  # "I really don't want to learn a whole new language just for the server"
        return Intent("recommend", langs, criteria, True, candidates=tuple(n for n in table.names if n in cur.skills))
    targets, _, stated, _beyond = _move(lc, ents, v)
    moved_to = tuple(n for n in targets if n not in cur.excluded)
    # "I want to switch from Python to Go, what do you think?", "switching from ruby to Go": the move, weighed among
    # its targets in the table (one that may also end outside it, "porting to C++ ... Rust can be a decent option
    # too", is weighed among the table's ones; the writer says the outside one is not covered)
    if moved_to and stated:
        return Intent("recommend", langs, criteria, True, candidates=moved_to)  # ("Move from Python to Go ... which one is faster")
    if _RESOURCES.search(lc) and not _REC.search(lc):
        return Intent("out_of_scope", langs)  # "are there any decent golang tensorflow examples?": material, not advice
    if langs and not outside and _asks_about(lc, ents) and not _NEED_VOICE_OWN.search(lc) and not _VERDICT_Q.search(lc):
        # "is go as expressive as python?", "can go do generics?": a property asked of a named language is a fact
        # about it (or a comparison), never a need of the asker's project; "is go a good fit for ...?" asks a verdict
        return Intent("compare", langs, criteria) if len(langs) >= 2 else Intent("fact", langs, criteria)
    asks = "?" in lc or bool(_QWORD.match(lc)) or any(_INFO_REQUEST.match(lc, m.end()) for m in _CLAUSE_START.finditer(lc))
    described = not asks and bool(_PROJECT_HEAD.match(lc))  # "backend that streams live prices to 200k browsers"
    project = bool(cur.use_cases or cur.constraints or cur.skills or cur.excluded) or described
    voiced = bool(cur.priorities) and bool(_NEED_VOICE.search(lc) or _STRONG_RX.search(lc) or _AUDIENCE.search(lc))
    background = set(cur.excluded) | set(cur.skills)
    focus = tuple(n for n in langs if n not in background)
    alternatives = _alternatives(lc, _entities(lc, v, lc), background)
    maintainers = not langs and (asks or _is_question(lc)) and bool(_MAINTAINER_Q.search(lc)) and not _AMONG_TABLE.search(lc)
    if cur.dropped and not focus and not outside and not maintainers:
        return Intent("recommend", (), tuple(c for c in criteria if c not in cur.dropped), True) if not needs.empty else Intent("vague")
    rec_cue = bool(_REC.search(lc)) or (bool(_BEST_FOR.search(lc)) and (project or not needs.empty) and len(langs) != 1)
    sup = any(_superlative_of(lc, m, v) for m in v.sup_rx.finditer(lc))
    settled, contenders = _framework_contest(text, lc, langs, table)  # "koa or fastify": known names, not a foreign subject
    # a how-to about a tool is not ours (one weighing two table languages still is)
    if (_HOWTO.search(lc) and not _OPEN_Q.search(lc) and len(langs) < 2 and not (langs and _ADVOCACY.search(lc))) or _hosting_question(lc, cur) or _OFF_TOPIC_Q.search(lc) \
            or (foreign_subject(lc, v, ents) is not None and not settled) \
            or (maintainers and not rec_cue) \
            or (not langs and _off_topic_choice(lc, v)) or (_off_topic_word(lc, v) and not (cur.use_cases or cur.constraints or criteria or outside)
                                   and not _IN_SCOPE.search(lc) and not _AMONG_TABLE.search(lc) and (not focus or not rec_cue)
                                   and len(alternatives) < 2):  # "..., GoLang or Rust?": a choice between ours
        return Intent("out_of_scope", langs)
    if _CAREER.search(lc) and not (cur.use_cases or cur.constraints or criteria or outside) and not _CAREER_LANG_ASK.search(lc):
        return Intent("out_of_scope", langs)
    if settled:  # "hapi vs express": a framework choice inside Node.js; the article compares languages, not frameworks
        # (after the out-of-scope gate: "which has better docs, django or fastapi?" asks what no article line says)
        return Intent("fact", (settled,), criteria, frameworks=contenders)
    offered = _offered_frameworks(lc, ents, v)
    deciding = bool(_DECIDING.search(lc))
    if len(offered) >= 2 and not deciding and not rec_cue and not project and v.cmp_rx.search(lc) is not None:
        return Intent("compare", offered, criteria)  # "is javascript or python faster?": how the two compare
    if (len(offered) == 1 and deciding) or (len(offered) >= 2 and ("?" in lc or bool(_QWORD.match(lc)) or deciding)):
        # "should I use django or express?", "deciding on a framework (flask, django, fastapi)": the frameworks
        # offered are their languages offered (one language's frameworks only, when a choice is being made: that language)
        return Intent("recommend", offered, criteria, True, candidates=offered)
    if _OVERVIEW.search(lc) and len(langs) != 1 and not project:
        return Intent("overview", tuple(table.names), criteria)
    if (asks or _is_question(lc)) and _OPEN_SUBJECT.search(lc) and _TABLE_LOOKUP.search(lc) and not _NEED_VOICE_OWN.search(lc):
        return Intent("fact", (), criteria)  # "is any language's concurrency rated above node's?": a look-up across the table
    if (asks or _is_question(lc)) and _ABOUT_SOURCE.search(lc) and _OPEN_Q.search(lc) and (cur.use_cases or cur.constraints or sup or criteria) \
            and not _NEED_VOICE_OWN.search(lc) and not (outside and not _AMONG_TABLE.search(lc)):
        return Intent("fact", langs, criteria)  # "which language is listed for real-time apps?" asks what the article says
    asked = asked_outside(lc, ents)  # "Go or Elixir?" asks about Elixir; "OCaml person here." only mentions OCaml
    theirs = bool(outside) and not langs and _third_party_choice(lc)  # "the reasons why Java was chosen to implement ..."
    if outside and not langs and not (sup and asks) and (asked or theirs or not _AMONG_TABLE.search(lc) and not project and not voiced):
        # "Java has threads, but who is best at concurrency?" is a fact
        chosen = theirs or bool(asked) and re.search(rf"\b(?:use|pick|choose|learn|try|adopt|about|is|go\s+with)\s+(?:{_alt(outside)})\b", lc, re.I)
        if _AMONG_TABLE.search(lc):
            return Intent("recommend", (), criteria, True)  # "we use Scala + Spark ...; which of the four fits?"
        if rec_cue and _OPEN_Q.search(lc) and (project or voiced or not needs.empty) and not chosen:
            return Intent("recommend", (), criteria, True)
        if (project or voiced or cur.priorities) and not chosen and not (sup and asks):
            return Intent("recommend", (), criteria, True)  # "our engineers came from C++ and want ...": a mention, not the subject
        return Intent("out_of_scope", (), criteria)
    if sup and not project and (asks or langs) and not re.search(r"\b(?:should|recommend|suggest|for\s+(?:us|me|our|my))\b", lc) \
            and not _AUDIENCE.search(lc) and not _WANT.search(lc) and not _ADVOCACY.search(lc) and not _needs_beside(text, lc, v):
        return Intent("fact", langs, criteria)  # "which is fastest?" asks a fact; "fastest possible backend, ..." states a need
    if len(langs) >= len(table.languages) >= 3 and not project and not criteria and not rec_cue:
        return Intent("overview", tuple(table.names), criteria)
    if moved_to and len(focus) == 1 and not cur.skills and (cur.use_cases or cur.constraints or cur.priorities):
        # "Convert to GO? ... an API using the microservice template": a move asked about, for a project: the open pick
        return Intent("recommend", langs, criteria, True)
    if len(focus) >= 2:
        choice = asks and bool(alternatives) and not sup and v.cmp_rx.search(lc) is None and not _TABLE_LOOKUP.search(lc) \
            and any(_OR_GAP.match(lc[a.end:b.start]) for a, b in zip(ents, ents[1:]))  # not "which is faster, A or B?"
        proposal = _PROPOSAL.search(lc) is not None  # "change the backend from go to nodejs": which of the two
        # "which is better for a beginner, python or go?": a need and two offered is a pick between them
        choice = choice or (asks and bool(alternatives) and bool(cur.priorities or criteria) and (_AUDIENCE.search(lc) or _AUDIENCE_PLURAL.search(lc) or _FOR_US.search(lc)) is not None)
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
        if (outside or (asks and _OFFERED_UNKNOWN.search(text))) and (project or rec_cue or voiced):
            return Intent("recommend", langs, criteria, True, candidates=alternatives or focus)
        if asks and _OPEN_ALT.search(lc) and (project or cur.priorities):
            return Intent("recommend", langs, criteria, True)  # "hevy cpu stuff on the server?? node or smth else": the open pick
        if _PROPOSAL.search(lc) and cur.skills - set(focus) and not _OPEN_ALT.search(lc) and (rec_cue or asks or project or voiced):
            # "we're a Django shop, should we switch to Go?": Go against what the team runs today
            return Intent("recommend", langs, criteria, True, candidates=(*focus, *sorted(cur.skills - set(focus))))
        if rec_cue and _REC_ONE.search(lc):
            return Intent("recommend", langs, criteria, True)
        if _ADVOCACY.search(lc) and (project or cur.priorities) and not _COMPARE.search(lc):
            return Intent("recommend", langs, criteria, True)  # argued for, with reasons: weighed against the others
        if _COMPARE.search(lc) and re.search(r"\b(?:vs\.?|versus|compared?|than)\b", lc):
            return Intent("compare", langs, criteria)
        if not asks and (project or voiced or _PROPOSAL.search(lc)):
            # "Rewrite the backend in Go for increased efficiency": a proposal with needs, not a question about Go;
            # "migrate from Python to Go" weighs the two it names
            among = langs if len(langs) >= 2 and _PROPOSAL.search(lc) and not _OPEN_ALT.search(lc) else ()
            return Intent("recommend", langs, criteria, True, candidates=among)
        if asks and (_LANG_FOR_PROJECT.match(lc) or (_VERDICT_ON.search(lc) and not _WHY_Q.match(lc))) and (project or cur.priorities):
            return Intent("recommend", langs, criteria, True)  # "rust for a crud app?", "is Rust overkill for a CRUD app?": a verdict on it, for a project
        return Intent("fact", langs, criteria)
    # no table language named; a statement of a need is a project described ("it's for an IoT platform with many
    # devices connected at once" states concurrency by meaning)
    if rec_cue or project or voiced or (cur.priorities and not asks and not criteria):
        if not (cur.empty and needs.empty) or project or voiced:
            return Intent("recommend", (), criteria, True)
        if not criteria and _other_subject(lc, words, v):
            return Intent("out_of_scope")  # "recommend me a mechanical keyboard for coding": a pick of something else
        return Intent("vague", (), criteria)
    if criteria:
        return Intent("fact", (), criteria)
    if _VAGUE.search(lc):
        if not needs.empty and _REC.search(lc):
            return Intent("recommend", (), criteria, True)
        if _other_subject(lc, words, v):
            return Intent("out_of_scope")  # "recommend me a mechanical keyboard", "JWT or session cookies?": another subject
        return Intent("vague")
    if not needs.empty and (not (asks or _is_question(lc)) or not _subject_words(words)):
        # "it's a single B&B with six rooms": the project, refined; "so what then?": the pick, asked for again
        return Intent("recommend", (), criteria, True)
    return Intent("out_of_scope")


_DECIDING = lexicon.pattern("read", "deciding")  # "deciding on a framework": a choice being made
_FRAMEWORKS = {_key(n): lang for lang, names in lexicon.mapping("names", "frameworks").items() for n in names}  # names.yaml
_FRAMEWORK_RX = re.compile(r"(?<![\w\-./])(?:" + _alt(_FRAMEWORKS, joiner=r"[\s\-]*") + r")(?![\w\-])")
_FRAMEWORK_CONTRAST = lexicon.pattern("read", "framework_contrast")


def _framework_contest(text: str, lc: str, langs: tuple[str, ...], table: Table) -> tuple[str | None, tuple[str, ...]]:
    """The language and the frameworks as written, when two of its own frameworks are weighed against each other and no other table language is
    named ("hapi vs express", "Axum is better than Actix web", "instead of Flask ... FastAPI"): what is being chosen
    is a framework inside a settled language. A list of one language's frameworks without a contrast ("deciding on a
    framework (flask, django, fastapi)") is not a contest: it offers that language."""
    found = [(m.start(), m.end(), _FRAMEWORKS.get(_key(m.group(0)))) for m in _FRAMEWORK_RX.finditer(lc)]
    found = [f for f in found if f[2]]
    owners = {lang for *_, lang in found}
    if len({_key(lc[a:b]).replace(" ", "").replace("-", "") for a, b, _ in found}) < 2 or len(owners) != 1 \
            or {n.lower() for n in langs} - owners:
        return None, ()
    first, last = found[0], found[-1]
    if not _FRAMEWORK_CONTRAST.search(lc, max(0, first[0] - 40), last[1]):
        return None, ()
    written = {_key(lc[a:b]).replace(" ", "").replace("-", ""): text[a:b] for a, b, _ in reversed(found)}  # first spelling
    return next((n for n in table.names if n.lower() in owners), None), tuple(reversed(written.values()))


def _offered_frameworks(lc: str, ents: list[_Ent], v: _Vocab) -> tuple[str, ...]:
    """The languages of a list of options in which a framework or a language's skill word stands ("django or
    express", "flask, django, fastapi", "fastapi or go"): each option's language, in order; () when no framework
    is offered as an option."""
    items = sorted([(e.start, e.end, e.name, False) for e in ents if not e.outside]
                   + [(m.start(), m.end(), name, True) for m in v.skill_rx.finditer(lc)
                      if (name := v.skill_map.get(_key(m.group(0)))) and not any(e.start <= m.start() < e.end for e in ents)])
    best: tuple[str, ...] = ()
    chain: list[tuple[int, int, str, bool]] = []
    for item in items:
        if chain and not _ALT_GAP.match(lc[chain[-1][1]:item[0]]):
            chain = []
        chain.append(item)
        if len(chain) >= 2 and any(skill for *_, skill in chain) and not re.search(r"\band\b", lc[chain[0][0]:chain[-1][1]]):
            best = tuple(dict.fromkeys(name for _, _, name, _ in chain))
    return best


def _third_party_choice(lc: str) -> bool:
    """A why-question about someone else's choice of language ("why isn't this project in Go?", "reason for using
    Rust over Go"), asked in a sentence that is not about the asker's own project ("why should we use Go?")."""
    if _REC.search(lc):
        return False  # "Why rust instead of go? ... I'm wondering which one to choose": the asker's own pick
    for m in _WHY_WRITTEN.finditer(lc):
        s0, s1 = next(((a, b) for a, b in _sentences(lc) if a <= m.start() < b), (0, len(lc)))
        if not _NEED_VOICE_OWN.search(lc, s0, s1):
            return True
    return False


_QUESTION_STOP = frozenset(lexicon.phrases("words", "question_stop")) | frozenset(lexicon.phrases("words", "thin_words"))


def _other_subject(lc: str, words: list[str], v: _Vocab) -> bool:
    """A request with two or more subject words and none of the table's or the article's: about something else."""
    if _IN_SCOPE.search(lc) or _ABOUT_SOURCE.search(lc) or _AMONG_TABLE.search(lc) or v.sup_rx.search(lc) or v.need_rx.search(lc):
        return False
    return len(_subject_words(words)) >= 2


def _line_owner(lc: str, v: _Vocab) -> str | None:
    """The one language whose article line an open question quotes or names as a description ("which language gets
    called 'less expressive than Python or Rust'?", "who is described as blazing fast?"); None otherwise."""
    if not (_OPEN_Q.search(lc) and _is_question(lc)):
        return None
    quotes = [m.span() for m in _QUOTED.finditer(lc)]
    framed = _DESCRIBED_AS.search(lc)
    owners = set()
    for m in v.item_rx.finditer(lc):
        quoted = any(a <= m.start() and m.end() <= b for a, b in quotes)
        if quoted or (framed and framed.end() <= m.start()):
            owners |= {lang for lang, _, _ in v.item_map.get(_key(m.group(0)), ())}
    for a, b in quotes:  # a fragment of a line, quoted: "which language does the article describe as 'blazing fast'?"
        bit = _item_key(lc[a + 1:b - 1])
        if not owners and len(bit.split()) >= 2:
            lines = [(key, lang) for key, found in v.item_map.items() for lang, _, _ in found]
            lines += [(_item_key(lang.section), lang.name) for lang in v.table.languages.values()]  # "developer-friendly"
            owners |= {lang for key, lang in lines if re.search(rf"(?<!\w){re.escape(bit)}(?!\w)", key)}
    return next(iter(owners)) if len(owners) == 1 else None


_DESCRIBED_AS = lexicon.pattern("read", "described_as")


def _article_owners(text: str, words: list[str], table: Table) -> tuple[str, ...]:
    """The languages whose own lines in the article (section title, pros, cons, best-for, frameworks) name one of the
    question's subject words or acronyms ("callbacks": Node.js's "Callback hell"; "GIL"), a plural read as its singular."""
    acronyms = {w.lower() for w in re.findall(r"\b[A-Z]{2,5}\b", text)}
    asked = {w.removesuffix("s") for w in (*_subject_words(words), *acronyms)} - _SOURCE_WORDS
    if not asked:
        return ()
    out = []
    for lang in table.languages.values():
        lines = [lang.section, *(it.text for it in (*lang.pros, *lang.cons, *lang.best_for)), *lang.frameworks]
        said = {w.removesuffix("s") for line in lines for w in re.findall(r"[a-z']+", line.lower())}
        if asked & said:
            out.append(lang.name)
    return tuple(out) if len(out) < len(table.languages) else ()


_SOURCE_WORDS = frozenset(lexicon.phrases("words", "source_words"))  # data: rules/lexicon/words.yaml


def _subject_words(words: list[str]) -> list[str]:
    """The words of a request that name what it is about (not its frame: "which", "should", "recommend")."""
    return [w for w in words if len(w) > 3 and w not in _QUESTION_STOP and not _VAGUE.fullmatch(w)]

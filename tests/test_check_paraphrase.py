"""The claim checker's readers by design (rules/claims/compare.py, degree.py; the words in rules/lexicon/check.yaml):
comparisons by verb class, "nobody beats X", comparatives with one side, idioms read as plain words, the middle of a
scale, "the least steep", loose predicates and the subject a pronoun stands for. The wordings are written here,
not taken from the eval sets; a generator checks every verb class against the table both ways (no false claim
supported, every true one supported).
"""

from __future__ import annotations

import pytest

from stackadvisor import rules
from stackadvisor.rules.claims.words import key, words


@pytest.fixture(scope="module")
def table(knowledge):
    return knowledge.table


def got(text, table, language=None, criterion=None):
    return sorted({c.verdict for c in rules.check(text, table)
                   if c.kind != "unchecked" and (language is None or c.language == language)
                   and (criterion is None or c.criterion == criterion)})


CASES = [
    # comparisons by verb: the criterion named after the object, before the verb, between, or the verb's own
    ("Python edges out Go in learning curve.", "Python", "learning_curve", "supported"),
    ("Node.js lags behind Python in ecosystem.", "Node.js", "ecosystem", "contradicted"),
    ("Go's ecosystem rivals Node's.", "Go", "ecosystem", "contradicted"),
    ("Rust outruns Go.", "Rust", "speed", "supported"),
    ("Python outpaces Node.js.", "Python", "speed", "contradicted"),
    ("Python is outperformed by Go.", "Python", "speed", "supported"),
    ("Go can't keep up with Rust on speed.", "Go", "speed", "supported"),
    ("Python's concurrency doesn't rival Go's.", "Python", "concurrency", "supported"),
    ("Go is not on par with Python on ecosystem.", "Go", "ecosystem", "supported"),
    ("Node.js cannot match the raw speed of Rust.", "Node.js", "speed", "supported"),
    ("Go handles concurrency just as well as Python.", "Go", "concurrency", "contradicted"),
    ("Rust performs better than Python.", "Rust", "speed", "supported"),
    ("Python is light-years behind Go in performance.", "Python", "speed", "supported"),
    ("Go is twice as fast as Python.", "Go", "speed", "supported"),
    ("Python is half as fast as Go.", "Python", "speed", "supported"),
    ("Python is 3x as fast as Rust.", "Python", "speed", "contradicted"),
    ("Node and Python are roughly equal on ecosystem.", "Node.js", "ecosystem", "contradicted"),
    ("Rust and Node.js are neck and neck on concurrency.", "Rust", "concurrency", "supported"),
    # superlatives without "-est": "nobody beats X", "unbeatable", "second to none"
    ("Rust is unbeatable on speed.", "Rust", "speed", "supported"),
    ("Python's ecosystem is second to none.", "Python", "ecosystem", "contradicted"),
    ("For concurrency, Go is in a league of its own.", "Go", "concurrency", "supported"),
    ("Nothing beats Python for ease of learning.", "Python", "learning_curve", "supported"),
    ("None of the others beat Python on speed.", "Python", "speed", "contradicted"),
    ("No other language matches Go's concurrency.", "Go", "concurrency", "supported"),
    # one side: "compared to", "languages like", the language the text was last about, else the half of the scale
    ("Python's interpreter leads to slower code compared to Rust.", "Python", "speed", "supported"),
    ("Teams move to easier languages such as Python.", "Python", "learning_curve", "supported"),
    ("Python is fast. Go is faster.", "Go", "speed", "supported"),
    ("Rust is faster. ", "Rust", "speed", "supported"),
    ("Node.js is easier.", "Node.js", "learning_curve", "supported"),
    ("Go is slower.", "Go", "speed", "contradicted"),
    # idioms and everyday words read as the table's plain word
    ("Python is child's play to pick up.", "Python", "learning_curve", "supported"),
    ("Rust is a piece of cake to learn.", "Rust", "learning_curve", "contradicted"),
    ("Rust is speedy.", "Rust", "speed", "supported"),
    ("Python is snappy.", "Python", "speed", "contradicted"),
    ("Go is not sluggish.", "Go", "speed", "supported"),
    # the middle of a scale; the middle or below
    ("Go's speed is nothing special.", "Go", "speed", "contradicted"),
    ("Python's ecosystem is middling.", "Python", "ecosystem", "supported"),
    ("Node.js has a so-so ecosystem.", "Node.js", "ecosystem", "contradicted"),
    ("Python's speed is mediocre.", "Python", "speed", "supported"),
    ("Go's concurrency is not mediocre.", "Go", "concurrency", "supported"),
    # "the least" / "the most" + a word of the scale
    ("Rust has the least gentle learning curve.", "Rust", "learning_curve", "supported"),
    ("Go has the least steep learning curve.", "Go", "learning_curve", "contradicted"),
    ("Node.js has the most mature ecosystem.", "Node.js", "ecosystem", "supported"),
    # loose predicates and the subject carried
    ("Teams pick Rust, which is safe and speedy.", "Rust", "speed", "supported"),
    ("Python, though slow, is easy to learn.", "Python", "speed", "supported"),
    ("Go is simple and not fast.", "Go", "speed", "contradicted"),
    ("We looked at Python and Go. Go is fast. It is also easy to learn.", "Go", "learning_curve", "contradicted"),
    ("Python is slower than Go. However, it is very easy to learn.", "Python", "learning_curve", "supported"),
    ("Node.js copes with many simultaneous connections gracefully.", "Node.js", "concurrency", "supported"),
    ("Python deals with parallel workloads poorly.", "Python", "concurrency", "supported"),
]


@pytest.mark.parametrize("text,language,criterion,verdict", CASES)
def test_the_readers_by_design(text, language, criterion, verdict, table):
    assert got(text, table, language, criterion) == [verdict], rules.check(text, table)


def test_a_list_joined_by_as_well_as_is_not_an_equality(table):
    checks = rules.check("Go, as well as Rust, is fast.", table)
    assert not [c for c in checks if c.kind == "comparison"]
    assert {c.language for c in checks if c.verdict == "supported"} == {"Go", "Rust"}


def test_an_idiom_is_quoted_whole(table):
    (c,) = [c for c in rules.check("Python is child's play to pick up.", table) if c.kind == "level"]
    assert "child's play" in c.claim


def test_a_short_comparison_left_unread_is_listed(table):
    checks = rules.check("Go beats Rust.", table)  # no criterion: not judged, but not silent either
    assert [c.kind for c in checks] == ["unchecked"]


def test_an_attribute_is_not_a_predicate_of_the_language(table):
    assert got("Node.js: slower development due to strict compiler checks.", table, "Node.js", "speed") == []
    assert got("Development in Rust is slower because of strict compiler checks.", table, "Rust", "speed") == []


def _verb_claims(table):
    """(text, language, true?) for every verb class, pair and criterion, with the criterion named after the object."""
    w = words()
    forms = {"better": ["{a} beats {b} on {n}.", "{a} edges out {b} in {n}.", "{a} dwarfs {b} in {n}."],
             "worse": ["{a} trails {b} in {n}.", "{a} falls behind {b} on {n}.", "{a} is outperformed by {b} on {n}."],
             "equal": ["{a} is on par with {b} on {n}.", "{a}'s {n} rivals {b}'s.", "{a}'s {n} is as good as {b}'s."],
             "best": ["Nothing beats {a} at {n}.", "No other language matches {a}'s {n}."]}
    for forms_of in forms.values():
        for f in forms_of:
            verb = next(m.group(0) for m in [w.verb_rx.search(f.format(a="x", b="y", n="z").lower())] if m)
            assert key(verb) in w.verb_class, verb
    out = []
    names = list(table.languages)
    for cid, crit in table.criteria.items():
        n = crit.nouns[0] if crit.nouns else crit.label.lower()
        ranks = {x: table.rank(x, cid) for x in names}
        top = max(ranks.values())
        for a in names:
            for f in forms["best"]:
                out.append((f.format(a=a, n=n), a, ranks[a] == top))
            for b in names:
                if a == b:
                    continue
                truth = {"better": ranks[a] > ranks[b], "worse": ranks[a] < ranks[b], "equal": ranks[a] == ranks[b]}
                for cls in ("better", "worse", "equal"):
                    out += [(f.format(a=a, b=b, n=n), a, truth[cls]) for f in forms[cls]]
    return out


def test_every_verb_class_is_judged_both_ways(table):
    claims = _verb_claims(table)
    assert len(claims) >= 300
    wrong = [(t, got(t, table, lang)) for t, lang, truth in claims if got(t, table, lang) != ["supported" if truth else "contradicted"]]
    assert not wrong, f"{len(wrong)} of {len(claims)}: {wrong[:8]}"


# ------------------------------------------------------------------------------------------- design cases, round 2
# Written for the readers' designs (trade verbs, "both" / "the others", verbs with the object inside, a language's own
# skill word, a question's subject carried, a line answered in negative words of its own, a property the table does
# not rate judged by the language's own line, verbs that name a criterion), not from the eval files. Run with the
# local embedder, as the advisor runs check().

@pytest.fixture(scope="module")
def meaning(local_embeddings):
    from stackadvisor.embeddings import embed_array
    from stackadvisor.rules.meaning import Meaning

    return Meaning(lambda texts: embed_array(local_embeddings, list(texts)), {"none": ["nothing"]})


def judged(text, table, meaning, language=None, criterion=None):
    return sorted({c.verdict for c in rules.check(text, table, meaning=meaning)
                   if c.kind != "unchecked" and (language is None or c.language == language)
                   and (criterion is None or c.criterion == criterion)})


DESIGN = [
    # levels after a trade verb: "for <level> <criterion>" is what the language gets, not a use
    ("Rust gives up an easy learning curve in return for extremely high speed.", "Rust", "speed", "supported"),
    ("Go sacrifices some expressiveness for very high concurrency.", "Go", "concurrency", "supported"),
    ("Python trades raw speed for a very easy learning curve.", "Python", "learning_curve", "supported"),
    ("Python sacrifices speed for very high concurrency.", "Python", "concurrency", "contradicted"),
    # the other side without a name: the languages named before, every other one, or unknown
    ("Node.js and Python are easy to pick up. Rust trails both on learning curve.", "Rust", "learning_curve", "supported"),
    ("Python lags behind both on concurrency.", "Python", "concurrency", "unsupported"),
    ("Rust beats every other language on speed.", "Rust", "speed", "supported"),
    ("Python is easier to learn than the others.", "Python", "learning_curve", "supported"),
    ("Python is slower than all the others.", "Python", "speed", "supported"),
    # verbs with the object inside them
    ("Go leaves Python in the dust on raw speed.", "Go", "speed", "supported"),
    ("Node.js blows Rust out of the water when it comes to ecosystem.", "Node.js", "ecosystem", "supported"),
    ("Rust puts Go to shame on ecosystem.", "Rust", "ecosystem", "contradicted"),
    ("Python leaves Rust far behind in speed.", "Python", "speed", "contradicted"),
    # a language's own skill word is the language
    ("Python is slower than JavaScript but far easier to learn.", "Python", "speed", "supported"),
    ("JavaScript has a massive npm ecosystem.", "Node.js", "ecosystem", "supported"),
    ("Rust is faster than JavaScript.", "Rust", "speed", "supported"),
    ("JavaScript is harder to learn than Rust.", "Node.js", "learning_curve", "contradicted"),
    # a question naming one language carries it into the answer
    ("Why Python? The library selection is enormous.", "Python", "ecosystem", "contradicted"),
    ("Why Go? It handles huge numbers of parallel requests effortlessly.", "Go", "concurrency", "supported"),
    ("Why Node.js? One language across the browser and the server.", "Node.js", None, "supported"),
    # a property the table does not rate: unsupported, unless the language's own line speaks of it
    ("Rust offers faster development than most languages.", "Rust", None, "contradicted"),
    ("Rust's strict compiler slows development down.", "Rust", None, "supported"),
    ("Go has quick compile times.", "Go", None, "unsupported"),
    ("Node.js starts up faster than Go.", "Node.js", None, "unsupported"),
    ("Python's developer productivity is excellent.", "Python", None, "unsupported"),
    # superlatives and hedges
    ("Go is arguably the best at concurrency.", "Go", "concurrency", "supported"),
    ("Python is probably the slowest of the four.", "Python", "speed", "supported"),
    ("Node.js's ecosystem is unmatched.", "Node.js", "ecosystem", "supported"),
    # pros and cons, in words of their own, negated or not
    ("Rust is not easy to learn.", "Rust", "learning_curve", "supported"),
    ("Go isn't a great fit for generics-heavy code.", "Go", None, "supported"),
    ("Node.js chokes on CPU-heavy number crunching.", "Node.js", None, "supported"),
    ("Node.js performs poorly on CPU-bound tasks.", "Node.js", None, "supported"),
    ("A task that hogs the CPU freezes every other request in Node.js.", "Node.js", None, "supported"),
    ("Go performs poorly for microservices.", "Go", None, "contradicted"),
    ("Rust needs a garbage collector.", "Rust", None, "contradicted"),
    # verbs that name a criterion themselves
    ("Go and Node.js both scale well.", "Node.js", "concurrency", "supported"),
    ("Python doesn't scale well under load.", "Python", "concurrency", "supported"),
    ("Python scales beautifully.", "Python", "concurrency", "contradicted"),
    ("Rust performs superbly.", "Rust", "speed", "supported"),
    # levels said in other words
    ("Go's ecosystem is still young.", "Go", "ecosystem", "supported"),
    ("Rust's learning curve is gentle.", "Rust", "learning_curve", "contradicted"),
    # languages outside the table
    ("Elixir handles concurrency beautifully.", "Elixir", None, "unsupported"),
    ("Kotlin is faster than Python.", "Kotlin", None, "unsupported"),
    # answers of several sentences, as an LLM writes them
    ("Here is my take. Go is a strong choice for microservices. It is also very fast, though Rust is faster still. "
     "Python, meanwhile, is the slowest of the four but the easiest to learn.", None, None, "supported"),
    ("Overall, Node.js offers moderate speed and high concurrency. Its ecosystem is huge. However, it is not ideal "
     "for CPU-bound work.", None, None, "supported"),
    ("On balance, Rust is the fastest of the four. This comes at a price: it is hard to learn.", "Rust", None, "supported"),
    ("Go is a solid pick. It has a huge ecosystem and very high concurrency.", "Go", "ecosystem", "contradicted"),
]


@pytest.mark.parametrize("text,language,criterion,verdict", DESIGN)
def test_design_cases(text, language, criterion, verdict, table, meaning):
    assert judged(text, table, meaning, language, criterion) == [verdict], rules.check(text, table, meaning=meaning)


def test_a_use_is_not_a_rating(table, meaning):
    assert judged("Node.js is good for high concurrency workloads.", table, meaning, "Node.js", "concurrency") == []


def test_a_skill_word_alone_is_not_a_statement_about_the_language(table, meaning):
    assert rules.check("Our team knows JavaScript and React.", table, meaning=meaning) == []


def test_both_with_two_named_before_compares_with_each(table, meaning):
    checks = rules.check("Node.js and Python are easy to pick up. Rust trails both on learning curve.", table, meaning=meaning)
    assert {c.other for c in checks if c.kind == "comparison" and c.language == "Rust"} == {"Node.js", "Python"}


def test_compiles_to_is_not_compile_time(table, meaning):
    assert not [c for c in rules.check("Why Rust? It compiles to blazing fast native code.", table, meaning=meaning) if c.kind == "outside"]


# ------------------------------------------------------------------------------------------- design cases, round 3
# Written for the readers' designs (the stretch an unrated property takes, pronouns and definite criteria carried,
# lists of predicates after one cue, ties, denying frames and retractions, a superlative idiom, "in every aspect"),
# not from the eval files.

UNRATED_MORE = [
    "Rust is far more dependable than Node.js in production.",  # reliability is not rated
    "Teams ship products faster with Node.js than with Rust.",  # shipping speed is development speed, not Speed
    "Go makes cross-compiling for ARM boards trivial.",  # cross-compilation is not the Speed column
    "Node.js is handy for APIs, prototypes, and a quick startup.",  # an unrated element of a list
]


@pytest.mark.parametrize("text", UNRATED_MORE)
def test_an_unrated_property_is_never_judged_by_the_nearest_column(text, table, meaning):
    hits = [c for c in rules.check(text, table, meaning=meaning) if c.kind != "unchecked"]
    assert any(c.kind == "outside" for c in hits), hits
    assert not [c for c in hits if c.verdict == "supported" and c.criterion is not None], hits


def test_an_unrated_property_takes_only_its_stretch_of_the_clause(table, meaning):
    text = "Rust checks lifetimes at compile time at the price of a harder learning curve."
    checks = rules.check(text, table, meaning=meaning)
    assert {(c.kind, c.verdict) for c in checks if c.criterion is None} == {("outside", "unsupported")}
    assert judged(text, table, meaning, "Rust", "learning_curve") == ["supported"]



CARRIED = [
    # "its <criterion>" after "and" is a new predicate of the subject the sentence was about, not of the object before it
    ("Rust would be my call. It is quicker than Go and its learning curve is the steepest of all.", "Rust", "learning_curve", "supported"),
    # a pronoun after a short label ("The one downside: its ...") stands for the language the text was last about
    ("Python wins here. The one downside: its concurrency is weaker than Node's.", "Python", "concurrency", "supported"),
    # a criterion with no owner named, right before its verb, is the topic language's
    ("Node.js has flaws. Callbacks get messy. The ecosystem is larger than Go's, though.", "Node.js", "ecosystem", "supported"),
]


@pytest.mark.parametrize("text,language,criterion,verdict", CARRIED)
def test_a_pronoun_or_an_ownerless_criterion_is_the_topic_language(text, language, criterion, verdict, table, meaning):
    assert judged(text, table, meaning, language, criterion) == [verdict], rules.check(text, table, meaning=meaning)


def test_a_criterion_with_its_owner_named_is_not_carried(table, meaning):
    checks = rules.check("We tried Go last year. The learning curve of Rust is steep.", table, meaning=meaning)
    assert not [c for c in checks if c.language == "Go" and c.criterion == "learning_curve"], checks


LISTED = [
    # a criterion that is one element of the list after a cue is rated, each element on its own
    ("Rust is known for its strict compiler, fearless concurrency and raw speed.", "Rust", "speed", "supported"),
    ("Rust is known for its strict compiler, fearless concurrency and raw speed.", "Rust", "concurrency", "supported"),
    ("Python is known for its readable syntax and blazing-fast performance.", "Python", "speed", "contradicted"),
    # an element's own bad words turn it round; "best known" is no superlative
    ("Python is known for its sluggish performance.", "Python", "speed", "supported"),
    ("Go is best known for its tooling and its speed.", "Go", "speed", "supported"),
    # elements another reader took, or that an unrated property's stretch covers, leave the others to the list
    ("Python is known for its readability, huge ecosystem and slow speed.", "Python", "speed", "supported"),
    ("Python is known for its readability, huge ecosystem and slow speed.", "Python", "learning_curve", "supported"),
    ("Python is known for its readability, huge ecosystem and slow speed.", "Python", "ecosystem", "contradicted"),
    ("Rust is known for its slow compile times, steep learning curve and speed.", "Rust", "speed", "supported"),
]


@pytest.mark.parametrize("text,language,criterion,verdict", LISTED)
def test_each_element_of_a_list_after_a_cue_is_rated(text, language, criterion, verdict, table, meaning):
    assert judged(text, table, meaning, language, criterion) == [verdict], rules.check(text, table, meaning=meaning)


TIES = [
    # two languages said alike on a criterion, in words of size ("roughly the same"), with the criterion in the plural
    ("Node.js and Python have package ecosystems of roughly the same size.", "Node.js", "ecosystem", "contradicted"),
    ("Go and Rust have learning curves that are much the same.", "Go", "learning_curve", "contradicted"),
    ("Go and Rust have ecosystems that are more or less the same.", "Go", "ecosystem", "supported"),
    ("Python and Node.js have communities of about the same size.", "Python", "ecosystem", "contradicted"),
    # a line opened by a criterion's name, then each language with a level after a dash: every clause of it
    ("Concurrency: Rust - High; Python - Low; Node.js - Very High", "Python", "concurrency", "supported"),
    ("Concurrency: Rust - High; Python - Low; Node.js - Very High", "Node.js", "concurrency", "contradicted"),
]


@pytest.mark.parametrize("text,language,criterion,verdict", TIES)
def test_ties_and_labelled_lines(text, language, criterion, verdict, table, meaning):
    assert judged(text, table, meaning, language, criterion) == [verdict], rules.check(text, table, meaning=meaning)


FRAMES = [
    # a frame before the statement that denies it, and a retraction after it, turn the claims inside round
    ("It would be a stretch to say Rust is easy to learn.", "Rust", "learning_curve", "supported"),
    ("I wouldn't call Node.js's ecosystem small.", "Node.js", "ecosystem", "supported"),
    ("I assumed Python would scale well, but it turned out it doesn't.", "Python", "concurrency", "supported"),
    ("We expected Go to be slow, but in practice it's not.", "Go", "speed", "supported"),
]


@pytest.mark.parametrize("text,language,criterion,verdict", FRAMES)
def test_denying_frames_and_retractions_turn_the_claim_round(text, language, criterion, verdict, table, meaning):
    assert judged(text, table, meaning, language, criterion) == [verdict], rules.check(text, table, meaning=meaning)


def test_a_denial_of_something_else_is_no_retraction(table, meaning):
    assert judged("Rust is fast, but that's not the case for Python.", table, meaning, "Rust", "speed") == ["supported"]


IDIOMS = [
    # a superlative idiom takes the criterion named before it
    ("Go has plenty of speed, but Rust is head and shoulders above the others.", "Rust", "speed", "supported"),
    ("Python has a big ecosystem, yet Node.js stands a cut above.", "Node.js", "ecosystem", "supported"),
    ("When it comes to concurrency, Python is the undisputed champion.", "Python", "concurrency", "contradicted"),
    # a comparison on every criterion at once is one claim, true only if it holds on every column
    ("Go beats Python across the board.", "Go", None, "contradicted"),
    ("Node.js: beaten by Go on every front.", "Node.js", None, "contradicted"),
    ("Node.js beats Python in every respect except the learning curve.", "Node.js", None, "supported"),  # true on the rest
    ("Node.js beats Python in every respect except the learning curve.", "Node.js", "learning_curve", None),  # not judged
    # "the learning curve is real" is a steep one
    ("Rust pays off in the end. The learning curve is brutal, though.", "Rust", "learning_curve", "supported"),
]


@pytest.mark.parametrize("text,language,criterion,verdict", IDIOMS)
def test_idioms_of_rank_and_of_every_criterion(text, language, criterion, verdict, table, meaning):
    assert judged(text, table, meaning, language, criterion) == ([verdict] if verdict else []), rules.check(text, table, meaning=meaning)



GRADED = [
    # a use case or constraint after a possession verb and words of how good: the language said good or bad at it
    ("Go offers robust, complete generics these days.", "Go", "contradicted"),
    ("Go provides rudimentary generics.", "Go", "supported"),
    ("Python has solid multithreading.", "Python", "contradicted"),
    ("Rust brings first-class memory safety.", "Rust", "supported"),
    ("Go doesn't have robust generics.", "Go", "supported"),
]


@pytest.mark.parametrize("text,language,verdict", GRADED)
def test_a_topic_graded_after_a_possession_verb(text, language, verdict, table, meaning):
    assert judged(text, table, meaning, language) == [verdict], rules.check(text, table, meaning=meaning)


USES = [
    # "<language> for / when <use>" in a list of picks is a best-for claim; its level words name the use, not a rating
    ("Node.js for live chat, Rust when low latency matters, Python for the rest.", "Rust", "supported"),
    ("Go if you run microservices, Python when you need high performance.", "Python", "unsupported"),
    # a verdict after the use: good or bad at it
    ("Python is lovely, but multithreading is a headache.", "Python", "supported"),
    ("Node.js is quick to start with and CPU-intensive jobs are not an issue.", "Node.js", "contradicted"),
    ("With Rust, concurrency is no problem at all.", "Rust", "supported"),
    # a dominance verb before the use
    ("These days Go owns the cloud-native space.", "Go", "supported"),
    ("Node.js dominates the systems programming niche.", "Node.js", "unsupported"),
]


@pytest.mark.parametrize("text,language,verdict", USES)
def test_uses_said_as_picks_verdicts_and_dominance(text, language, verdict, table, meaning):
    assert judged(text, table, meaning, language) == [verdict], rules.check(text, table, meaning=meaning)


LACKING = [
    # "lacking" with nothing after it is said of the criterion the clause named before it
    ("Python's concurrency story is lacking.", "Python", "concurrency", "supported"),
    ("We moved to Go for better throughput, which Python was missing.", "Python", "speed", "supported"),
    ("Node.js's package ecosystem is lacking.", "Node.js", "ecosystem", "contradicted"),
]


@pytest.mark.parametrize("text,language,criterion,verdict", LACKING)
def test_lacking_at_the_end_is_said_of_the_criterion_before_it(text, language, criterion, verdict, table, meaning):
    assert judged(text, table, meaning, language, criterion) == [verdict], rules.check(text, table, meaning=meaning)


def test_the_main_clause_after_an_opening_phrase_is_read_by_meaning(table, meaning):
    text = "When most of the work is waiting on the network, Node.js's non-blocking I/O shines."
    assert judged(text, table, meaning, "Node.js") == ["supported"], rules.check(text, table, meaning=meaning)
    other = "When most of the work is waiting on the network, Python's event loop is very efficient."
    assert "supported" not in judged(other, table, meaning, "Python"), rules.check(other, table, meaning=meaning)


def test_a_claim_with_a_carried_subject_is_quoted_from_its_own_words(table, meaning):
    checks = rules.check("Rust is my pick. It's safer than Go, and its speed is the highest of all.", table, meaning=meaning)
    assert any(c.claim.startswith("its speed") for c in checks if c.criterion == "speed"), checks


def test_an_adjective_after_and_that_qualifies_a_noun_is_no_predicate(table, meaning):
    checks = rules.check("Python is handy for scripts and fast experiments.", table, meaning=meaning)
    assert not [c for c in checks if c.criterion == "speed"], checks

"""The claim checker (rules/check.py, rules/claims/): issue 12.

Tables of (text, expected verdict). The paraphrase family runs on the real local MiniLM model (no fake embedder),
as the advisor runs it; `lexical` rows run without an embedder, as check() does for callers that pass none.
The false-claim generator builds every wrong level, every reversed comparison, every wrong superlative, every
negated pro and con and every pro / con moved to another language from the table itself, in several wordings.
"""

from __future__ import annotations

import pytest

from stackadvisor import rules
from stackadvisor.rules.claims import FAMILIES
from stackadvisor.rules.meaning import Meaning


@pytest.fixture(scope="module")
def table(knowledge):
    return knowledge.table


@pytest.fixture(scope="module")
def meaning(local_embeddings):
    from stackadvisor.embeddings import embed_array

    return Meaning(lambda texts: embed_array(local_embeddings, list(texts)), {"none": ["nothing"]})


def verdicts(text, table, meaning=None, language=None):
    return sorted({c.verdict for c in rules.check(text, table, meaning=meaning)
                   if c.kind != "unchecked" and (language is None or c.language == language)})


# ------------------------------------------------------------------------------------------- the issue's table

ISSUE = [
    ("Rust is a breeze to learn", "Rust", "contradicted"),
    ("Go handles lots of simultaneous work really well", "Go", "supported"),
    ("Go does not have built-in concurrency", "Go", "contradicted"),
    ("Go is dynamically typed", "Go", "contradicted"),
    ("Python's multithreading is limited by the GIL", "Python", "supported"),
    ("Go compiles faster than Rust", "Go", "unsupported"),
    ("Go's concurrency is lower than Python's", "Go", "contradicted"),
]


@pytest.mark.parametrize("text,language,verdict", ISSUE)
def test_the_issues_examples(text, language, verdict, table, meaning):
    assert verdicts(text, table, meaning, language) == [verdict]


# ------------------------------------------------------------------------------------------- negation and hedges

NEGATION = [
    ("Rust is not slow.", "supported"),
    ("Python is not fast.", "supported"),
    ("Rust is anything but easy to learn.", "supported"),
    ("Python is anything but slow.", "contradicted"),
    ("Go is far from slow.", "supported"),
    ("Go is by no means hard to learn.", "supported"),
    ("Node.js isn't ideal for CPU-bound tasks.", "supported"),
    ("Rust does not rely on a garbage collector.", "supported"),
    ("Go is not faster than Python.", "contradicted"),
    ("Python is fairly easy to learn.", "supported"),
    ("Rust is arguably the fastest.", "supported"),
    ("Go is probably faster than Python.", "supported"),
    ("Python is arguably faster than Go.", "contradicted"),
    ("Node.js is somewhat slower than Go.", "supported"),
]


@pytest.mark.parametrize("text,verdict", NEGATION)
def test_negation_flips_and_hedges_keep(text, verdict, table, meaning):
    assert verdicts(text, table, meaning) == [verdict]


# ------------------------------------------------------------------------------------------- the right column

UNRATED = [
    "Go compiles faster than Rust.",
    "Rust has slow compile times.",
    "Node.js starts up faster than Go.",
    "Python has the quickest start-up time.",
    "Go builds faster than Rust: its build times are short.",
    "Python lets you develop faster than Go.",
    "Rust uses less memory than Node.js.",
    "Python is more popular than Rust.",
    "Go developers get a higher salary than Python developers.",
    "Go is easier to deploy than Python.",  # ease of learning is the Learning Curve column; ease of deploying is not rated
    "Rust is harder to maintain than Go.",
    "Go binaries boot up faster than Node.js apps.",  # start-up time, in the verb's plain form after a plural subject
    "Python scripts start faster than Rust programs.",
]


def test_an_unrated_property_after_a_comma_is_not_said_of_the_language_before_it(table):
    text = "While Python is slower than JavaScript, the ability to maintain complex projects matters more."
    assert [(c.language, c.kind, c.verdict) for c in rules.check(text, table)] == [("Python", "comparison", "supported")]


@pytest.mark.parametrize("text", UNRATED)
def test_what_the_table_does_not_rate_is_unsupported_never_the_nearest_column(text, table, meaning):
    for m in (None, meaning):
        got = [c for c in rules.check(text, table, meaning=m) if c.kind != "unchecked"]
        assert got and {c.verdict for c in got} == {"unsupported"}, got
        assert all(c.criterion is None for c in got)


@pytest.mark.parametrize("text,verdict", [
    ("Go is faster to learn than Rust.", "supported"),  # learning speed: the Learning Curve column
    ("Rust has slower development due to strict compiler checks.", "supported"),  # the article's con, not unrated
    ("Python runs slower than Go.", "supported"),  # runtime speed: the Speed column
])
def test_learning_speed_and_runtime_speed_have_their_columns(text, verdict, table, meaning):
    assert verdicts(text, table, meaning) == [verdict]


@pytest.mark.parametrize("text,language,verdict", [
    ("Node's ecosystem is roughly the same size as Python's.", "Node.js", "contradicted"),  # same_as: Huge vs Mature
    ("Rust's ecosystem is on par with Go's.", "Rust", "supported"),  # Growing = Growing
    ("Python's concurrency is not the same as Go's.", "Python", "supported"),  # a negated equality
    ("Rust is a remarkably slow language for number crunching.", "Rust", "contradicted"),  # an -ly adverb after the article
    ("Python is a painfully slow language.", "Python", "supported"),
    ("Go is poor for scalability.", "Go", "contradicted"),  # scalability: a noun of Concurrency
    ("Node.js offers a wide range of well-maintained packages.", "Node.js", "supported"),  # an amount said with a size word
    ("Rust has only a small set of well-tested libraries.", "Rust", "supported"),
    ("Python is easy to pick up, so our juniors will manage.", "Python", "supported"),  # a consequence after ", so" is its own clause
])
def test_general_wordings_of_levels_amounts_and_equality(text, language, verdict, table):
    assert verdicts(text, table, language=language) == [verdict]


# ------------------------------------------------------------------------------------------- honest counts

def test_one_check_per_claim(table):
    text = "Node.js is the best fit for real-time applications. Node.js is best for real-time applications."
    got = [c for c in rules.check(text, table) if c.kind != "unchecked"]
    assert len(got) == 1 and got[0].verdict == "supported"


def test_the_recommendation_is_counted_apart(table):
    needs = rules.extract_needs("real-time chat app, the team knows JavaScript", table)
    ranking = rules.score(needs, table)
    checks = rules.check("Node.js is ideal for real-time applications.", table)
    checks.append(rules.check_recommendation(ranking.recommendation, needs, ranking, table))
    t = rules.check_tally(checks)
    assert t["checked"] == 1 and t["picks"] == 1
    assert rules.check_summary(checks) == "1 checked (1 supported); pick consistent with the ranking"


@pytest.mark.parametrize("text,summary", [
    ("Which matters more to you, speed or ease of learning?", "No factual claims to check"),
    ("", "No factual claims to check"),
    ("Go is fast. Rust is slow.", "2 checked (1 supported, 1 contradicted)"),
    ("Go was created at Google in 2009.", "No factual claims to check, 1 not checkable"),
])
def test_summary_says_what_was_and_was_not_checked(text, summary, table):
    assert rules.check_summary(rules.check(text, table)) == summary


@pytest.mark.parametrize("text,unchecked", [
    ("Go was created at Google in 2009.", 1),
    ("Go is fast. Rust has a cute crab mascot called Ferris.", 1),
    ("Go is fast.", 0),
    ("I recommend Go for your team.", 0),  # the pick, not a fact claim
    ("Is Rust hard to learn?", 0),  # a question claims nothing
    ("## Go vs Rust", 0),  # a heading
])
def test_every_statement_about_a_language_is_checked_or_listed(text, unchecked, table):
    got = [c for c in rules.check(text, table) if c.kind == "unchecked"]
    assert len(got) == unchecked, got
    assert all(c.verdict == "unsupported" and c.evidence.startswith("Not checked") for c in got)


def test_families_are_one_ordered_list():
    names = [f.name for f in FAMILIES]
    assert names[0] == "outside-table"
    assert {"comparison", "superlative", "level", "pro/con", "best-for", "framework"} <= set(names)


def test_lexical_only_still_works_without_an_embedder(table):
    assert verdicts("Python is faster than Go.", table) == ["contradicted"]
    assert verdicts("Rust has the steepest learning curve.", table) == ["supported"]


@pytest.mark.parametrize("n", [1000, 2000, 4000, 8000])
def test_long_inputs_of_repeated_names_and_whitespace_are_read(n, table):
    for unit in ("Go ", "C#\n", " \u00a0\u2003\u3000", "# Go\n", "Go is fast. "):
        text = (unit * (n // len(unit) + 1))[:n]
        rules.check(text, table)  # linear time: bench/check.py measures it; no timing assert here


# ------------------------------------------------------------------------------------------- generated claims


def _verb(phrase: str, crit) -> str:  # noqa: ANN001
    last = phrase.split()[-1]
    if last in ("ecosystem", "curve"):
        return f"has a {phrase}"
    if last in crit.nouns or last in ("libraries", "packages"):
        return f"has {phrase}"
    return f"is {phrase}"


def generated(table) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:  # noqa: ANN001
    """(false claims, true claims), each as (text, language) from the table and the article's lines."""
    false, true = [], []
    names = list(table.languages)
    for cid, crit in table.criteria.items():
        label = crit.label.lower()
        ranks = {n: table.rank(n, cid) for n in names}
        for n in names:
            cell = table.languages[n].cells[cid]
            for level in crit.scale:
                for form in (f"{n}'s {label} is {level}.", f"{n} has {level} {label}.", f"The {label} of {n} is {level}."):
                    (true if level == crit.scale[ranks[n]] or level == cell else false).append((form, n))
        for a in names:
            for b in names:
                if a == b:
                    continue
                for p in crit.better[:3]:
                    (true if ranks[a] > ranks[b] else false).append((f"{a} {_verb(p, crit)} than {b}.", a))
                for p in crit.worse[:3]:
                    (true if ranks[a] < ranks[b] else false).append((f"{a} {_verb(p, crit)} than {b}.", a))
        top, bottom = max(ranks.values()), min(ranks.values())
        for n in names:
            for p in crit.best[:3]:
                (true if ranks[n] == top else false).append((f"{n} {_verb('the ' + p, crit).replace('a the', 'the')} of the four.", n))
            for p in crit.worst[:3]:
                (true if ranks[n] == bottom else false).append((f"{n} {_verb('the ' + p, crit).replace('a the', 'the')} of the four.", n))
    for n, lang in table.languages.items():
        for kind, items in (("pro", lang.pros), ("con", lang.cons)):
            for it in items:
                line = it.text.rstrip(".")
                true.append((f"{n}: {line}.", n))
                true.append((f"A {kind} of {n}: {line}.", n))
                false.append((f"{n} does not have {line[0].lower() + line[1:]}.", n))
                if kind == "pro":  # "lacks" a con is no natural claim ("Python lacks limited multithreading")
                    false.append((f"{n} lacks {line[0].lower() + line[1:]}.", n))
                false.append((f"{n}: not {line[0].lower() + line[1:]}.", n))
                for m in table.languages:
                    if m == n or _also_true(table, it, m, n):
                        continue
                    false.append((f"{m}: {line}.", m))
                    false.append((f"A {kind} of {m}: {line}.", m))
    return false, true


def _also_true(table, it, m: str, n: str) -> bool:  # noqa: ANN001
    """A line moved to another language is not false when the table rates that language as well on its criterion,
    or the other language has a line of the same topic ("Growing ecosystem" is true of Go too)."""
    if it.criterion and table.rank(m, it.criterion) is not None:
        rn, rm = table.rank(n, it.criterion), table.rank(m, it.criterion)
        if (rm >= rn) if it in table.languages[n].pros else (rm <= rn):
            return True
    other = table.languages[m]
    return any(o.text == it.text or (it.use_case and o.use_case == it.use_case) or (it.constraint and o.constraint == it.constraint)
               for o in (*other.pros, *other.cons, *other.best_for))


def test_the_generator_makes_enough_claims(table):
    false, true = generated(table)
    assert len(false) >= 500 and len(true) >= 150, (len(false), len(true))


def _supported(text, lang, table, meaning, frameworks=False):
    """The supported checks for `lang`. A framework named in the line ("Extensive libraries (Django, Flask, FastAPI)")
    is a claim of its own (Django is Python's), true whatever the sentence says of the line: left out of the false ones."""
    return [c for c in rules.check(text, table, meaning=meaning)
            if c.verdict == "supported" and c.language == lang and (frameworks or c.kind != "framework")]


@pytest.mark.parametrize("by_meaning", [False, True])
def test_no_false_claim_is_supported(by_meaning, table, meaning):
    false, _ = generated(table)
    bad = [(text, [c.evidence for c in got]) for text, lang in false if (got := _supported(text, lang, table, meaning if by_meaning else None))]
    assert not bad, f"{len(bad)} of {len(false)} false claims supported: {bad[:10]}"


@pytest.mark.parametrize("by_meaning", [False, True])
def test_every_true_counterpart_is_supported(by_meaning, table, meaning):
    _, true = generated(table)
    bad = [text for text, lang in true if not _supported(text, lang, table, meaning if by_meaning else None, frameworks=True)]
    assert not bad, f"{len(bad)} of {len(true)} true claims not supported: {bad[:15]}"


# ------------------------------------------------------------------ degree words and comparisons with modifiers

@pytest.mark.parametrize(("text", "language", "verdict"), [
    ("Go is extremely fast.", "Go", "contradicted"),  # Extremely High is Rust's, Go's is Very High
    ("Rust is extremely fast.", "Rust", "supported"),
    ("Node.js is moderately fast.", "Node.js", "supported"),  # Moderate
    ("Go is moderately fast.", "Go", "contradicted"),
    ("Python is extremely slow.", "Python", "supported"),
    ("Go is fairly fast.", "Go", "supported"),  # a hedge keeps the verdict; it names no level
    ("Go is incredibly easy to learn.", "Go", "contradicted"),  # the top of the scale is Python's Very Easy
])
def test_a_degree_word_names_a_place_on_the_scale(table, text, language, verdict):
    assert verdicts(text, table, language=language) == [verdict]


@pytest.mark.parametrize(("text", "criterion", "verdict"), [
    ("Go has a smaller web ecosystem than Node.js.", "ecosystem", "supported"),
    ("Python has a bigger library ecosystem than Rust.", "ecosystem", "supported"),
    ("Go out performs Node.js when it comes to speed.", "speed", "supported"),
    ("Go out-performs Rust.", "speed", "contradicted"),
    ("Rust is steeper than Go.", "learning_curve", "supported"),
])
def test_comparisons_with_words_between_read_the_right_column(table, text, criterion, verdict):
    got = [c for c in rules.check(text, table) if c.kind == "comparison"]
    assert [(c.criterion, c.verdict) for c in got] == [(criterion, verdict)]


@pytest.mark.parametrize(("text", "language", "verdict"), [
    ("Python lacks true parallelism.", "Python", "supported"),  # Concurrency: Low
    ("Go lacks parallelism.", "Go", "contradicted"),  # Very High
    ("Python does not lack parallelism.", "Python", "contradicted"),
    ("Go has no real parallelism.", "Go", "contradicted"),
    ("Go has excellent generics support.", "Go", "contradicted"),  # con: Limited generic support
    ("Go has limited generic support.", "Go", "supported"),
    ("Python has excellent multithreading.", "Python", "contradicted"),  # con: Limited multithreading (GIL)
    ("Rust has fast development.", "Rust", "contradicted"),  # con: Slower development due to strict compiler checks
    ("Rust speeds up development thanks to its compiler.", "Rust", "contradicted"),  # the same con, said with a verb
    ("Rust slows down development.", "Rust", "supported"),
    ("Rust development is fast.", "Rust", "contradicted"),  # the pace of development, not the Speed column
])
def test_a_missing_criterion_and_a_turned_article_line(table, meaning, text, language, verdict):
    assert verdicts(text, table, meaning, language=language) == [verdict]


def test_the_examples_after_like_are_the_objects_of_a_comparison(table):
    got = [(c.language, c.other, c.verdict) for c in rules.check("Python is slower than compiled languages such as Go and Rust.", table)
           if c.kind == "comparison"]
    assert got == [("Python", "Go", "supported"), ("Python", "Rust", "supported")]


@pytest.mark.parametrize(("text", "language", "verdict"), [
    ("Go's ecosystem is still maturing.", "Go", "supported"),  # Growing
    ("Node.js's ecosystem is young.", "Node.js", "contradicted"),  # Huge
    ("Python is rarely used for APIs.", "Python", "contradicted"),  # best for: APIs
    ("Rust is rarely slow.", "Rust", "supported"),
])
def test_growing_words_and_rarely(table, text, language, verdict):
    assert verdicts(text, table, language=language) == [verdict]


@pytest.mark.parametrize("text,verdict", [
    ("It's not true that Rust is easy to learn.", "supported"),
    ("It's not true that Go is fast.", "contradicted"),
    ("You can't say Go isn't fast.", "supported"),
    ("It isn't the case that Rust is easy to learn.", "supported"),
    ("I don't think Python is fast.", "supported"),
    ("Nobody can seriously claim that Python is the most concurrent.", "supported"),
])
def test_a_frame_that_denies_the_statement_turns_its_verdict_round(text, verdict, table):
    checks = [c for c in rules.check(text, table) if c.kind != "unchecked"]
    assert [c.verdict for c in checks] == [verdict]
    assert checks[0].claim.lower().startswith(text.lower().split()[0])  # the claim quoted with its frame
    if verdict == "contradicted":
        assert checks[0].correction  # the table line the denial goes against


def test_a_denial_in_a_question_or_later_in_a_sentence_is_no_frame(table):
    assert [c.verdict for c in rules.check("Is it not true that Go is fast?", table)] != ["contradicted"]
    assert [c.verdict for c in rules.check("Go is fast. It's not true that Python is slow.", table)] == ["supported", "contradicted"]


@pytest.mark.parametrize("text,verdict", [
    ("Rust and Go are equally good at concurrency.", "contradicted"),  # High vs Very High
    ("Node.js and Rust are equally good at concurrency.", "supported"),  # both High
    ("Rust and Go are not equally good at concurrency.", "supported"),
    ("Concurrency is not Go's strong suit.", "contradicted"),
    ("Speed is Rust's forte.", "supported"),
    ("The ecosystem is Go's weak spot.", "supported"),  # Growing: the bottom of the scale
    ("The learning curve is Rust's biggest strength.", "contradicted"),
])
def test_equally_good_at_and_a_criterion_as_a_strength_or_weakness(text, verdict, table):
    assert verdicts(text, table) == [verdict]


@pytest.mark.parametrize("text,verdict", [
    ("Rust is a poor choice for high-performance backends.", "contradicted"),  # the article's best-for line, denied
    ("Rust is a great choice for high-performance backends.", "supported"),
    ("Node.js is a bad fit for real-time applications.", "contradicted"),
])
def test_a_bad_choice_for_a_best_for_line_denies_it(text, verdict, table):
    assert verdicts(text, table) == [verdict]


@pytest.mark.parametrize("text,verdict", [
    ("Python is easy to learn. Its speed, however, is moderate.", "contradicted"),  # Low, not Moderate
    ("Python's speed, however, is low.", "supported"),
    ("Rust's learning curve, of course, is gentle.", "contradicted"),
])
def test_an_aside_between_commas_joins_the_clause(text, verdict, table):
    assert [c.verdict for c in rules.check(text, table) if c.criterion in ("speed", "learning_curve")][-1] == verdict


def test_a_pronoun_refers_to_the_one_language_the_sentence_before_named_even_as_its_object(table):
    checks = rules.check("For your use case I'd pick Go. It offers very high concurrency.", table)
    assert [(c.language, c.criterion, c.verdict) for c in checks if c.kind == "level"] == [("Go", "concurrency", "supported")]


def _claims(text, table):
    return sorted((c.language, c.criterion, c.verdict) for c in rules.check(text, table) if c.kind != "unchecked")


def test_it_s_is_a_copula_after_a_pronoun(table):
    # "It's very fast": the contraction reads like "It is"; "Go's fast compile times" stays a possessive
    got = _claims("For your use case I'd pick Go. It's very fast and offers very high concurrency.", table)
    assert ("Go", "speed", "supported") in got and ("Go", "concurrency", "supported") in got
    assert _claims("Rust is great. It's hard to learn, though.", table) == [("Rust", "learning_curve", "supported")]


def test_a_sentence_opening_on_the_downside_is_about_the_language_before(table):
    assert ("Go", "learning_curve", "contradicted") in _claims("I'd pick Go. The downside is a steep learning curve.", table)


@pytest.mark.parametrize("text,expect", [
    ("Go is fairly approachable compared with Rust.", ("Go", "learning_curve", "supported")),
    ("Rust is hard compared to Python.", ("Rust", "learning_curve", "supported")),
    ("Node.js is slow next to Go.", ("Node.js", "speed", "supported")),
    ("Go is fast compared to Rust.", ("Go", "speed", "contradicted")),
    ("Python is not fast compared with Go.", ("Python", "speed", "supported")),
])
def test_a_plain_quality_against_another_language_is_a_comparison(table, text, expect):
    assert _claims(text, table) == [expect]


def test_equally_with_an_adjective_and_a_criterion_noun_is_an_equality(table):
    assert _claims("Go and Rust have equally large ecosystems.", table) == [("Go", "ecosystem", "supported")]
    assert _claims("Node.js and Python have equally strong concurrency.", table) == [("Node.js", "concurrency", "contradicted")]


@pytest.mark.parametrize("text,expect", [
    ("Go is blazingly fast.", ("Go", "speed", "supported")),  # the article's own word for Go's Very High
    ("Rust runs blazingly fast.", ("Rust", "speed", "supported")),
    ("Python is blazingly fast.", ("Python", "speed", "contradicted")),
    ("Go is extremely fast.", ("Go", "speed", "contradicted")),  # a true degree word still claims the top
])
def test_blazing_is_the_articles_fast_not_a_step_above_it(table, text, expect):
    assert _claims(text, table) == [expect]


@pytest.mark.parametrize("text,language,verdict", [
    ("Python's multithreading is unconstrained.", "Python", "contradicted"),  # un- turns round the con's "Limited"
    ("Go's generic support is uncapped.", "Go", "contradicted"),
    ("Python's concurrency is unrestricted.", "Python", "contradicted"),
    ("Python's multithreading is restricted.", "Python", "supported"),
    ("Python's syntax is unreadable.", "Python", "contradicted"),
])
def test_a_negative_prefix_turns_a_direction_word_round(text, language, verdict, table, meaning):
    assert verdicts(text, table, meaning, language) == [verdict]


@pytest.mark.parametrize("text,expect", [
    ("Node.js concurrency is merely moderate.", ("Node.js", "concurrency", "supported")),  # High: the middle of Low < High < Very High
    ("Python has moderate concurrency.", ("Python", "concurrency", "contradicted")),  # Low is the bottom, not the middle
    ("Rust's concurrency is just moderate.", ("Rust", "concurrency", "supported")),
    ("Go's ecosystem is only moderate.", ("Go", "ecosystem", "contradicted")),
    ("Node.js speed is moderate.", ("Node.js", "speed", "supported")),  # Speed has a Moderate level of its own: read exactly
    ("Go's speed is only moderate.", ("Go", "speed", "contradicted")),
    ("Go has a moderate learning curve.", ("Go", "learning_curve", "supported")),  # the Easy/Medium alias
])
def test_moderate_is_the_middle_of_a_scale_without_a_moderate_level(table, text, expect):
    assert _claims(text, table) == [expect]


@pytest.mark.parametrize("text,language,verdict", [
    ("Go does not offer a lot of generics.", "Go", "supported"),  # not much of it: the con's "Limited generic support"
    ("Python doesn't have a whole lot of multithreading.", "Python", "supported"),
    ("Go has tons of generics.", "Go", "contradicted"),
    ("Python has few threads worth the name.", "Python", "supported"),
    ("Node.js has a ton of libraries.", "Node.js", "supported"),
    ("Rust doesn't have a bunch of packages.", "Rust", "supported"),
])
def test_an_amount_after_a_possession_verb_grades_a_use_or_a_constraint(text, language, verdict, table):
    assert verdicts(text, table, None, language) == [verdict]


@pytest.mark.parametrize("text,expect", [
    ("Node.js has comparable speeds to Go.", ("Node.js", "speed", "contradicted")),  # a plural criterion noun in a tie
    ("Rust offers equal concurrencies to Node.js.", ("Rust", "concurrency", "supported")),
    ("Rust has similar performances to Go.", ("Rust", "speed", "contradicted")),
    ("Python doesn't have similar speeds to Rust.", ("Python", "speed", "supported")),
    ("Node.js has similar speed to Go.", ("Node.js", "speed", "contradicted")),
])
def test_a_tie_word_before_a_criterion_noun_rates_both_sides_the_same(table, text, expect):
    assert _claims(text, table) == [expect]


@pytest.mark.parametrize("text,expect", [
    ("Compared to Node.js, Go has fewer packages.", [("Go", "ecosystem", "supported")]),  # the other side said first
    ("Compared with Rust, Python is faster.", [("Python", "speed", "contradicted")]),
    ("In comparison to Rust, Go is easier.", [("Go", "learning_curve", "supported")]),
    ("Compared with Python and Node.js, Go has fewer libraries.", [("Go", "ecosystem", "supported")] * 2),
])
def test_a_comparison_whose_other_side_opens_the_sentence(table, text, expect):
    assert _claims(text, table) == expect


@pytest.mark.parametrize("text,language,verdict", [
    ("Python is the go-to data science language.", "Python", "supported"),  # a use said before a kind noun
    ("Go is the favoured cloud-native choice.", "Go", "supported"),
    ("Python is a great scripting language.", "Python", "supported"),
    ("Rust is the preferred language for blockchain.", "Rust", "supported"),  # "preferred" is a cue after it too
    ("Python is a popular systems programming language.", "Python", "unsupported"),  # not the article's best-for of Python
])
def test_a_use_before_a_kind_noun_after_a_cue_is_a_best_for_claim(text, language, verdict, table):
    assert verdicts(text, table, None, language) == [verdict]


@pytest.mark.parametrize("text,expect", [
    ("Python is, comparatively speaking, slower.", ("Python", "speed", "supported")),  # an aside between commas joins the clause
    ("Rust is, broadly speaking, harder to learn.", ("Rust", "learning_curve", "supported")),
    ("Node.js is, in practice, faster.", ("Node.js", "speed", "contradicted")),
    ("Rust is harder: its ownership rules take longer to grasp than most.", ("Rust", "learning_curve", "supported")),  # a colon ends a comparative's reach
])
def test_an_aside_between_commas_and_a_colon_after_a_comparative(table, text, expect):
    assert _claims(text, table) == [expect]


@pytest.mark.parametrize("text,language,verdict", [
    ("Python's multithreading is fairly cumbersome.", "Python", "supported"),  # a hedge before the verdict keeps it
    ("In Node.js, CPU-bound work is quite painful.", "Node.js", "supported"),
    ("Python's multithreading is really a nightmare.", "Python", "supported"),
    ("Go's concurrency is really no problem.", "Go", "supported"),
    ("Python's multithreading is not clumsy.", "Python", "contradicted"),
])
def test_a_verdict_after_a_use_past_a_hedge(text, language, verdict, table):
    assert verdicts(text, table, None, language) == [verdict]

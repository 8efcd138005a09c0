"""The conversation reader (rules/dialogue.py): typed acts over a state, recognition by meaning, spelling.

Real parts: the real local MiniLM model scores the example utterances (no fake embedder)."""

from __future__ import annotations

import numpy as np
import pytest

from stackadvisor import rules
from stackadvisor.rules import lexicon
from stackadvisor.rules.dialogue import State, normalise, read_turn, topic_examples
from stackadvisor.rules.meaning import Meaning


@pytest.fixture(scope="module")
def table(knowledge):
    return knowledge.table


@pytest.fixture(scope="module")
def meaning(local_embeddings, table):
    from stackadvisor.embeddings import embed_array

    return Meaning(lambda texts: embed_array(local_embeddings, list(texts)), topic_examples(table))


def converse(table, meaning, *turns):
    """Replay user turns as the advisor does: read, score, carry the state on. The last Reading and Ranking."""
    state, reading, ranking = State(), None, None
    for text in turns:
        reading = read_turn(text, table, state, meaning)
        ranking = rules.score(reading.needs, table, reading.intent)
        state = state.after(reading.needs, reading.intent, ranking, text)
    return reading, ranking


@pytest.mark.parametrize(("text", "expected"), [
    ("whats pythons learnig curve", "what's python's learning curve"),
    ("we dont care about concurency", "we don't care about concurrency"),
    ("leaning towards Go", "leaning towards Go"),  # an English word is never "corrected"
    ("Python's GIL", "Python's GIL"),
])
def test_normalise_fixes_typos_of_the_vocabulary_only(table, text, expected):
    assert normalise(text, table) == expected


def test_why_not_explains_the_rival_and_does_not_rule_it_out(table, meaning):
    first, ranking = converse(table, meaning, "We need a real-time chat backend for thousands of users.")
    pick = ranking.recommendation
    rival = next(n for n in table.names if n != pick)
    reading, after = converse(table, meaning, "We need a real-time chat backend for thousands of users.", f"why not {rival}?")
    assert reading.intent.kind == "why_not" and reading.intent.languages == (rival, pick)
    assert rival not in reading.needs.excluded
    assert after.recommendation == pick


def test_why_not_the_pick_itself_explains_the_pick(table, meaning):
    _, ranking = converse(table, meaning, "fintech, performance critical")
    reading, after = converse(table, meaning, "fintech, performance critical", f"why not {ranking.recommendation}?")
    assert reading.intent.kind == "recommend" and after.recommendation == ranking.recommendation


@pytest.mark.parametrize("follow_up", ["what are its downsides?", "any drawbacks?", "what are the cons of that one"])
def test_downsides_resolve_to_the_pick(table, meaning, follow_up):
    _, ranking = converse(table, meaning, "fintech, performance critical")
    reading, _ = converse(table, meaning, "fintech, performance critical", follow_up)
    assert reading.intent.kind == "downsides" and reading.intent.languages == (ranking.recommendation,)


def test_what_if_raises_the_weight_from_where_it_was(table, meaning):
    first, _ = converse(table, meaning, "We're building a REST API for beginners.")
    reading, _ = converse(table, meaning, "We're building a REST API for beginners.", "what if performance mattered more?")
    assert reading.needs.priorities["speed"] > first.needs.priorities.get("speed", 0.0)
    assert reading.intent.wants_pick and "set_priority" in reading.kinds()


def test_exclusion_after_a_pick_keeps_the_needs(table, meaning):
    first, ranking = converse(table, meaning, "we need a backend for a real-time chat app")
    reading, after = converse(table, meaning, "we need a backend for a real-time chat app", f"Not {ranking.recommendation}.")
    assert first.needs.use_cases <= reading.needs.use_cases
    assert ranking.recommendation in reading.needs.excluded and after.recommendation != ranking.recommendation
    assert "exclude" in reading.kinds()


def test_a_skill_word_ruled_out_rules_out_its_language(table, meaning):
    reading, ranking = converse(table, meaning, "Anything but JavaScript. We need a real-time API with high concurrency.")
    assert "Node.js" in reading.needs.excluded and "Node.js" not in reading.needs.skills
    assert ranking.recommendation != "Node.js"


def test_a_short_refinement_after_a_pick_re_ranks(table, meaning):
    reading, ranking = converse(table, meaning, "we need a blazing fast api for a trading system", "Traffic is tiny, maybe 10 users")
    assert reading.intent.kind == "recommend" and ranking.recommendation
    assert "concurrency" not in reading.needs.priorities


@pytest.mark.parametrize(("text", "label"), [
    ("everyone's screen shows the new bid within a second", "real-time"),
    ("our analysts fit regression models on customer data", "data-ml"),
    ("we move money between customer accounts", "fintech"),
])
def test_meaning_recognises_topics_nobody_listed_words_for(table, meaning, text, label):
    lexical = rules.extract_needs(text, table)
    reading = read_turn(text, table, State(), meaning)
    assert label not in lexical.use_cases  # the lexicon alone misses it: meaning is what reads it
    assert label in reading.needs.use_cases


def test_a_vague_request_names_no_topic(table, meaning):
    reading = read_turn("Which of these would you pick for our new thing?", table, State(), meaning)
    assert not reading.needs.use_cases and not reading.needs.priorities


def test_a_named_language_in_a_question_is_not_a_skill(table, meaning):
    reading = read_turn("Should I use Golang or Node.js for a REST API?", table, State(), meaning)
    assert not reading.needs.skills


def test_an_uncovered_language_named_in_passing_is_no_refusal(table, meaning):
    reading = read_turn("our engineers came from C++ and want maximum control over memory", table, State(), meaning)
    assert reading.intent.kind == "recommend"


@pytest.mark.parametrize("text", ["We must squeeze every last drop of performance", "fastest possible backend, dont care how hard it is to learn"])
def test_polarity_of_need_statements(table, meaning, text):
    reading = read_turn(text, table, State(), meaning)
    assert reading.intent.kind == "recommend" and reading.needs.priorities.get("speed", 0) > 0
    assert "learning_curve" not in reading.needs.priorities


def test_meaning_is_nearest_example(local_embeddings):
    from stackadvisor.embeddings import embed_array

    m = Meaning(lambda t: embed_array(local_embeddings, list(t)), {"a": ["cats and dogs"], "b": ["stock market prices"]})
    hits = m.best(["my dog chased a cat", "share prices fell"], threshold=0.2)
    assert [h.label for h in hits] == ["a", "b"]
    assert np.allclose(m.similarities(["my dog chased a cat"]), m.similarities(["my dog chased a cat"]))  # cached rows are stable


def test_every_lexicon_file_validates():
    for name in lexicon.SCHEMA:
        assert lexicon.load(name)


def test_a_malformed_lexicon_names_the_file_and_key():
    with pytest.raises(lexicon.LexiconError, match=r"needs\.yaml:drop"):
        lexicon._validate("needs", {"strong": ["a"], "must": ["m"], "weak": ["b"], "drop": ["x", "x"], "synonyms": {"k": ["v"]},
                                    "complaints": {"speed": ["slow"]}, "complaint_adjectives": ["poor"]})


def test_a_key_given_twice_in_a_lexicon_is_an_error_not_a_lost_list():
    import yaml

    with pytest.raises(lexicon.LexiconError, match="'memory-safety' is given twice"):
        yaml.load("complaints:\n  memory-safety: [gc pauses]\n  memory-safety: [segfaults]\n", Loader=lexicon._LOADER)  # noqa: S506


@pytest.mark.timeout(20)  # a hang guard, not a timing: the quadratic reader took minutes on these (issue 16 S1)
@pytest.mark.parametrize("unit", ["Go ", "Python\t", "C#\u00a0", "Node.js/", "Go's ", "Rust is ", "not Go, "])
def test_reading_repeated_names_is_linear(table, meaning, unit):
    text = (unit * (16_000 // len(unit)))[:16_000]
    reading = read_turn(text, table, State(), meaning)
    assert reading.intent.kind  # it finishes, and reads something


def test_an_empty_message_in_a_chat_keeps_the_conversation(tmp_path):
    from stackadvisor.advisor import AdvisorCore

    chat = AdvisorCore(home=tmp_path / "home").chat()
    first = chat.ask("We're building a real-time chat app.")
    empty = chat.ask("   ")
    assert empty.needs == first.needs and isinstance(empty.needs, type(first.needs))
    assert chat.state.pick == first.recommendation
    assert chat.ask("why not Rust?").intent.kind in ("why_not", "recommend")


@pytest.mark.parametrize(("answer", "high", "low"), [
    ("Speed matters more than ease of learning.", "speed", "learning_curve"),
    ("Ease of learning matters more than speed.", "learning_curve", "speed"),
])
def test_a_trade_off_answer_ranks_the_two_needs(table, meaning, answer, high, low):
    """The answers the robustness questions offer, sent after a balanced first turn, must re-weight as they say."""
    reading, _ = converse(table, meaning, "We're building a REST API; speed and ease of learning matter equally. Which backend?", answer)
    assert reading.needs.priorities[high] > reading.needs.priorities[low]


@pytest.mark.parametrize(("text", "named"), [
    ("not node either", ("Node.js",)),
    ("we'd rather stay away from node", ("Node.js",)),
    ("anything but go", ("Go",)),
    ("we can't use go", ("Go",)),
    ("we run each node of the cluster ourselves", ()),
    ("our platform team won't host node in production", ("Node.js",)),  # a verb of running it: the runtime
    ("every node in the cluster has 4 GB", ()),
    ("is there a go version of this sdk or only the python client?", ("Go", "Python")),  # a noun of software after the name
    ("We're building a blockchain node.", ()),
    ("go ahead and pick one", ()),
])
def test_a_lower_case_name_set_aside_is_named_and_a_noun_is_not(table, text, named):
    from stackadvisor.rules.mentions import languages_named

    assert languages_named(text, table) == named


@pytest.mark.parametrize("follow", ["ok, the easier one then, for our microservices", "go with the more mature of the two for our microservices"])
def test_a_comparative_after_a_comparison_picks_among_the_compared(table, meaning, follow):
    reading, ranking = converse(table, meaning, "python vs rust: which is easier to learn and which has the bigger ecosystem?", follow)
    assert reading.intent.candidates == ("Python", "Rust") and ranking.recommendation == "Python"


def test_a_new_team_is_a_new_skill_set_not_beginners(table, meaning):
    reading, _ = converse(table, meaning, "json api for a booking system, our team writes go", "update: management swapped in a new team, all of them javascript people")
    assert reading.needs.skills == {"Node.js"} and "learning_curve" not in reading.needs.priorities


def test_exclusions_in_lower_case_re_rank_after_a_pick(table, meaning):
    reading, ranking = converse(table, meaning, "REST API backend", "not python", "not node either")
    assert reading.needs.excluded == {"Python", "Node.js"}
    assert ranking.recommendation in ("Go", "Rust")
    reading, _ = converse(table, meaning, "live sales dashboard that updates every second", "we'd rather stay away from node, pick something else")
    assert "Node.js" in reading.needs.excluded


def test_a_long_clause_is_read_in_windows_past_its_question_frame(table, meaning):
    """The whole clause is nearest to a generic "which language" example; its windows carry the topic."""
    from stackadvisor.rules.dialogue import _windows

    clause = "which backend language is the easiest to pick up for a total beginner"
    assert _windows(clause)[0] == (clause, clause) and len(_windows(clause)) > 2
    assert all(scope.endswith(window) for window, scope in _windows(clause))
    reading, _ = converse(table, meaning, clause + "?")
    assert "learning_curve" in reading.needs.priorities or reading.intent.kind == "fact"


@pytest.mark.parametrize(("text", "kind"), [
    ("can go do generics?", "fact"),
    ("is go as expressive as python?", "compare"),
    ("Is Go a good fit for cloud-native apps?", "recommend"),  # a verdict asked, not a fact
])
def test_a_property_asked_of_a_named_language_is_a_fact_not_a_need(table, meaning, text, kind):
    reading, _ = converse(table, meaning, text)
    assert reading.intent.kind == kind


@pytest.mark.parametrize(("text", "load"), [
    ("tiny internal app, maybe 10 users", False),
    ("booking API for a couple hundred users", False),
    ("it's literally just the 12 of us in the office", False),
    ("telemetry collector for 200k game clients", True),
    ("thousands of concurrent users at launch", True),
    ("10 million requests a day", True),
    ("we need 2 services and a queue", None),
    ("it's really just a toy for me and 5 friends", False),
    ("it ingests about 2 million events per second", True),
])
def test_an_amount_of_users_states_the_load(text, load):
    from stackadvisor.rules.dialogue import _load

    assert _load(text.lower()) is load


def test_a_small_load_drops_speed_and_concurrency_a_heavy_one_asks_for_concurrency(table, meaning):
    reading, ranking = converse(table, meaning, "we want a really fast API backend", "Traffic is tiny, maybe 10 users")
    assert not {"speed", "concurrency"} & set(reading.needs.priorities)
    assert ranking.recommendation in ("Node.js", "Python")
    reading, ranking = converse(table, meaning, "telemetry collector for 200k game clients that all report at the same time")
    assert reading.intent.kind == "recommend" and "concurrency" in reading.needs.priorities


def test_a_new_top_priority_displaces_the_old_one(table, meaning):
    reading, _ = converse(table, meaning, "ease of learning matters most to us", "actually no, speed matters most")
    assert reading.needs.priorities["speed"] == 1.0
    assert reading.needs.priorities.get("learning_curve", 0) < 1.0


def test_a_drop_cue_speaks_only_of_its_own_statement(table, meaning):
    reading, _ = converse(table, meaning, "Rewrite the entire backend in go for removing dependency Node runtime and increased efficiency")
    assert "speed" not in reading.needs.dropped


def test_a_stated_migration_moves_off_the_language_it_leaves(table, meaning):
    reading, ranking = converse(table, meaning, "Migrate backend from Python (Flask) to Golang (gin). The python runtime does not "
                                                "support multiple-threading well, and we have observed performance issues.")
    assert reading.intent.candidates == ("Go",) and ranking.recommendation == "Go"
    assert "Python" in reading.needs.excluded and "Python" not in reading.needs.skills  # not a skill to stay for
    assert "speed" in reading.needs.priorities  # "performance issues", a complaint, is the need


@pytest.mark.parametrize("text", [
    "Rewrite in Go. The existing implementation is written in Node, which is slow.",
    "I am currently working with python. But I think, transfer my server to C++.",
    "I want to switch from Python to Go, what do you think?",  # a move stated inside a question
    "Port server to Go. There's tons of unnecessary complexity in the Flask stuff.",  # left by its framework
])
def test_the_language_a_stated_move_leaves_is_not_picked(table, meaning, text):
    reading, ranking = converse(table, meaning, text)
    left = ({"Node.js"} if "Node" in text else {"Python"})
    assert left <= reading.needs.excluded and ranking.recommendation not in left


@pytest.mark.parametrize("text", ["we're a django shop, should we switch to go?", "our rails app is too slow. rewrite in go or python?"])
def test_a_move_only_asked_about_leaves_nothing(table, meaning, text):
    reading, _ = converse(table, meaning, text)
    assert not reading.needs.excluded and len(reading.intent.candidates) == 2


@pytest.mark.parametrize(("text", "need"), [
    ("our rails app is too slow", "speed"),
    ("we need something that isn't slow", "speed"),  # the bad end negated still asks for the good one
    ("the current backend is single-threaded and chokes under load", "concurrency"),
    ("Python has poor performances and needs a web server in front", "speed"),
    ("the old service does not support threads natively", "multithreading"),  # a system that cannot: a complaint
])
def test_a_complaint_about_a_system_asks_for_the_need(table, meaning, text, need):
    needs = converse(table, meaning, text)[0].needs
    assert need in needs.priorities or need in needs.constraints
    assert need not in needs.dropped


@pytest.mark.parametrize(("text", "need"), [("slow is fine for us, it's an internal tool", "speed"), ("we don't need threads", "multithreading")])
def test_a_drop_still_drops_a_complaint_word_or_a_need(table, meaning, text, need):
    needs = converse(table, meaning, text)[0].needs
    assert need in needs.dropped and need not in needs.priorities and need not in needs.constraints


def test_slowing_people_down_is_not_runtime_speed(table, meaning):
    needs = converse(table, meaning, "team is mostly juniors fresh out of bootcamp. which language won't slow us down?")[0].needs
    assert "speed" not in needs.priorities and "learning_curve" in needs.priorities


def test_a_clause_thin_after_its_names_go_is_not_scored(table, meaning):
    reading, _ = converse(table, meaning, "we may need to have the backend in Go instead of Python")
    assert "learning_curve" not in reading.needs.priorities


def test_a_choice_offered_among_the_teams_language_and_another_is_a_pick(table, meaning):
    reading, ranking = converse(table, meaning, "We write TypeScript everywhere. Building live chat for a streaming site. "
                                                "Go or Node or something else?")
    assert reading.intent.kind == "recommend" and ranking.recommendation == "Node.js"


def test_another_languages_con_that_names_a_language_as_better_counts_for_it(table, meaning):
    """Go's con "Less expressive than Python or Rust": a need for expressiveness speaks for Python and Rust."""
    reading, ranking = converse(table, meaning, "we want a really expressive language with good generics")
    assert ranking.recommendation in ("Python", "Rust")
    top = next(s for s in ranking.scores if s.language == ranking.recommendation)
    assert any(c.label.startswith("Ahead of Go") for c in top.breakdown)


@pytest.mark.parametrize("text", ["my team doesn't want to fight a hard language", "we don't want a hard language"])
def test_a_negated_bad_end_asks_for_the_need(table, meaning, text):
    reading, _ = converse(table, meaning, text)
    assert "learning_curve" in reading.needs.priorities and "learning_curve" not in reading.needs.dropped


def test_a_need_stated_by_meaning_alone_describes_a_project(table, meaning):
    reading, ranking = converse(table, meaning, "we need a backend", "it's for an IoT platform with many devices connected at once")
    assert reading.intent.kind == "recommend" and "concurrency" in reading.needs.priorities
    reading, _ = converse(table, meaning, "give me tips for a backend job interview")
    assert reading.intent.kind == "out_of_scope"


def test_the_runner_up_is_the_pick_among_the_rest(table, meaning):
    first, before = converse(table, meaning, "we need a REST API for our mobile app, performance matters")
    reading, ranking = converse(table, meaning, "we need a REST API for our mobile app, performance matters", "what's the runner-up?")
    assert reading.intent.kind == "recommend" and before.recommendation not in reading.intent.candidates
    assert ranking.recommendation == before.scores[1].language  # the language after the pick, nothing ruled out for good
    assert not reading.needs.excluded


def test_an_alternative_asked_with_new_needs_is_chosen_with_them(table, meaning):
    reading, ranking = converse(table, meaning, "systems-level network daemon, it needs to be fast and memory safe",
                                "ok, what's the easiest alternative that's still fast?")
    assert ranking.recommendation == "Go" and "Rust" not in reading.intent.candidates  # Easy/Medium and Very High


def test_a_switch_asked_by_a_team_on_another_language_weighs_the_two(table, meaning):
    reading, ranking = converse(table, meaning, "we're a Django shop, should we switch to Go for performance?")
    assert set(reading.intent.candidates) == {"Go", "Python"} and ranking.recommendation == "Go"


def test_a_framework_and_a_language_in_different_statements_are_no_claim(table):
    assert not [c for c in rules.check("we're a Django shop, should we switch to Go for performance?", table) if c.kind == "framework"]
    assert [c.verdict for c in rules.check("Django is a Go framework.", table) if c.kind == "framework"] == ["contradicted"]


@pytest.mark.parametrize(("text", "kind"), [
    ("which is better for a beginner, python or go?", "recommend"),
    ("which backend language is the easiest to pick up for a total beginner?", "recommend"),
    ("which is fastest?", "fact"),
    ("which is easier to learn, python or go?", "compare"),
])
def test_a_question_for_an_audience_states_a_need(table, meaning, text, kind):
    reading, _ = converse(table, meaning, text)
    assert reading.intent.kind == kind


def test_short_follow_ups_resolve_against_the_conversation(table, meaning):
    reading, _ = converse(table, meaning, "realtime multiplayer backend", "we can't use node, company policy")
    after = State().after(reading.needs, reading.intent, rules.score(reading.needs, table, reading.intent))
    assert after.topic == (after.pick,) and after.pick != "Node.js"  # "is it hard to learn?" now means the new pick
    reading, _ = converse(table, meaning, "backend for an ML-powered recommendation service", "compare the top two")
    assert reading.intent.kind == "compare" and len(reading.intent.languages) == 2
    reading, _ = converse(table, meaning, "we need an API", "python is out", "go is out too", "and rust?")
    assert reading.needs.excluded == {"Python", "Go"} and reading.intent.kind == "why_not" and reading.intent.languages[0] == "Rust"
    reading, _ = converse(table, meaning, "just tell me which is the easiest", "why?")
    assert reading.intent.kind == "recommend"


@pytest.mark.parametrize("fix", ["fast to build, I mean, not runtime speed", "sorry, I meant we need to ship fast",
                                 "I meant quick to develop, not fast at runtime"])
def test_i_meant_takes_back_what_the_last_turn_added(table, meaning, fix):
    reading, _ = converse(table, meaning, "we need a fast backend", fix)
    assert "speed" not in reading.needs.priorities and "fast-delivery" in reading.needs.constraints


@pytest.mark.parametrize("text", ["axum is for which language", "actix belongs to which language"])
def test_a_framework_asked_about_is_no_skill(table, meaning, text):
    reading, _ = converse(table, meaning, text)
    assert not reading.needs.skills and reading.intent.kind != "recommend"


@pytest.mark.parametrize("text", [
    "mongodb or dynamodb for storing chat messages?",  # a choice between things that are not languages
    "how do I set up nginx as a reverse proxy for my app",  # a how-to, whatever it is for
    "show me how to write a worker pool with goroutines",
    "can you recommend a good book on distributed systems?",  # the thing asked for is not a language
])
def test_a_request_for_something_other_than_a_language_is_out_of_scope(table, meaning, text):
    reading, ranking = converse(table, meaning, text)
    assert reading.intent.kind == "out_of_scope" and ranking.recommendation is None


def test_a_move_asked_about_for_a_project_gets_the_open_pick(table, meaning):
    reading, ranking = converse(table, meaning, "Convert to GO? Because the runtime environment is simpler. I'd build an API "
                                                "using the microservice template.")
    assert reading.intent.kind == "recommend" and not reading.intent.candidates and ranking.recommendation is not None


def test_a_benefit_stated_in_a_question_is_a_need(table, meaning):
    reading, ranking = converse(table, meaning, "This project would benefit from better concurrency: Port to Rust or GO?")
    assert "concurrency" in reading.needs.priorities and ranking.recommendation == "Go"  # Very High against High


def test_the_pick_turned_down_without_its_name_is_ruled_out(table, meaning):
    reading, ranking = converse(table, meaning, "kubernetes operators and some cloud services for our platform team",
                                "we tried it last year and everyone hated it. something else")
    assert "Go" in reading.needs.excluded and ranking.recommendation not in (None, "Go")


def test_a_what_if_ranking_two_needs_lowers_the_second(table, meaning):
    reading, ranking = converse(table, meaning, "internal API, what matters most to us is a readable codebase anyone can maintain",
                                "what if speed mattered more than readability?")
    assert reading.needs.priorities["speed"] > reading.needs.priorities["learning_curve"]
    assert ranking.recommendation in ("Go", "Rust")


def test_a_hyphenated_second_best_asks_for_the_runner_up(table, meaning):
    reading, _ = converse(table, meaning, "payment gateway for our fintech", "ok and the second-best option?")
    assert any(a.kind == "ask_pick" and a.how == "alternative" for a in reading.acts)


@pytest.mark.parametrize("text", [
    "is any language's concurrency rated above node's?",
    "which of the four is the memory-safe one without a GC?",
    "besides node, does any language get a 'Huge' ecosystem?",
    "systems programming is listed under which language",
])
def test_a_look_up_across_the_table_is_a_fact_not_a_pick(table, meaning, text):
    reading, ranking = converse(table, meaning, text)
    assert reading.intent.kind == "fact" and ranking.recommendation is None


def test_the_same_property_asked_for_the_askers_project_is_a_pick(table, meaning):
    reading, ranking = converse(table, meaning, "which language is rated best for concurrency for our chat server?")
    assert reading.intent.kind == "recommend" and ranking.recommendation is not None


def test_a_wish_for_another_language_moves_off_the_one_named(table, meaning):
    reading, ranking = converse(table, meaning, "This project started as a small Python project with a Flask backend, but it's "
                                                "cluttered now. I do think a more performant language would be nice.")
    assert "Python" in reading.needs.excluded and ranking.recommendation in ("Go", "Rust")


def test_a_change_from_one_language_to_another_is_a_move(table, meaning):
    reading, ranking = converse(table, meaning, "RFC; change backend from go to nodejs. We already use js for the frontend.")
    assert "Go" in reading.needs.excluded and ranking.recommendation == "Node.js"


def test_a_parenthesis_describing_a_language_is_not_a_need(table, meaning):
    reading, ranking = converse(table, meaning, "We should rather use Rust (if we need absolute speed) or Go (if we want it easy "
                                                "but fast). I think we should use Rust, since we are doing this for raw speed.")
    assert "learning_curve" not in reading.needs.priorities and ranking.recommendation == "Rust"


def test_asking_for_thoughts_on_two_named_languages_is_a_pick_between_them(table, meaning):
    reading, ranking = converse(table, meaning, "I am beginning to think its best to use Node.JS for this project. But then "
                                                "again i am more comfortable with python. Any thoughts?")
    assert reading.intent.kind == "recommend" and ranking.recommendation in ("Python", "Node.js")


@pytest.mark.parametrize(("text", "skill"), [("we both learned python at uni", "Python"), ("I studied Go in school", "Go")])
def test_a_language_learned_or_studied_is_known(table, meaning, text, skill):
    assert skill in converse(table, meaning, text)[0].needs.skills


def test_refusing_to_write_a_language_rules_it_out(table, meaning):
    reading, ranking = converse(table, meaning, "a realtime drawing game with guessing rooms, but i refuse to write javascript on the server")
    assert "Node.js" in reading.needs.excluded and ranking.recommendation not in (None, "Node.js")


def test_the_quickest_to_write_is_the_pace_of_delivery_not_runtime_speed(table, meaning):
    needs = converse(table, meaning, "we want whatever is quickest to write and easiest to read")[0].needs
    assert "speed" not in needs.priorities and "learning_curve" in needs.priorities


def test_known_languages_asked_between_limit_the_pick(table, meaning):
    reading, ranking = converse(table, meaning, "I have deeply studied Go and Rust. Rust has more libraries. Suggest which one to choose.")
    assert set(reading.intent.candidates) == {"Go", "Rust"} and ranking.recommendation in ("Go", "Rust")


@pytest.mark.parametrize("text", ["how much does a senior rust dev make in london?", "should i buy nvidia stock",
                                  "what's the best ORM for go?"])
def test_pay_stocks_and_orms_are_out_of_scope(table, meaning, text):
    assert converse(table, meaning, text)[0].intent.kind == "out_of_scope"


def test_a_lower_case_outside_name_set_against_a_language_is_named(table, meaning):
    reading, ranking = converse(table, meaning, "swift on the server vs rust for a high-performance backend?")
    assert "Swift" in reading.needs.outside and ranking.recommendation == "Rust"


def test_what_an_outside_language_has_is_not_a_need_but_a_complaint_about_it_is(table, meaning):
    assert "multithreading" not in converse(table, meaning, "java has threads, but which of the four is best at concurrency?")[0].needs.constraints
    needs = converse(table, meaning, "kotlin is too heavy for our lambdas, want something fast and not too hard from your list")[0].needs
    assert "speed" in needs.priorities and "learning_curve" in needs.priorities  # "not too hard": the bad end, negated


def test_a_question_for_one_of_the_four_stays_in_scope_beside_an_outside_stack(table, meaning):
    reading, ranking = converse(table, meaning, "we use Scala + Spark for the data crunching; for the API in front of our ML "
                                                "models, which of the four fits?")
    assert reading.intent.kind == "recommend" and ranking.recommendation == "Python"


@pytest.mark.parametrize(("text", "named"), [
    ("how much faster is go than python per the table", ("Go", "Python")),  # compared with a language: a language
    ("why does the article call go blazing fast?", ("Go",)),  # named by what the article calls it
    ("I will go and see", ()), ("we go to the office", ()),  # the verb
])
def test_lower_case_go_is_the_language_where_only_a_name_fits(table, text, named):
    from stackadvisor.rules.mentions import languages_named

    assert languages_named(text, table) == named


def test_work_handed_to_a_third_party_is_no_longer_a_need(table, meaning):
    reading, ranking = converse(table, meaning, "image processing service, cpu heavy, team knows JS",
                                "ok the image processing moved to a third-party API, now it's just a REST API")
    assert "cpu-bound" not in reading.needs.constraints and ranking.recommendation == "Node.js"


@pytest.mark.parametrize("text", ["Why use Node.js? Why not Go or Python?",
                                  "I'm curious to know why we cant use Golang or Rust."])
def test_a_why_question_about_languages_sets_none_aside(table, meaning, text):
    reading, ranking = converse(table, meaning, text)
    assert not reading.needs.excluded and ranking.recommendation is None  # no needs given: reasons, not a pick


def test_a_why_statement_still_sets_a_language_aside(table, meaning):
    assert "Go" in converse(table, meaning, "that's why we don't use Go. what should we use for an api?")[0].needs.excluded


@pytest.mark.parametrize(("text", "ease"), [("Which backend language should I learn?", False),
                                            ("what's the best language to learn first?", False),
                                            ("how hard is go to learn", True), ("we need something our juniors can learn", True)])
def test_learning_a_language_is_not_a_wish_for_ease(table, meaning, text, ease):
    assert ("learning_curve" in converse(table, meaning, text)[0].needs.priorities or
            "learning_curve" in converse(table, meaning, text)[0].intent.criteria) is ease


def test_a_misspelt_everyday_word_for_a_need_is_read(table, meaning):
    assert "learning_curve" in converse(table, meaning, "half of our group are newcommers")[0].needs.priorities


def test_a_correction_of_the_load_keeps_the_project(table, meaning):
    reading, ranking = converse(table, meaning, "chat backend for 100k concurrent users", "oops, i meant 100 users, not 100k lol")
    assert "real-time" in reading.needs.use_cases and "concurrency" not in reading.needs.priorities
    assert ranking.recommendation == "Node.js"


def test_a_team_named_against_another_language_is_no_exclusion(table, meaning):
    reading, _ = converse(table, meaning, "we're a python shop and need an ML inference API", "sorry, typo. we're a Go shop, not python")
    assert reading.needs.skills == {"Go"} and not reading.needs.excluded


def test_the_pick_found_too_slow_is_turned_down(table, meaning):
    reading, ranking = converse(table, meaning, "feature store API for our ML platform", "it's too slow for us though, p99 has to stay under 2ms")
    assert "Python" in reading.needs.excluded and ranking.recommendation in ("Go", "Rust")


def test_a_statement_after_a_pick_re_ranks_even_when_it_names_a_language(table, meaning):
    reading, ranking = converse(table, meaning, "thinking of writing our MVP API in rust cuz it's fast",
                                "none of us has written rust before and the investor demo is in 10 days")
    assert reading.intent.kind == "recommend" and "fast-delivery" in reading.needs.constraints  # a tight timeline, read
    assert ranking.recommendation not in (None, "Rust")  # "Slower development due to strict compiler checks"


def test_which_one_after_two_languages_is_a_pick_between_them(table, meaning):
    reading, ranking = converse(table, meaning, "go or rust, which is easier to learn?",
                                "ok so given that, which one for a concurrent job scheduler?")
    assert set(reading.intent.candidates) == {"Go", "Rust"} and ranking.recommendation == "Go"


def test_that_after_a_superlative_fact_is_its_winner(table, meaning):
    reading, ranking = converse(table, meaning, "who's the best at concurrency out of the four?",
                                "cool, then build our presence service (who's online right now) for 1M users in that?")
    assert reading.intent.candidates == ("Go",) and ranking.recommendation == "Go"


@pytest.mark.parametrize(("text", "excluded"), [("school IT won't allow javascript on their servers", "Node.js"),
                                                 ("node's out, python's out. live betting odds for 500k users", "Python")])
def test_a_language_not_allowed_or_out_is_ruled_out(table, meaning, text, excluded):
    assert excluded in converse(table, meaning, text)[0].needs.excluded


@pytest.mark.parametrize("text", ["lowkey need a backend for a live leaderboard in my discord game, fr what lang",
                                  "live quiz for my classroom, answers pop up on the projector"])
def test_a_live_thing_is_real_time(table, meaning, text):
    assert "real-time" in converse(table, meaning, text)[0].needs.use_cases


def test_a_statement_about_a_named_language_is_not_read_for_needs_by_meaning(table, meaning):
    needs = converse(table, meaning, "Python outruns every other language here, so it's the obvious pick for a trading engine, right?")[0].needs
    assert "learning_curve" not in needs.priorities


@pytest.mark.parametrize("text", ["explain rust lifetimes like im 5", "what's the difference between REST and GraphQL anyway?",
                                  "how do I track down a memory leak in my node process?"])
def test_tutorials_and_non_language_differences_are_out_of_scope(table, meaning, text):
    assert converse(table, meaning, text)[0].intent.kind == "out_of_scope"


def test_not_wanting_a_new_language_picks_among_the_known(table, meaning):
    reading, ranking = converse(table, meaning, "My day job is React Native. The app needs a small sync API, and I really "
                                                "don't want to learn a whole new language just for the server. What would you use?")
    assert ranking.recommendation == "Node.js"


def test_a_wish_names_its_examples_as_targets(table, meaning):
    reading, ranking = converse(table, meaning, "Contributor List should possibly be rewritten in a compiled language, like Go or Rust.")
    assert set(reading.intent.candidates) == {"Go", "Rust"} and not reading.needs.excluded and ranking.recommendation in ("Go", "Rust")


def test_a_data_team_is_read_as_data_work(table, meaning):
    reading, ranking = converse(table, meaning, "our statisticians write R all day; they need to expose their models as an API. "
                                                "which of the four would suit them?")
    assert "data-ml" in reading.needs.use_cases and ranking.recommendation == "Python"


def test_a_contrast_fragment_drops_nothing(table, meaning):
    needs = converse(table, meaning, "the people adding endpoints will be data analysts, not software engineers.")[0].needs
    assert "data-ml" not in needs.dropped


def test_a_stated_move_is_weighed_even_when_it_asks_which_is_faster(table, meaning):
    reading, ranking = converse(table, meaning, "`Logos`: Move from Python to Go. Performance gains are to be expected. "
                                                "Then compare with a benchmark which one is faster.")
    assert reading.intent.candidates == ("Go",) and ranking.recommendation == "Go"


@pytest.mark.parametrize(("text", "need"), [("our python API sits at ~800ms p95 and the boss wants it under 50ms", "speed"),
                                            ("only fresh grads will maintain it", "learning_curve"),
                                            ("our infra only runs compiled static binaries", "speed")])
def test_everyday_words_for_needs(table, meaning, text, need):
    assert need in converse(table, meaning, text)[0].needs.priorities


def test_the_permanent_devs_writing_go_is_a_skill(table, meaning):
    assert "Go" in converse(table, meaning, "the permanent devs all write go")[0].needs.skills


@pytest.mark.parametrize("text", ["a hard language is totally fine as long as the REST API is as fast as physically possible",
                                  "a steep learning curve is fine by us, we just want raw speed"])
def test_a_bad_pole_said_to_be_fine_drops_the_need_it_names(table, meaning, text):
    # "avoid anything slow" asks for speed (two negatives), but "a hard language is fine" is a drop, not a second negative
    reading, ranking = converse(table, meaning, text)
    assert "learning_curve" not in reading.needs.priorities and "speed" in reading.needs.priorities
    assert ranking.recommendation == "Rust"



def test_scratch_that_takes_the_last_turn_back(table, meaning):
    reading, ranking = converse(table, meaning, "chat widget for our saas product", "not node", "wait, scratch that, node is fine actually")
    assert "Node.js" not in reading.needs.excluded and "real-time" in reading.needs.use_cases
    assert ranking.recommendation == "Node.js"
    reading, _ = converse(table, meaning, "chat widget for our saas product", "we need raw speed", "forget what I just said")
    assert "speed" not in reading.needs.priorities and "real-time" in reading.needs.use_cases


def test_scratch_that_with_a_new_project_replaces_the_project(table, meaning):
    reading, _ = converse(table, meaning, "chat widget for our saas product", "scratch that, it's a data pipeline for ML models now")
    assert "data-ml" in reading.needs.use_cases and "real-time" not in reading.needs.use_cases


def test_what_the_asker_heard_of_the_rival_is_no_need_of_theirs(table, meaning):
    reading, ranking = converse(table, meaning, "recommendation engine backend for an online bookstore", "why not rust? i heard it's way faster")
    assert "speed" not in reading.needs.priorities and reading.intent.kind == "why_not"
    assert ranking.recommendation == "Python"  # the why-not explains Rust against the pick; it does not re-rank on hearsay


@pytest.mark.parametrize("text", [
    "shared shopping list app - when mum adds milk it should pop up on everyone's phone right away",
    "scores have to stay in sync on every screen while the quiz runs",
    "up to 8 people race in a room and see each other's progress as they type",
    "a broker for a million sensors that each keep a connection open",
])
def test_one_change_shown_to_many_at_once_is_real_time(table, meaning, text):
    reading, _ = converse(table, meaning, text)
    assert "real-time" in reading.needs.use_cases


def test_a_plain_sync_job_is_not_real_time(table, meaning):
    reading, _ = converse(table, meaning, "a nightly job that syncs our invoices to the accounting system")
    assert "real-time" not in reading.needs.use_cases


def test_a_statement_mid_conversation_refines_the_project_instead_of_leaving_scope(table, meaning):
    # nothing in "it's a single B&B with six rooms" is in the vocabulary, but with a project on the table it
    # describes that project; "scrap that" takes the last turn (the flash-sale load) back
    reading, ranking = converse(table, meaning, "REST API for a hotel booking site", "during flash sales we get ~300k people booking at the same moment",
                                "scrap that, it's a single B&B with six rooms")
    assert reading.intent.kind == "recommend" and "concurrency" not in reading.needs.priorities
    assert ranking.recommendation in ("Node.js", "Python")
    reading, _ = converse(table, meaning, "what's the capital of France?")
    assert reading.intent.kind == "out_of_scope"  # with no project, an unknown subject is still another subject


def test_a_weekend_hack_is_a_tight_timeline(table, meaning):
    reading, ranking = converse(table, meaning, "order matching engine for our crypto exchange",
                                "eh it's really just a toy for me and 5 friends, i want to hack it together this weekend")
    assert "fast-delivery" in reading.needs.constraints and not {"speed", "concurrency"} & set(reading.needs.priorities)
    assert ranking.recommendation != "Rust"


def test_which_of_those_picks_between_the_pick_and_the_runner_up_by_what_it_asks(table, meaning):
    # after "transcoding" (CPU-bound: Go and Rust lead), "which of those is easier" weighs ease of learning between them
    reading, ranking = converse(table, meaning, "service that transcodes uploaded videos into several resolutions",
                                "which of those is easier for javascript people to pick up?")
    assert set(reading.intent.candidates) == {"Go", "Rust"} and "learning_curve" in reading.needs.priorities
    assert ranking.recommendation == "Go"


def test_a_skill_word_let_back_in_lets_its_language_back_in(table, meaning):
    reading, ranking = converse(table, meaning, "real-time order tracking notifications for a food delivery app",
                                "no javascript please, the team refuses", "ok nvm they caved, js is fine again")
    assert "Node.js" not in reading.needs.excluded and ranking.recommendation == "Node.js"
    reading, _ = converse(table, meaning, "live quiz for my classroom", "school IT won't allow javascript on their servers")
    assert "Node.js" in reading.needs.excluded  # "won't allow" rules it out; it lets nothing back in


def test_a_modest_amount_with_a_load_word_keeps_the_need_at_a_low_weight(table, meaning):
    # "maybe 500 concurrent players": concurrency is named, and 500 says it is not demanding
    reading, ranking = converse(table, meaning, "websocket server for a multiplayer card game, maybe 500 concurrent players, i only know python")
    assert reading.needs.priorities.get("concurrency") == 0.3
    assert ranking.recommendation in ("Node.js", "Python")


def test_a_community_the_asker_serves_is_no_ecosystem_need(table, meaning):
    reading, ranking = converse(table, meaning, "bingo night app for our community hall, the called numbers have to pop up on everyone's card live")
    assert "ecosystem" not in reading.needs.priorities and "real-time" in reading.needs.use_cases
    assert ranking.recommendation == "Node.js"
    reading, _ = converse(table, meaning, "I want a language with a big community")
    assert "ecosystem" in reading.needs.priorities


def test_a_team_that_would_never_learn_it_asks_for_ease_and_a_bare_follow_up_asks_again(table, meaning):
    reading, ranking = converse(table, meaning, "high-frequency trading gateway", "nah the team would never learn rust")
    assert "learning_curve" in reading.needs.priorities and "Rust" in reading.needs.excluded
    assert ranking.recommendation == "Go"
    reading, ranking = converse(table, meaning, "high-frequency trading gateway", "nah the team would never learn rust", "so what then?")
    assert reading.intent.kind == "recommend" and ranking.recommendation == "Go"


def test_a_hire_is_a_skill(table, meaning):
    reading, _ = converse(table, meaning, "chat backend", "ok but what if we hired a node dev?")
    assert "Node.js" in reading.needs.skills


def test_which_is_better_for_beginners_between_two_weighs_ease_of_learning(table, meaning):
    reading, ranking = converse(table, meaning, "which is better for beginners, node or python?")
    assert reading.intent.candidates == ("Node.js", "Python") and "learning_curve" in reading.needs.priorities
    assert ranking.recommendation == "Python"


@pytest.mark.parametrize("turns,gone,pick", [
    (("image processing service that resizes thousands of photos a minute, very cpu-heavy",
      "actually scrap the resizing, it just stores the uploads and streams them back"), {"cpu-bound", "speed"}, ("Node.js", "Go")),
    (("cpu heavy image resizing service", "hmm actually resizing goes to a third-party api now, our service just forwards the uploads"),
     {"cpu-bound", "speed"}, ("Node.js", "Go")),
])
def test_dropping_a_thing_drops_what_it_asked_for(table, meaning, turns, gone, pick):
    # the CPU-bound work (and the speed it asked for) came with the resizing: scrapping the resizing takes them away
    reading, ranking = converse(table, meaning, *turns)
    assert not gone & (set(reading.needs.priorities) | reading.needs.constraints | reading.needs.required)
    assert ranking.recommendation in pick


def test_dropping_one_need_leaves_what_was_said_beside_it(table, meaning):
    reading, _ = converse(table, meaning, "fast api for trading, speed matters and the team knows go", "drop speed from the list")
    assert "speed" not in reading.needs.priorities and "Go" in reading.needs.skills and "fintech" in reading.needs.use_cases


@pytest.mark.parametrize("text,need", [
    ("notes app that syncs across devices", "use_case:real-time"),
    ("we want to keep server costs as low as possible", "criterion:speed"),
])
def test_sync_across_devices_and_server_cost_are_read_by_meaning(table, meaning, text, need):
    reading, _ = converse(table, meaning, text)
    kind, key = need.split(":", 1)
    assert key in (reading.needs.use_cases if kind == "use_case" else reading.needs.priorities)


def test_a_stated_amount_outweighs_a_drop_read_by_meaning_and_sizes_a_two_way_choice(table, meaning):
    reading, ranking = converse(table, meaning, "Node.js vs Go for a URL shortener with millions of redirects a day")
    assert "concurrency" in reading.needs.priorities
    assert reading.intent.kind == "recommend" and reading.intent.candidates == ("Node.js", "Go") and ranking.recommendation == "Go"


def test_how_fast_a_person_gets_a_job_is_no_speed_of_the_software(table, meaning):
    reading, _ = converse(table, meaning, "I'm learning backend, go or python? I want a job fast")
    assert "speed" not in reading.needs.priorities
    reading, _ = converse(table, meaning, "lets have the program translated to go.. does it get much faster?")
    assert "speed" in reading.intent.criteria


def test_a_separate_project_starts_over_and_that_one_is_the_new_one(knowledge):
    """"separate thing: ..." is a new project: the earlier pick is neither kept nor what "that one" refers to."""
    from stackadvisor.advisor import resolve_references

    turn = "different thing: a little script that tidies our log folders every night. which language for that one?"
    assert resolve_references(turn, ("Rust",), knowledge) == turn
    reading, ranking = converse(knowledge.table, None, "high-frequency trading engine, every microsecond counts", turn)
    assert reading.acts[0].kind == "reset" and "fintech" not in reading.needs.use_cases
    assert ranking.recommendation == "Python"  # scripting is Python's, and the trading needs are gone


def test_compiled_and_fast_are_two_qualities_not_a_build_speed(table):
    assert "fast" in normalise("we want something compiled and fast", table)
    assert "fast" not in normalise("it compiles pretty fast", table)  # how fast the build is: no runtime speed


def test_a_request_for_a_fact_after_a_pick_is_answered_as_a_fact(knowledge):
    """"never mind the pick, just tell me ..." asks a question without a question mark: no re-ranking."""
    reading, _ = converse(knowledge.table, None, "which language for a chat server?",
                          "forget the pick for now, just show me how the article rates rust's concurrency")
    assert reading.intent.kind == "fact" and reading.intent.languages == ("Rust",)


@pytest.mark.parametrize(("text", "foreign"), [
    ("Qual é melhor para uma API, go ou python?", True),  # Portuguese
    ("Saya bingung pilih rust atau go untuk backend", True),  # Indonesian
    ("¿Cuál es mejor para una API, go o node?", True),  # Spanish
    ("our para-legal startup needs a fast API in go or python", False),  # English with a foreign-looking word
    ("Muchos equipos lanzan prototipos y la pregunta es con qué backend avanzar: Go o Node.js", True),  # Spanish, no accents asked
    ("The team says the pros and con of go vs node are clear", False),  # one Spanish-looking word is not Spanish
])
def test_latin_text_in_another_language_is_read_for_its_names(text, foreign):
    from stackadvisor.rules.finder import foreign_script

    assert foreign_script(text) is foreign


def test_another_languages_choice_among_named_is_a_pick_and_its_negations_are_not_read(table, meaning):
    reading, ranking = converse(table, meaning, "Saya bingung pilih rust atau go untuk backend, tidak ada kebutuhan khusus")
    assert reading.intent.candidates == ("Rust", "Go") and ranking.recommendation in ("Rust", "Go")
    reading, _ = converse(table, meaning, "Estou em dúvida, qual linguagem aprender depois de anos no Node.js?")
    assert "Node.js" not in reading.needs.excluded  # Portuguese "no" is "in the", not a negation


# ------------------------------------------------------------------ a complaint about the language in use


@pytest.mark.parametrize(("text", "left"), [
    # the complaint blames the language named before it, and the turn looks for a way off it
    ("Our Node service is bound to a single thread and it falls over at 11 streams. Any alternatives?", "Node.js"),
    ("python doesn't scale for our websocket gateway, what should we use instead?", "Python"),
    ("hmm, rust is too hard for our juniors, what else?", "Rust"),
])
def test_a_blamed_language_with_a_search_for_others_is_left(table, meaning, text, left):
    reading = read_turn(text, table, State(), meaning)
    assert left in reading.needs.excluded
    assert left not in reading.needs.skills


@pytest.mark.parametrize("text", [
    "Go is faster than python, which doesn't scale for us.",  # the complaint is python's, after a comparison
    "A rust port should avoid the gc pauses entirely. Any alternatives?",  # what a language would fix is no blame
    "Is python too slow for a REST API? What should we use instead?",  # asked, not said
    'Common arguments: "Python can\'t scale." "Switch to Go or Rust for real performance." Stop repeating them.',  # quoted
])
def test_a_complaint_that_blames_no_one_rules_out_no_one(table, meaning, text):
    assert not read_turn(text, table, State(), meaning).needs.excluded


def test_a_shortfall_felt_at_a_small_load_is_a_top_need_not_a_modest_one(table, meaning):
    text = ("Unfortunately python in the https server end doesn't scale that well. With 30 clients trying to load "
            "the web app some fail.")
    reading = read_turn(text, table, State(), meaning)
    assert reading.needs.priorities.get("concurrency") == 1.0
    assert not reading.needs.excluded  # no other option was asked for: Python is weighed, not ruled out


def test_a_heavy_fleet_is_a_load_and_a_small_one_is_not(table, meaning):
    heavy = read_turn("ingest pipeline for metrics from 100k servers, all reporting at once", table, State(), meaning)
    assert heavy.needs.priorities.get("concurrency") == 1.0  # the amount is the emphasis
    small = read_turn("we run 3 servers, and need a fast API", table, State(), meaning)
    assert "speed" in small.needs.priorities  # three machines say nothing of the users: the speed need stands


@pytest.mark.parametrize("text", [
    "then for a party playlist app where everyone's votes reorder the queue live, node or rust?",
    "ok, for a scoreboard that updates the moment a goal is scored: go or node?",
])
def test_a_project_said_at_the_head_of_a_question_is_a_need(table, meaning, text):
    reading = read_turn(text, table, State(), meaning)
    assert "real-time" in reading.needs.use_cases
    assert reading.intent.kind == "recommend"


@pytest.mark.parametrize("text", [
    "Python and NodeJS are both great for web apps. But which of the two should you use?",
    "Golang vs Node.js for startup backends in 2026: which should you choose?",
])
def test_a_choice_asked_for_in_words_with_nothing_to_weigh_is_an_even_pick(table, meaning, text):
    intent = read_turn(text, table, State(), meaning).intent
    assert intent.kind == "recommend" and intent.even and len(intent.candidates) == 2


@pytest.mark.parametrize("text", [
    "Node.js vs Go. Is Go simply better? How should I pick between the two?",  # the way to choose, not a choice
    "django or express for my backend?",  # no choice asked in words: side by side
])
def test_a_bare_or_a_how_to_choose_is_no_even_pick(table, meaning, text):
    assert not read_turn(text, table, State(), meaning).intent.even


@pytest.mark.parametrize("text", [
    "Go или Node.js: какой бэкенд выбрать для нового сервиса?",  # Russian: "which backend to choose?"
    "새 서비스 백엔드를 만들려고 하는데 Node.js, Python 중 무엇을 써야 할까요?",  # Korean: "which of them should I use?"
])
def test_a_choice_asked_in_another_script_is_a_pick_among_the_names(table, meaning, text):
    reading, ranking = converse(table, meaning, text)
    assert len(reading.intent.candidates) == 2 and ranking.recommendation in reading.intent.candidates


@pytest.mark.parametrize(("first", "second", "rival"), [
    ("performance-critical margin calculator for a fintech product", "wouldn't go do the job too?", "Go"),  # not the verb
    ("live sports commentary pushed to thousands of browsers", "couldn't rust handle it faster though?", "Rust"),
])
def test_a_rival_offered_in_a_negative_question_is_a_why_not(table, meaning, first, second, rival):
    reading, after = converse(table, meaning, first, second)
    assert reading.intent.kind == "why_not" and reading.intent.languages[0] == rival
    assert rival not in reading.needs.excluded


def test_a_negative_statement_about_a_language_is_still_an_exclusion(table, meaning):
    reading, _ = converse(table, meaning, "real-time multiplayer quiz backend", "we can't run node in our infrastructure")
    assert "Node.js" in reading.needs.excluded and reading.intent.kind != "why_not"


def test_dropping_a_criterion_drops_the_work_that_only_asked_for_it(table, meaning):
    reading, ranking = converse(table, meaning, "video transcoding service, very CPU heavy",
                                "forget about speed, the clips are tiny now. we need the easiest language to learn")
    assert "cpu-bound" not in reading.needs.constraints and "speed" not in reading.needs.priorities
    assert ranking.recommendation == "Python"  # Very Easy, and no CPU-bound con against it any more


@pytest.mark.parametrize("text,expected", [
    # Portuguese: "which backend language do you recommend for a beginner who wants to learn fast?"
    ("Qual linguagem de backend vocês recomendam para um iniciante que quer aprender rápido, Python ou Go?", {"Python"}),
    # Spanish: "for a real-time chat with many users, which is better?"
    ("Para un chat en tiempo real con muchos usuarios, ¿cuál es mejor, Node.js o Python?", {"Node.js"}),
    # Russian: "for a blockchain node, which to choose, Go or Rust?"
    ("Для блокчейн ноды что выбрать, Go или Rust? Важна производительность.", {"Rust"}),
    # Chinese: "for machine learning, python or go?"
    ("做机器学习的后端，用python还是go？", {"Python"}),
])
def test_a_question_in_another_language_is_read_for_its_needs_through_its_gloss(table, meaning, text, expected):
    reading, ranking = converse(table, meaning, text)
    assert ranking.recommendation in expected, (text, reading.needs, ranking.recommendation)


def test_the_gloss_picks_the_glossary_the_text_uses_most_and_keeps_the_names():
    from stackadvisor.rules.finder import gloss
    assert gloss("Qual é melhor para iniciantes, Go ou Rust?") == "which é better for beginners, Go or Rust?"
    assert gloss("We use Go for the backend.") == "We use Go for the backend."  # English: nothing to gloss
    assert "high concurrency" in gloss("Go 在高并发的场景表现优异")


def test_a_project_word_that_names_a_downside_is_no_downsides_question(table, meaning):
    reading, ranking = converse(table, meaning, "a payments risk scoring service, our team are go experts")
    assert reading.intent.kind == "recommend" and ranking.recommendation is not None
    reading, _ = converse(table, meaning, "a chat server for 50k users", "what are the risks with it?")
    assert reading.intent.kind == "downsides"


def test_a_statement_naming_two_languages_after_a_pick_refines_it(table, meaning):
    reading, ranking = converse(table, meaning, "trading engine for a bank, latency is everything",
                                "nobody here has touched rust or go, and they are fresh graduates")
    assert reading.intent.kind == "recommend" and ranking.recommendation != "Rust"


def test_a_comparison_continued_without_a_project_stays_a_comparison(table, meaning):
    reading, ranking = converse(table, meaning, "node or python, which has the bigger ecosystem?", "and which of the two is quicker?")
    assert reading.intent.kind == "compare" and ranking.recommendation is None
    reading, ranking = converse(table, meaning, "node or python, which has the bigger ecosystem?", "so which of them for a chat server?")
    assert reading.intent.wants_pick


def test_nothing_to_do_with_drops_what_it_names(table, meaning):
    reading, _ = converse(table, meaning, "an API serving our machine learning models", "no wait, it's a firmware updater, nothing to do with machine learning")
    assert "data-ml" not in reading.needs.use_cases


def test_a_team_that_only_knows_one_language_makes_learning_any_other_a_cost(table, meaning):
    reading, _ = converse(table, meaning, "high-frequency trading backend; our people only know python")
    assert reading.needs.priorities.get("learning_curve", 0) > 0 and "Python" in reading.needs.skills


@pytest.mark.parametrize("text", [
    "one language for the browser and the server would let a single person own each feature. which backend?",
    "we'd love to share the validation code between the frontend and the backend. what should the api be written in?",
])
def test_one_language_on_both_ends_is_the_pro_the_article_gives_javascript(table, meaning, text):
    _, ranking = converse(table, meaning, text)
    assert ranking.recommendation == "Node.js", (text, ranking.recommendation)


def test_asking_whether_a_named_language_runs_on_both_ends_is_a_fact(table, meaning):
    reading, ranking = converse(table, meaning, "does node let me write the frontend and the backend in one language?")
    assert not reading.intent.wants_pick and ranking.recommendation is None


def test_automation_in_its_verb_forms_is_scripting(table, meaning):
    reading, _ = converse(table, meaning, "a little tool that automates our release chores, which language?")
    assert "scripting" in reading.needs.use_cases


def test_a_lower_case_go_let_back_in_is_the_language(table, meaning):
    reading, ranking = converse(table, meaning, "a websocket gateway for 200k concurrent clients", "go is not allowed here",
                                "update: management approved go")
    assert "Go" not in reading.needs.excluded and ranking.recommendation == "Go"


@pytest.mark.parametrize("text", ["we have zero experience with servers; a small REST API for a shop",
                                  "the devs are unfamiliar with compiled languages, it's an internal CRUD api"])
def test_a_team_without_experience_makes_ease_of_learning_matter(table, meaning, text):
    reading, _ = converse(table, meaning, text)
    assert "learning_curve" in reading.needs.priorities


def test_inexperience_said_later_turns_a_speed_pick_from_the_hardest_language(table, meaning):
    _, first = converse(table, meaning, "max performance backend, learning curve is irrelevant")
    _, later = converse(table, meaning, "max performance backend, learning curve is irrelevant",
                        "hmm, actually the developers have never touched a systems language")
    assert first.recommendation == "Rust" and later.recommendation not in (None, "Rust")

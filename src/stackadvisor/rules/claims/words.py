"""The claim checker's vocabulary (rules/lexicon/check.yaml), validated by rules/lexicon.py and compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .. import lexicon


def _one(p: str) -> str:
    return r"[\s\-]+".join(r"[\s\-]?".join(re.escape(part) for part in w.split("-")) for w in p.split())


def _rx(phrases) -> re.Pattern:  # noqa: ANN001
    alt = "|".join(sorted((_one(p) for p in phrases), key=len, reverse=True))
    return re.compile(rf"(?<![\w\-])(?:{alt})(?![\w\-])")


@dataclass(frozen=True)
class Words:
    negator_rx: re.Pattern  # "anything but": read as "not"
    privative_rx: re.Pattern
    hedge_rx: re.Pattern
    antonyms: dict[str, str]
    positive: frozenset[str]
    negative: frozenset[str]
    unrated: tuple[tuple[str, re.Pattern], ...]  # (property label, its phrases)
    unrated_rx: re.Pattern
    not_claim_rx: re.Pattern
    examples: dict[str, tuple[str, ...]]
    extreme_rx: re.Pattern  # "extremely fast": the end of the scale
    moderate_rx: re.Pattern  # "moderately fast": its middle
    lacks_rx: re.Pattern  # "lacks true": a criterion word after it is said to be missing
    plain_rx: re.Pattern  # idioms and everyday words read as a plain word ("a walk in the park" -> "easy")
    plain: dict[str, str]
    middle_rx: re.Pattern  # "middling": the middle of a scale; "nothing special": the middle or below
    middle: dict[str, str]  # key(phrase) -> "middle" | "upto-middle"
    verb_rx: re.Pattern  # comparison verbs and phrases ("outruns", "on par with", "lags behind")
    verb_class: dict[str, str]  # key(phrase) -> "better" | "worse" | "equal"
    split_verbs: tuple[tuple[str, str, re.Pattern], ...]  # (class, key, "blows <obj> out of the water"): the object inside
    verb_criteria: dict[str, str]  # key(verb) -> a keyword of the table ("outruns" -> "fast")
    crit_word_rx: re.Pattern  # everyday words naming a criterion ("performs")
    crit_words: dict[str, str]  # key(word) -> a keyword of the table
    nobody_rx: re.Pattern  # "no language [in the comparison]" right before a comparison verb
    object_rx: re.Pattern  # "compared to", "versus": the other side of a comparison
    kind_rx: re.Pattern  # "languages like", "options such as"
    kind_head_rx: re.Pattern  # " language", " choice": a kind noun heading the phrase a use names ("the preferred ML language")
    comparative_rx: re.Pattern  # "improved", "degraded": better or worse on the criterion after it
    comparative: dict[str, int]
    verb_how_rx: re.Pattern  # "scales well": a verb naming a criterion (group verb), then how well (group how)
    criterion_verbs: dict[str, str]  # key(verb) -> a keyword of the table
    handle_rx: re.Pattern  # "copes with [a few words] <criterion> [a few words] <how well>"
    pronoun_rx: re.Pattern  # a sentence opening on "it" / "its" / "they", after an opener ("However, it ...")
    times_rx: re.Pattern  # "twice ", "3x ", "half ": right before "as fast as" (group "less" for a fraction)
    best_idiom_rx: re.Pattern  # "unbeatable", "second to none"
    alike_rx: re.Pattern  # "roughly equal", "neck and neck"
    others_rx: re.Pattern  # "both" (group pair) / "the others": the other side of a comparison without a name (group 1)
    trade_rx: re.Pattern  # "trades", "sacrifices": "X trades A for <level> <criterion>" rates X on what it gets
    denying_rx: re.Pattern  # "it would be wrong to call": a frame at a sentence's start that denies what follows
    retraction_rx: re.Pattern  # "but turns out it's not": a sentence's end that takes back what it said before
    graded_rx: re.Pattern  # "has excellent, fully mature ": a possession verb, then direction words (group how), at the end
    many_rx: re.Pattern  # "tons of", "a ton of": a large amount (claims.yaml many)
    few_rx: re.Pattern  # "few", "hardly any": a small amount (claims.yaml few)
    verdict_after_rx: re.Pattern  # " tasks are no problem" (group fine) / " work is a pain" (group trouble), after a use
    dominance_rx: re.Pattern  # "is winning the systems and ": a dominance verb and at most four words, at the end
    every_rx: re.Pattern  # "in every aspect", "across the board": a comparison on every criterion at once
    stretch_end_rx: re.Pattern  # where the stretch of a clause about an unrated property ends (punctuation, "and", "at the cost of")
    copula_rx: re.Pattern  # "is", "runs": a copula, then at most three words (adverbs, hedges, "1.5-3x"), ending where a predicate starts
    aside_rx: re.Pattern  # ", however,", ", in practice,": an aside between commas, which joins its clause rather than cutting it


@cache
def words() -> Words:
    d = lexicon.load("check")
    _check_plain(d["plain_words"])
    verbs = {key(p): cls for cls in ("better", "worse", "equal") for p in d[f"compare_{cls}"]}
    split = tuple((cls, key(p), _split_rx(p)) for cls in ("better", "worse", "equal") for p in d[f"compare_{cls}"] if " * " in p)
    unrated = tuple((label, _rx(ps)) for label, ps in d["unrated"].items())
    many, few = lexicon.phrases("claims", "many"), lexicon.phrases("claims", "few")
    # "has no multithreading limitations": a "no" denies the noun phrase, whose head may come after the use it names
    graded_few = [p for p in few if p.split()[-1] != "no"]
    very = r"(?:(?:" + _rx(d["intensifiers"]).pattern + r")\s+)?"  # "scales really well"
    return Words(
        negator_rx=_rx(d["negators"]),
        privative_rx=_rx(d["privatives"]),
        hedge_rx=_rx(d["hedges"]),
        antonyms=dict(d["antonyms"]),
        positive=frozenset(d["positive"]),
        negative=frozenset(d["negative"]),
        unrated=unrated,
        many_rx=_rx(many),
        few_rx=_rx(few),
        unrated_rx=_rx([p for ps in d["unrated"].values() for p in ps]),
        not_claim_rx=_rx(d["not_claims"]),
        examples=dict(d["examples"]),
        extreme_rx=_rx(d["degree_extreme"]),
        moderate_rx=_rx(d["degree_moderate"]),
        lacks_rx=re.compile(_rx(d["lacks"]).pattern + r"\s+(?:" + _rx(d["lack_modifiers"]).pattern + r"\s+)?"),
        plain_rx=_rx(d["plain_words"]),
        plain={key(k): v for k, v in d["plain_words"].items()},
        middle_rx=_rx([*d["middle"], *d["unremarkable"]]),
        middle={**{key(p): "middle" for p in d["middle"]}, **{key(p): "upto-middle" for p in d["unremarkable"]}},
        verb_rx=_rx([p for cls in ("better", "worse", "equal") for p in d[f"compare_{cls}"] if " * " not in p]),
        verb_class=verbs,
        split_verbs=split,
        verb_criteria={key(k): v for k, v in d["verb_criteria"].items()},
        crit_word_rx=_rx(d["criterion_words"]),
        crit_words={key(k): v for k, v in d["criterion_words"].items()},
        nobody_rx=re.compile(r"(?<![\w\-])(?:" + _rx(d["nobody"]).pattern + r")(?:\s+[\w']+){0,4}?\s*$"),
        object_rx=re.compile(_rx(d["object_markers"]).pattern + r"\s+(?:(?:that|those)\s+of\s+|the\s+)?"),
        comparative_rx=_rx(d["comparatives"]),
        comparative=_signs(d["comparatives"]),
        handle_rx=re.compile(_rx(d["handle_verbs"]).pattern + r"(?P<what>(?:\s+[\w\-]+){1,6}?)\s+" + very +
                             r"(?P<how>" + _rx([*d["positive"], *d["negative"]]).pattern + r")(?=\s*(?:[,;.!]|$))"),
        verb_how_rx=re.compile(r"(?P<verb>" + _rx(d["criterion_verbs"]).pattern + r")(?:\s+[\w\-]+){0,2}?\s+" + very +
                               r"(?P<how>" + _rx([*d["positive"], *d["negative"]]).pattern + r")(?=\s*(?:[,;.!]|$|\s+(?:on|in|at|for|with|under|when)\b))"),
        criterion_verbs={key(k): v for k, v in d["criterion_verbs"].items()},
        pronoun_rx=re.compile(r"[\s\"'*_\-]*(?:(?:" + _rx(d["openers"]).pattern + r"),?\s+)?(?:" + _rx(d["pronouns"]).pattern + r")"),
        times_rx=re.compile(r"(?:(?P<less>" + _rx(d["fractions"]).pattern + r")|" + _rx(d["multipliers"]).pattern
                            + r"|\d+(?:\.\d+)?\s*(?:x|×|times))\s+$"),
        best_idiom_rx=_rx(d["superlative_idioms"]),
        alike_rx=_rx(d["alike"]),
        trade_rx=_rx(d["trade_verbs"]),
        others_rx=re.compile(r"\s*((?P<pair>" + _rx(d["pair_objects"]).pattern + r")|" + _rx(d["rest_objects"]).pattern + r")"),
        denying_rx=re.compile(r"[\W_]*(?:" + _rx(d["denying_frames"]).pattern + r")(?:\s+that)?\s+(?=\S)"),
        retraction_rx=re.compile(r",?\s*(?:but|yet|though|however)\s*,?\s+(?:(?:" + _rx(d["retraction_leads"]).pattern + r"),?\s+(?:that\s+)?)?(?:"
                                 + _rx(d["retractions"]).pattern + r")(?:\s+(?:really|at\s+all|true|so))?[\s.!]*$"),
        graded_rx=re.compile(r"(?:" + _rx(d["possession_verbs"]).pattern + r")\s+(?P<how>(?:(?:" + _rx([*d["positive"], *d["negative"], *d["degree_extreme"], *d["hedges"], *d["intensifiers"], *many, *graded_few]).pattern
                             + r")[\s,]+(?:and\s+)?){1,4})$"),
        verdict_after_rx=re.compile(r"(?:\s+[\w\-]+){0,2}?\s+(?:is|are|pose|poses|remain|remains|become|becomes|stay|stays)\s+"
                                    r"(?:(?:" + _rx([*d["hedges"], *d["degree_extreme"], *d["intensifiers"], *d["verdict_modifiers"]]).pattern + r")\s+)*(?:(?P<fine>"
                                    + _rx(d["fine_after"]).pattern + r")|(?P<trouble>" + _rx(d["trouble_after"]).pattern + r"))"),
        dominance_rx=re.compile(r"(?:" + _rx(d["dominance_verbs"]).pattern + r")\s+(?:the\s+)?(?:[\w\-]+\s+){0,4}$"),
        every_rx=re.compile(r"\s*(?:" + _rx(d["every_criterion"]).pattern + r")(?P<except>,?\s+(?:" + _rx(d["every_except"]).pattern
                            + r")\s+(?:(?:on|in|for|at)\s+)?(?:the\s+)?[\w\-]+(?:\s+[\w\-]+)?)?"),
        stretch_end_rx=re.compile(r"[,;:\u2014\u2013]|\s(?:" + _rx(d["stretch_ends"]).pattern + r")\s"),
        copula_rx=re.compile(r"(?<![\w\-])(?:" + _rx(d["copulas"]).pattern + r")(?:\s+[^\s,;]+){0,3}?\s+$"),
        kind_head_rx=re.compile(r"\s+(?:" + _rx(d["kind_nouns"]).pattern + r")(?![\w\-])"),
        kind_rx=re.compile(r"\s+(?:[\w\-]+\s+)?" + _rx(d["kind_nouns"]).pattern + r",?\s+(?:like|such\s+as|including|e\.g\.,?)\s+"),
        aside_rx=re.compile(r",\s*(?:" + _rx(d["asides"]).pattern + r")\s*,"),
    )


def _split_rx(phrase: str) -> re.Pattern:
    """ "blows * out of the water": the words before and after the object, one to three words between."""
    head, tail = phrase.split(" * ")
    return re.compile(rf"(?<![\w\-])(?:{_one(head)})\s+(?P<obj>[^\s,;]+(?:\s+[^\s,;]+){{0,2}}?)\s+(?:{_one(tail)})(?![\w\-])")


def key(phrase: str) -> str:
    """A phrase as matched, in one spelling: lower case, hyphens and runs of spaces read alike ("out-performs" is "outperforms")."""
    return re.sub(r"[\s\-]+", "", phrase.lower())


def _signs(pairs: dict[str, str]) -> dict[str, int]:
    bad = [k for k, v in pairs.items() if v not in ("better", "worse")]
    if bad:
        raise lexicon.LexiconError(f"rules/lexicon/check.yaml:comparatives.{bad[0]}: expected better or worse.")
    return {key(k): 1 if v == "better" else -1 for k, v in pairs.items()}


def _check_plain(pairs: dict[str, str]) -> None:
    for phrase, plain in pairs.items():
        if len(plain) > len(phrase):
            raise lexicon.LexiconError(f"rules/lexicon/check.yaml:plain_words.{phrase}: {plain!r} is longer than the phrase "
                                       "(the text is rewritten in place).")


def as_plain(lc: str, spans: list[tuple[int, int]] | None = None) -> str:
    """`lc` with each idiom of check.yaml's plain_words read as its plain word, padded to the same length ("a walk in
    the park to learn" -> "easy               to learn"); the idioms' spans are added to `spans`."""
    w = words()
    if not w.plain_rx.search(lc):
        return lc

    def plain(m: re.Match) -> str:
        if spans is not None:
            spans.append(m.span())
        return w.plain[key(m.group(0))].ljust(len(m.group(0)))

    return w.plain_rx.sub(plain, lc)


def as_not(lc: str) -> str:
    """`lc` with each negator phrase read as "not" (same length, so spans stay valid): "anything but easy" -> "not ... easy";
    an aside between commas ("Its speed, however, is moderate") is blanked: it joins the clause, it does not cut it."""
    lc = words().aside_rx.sub(lambda m: " " * len(m.group(0)), lc)
    rx = words().negator_rx
    if not rx.search(lc):
        return lc
    return rx.sub(lambda m: "not".ljust(len(m.group(0))), lc)


_SOURCE = re.compile(r"^\W*\[\d+\]|\([\w./-]+\.(?:md|txt|pdf|html?)\)|https?://")
_CITE = re.compile(r"\[\d+\]|\(\s*[+-]?\d+(?:\.\d+)?\s*\)|\(weight[^)]*\)")
_NAMEISH = re.compile(r"[a-z][a-z\-']+")


def statement(fragment: str, titles: tuple[str, ...] = (), min_words: int = 3) -> bool:
    """Could this lower-cased sentence or clause state a fact about a language? Not a source line ("[2] Performance
    Comparison, Go row (corpus/article.md)") or one quoting a section title of the article (`titles`, lower-cased:
    "go (golang): simplicity meets performance"), not the advisor's pick or scorecard (check.yaml not_claims), not
    a title of fewer than `min_words` words."""
    if _SOURCE.search(fragment) or words().not_claim_rx.search(fragment) or any(t in fragment for t in titles):
        return False
    return len(_NAMEISH.findall(_CITE.sub(" ", fragment))) >= min_words


_WORD = re.compile(r"[a-z][a-z\-]*")


def says_opposite(said: set[str], line: str) -> bool:
    """Whether a clause (its words, `said`) that names an article line says the opposite of it: an antonym of one of
    the line's words ("statically" for "dynamically"), or a positive word where the line's own is negative
    ("excellent generics support" for "Limited generic support"), or the reverse. A negative prefix turns a word
    round (_signed): "unrestricted" is a positive word, "unfriendly" a negative one."""
    w = words()
    own = set(_WORD.findall(line.lower()))
    if any(w.antonyms.get(x) in said for x in own - said):
        return True
    line_neg, line_pos = bool(own & w.negative), bool(own & w.positive)
    pos, neg = _signed(said - own)
    new_pos, new_neg = bool(pos), bool(neg)
    return (line_neg and not line_pos and new_pos and not new_neg) or (line_pos and not line_neg and new_neg and not new_pos)


_PREFIX = re.compile(r"(?:un|im|in|non-?)(?P<rest>[a-z\-]{4,})$")


def _signed(tokens: set[str]) -> tuple[set[str], set[str]]:
    """(the positive words, the negative words) of `tokens` (check.yaml positive / negative), a word with a negative
    prefix counted as the opposite of its stem: "immature", "unfriendly" negative; "unrestricted", "unlimited" positive."""
    w = words()
    pos, neg = tokens & w.positive, tokens & w.negative
    for t in tokens - pos - neg:
        m = _PREFIX.match(t)
        if m and m.group("rest") in w.positive:
            neg = neg | {t}
        elif m and m.group("rest") in w.negative:
            pos = pos | {t}
    return pos, neg


def amount(text: str) -> int:
    """+1 for a large amount said in `text` ("tons of", "a ton of"), -1 for a small one ("few", "hardly any"), else 0."""
    w = words()
    return 1 if w.many_rx.search(text) else -1 if w.few_rx.search(text) else 0


def direction(tokens: set[str]) -> int:
    """+1 / -1 from a clause's direction words (check.yaml positive / negative); a negative prefix turns a word
    round ("immature", "unfriendly" are negative; "unrestricted" positive)."""
    pos, neg = _signed(tokens)
    return (len(pos) > 0) - (len(neg) > 0)

"""The eval suite's cases: the YAML schema, its validation, and the cases generated from the comparison table.

    evals/cases/*.yaml ──load_cases──▶ [Case]      (a typo is an EvalError naming the file, the case and the fix)
    knowledge.Table ──generate_cases──▶ [Case]      (every cell and every pair, as questions and as claims)

evals.py runs and judges them; evals/README.md documents every field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StackAdvisorError

VERDICTS = ("supported", "contradicted", "unsupported", "unjudged", "none")
CASE_KEYS = {"id", "category", "tags", "note", "turns", "question", "expect_any", "forbid", "expect_no_pick", "expect_sections",
             "must_mention", "must_not_say", "expect_out_of_scope", "text", "claims", "expect_no_claims", "source"}  # source: where a real question was asked (read by people, ignored by the harness)
TURN_KEYS = {"user", "expect_any", "forbid", "expect_no_pick"}
CLAIM_KEYS = {"text", "match", "language", "criterion", "kind", "verdict"}


class EvalError(StackAdvisorError):
    """The eval harness cannot run: a bad cases, gates or baseline file. The message names the file and the fix."""



# ---------------------------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Turn:
    user: str
    expect_any: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    expect_no_pick: bool = False


@dataclass(frozen=True)
class ClaimExpect:
    verdict: str
    text: str | None = None  # checked on its own; default: the case's text
    match: str | None = None
    language: str | None = None
    criterion: str | None = None
    kind: str | None = None

    def describe(self) -> str:
        bits = [f"{k}={v}" for k, v in (("match", self.match), ("language", self.language), ("criterion", self.criterion), ("kind", self.kind)) if v]
        return (f"{self.text!r}: " if self.text else "") + (", ".join(bits) or "any claim") + f" -> {self.verdict}"


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    turns: tuple[Turn, ...] = ()
    expect_sections: tuple[str, ...] = ()
    must_mention: tuple[Any, ...] = ()  # each a pattern string, or a list of them (any of)
    must_not_say: tuple[str, ...] = ()
    expect_out_of_scope: bool | None = None
    text: str | None = None
    claims: tuple[ClaimExpect, ...] = ()
    tags: tuple[str, ...] = ()
    note: str = ""
    origin: str = "hand"  # hand | generated
    file: str = ""

    @property
    def is_claim(self) -> bool:
        return bool(self.claims)

    @property
    def prompt(self) -> str | None:  # None: a claim case with a text on every claim and none of its own
        return self.text if self.is_claim else " ⏎ ".join(t.user for t in self.turns)


def pattern(spec: str) -> re.Pattern[str]:
    """"/regex/" is a case-insensitive regex; anything else a case-insensitive substring."""
    if len(spec) > 2 and spec.startswith("/") and spec.endswith("/"):
        return re.compile(spec[1:-1], re.I)
    return re.compile(re.escape(spec), re.I)


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise EvalError(f"{where}: expected a string or a list of strings, got {value!r}.")


def _langs(value: Any, where: str, names: Iterable[str]) -> tuple[str, ...]:
    langs = _strs(value, where)
    known = list(names)
    for lang in langs:
        if lang not in known:
            raise EvalError(f"{where}: unknown language {lang!r}; the table has {', '.join(known)} (spelled exactly).")
    return langs


def _patterns(value: Any, where: str) -> tuple[Any, ...]:
    out: list[Any] = []
    for item in value if isinstance(value, list) else [value] if value is not None else []:
        alts = _strs(item, where)
        for a in alts:
            try:
                pattern(a)
            except re.error as exc:
                raise EvalError(f"{where}: bad regex {a!r}: {exc}.") from None
        out.append(alts[0] if isinstance(item, str) else list(alts))
    return tuple(out)


def _bool(raw: dict, key: str, where: str) -> bool | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, bool):
        raise EvalError(f"{where}: {key} must be true or false, got {value!r}.")
    return value


def parse_case(raw: Any, where: str, names: list[str], sections: set[str], default_category: str, file: str = "") -> Case:
    """One case from its YAML mapping, validated: a typo is an error, not a silently weaker case."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"].strip():
        raise EvalError(f"{where}: every case is a mapping with an 'id' (a short unique string).")
    at = f"{where} (case {raw['id']!r})"
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise EvalError(f"{at}: unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(CASE_KEYS))}.")
    category = str(raw.get("category") or default_category)
    if not category:
        raise EvalError(f"{at}: no category; set 'category:' on the case or at the top of the file.")
    final_any, final_forbid = _langs(raw.get("expect_any"), f"{at}.expect_any", names), _langs(raw.get("forbid"), f"{at}.forbid", names)
    final_no_pick = bool(_bool(raw, "expect_no_pick", at))
    turns: list[Turn] = []
    raw_turns = raw.get("turns")
    if raw.get("question") is not None:
        if raw_turns is not None:
            raise EvalError(f"{at}: give either 'question' (one turn) or 'turns', not both.")
        raw_turns = [raw["question"]]
    for i, t in enumerate(raw_turns or [], start=1):
        tw = f"{at}.turns[{i}]"
        if isinstance(t, str):
            t = {"user": t}
        if not isinstance(t, dict) or not isinstance(t.get("user"), str) or set(t) - TURN_KEYS:
            raise EvalError(f"{tw}: a turn is a string, or a mapping with 'user' and optional {', '.join(sorted(TURN_KEYS - {'user'}))}.")
        turns.append(Turn(t["user"], _langs(t.get("expect_any"), f"{tw}.expect_any", names), _langs(t.get("forbid"), f"{tw}.forbid", names),
                          bool(_bool(t, "expect_no_pick", tw))))
    claims: list[ClaimExpect] = []
    for i, c in enumerate(raw.get("claims") or [], start=1):
        cw = f"{at}.claims[{i}]"
        if not isinstance(c, dict) or set(c) - CLAIM_KEYS or c.get("verdict") not in VERDICTS:
            raise EvalError(f"{cw}: a claim is a mapping with 'verdict' ({', '.join(VERDICTS)}) and optional text, match, language, criterion, kind.")
        claims.append(ClaimExpect(str(c["verdict"]), **{k: (str(v) if v is not None else None) for k, v in c.items() if k != "verdict"}))
    if raw.get("expect_no_claims"):
        claims.append(ClaimExpect("none"))
    text = raw.get("text")
    if claims:
        if turns:
            raise EvalError(f"{at}: a claim case has 'text' and 'claims', not turns.")
        if not isinstance(text, str) and not all(c.text for c in claims):
            raise EvalError(f"{at}: a claim case needs 'text' (or a 'text' on every claim).")
    elif not turns:
        raise EvalError(f"{at}: give 'question' or 'turns' (an answer case) or 'text' and 'claims' (a claim-checking case).")
    else:
        last = turns[-1]
        turns[-1] = Turn(last.user, last.expect_any or final_any, last.forbid or final_forbid, last.expect_no_pick or final_no_pick)
    secs = _strs(raw.get("expect_sections"), f"{at}.expect_sections")
    for s in secs:
        if s not in sections:
            raise EvalError(f"{at}: unknown section {s!r}; the article's sections are {', '.join(sorted(sections))}.")
    return Case(
        id=raw["id"].strip(), category=category, turns=tuple(turns), expect_sections=secs,
        must_mention=_patterns(raw.get("must_mention"), f"{at}.must_mention"),
        must_not_say=tuple(a for p in _patterns(raw.get("must_not_say"), f"{at}.must_not_say") for a in ([p] if isinstance(p, str) else p)),
        expect_out_of_scope=_bool(raw, "expect_out_of_scope", at), text=text if isinstance(text, str) else None, claims=tuple(claims),
        tags=_strs(raw.get("tags"), f"{at}.tags"), note=str(raw.get("note") or ""), file=file,
    )


def load_cases(path: str | Path, knowledge: Any) -> list[Case]:
    """All cases under a YAML file or folder (files in name order), generated ones included where a file asks."""
    import yaml

    root = Path(path)
    if root.is_dir():
        files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.name != "gates.yaml")
    elif root.is_file():
        files = [root]
    else:
        raise EvalError(f"No cases at {root}. Give --cases a YAML file or a folder of them (see evals/README.md).")
    if not files:
        raise EvalError(f"{root} holds no .yaml case files. Add one (see evals/README.md) or point --cases at another folder.")
    names = list(knowledge.table.names)
    sections = {s.id for s in knowledge.sections}
    cases: list[Case] = []
    for f in files:
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise EvalError(f"{f}: cannot read the cases file: {exc}. Fix the YAML and rerun.") from None
        if not isinstance(data, dict) or not (isinstance(data.get("cases"), list) or data.get("generate")):
            raise EvalError(f"{f}: expected a mapping with 'cases:' (a list) or 'generate:'; see evals/README.md.")
        category = str(data.get("category") or f.stem)
        for i, raw in enumerate(data.get("cases") or [], start=1):
            cases.append(parse_case(raw, f"{f.name}: case {i}", names, sections, category, f.name))
        gen = data.get("generate")
        if gen:
            kinds = _strs(gen, f"{f}: generate")
            bad = set(kinds) - {"cells", "pairs"}
            if bad:
                raise EvalError(f"{f}: generate: unknown kind(s) {', '.join(sorted(bad))}; allowed: cells, pairs.")
            cases.extend(generate_cases(knowledge, kinds))
    seen: dict[str, str] = {}
    for c in cases:
        if c.id in seen:
            raise EvalError(f"Case id {c.id!r} appears twice ({seen[c.id]} and {c.file or 'generated'}); ids must be unique.")
        seen[c.id] = c.file or "generated"
    return cases


# ------------------------------------------------------------------------------------------ generation


def level_regex(level: str, scale: Iterable[str]) -> str:
    """A must-mention regex for a level that does not match inside a longer level ("High" not in "Very High")."""
    before, after = set(), set()
    for other in scale:
        if other == level:
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(level.lower())}(?!\w)", other.lower()):
            if m.start():
                before.add(other[: m.start()].lower())
            if m.end() < len(other):
                after.add(other[m.end():].lower())
    look = "".join(f"(?<!{re.escape(b)})" for b in sorted(before)) + rf"(?<!\w){re.escape(level)}(?!\w)" + "".join(f"(?!{re.escape(a)})" for a in sorted(after))
    return f"/{look}/"


def _phrase(crit: Any, phrase: str) -> str:
    verb = "has a" if any(phrase.endswith(n) for n in crit.nouns) else "is"
    return f"{verb} {phrase}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def generate_cases(knowledge: Any, kinds: Iterable[str] = ("cells", "pairs")) -> list[Case]:
    """Questions and claims from the table itself, so a user's table is measured too:
    every cell as a question and as claims (its true level supported, every other level contradicted), and
    every pair of languages on every criterion as a question and as claims (both directions, better and worse)."""
    table = knowledge.table
    sec_of = {lang.name: next((s.id for s in knowledge.sections if s.title == lang.section), None) for lang in table.languages.values()}
    cases: list[Case] = []
    kinds = set(kinds)
    for cid, crit in table.criteria.items():
        label = crit.label.lower()
        langs = [n for n in table.names if cid in table.languages[n].cells]
        if "cells" in kinds:
            for n in langs:
                level = table.level(n, cid)
                secs = tuple(s for s in ("comparison", sec_of[n]) if s)
                tag = f"{_slug(n)}-{cid}"
                cases.append(Case(f"gen-cell-q-{tag}", "gen-cell-question", (Turn(f"What is {n}'s {label}?", expect_no_pick=True),), secs,
                                  (level_regex(level, crit.scale),), tags=("generated", cid), origin="generated"))
                claims = tuple(ClaimExpect("supported" if lv == level else "contradicted", f"{n}'s {label} is {lv}", language=n, criterion=cid)
                               for lv in crit.scale)
                cases.append(Case(f"gen-cell-claim-{tag}", "gen-cell-claim", claims=claims, tags=("generated", cid), origin="generated"))
        if "pairs" in kinds and crit.better and crit.worse:
            for i, a in enumerate(langs):
                for b in langs[i + 1:]:
                    ra, rb = table.rank(a, cid), table.rank(b, cid)
                    tag = f"{_slug(a)}-{_slug(b)}-{cid}"
                    levels = [level_regex(table.level(x, cid), crit.scale) for x in dict.fromkeys((a, b)) if table.level(x, cid)]
                    secs = tuple(s for s in ("comparison", sec_of[a], sec_of[b]) if s)
                    q = f"Which {_phrase(crit, crit.better[0])}, {a} or {b}?"
                    cases.append(Case(f"gen-pair-q-{tag}", "gen-pair-question", (Turn(q),), secs, tuple(dict.fromkeys(levels)),
                                      tags=("generated", cid), origin="generated"))
                    pair_claims: list[ClaimExpect] = []
                    for x, y, rx, ry in ((a, b, ra, rb), (b, a, rb, ra)):
                        pair_claims.append(ClaimExpect("supported" if rx > ry else "contradicted", f"{x} {_phrase(crit, crit.better[0])} than {y}", language=x, criterion=cid))
                        pair_claims.append(ClaimExpect("supported" if rx < ry else "contradicted", f"{x} {_phrase(crit, crit.worse[0])} than {y}", language=x, criterion=cid))
                    cases.append(Case(f"gen-pair-claim-{tag}", "gen-pair-claim", claims=tuple(pair_claims), tags=("generated", cid), origin="generated"))
    return cases


__all__ = ["CASE_KEYS", "CLAIM_KEYS", "TURN_KEYS", "VERDICTS", "Case", "ClaimExpect", "EvalError", "Turn", "generate_cases", "level_regex",
           "load_cases", "parse_case", "pattern"]

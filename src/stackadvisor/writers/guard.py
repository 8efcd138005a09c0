"""The guard: generated prose the user never sees unchecked.

    prompt ─▶ LLM ─▶ sentences ─▶ guard (verify each sentence in context) ─▶ yield
                                     │ contradicted, first time: stop, regenerate the rest with the feedback
                                     │ contradicted again: replace the sentence with the table's correction, marked
                                     └ a recommendation outside the table or against the rules' pick: corrected, marked

then one WriterResult whose text is exactly what was streamed (plus a final safety pass). The whole answer,
regeneration included, must fit in the writer's timeout, counted from the turn's first LLM call. A failure
before anything was shown is raised (a FallbackWriter turns it into the offline answer); a failure after it
keeps what was shown and appends the offline answer with a note.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import prompts
from ..markup import defang
from .base import MARK, Condensed, Failure, Verify, WriterResult
from .sentences import HEADING, few, recommended, resolve_language, sentence_bounds, sentences, short, tidy, uncite, within

if TYPE_CHECKING:
    from ..compose import Composed, Context
    from ..rules import Check
    from .model import LLMWriter


def guarded_stream(writer: LLMWriter, ctx: Context, offline: Composed, verify: Verify) -> Iterator[str | WriterResult]:
    """The writer's generated answer: text pieces as they pass the check, then the WriterResult."""
    condensed: Condensed | None = getattr(ctx, "condensed", None)
    marks = [t for t in (getattr(ctx, "started", None), condensed.started if condensed else None) if t is not None]
    started = min(marks) if marks else time.monotonic()
    deadline = started + writer.timeout  # bounds the whole answer from the turn's start: retrieval, condense, draft, regeneration
    question = condensed.question if condensed else ctx.question
    messages, given = prompts.answer(ctx, offline, question)
    attempts = 1 if condensed and condensed.failure and condensed.failure.retryable else writer.attempts
    guard = Guard(ctx, offline, verify, given)
    head = guard.head()
    shown: list[str] = []
    body = ""  # generated text as shown (corrections in place)
    accepted = ""  # generated text the check passed (for the regeneration prompt)
    pending: tuple[str, list[Problem]] | None = None  # the sentence a regeneration replaces
    regenerated = False
    seen: set[str] = set()
    source: Iterator[str] | None = writer.generate(messages, deadline, attempts=attempts)
    try:
        while source is not None:
            current, source = source, None
            split = sentences(current)
            fresh = 0  # sentences this source added
            for sentence in split:
                sentence, removed = defang(writer.redact(tidy(sentence, given)))
                guard.defanged += removed
                if not sentence.strip():
                    continue
                if sentence.strip() in seen:
                    if regenerated and not fresh:
                        continue  # the regeneration restating the checked draft: skip it
                    split.close()  # a small model looping on one line: stop it there
                    break
                seen.add(sentence.strip())
                fresh += 1
                if not shown:
                    shown.append(head)
                    yield head
                problems = guard.problems(head + body, sentence)
                if not problems:
                    pending = None
                    body += sentence
                    accepted += sentence
                    shown.append(sentence)
                    yield sentence
                    continue
                if not regenerated and time.monotonic() < deadline - 0.5:
                    regenerated = True
                    guard.regenerated(problems)
                    pending = (sentence, problems)
                    split.close()
                    # the same deadline: the endpoint answered a moment ago, and a server's prompt cache makes this call cheap
                    regen = prompts.continuation(messages, accepted, [p.feedback for p in problems])
                    source = writer.generate(regen, deadline, attempts=1)
                    break
                pending = None
                fixed = guard.correct(sentence, problems)
                body += fixed
                shown.append(fixed)
                yield fixed
        if pending:  # the regeneration wrote nothing: the rejected sentence gets its correction
            fixed = guard.correct(*pending)
            body += fixed
            shown.append(fixed)
            yield fixed
    except Failure as exc:
        if not shown:
            raise
        if pending:
            fixed = guard.correct(*pending)
            body += fixed
            shown.append(fixed)
            yield fixed
            guard.notices.append(f"{writer.where} did not answer the regeneration ({exc.reason}); the rejected sentence was corrected from the table.")
        else:
            note = f"\n\n*({writer.where} stopped mid-answer ({exc.reason}); the offline answer follows.)*\n\n"
            shown.append(note + offline.text)
            yield note + offline.text
            guard.notices.append(f"{writer.where} stopped mid-answer ({exc.reason}); the offline answer follows the part it wrote.")
    if not shown:
        raise Failure("it returned an empty answer", False)
    tail = "" if offline.text in shown[-1] else guard.footer("".join(shown))  # the offline answer lists its own sources
    if tail:
        shown.append(tail)
        yield tail
    text = "".join(shown)
    checks = verify(text, ctx)
    text, checks = guard.final_pass(text, checks)
    yield WriterResult(text, list(offline.sources), guard.summary(), guard.corrected, writer.name, checks)


@dataclass
class Problem:
    """Why a generated sentence cannot be shown as written."""

    kind: str  # "claim" | "recommendation" | "outside"
    feedback: str  # for the regeneration prompt and the notice
    correction: str  # the replacement from the table ("" = remove the sentence)
    claim: str = ""


class Guard:
    """Checks generated sentences against the rules layer and writes the corrections."""

    def __init__(self, ctx: Context, offline: Composed, verify: Verify, given: int) -> None:
        self.ctx = ctx
        self.table = ctx.table
        self.verify = verify
        self.sources = list(offline.sources)
        self.given = given
        self.base = set(verify("", ctx))  # what verify adds whatever the text (the pick's own check)
        self.corrected = 0
        self.fixes: list[str] = []
        self.notices: list[str] = []
        self.redrafted: list[str] = []
        self.defanged = 0  # images, script links and HTML tags taken out of the generated text

    # ---- deterministic parts of the answer

    def head(self) -> str:
        parts = []
        lines = [f"- {c.correction} {self.cite_row(c.language)}".rstrip() for c in self.ctx.premise if c.verdict == "contradicted" and c.correction]
        if lines:
            parts.append("**A correction first:** your question assumes something the article's comparison table does not say.\n" + "\n".join(lines))
        pick = self.ctx.ranking.recommendation
        if pick:
            parts.append(f"**Recommendation: {pick}** (the rules layer's pick from the comparison table)")
        return "\n\n".join(parts) + "\n\n" if parts else ""

    def footer(self, text: str) -> str:
        cited = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(self.sources)})
        if not cited:
            return ""
        lines = [f"[{n}] {self.sources[n - 1].title or self.sources[n - 1].section} ({self.sources[n - 1].source})" for n in cited]
        return "\n\n**Sources**\n" + "\n".join(lines)

    def cite_row(self, language: str | None) -> str:
        given = self.sources[: self.given]
        for i, p in enumerate(given, start=1):
            if getattr(p, "kind", "") == "row" and language and language in getattr(p, "languages", ()):
                return f"[{i}]"
        for i, p in enumerate(given, start=1):  # else the whole comparison table, never another language's row
            if p.section == "comparison" and getattr(p, "kind", "") != "row":
                return f"[{i}]"
        return ""

    # ---- checking

    def problems(self, before: str, sentence: str) -> list[Problem]:
        """The contradicted claims and bad recommendations in `sentence`, read in the context of `before`."""
        from .. import rules

        full = before
        if len(before) > 400:  # the sentences just before are context enough ("It is ..."), and keep check() cheap
            window = before[-400:]
            starts = [i for i in (window.find("\n") + 1, window.find(". ") + 2) if i > 1]
            before = window[min(starts):] if starts else window
        text = before + sentence
        lo, hi = len(before), len(text)
        out: list[Problem] = []
        for c in self.verify(text, self.ctx):
            if c.verdict != "contradicted" or c in self.base or not within(c, text, lo, hi):
                continue
            fix = self.correction_for(c)
            out.append(Problem("claim", uncite(fix) or f"The table says: {c.evidence}", fix, c.claim))
        for c in self.verify(text, self.ctx) if self.table else ():
            if c.kind == "outside" and c.verdict != "supported" and c.language and within(c, text, lo, hi):
                out.append(self.outside_rating(c.language))
        out.extend(self._under_heading(full, sentence, {p.claim for p in out}))
        table, ranking, pick = self.table, self.ctx.ranking, self.ctx.ranking.recommendation
        for name in recommended(sentence):
            lang = resolve_language(name, table)
            only = f"Recommend only {pick}." if pick else "Recommend no language."
            if lang is None:
                fix = f"For these needs the rules layer's pick is {pick}." if pick else ""
                out.append(Problem("outside", f"{name} is not in the comparison table ({', '.join(table.names)}). {only}", fix, f"recommends {name}"))
            elif pick and lang != pick:
                out.append(Problem("recommendation", f"The rules layer's pick is {pick}, not {lang}. {only}",
                                   f"For these needs the comparison table's scorecard favours {pick} over {lang}.", f"recommends {lang}"))
            elif not pick:
                verdict = rules.check_recommendation(lang, self.ctx.needs, ranking, table)
                if verdict.verdict == "contradicted":
                    out.append(Problem("recommendation", f"{verdict.correction or verdict.evidence} {only}", verdict.correction or "", f"recommends {lang}"))
        return out

    def outside_rating(self, name: str) -> Problem:
        """A table value given to a language the table does not cover ("PHP has Extremely High speed"): removed,
        never corrected (there is no row to correct it from), and the removal note does not repeat the value."""
        covered = ", ".join(self.table.names)
        return Problem("outside", f"{name} is not in the comparison table ({covered}): give it no speed, concurrency, learning-curve "
                       "or ecosystem rating.", "", f"a rating of {name}")

    def _under_heading(self, before: str, sentence: str, known: set[str]) -> list[Problem]:
        """A line that names no language but sits under a heading about one ("## Go" then "- Extensive libraries
        (Django, Flask)") is a claim about that language: check it as "Go: <line>"."""
        from ..retrieve import detect_languages

        if detect_languages(sentence, self.ctx.knowledge):
            return []
        subject = None
        for line in reversed(before.splitlines()[-12:]):
            if HEADING.match(line):
                langs = detect_languages(line, self.ctx.knowledge)
                subject = langs[0] if len(langs) == 1 else None
                break
        if subject is None:
            return []
        line = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?", "", sentence).strip()
        out = []
        for c in self.verify(f"{subject}: {line}", self.ctx):
            if c.verdict == "contradicted" and c not in self.base and c.claim not in known:
                fix = self.correction_for(c)
                out.append(Problem("claim", uncite(fix) or f"The table says: {c.evidence}", fix, f"{subject}: {line}"))
        return out[:1] if out and not any(p.correction for p in out) else [p for p in out if p.correction][:2]

    def correction_for(self, c: Check) -> str:
        """The table's true statement for a contradicted claim, itself checked, with its citation."""
        from .. import rules
        from ..compose import cell_sentence

        table = self.table
        options = [c.correction or ""]
        if c.language in table.languages and c.criterion in table.criteria:
            options.append(cell_sentence(table, c.language, c.criterion))
        if c.language in table.languages:
            options.append(f"The comparison table rates {table.row_text(c.language)}")
        for text in options:
            text = (text or "").strip().rstrip(".")
            if text and not any(x.verdict == "contradicted" for x in rules.check(text, table)):
                cite = self.cite_row(c.language)
                return f"{text}{' ' + cite if cite else ''}."
        return ""

    def regenerated(self, problems: list[Problem]) -> None:
        self.corrected += len(problems)
        self.redrafted.extend(p.claim or p.kind for p in problems)

    def correct(self, sentence: str, problems: list[Problem]) -> str:
        """The sentence replaced by the table's correction(s), marked; or a marked removal."""
        bullet = re.match(r"\s*(?:[-*+]\s+|\d+[.)]\s+)?", sentence)  # always matches (every part is optional)
        lead = bullet.group(0) if bullet else ""
        trail = sentence[len(sentence.rstrip()):] or " "
        fixes = list(dict.fromkeys(p.correction for p in problems if p.correction))
        self.corrected += len(problems)
        for p in problems:
            fix = f'"{short(p.claim or sentence.strip())}"' + (f' → "{short(uncite(p.correction))}"' if p.correction else " (removed)")
            if fix not in self.fixes:
                self.fixes.append(fix)
        if fixes:
            return f"{lead}{' '.join(fixes)} {MARK}{trail}"
        what = "; ".join(dict.fromkeys(p.claim for p in problems))
        return f"{lead}*(removed: {short(what, 120)}, which the comparison table does not support)*{trail}"

    def final_pass(self, text: str, checks: list[Check]) -> tuple[str, list[Check]]:
        """The last guard: a contradicted claim the sentence checks missed is corrected in the final text."""
        bad = [c for c in checks if c not in self.base and (
            (c.verdict == "contradicted" and c.kind != "recommendation") or (c.kind == "outside" and c.verdict != "supported" and c.language))]
        for c in sorted(bad, key=lambda c: -c.span[0]):
            start, end = sentence_bounds(text, c)
            if start < 0 or MARK in text[start:end] or "*(removed:" in text[start:end]:
                continue
            if c.kind == "outside":
                problem = self.outside_rating(c.language or "")
            else:
                problem = Problem("claim", c.claim, self.correction_for(c), c.claim)
            replacement = self.correct(text[start:end], [problem])
            text = text[:start] + replacement + text[end:]
        if bad:
            checks = self.verify(text, self.ctx)
        return text, checks

    def summary(self) -> list[str]:
        notes = list(self.notices)
        if self.defanged:
            notes.append(f"Removed {self.defanged} image(s), script link(s) or HTML tag(s) from the generated text: "
                         "a reader's markdown client could have fetched or run them.")
        if self.redrafted:
            said = list(dict.fromkeys(f'"{short(r, 60)}"' for r in self.redrafted))
            notes.append(f"The first draft said {few(said)}, which the comparison table does not support; that part was regenerated with the table's facts.")
        if self.fixes:
            notes.append(f"Corrected from the comparison table: {few(self.fixes)}.")
        return notes


__all__ = ["Guard", "Problem", "guarded_stream"]

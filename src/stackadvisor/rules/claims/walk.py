"""The walk: sentences -> clauses -> claim families, with the subject and negation scope of each clause."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .. import lexicon
from ..finder import _alt, _key, _lc, derived
from ..mentions import _entities, _is_question, _sentences
from ..read import _LIST_GAP
from ..vocab import _NEGATION, _Ent, _rephrase, _Vocab
from .clause import Clause
from .judge import _Judge
from .skills import Skill, with_skills
from .words import _rx, as_not, as_plain, key, words

# clause boundaries: a contrast, and a consequence after a comma ("Python is easier to learn, so we will not switch to Rust")
_CHECK_SPLIT = re.compile(r"[;\u2022\u00b7]|\s(?:but|whereas|while|although|though|however|yet)\s|,\s+(?:but|whereas|while|although|though|however|yet|so|hence|therefore|thus|which\s+means)\s", re.I)
_AND_SPLIT = re.compile(r",?(?<!\s)\s+and\s+(?:(?:the|its|their|also)\s+)?", re.I)
_VERB_AFTER = re.compile(r"(?:\s*'s)?(?:\s+\w+){0,2}?\s+(?:is|are|has|have|was|were|offers|provides|handles|runs|lacks|excels|shines|does|remains|comes|gives)\b", re.I)
_PICK_LEFT = re.compile(r",\s*$")
_PICK_AFTER = re.compile(r"\s+(?:for|when|if)\b")
_POSSESSIVE = re.compile(r"\b(?:its|their)\s+$", re.I)  # "..., and its concurrency is the best": a new predicate of the subject
_VERB_LEFT = re.compile(r"\b(?:it's|they're|is|are|has|have|was|were|offers|provides|handles|runs|lacks|excels|shines|does|remains|comes|gives)\b", re.I)
_NEG_BREAK_HARD = re.compile(
    r"[;:\u2022\u00b7]|,?\s+(?:and|but|yet|while|whereas|plus)\s+(?:(?:it|its|they|it's|also|still|is|are|has|have)\s+)*?"
    r"(?:is|are|has|have|offers|provides|comes|runs|was|were|remains|gives|boasts|enjoys|suffers|shines|excels|lacks|does|brings|gets|"
    r"makes|handles|supports|features|stays|scales)\b|,\s+(?:it|they|it's|which)\s", re.I)
_NEG_BREAK_SOFT = re.compile(r",|\s(?:and|or|plus|as\s+well\s+as)\s", re.I)
_NEG_AUX_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|has|have|had|does|do|did|can|could|will|would|should|may|might|must)\s+$")
_OBJ_GAP = re.compile(r"^\s*,?\s*(?:and|but)\s+(?:also\s+)?(?:has|is|have|are|offers|provides|lacks|comes|runs)\b", re.I)
_NO_HITS: dict = {}
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_SUBJ_GAP = re.compile(r"^[\s,]*(?:both\s+|the\s+)?$", re.I)


def _refers_back(v: _Vocab) -> re.Pattern:
    """A sentence opening on words that stand for the language the text was last about: a pronoun ("It is also very
    fast", check.yaml openers / pronouns), after a short label ("The only catch: its ecosystem ..."), or a criterion
    with no owner named, right before its verb ("The ecosystem is smaller than Node's": the topic language's)."""
    def build(_t: object) -> re.Pattern:
        nouns = _alt({_lc(n): 1 for cr in v.table.criteria.values() for n in (*cr.nouns, cr.label)})
        opener, pronoun, copula = (_rx(lexicon.phrases("check", k)).pattern for k in ("openers", "pronouns", "copulas"))
        return re.compile(rf"[\s\"'*_\-]*(?:[^:.!?\n]{{1,40}}:\s+)?(?:(?:{opener}),?\s+)?"
                          rf"(?:{pronoun}|the\s+(?:{nouns})(?=\s+(?:{copula})))")
    return derived(v.table, "claims-refers-back", build)


class _Walk(_Judge):
    """Reads a text sentence by sentence and clause by clause; runs the claim families on each clause."""

    families: tuple = ()  # the claim families, in order (see claims/__init__.py)
    prev_subject: list = []  # the subject the sentence before was about (the other side of "Rust is often faster")
    pending: list  # clauses with a subject no family read: (c0, c1, subject, languages named, question, a framework was read)
    ents: list[_Ent] = []  # every mention in the text, in order
    sentences: list  # statements naming a table language: (s0, s1, its first table language)

    headings: list[tuple[int, int, _Ent]] = []
    titles: tuple[str, ...]  # the article's section titles, lower-cased (paraphrase.titles); check() sets them before run()

    def run(self, clean: str) -> None:
        v = self.v
        self.clean = clean
        self.pending, self.sentences = [], []
        # claims are judged on the rephrased text ("anything but" read as "not", "a walk in the park" as "easy") and quoted from the original
        self.plain_spans = []
        lc = as_plain(as_not(_lc(_rephrase(clean))), self.plain_spans)
        self.lc = lc
        self._privs = [m.start() for m in words().privative_rx.finditer(lc)]  # where privatives start (bisected by _negated)
        ents = self.ents = with_skills(_entities(clean, v, lc), lc, v)
        if not ents:
            return
        ent_starts = self._ent_starts = [e.start for e in ents]
        heads = self.headings  # disjoint, in order
        head_starts = [a for a, _, _ in heads]
        w = words()
        plan: list[tuple[bool, int, list[tuple[int, int]], list[_Ent], bool, bool]] = []
        asked: _Ent | None = None  # the one language a question just before named ("Why Go? Goroutines handle ...")
        prev_end = 0
        for s0, s1 in _sentences(lc):
            k = bisect_right(head_starts, s0) - 1  # a line under a "### Go" heading is about Go
            under = heads[k][2] if k >= 0 and s0 < heads[k][1] else None
            i, j = bisect_left(ent_starts, s0), bisect_left(ent_starts, s1)
            if under is None and i == j and asked is not None:
                under = asked  # the answer to "Why Go?" is about Go
            pronoun = under is None and bool(_refers_back(v).match(lc, s0))  # "It is also very fast.": the language the text was last about
            if pronoun and not w.pronoun_rx.match(lc, s0) and _PARAGRAPH.search(lc, max(0, prev_end - 1), s0 + 1):
                pronoun = False  # "... list.\n\nOverall the speed is Low.": an ownerless criterion reaches back within its paragraph only
            prev_end = s1
            named = [e for e in ents[i:j] if not e.outside]
            question = _is_question(lc[s0:s1])
            asked = named[0] if question and "?" in lc[s0:s1] and i < j and len({e.name for e in ents[i:j]}) == 1 and named else None  # not a "### Why Go" heading
            if i == j and under is None and not pronoun:
                continue
            plan.append((question, s0, self._clauses(lc, s0, s1, ents), [under] if under else [], i < j, pronoun))
            said = [e for e in named if not isinstance(e, Skill)]  # "our team knows JavaScript" is about the team
            if said and not question:
                self.sentences.append((s0, s1, said[0]))
        bounds = [c for _, _, cl, *_ in plan for c in cl]
        self.has_beat = bool(w.verb_rx.search(lc) or any(rx.search(lc) for _, _, rx in w.split_verbs) or w.middle_rx.search(lc) or w.best_idiom_rx.search(lc) or w.alike_rx.search(lc))  # readers with their own finders
        finders = [v.cmp_rx, v.eq_rx, v.sup_rx, v.pred_rx, v.item_rx, v.topic_rx, v.fw_rx, v.absent_rx, v.handles_rx, v.rel_rx, v.qty_rx,
                   *(rx for rxs in v.level_rx.values() for rx in rxs)]
        self.hits: dict[int, dict[int, list[re.Match]]] = {}  # clause index -> finder id -> matches (only clauses with any)
        for fam in finders:
            for ci, found in enumerate(fam.scan(lc, bounds)):
                if found:
                    self.hits.setdefault(ci, {})[id(fam)] = found
        ci = 0
        last: list[_Ent] = []  # the subject the text was last about (the last clause's, sentence by sentence)
        for question, s0, clauses, inherited, names, pronoun in plan:
            self.question, self.s0 = question, s0
            carry: list[_Ent] = inherited or (last if pronoun else [])
            carried = carry
            self.prev_subject = last
            here: list[_Ent] = []
            for c0, c1 in clauses:
                i, j = bisect_left(ent_starts, c0), bisect_left(ent_starts, c1)
                cents = ents[i:j]
                if cents or carry:
                    first = self._clause(c0, c1, cents, carry, ci)
                    if first:
                        carry = first
                        if any(not e.outside for e in first):
                            here = first
                ci += 1
            if names or here:
                last = [e for e in here if not e.outside]
                if not last and pronoun and carried:  # "It's faster than Node.js": still about what "it" stood for
                    last = carried
                elif not last:  # "I'd pick Go. It's very fast": the one language a sentence names, even as its object
                    i, j = bisect_left(ent_starts, s0), bisect_left(ent_starts, clauses[-1][1] if clauses else s0)
                    named = [e for e in ents[i:j] if not e.outside]
                    last = named[:1] if len({e.name for e in named}) == 1 else []

    def _clauses(self, lc: str, s0: int, s1: int, ents: list[_Ent]) -> list[tuple[int, int]]:
        cuts = [(m.start(), m.end()) for m in _CHECK_SPLIT.finditer(lc, s0, s1)]
        lo, hi = bisect_left(self._ent_starts, s0), bisect_left(self._ent_starts, s1)
        starts = {e.start: e for e in ents[lo:hi]}
        for m in _AND_SPLIT.finditer(lc, s0, s1):
            e = starts.get(m.end())
            if e is not None:
                if not _VERB_AFTER.match(lc, e.end, s1):
                    continue
            elif not (_POSSESSIVE.search(m.group(0)) and _VERB_AFTER.match(lc, m.end() - 1, s1)):
                continue  # neither a language nor "its <noun> is" after "and": one predicate goes on
            left0 = max([b for a, b in cuts if b <= m.start()], default=s0)
            if _VERB_LEFT.search(lc, left0, m.start()):
                cuts.append((m.start(), m.start() + 1))
        for e in ents[lo:hi]:  # "Go for web backends, Python when data work dominates": one pick per language
            if _PICK_LEFT.search(lc, max(s0, e.start - 3), e.start) and _PICK_AFTER.match(lc, e.end, s1):
                cuts.append((e.start - 1, e.start))
        cuts.sort()
        out, start = [], s0
        for a, b in cuts:
            if a > start:
                out.append((start, a))
            start = max(start, b)
        if s1 > start:
            out.append((start, s1))
        return out

    def _group_left(self, ents: list[_Ent], i: int) -> list[_Ent]:
        group = [ents[i]]
        while i > 0 and _LIST_GAP.match(self.lc[ents[i - 1].end:ents[i].start]):
            i -= 1
            group.insert(0, ents[i])
        return group

    def _group_right(self, ents: list[_Ent], i: int) -> list[_Ent]:
        group = [ents[i]]
        while i + 1 < len(ents) and _LIST_GAP.match(self.lc[ents[i].end:ents[i + 1].start]):
            i += 1
            group.append(ents[i])
        return group

    def _subject(self, cents: list[_Ent], pos: int, carry: list[_Ent], after: bool = True) -> list[_Ent]:
        before = [i for i, e in enumerate(cents) if e.end <= pos]
        if before:
            i = before[-1]
            if id(cents[i]) in self.objects and _OBJ_GAP.match(self.lc[cents[i].end:pos]) and self.cmp_subject:
                return self.cmp_subject
            return self._group_left(cents, i)
        if carry:
            return carry
        if after:
            later = [i for i, e in enumerate(cents) if e.start >= pos]
            if later:
                return self._group_right(cents, later[0])
        return []

    def _neg(self, subj: list[_Ent], lo: int, hi: int) -> bool:
        a = subj[-1].end if subj and subj[-1].end <= hi else lo
        return self._negated(max(a, lo), hi)

    def _negated(self, lo: int, hi: int, listed: bool = False) -> bool:
        """A negation in lc[lo:hi] whose scope reaches hi, except the auxiliary opening a rhetorical question
        ("Isn't Node.js ...?"). A new predicate ("..., and it has", "; ") ends a negation's scope; so does a list
        separator after a bare "not" ("Node.js: not ideal for CPU-bound tasks, callback hell") and, for a line quoted
        from the article (`listed`), after any negation: each element of a quoted list stands on its own. A privative
        in scope ("lacks", "without"; rules/lexicon/check.yaml) negates too, and a negated privative does not
        ("Go does not lack built-in concurrency")."""
        neg = any(self._scoped(m, lo, hi, listed) for m in _NEGATION.finditer(self.lc, lo, hi))
        privs = self._privs
        k = bisect_left(privs, lo)
        priv = False
        while k < len(privs) and privs[k] < hi and not priv:
            m = words().privative_rx.match(self.lc, privs[k], hi)
            priv = m is not None and self._scoped(m, lo, hi, listed, bare=True)
            k += 1
        return neg != priv

    def _scoped(self, m: re.Match, lo: int, hi: int, listed: bool, bare: bool = False) -> bool:
        tail = self.lc[m.end():hi]
        if _NEG_BREAK_HARD.search(tail):
            return False
        if _NEG_BREAK_SOFT.search(tail) and (listed or bare or (m.group(0).strip() in ("not", "no", "never") and not _NEG_AUX_BEFORE.search(
                self.lc, max(lo, m.start() - 16), m.start()))):
            return False
        if self.question and not self.lc[self.s0:m.start()].strip(" \n\t\"'*_-"):
            return False
        if self.question and re.match(r"[a-z]+n't$", self.lc[self.s0:m.end()].strip(" \n\t\"'*_-")):
            return False
        return True

    def crit_finders(self) -> tuple:
        """(finder, match text -> criterion id): the table's criterion words, and check.yaml's everyday ones ("performs")."""
        v, w = self.v, words()
        return ((v.crit_rx, lambda s: v.crit_map.get(_key(s))),
                (w.crit_word_rx, lambda s: v.crit_map.get(_key(w.crit_words.get(key(s), "")))))

    def _nearest_criterion(self, c0: int, c1: int, pos: int, than: int) -> str | None:
        best: tuple[str, int] | None = None
        after: tuple[str, int] | None = None
        for rx, cid_of in self.crit_finders():
            for m in rx.finditer(self.lc, c0, c1):
                cid = cid_of(m.group(0))
                if cid is None:
                    continue
                if m.end() <= pos:
                    if best is None or pos - m.end() < best[1]:
                        best = (cid, pos - m.end())
                elif m.start() >= pos and m.end() <= than and (after is None or m.start() < after[1]):
                    after = (cid, m.start())
        return best[0] if best else after[0] if after else None

    def _last_end(self, cents: list[_Ent], pos: int) -> int:
        """Where the last language named before `pos` ends (or 0)."""
        return max((e.end for e in cents if e.end <= pos), default=0)

    def _clause(self, c0: int, c1: int, cents: list[_Ent], carry: list[_Ent], ci: int) -> list[_Ent]:
        """Run every claim family on one clause, in order; return the subject the next clause inherits."""
        if ci not in self.hits and not self.has_beat and (
                (not carry and all(e.outside for e in cents)) or len(self.lc[c0:c1].split()) < len(cents) + 2):
            # no phrase any family reads, and only languages the table does not cover or too few words for a claim ("Rust")
            return self._group_right(cents, 0) if cents else []
        c = Clause(self.lc, self.v, cents, carry, c0, c1, self.hits.get(ci, _NO_HITS))
        self.objects: set[int] = set()
        self.cmp_subject: list[_Ent] = []
        before = len(self.out)
        for family in self.families:
            family(self, c)
        if not c.used and all(x.kind == "framework" for x in self.out[before:]):  # no family read it: left to the paraphrase family
            subj = self._group_right(cents, 0) if cents else carry
            self.pending.append((c0, c1, subj, cents, self.question, len(self.out) > before))
        firsts = [e for e in cents if id(e) not in self.objects]
        if firsts:
            return self._group_right(cents, cents.index(firsts[0]))
        return []

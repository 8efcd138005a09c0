"""The deterministic rules layer: pure functions over the comparison table. No I/O, typed results.

    text ──read.extract_needs──▶ Needs ──score.score──▶ Ranking (scores + breakdown + recommendation + flip)
    text ──intent.classify─────▶ Intent (what kind of answer the turn wants)
    text ──check.check─────────▶ list[Check]  (claims about the languages, each with verdict and evidence)

One module per stage: `types` (the records), `lexicon` (the vocabulary files, validated), `vocab` (a Table's
compiled lexicon) with `finder`, `mentions` and `clean` (text primitives), `read` (needs and intent of a turn),
`meaning` (recognition by example utterances), `dialogue` (acts over a conversation state) with `context` (amounts
of load, drops of what an earlier turn described), `score`, `check` with
`claims/` (the claim families). Everything here reads the Table (knowledge.py) and nothing else,
so a user's own table (new languages, new criteria with their own scales) works without code changes.
This module is the facade: import from `stackadvisor.rules`.
"""

from .check import check, check_recommendation, premises
from .check import summary as check_summary
from .check import tally as check_tally
from .clean import _strip_injection  # noqa: F401 - used by tests and the ingest filter
from .finder import foreign_script
from .intent import classify
from .mentions import languages_named
from .read import extract_needs
from .score import BEST_FOR_POINTS, CON_POINTS, EXCLUDED_POINTS, PRO_POINTS, SKILL_POINTS, meets, score
from .types import Check, Contribution, Flip, Intent, IntentKind, Needs, Ranking, Score, Verdict
from .vocab import _rephrase, _vocab  # noqa: F401 - used by tests and the ingest filter

__all__ = [
    "BEST_FOR_POINTS", "CON_POINTS", "EXCLUDED_POINTS", "PRO_POINTS", "SKILL_POINTS",
    "Check", "Contribution", "Flip", "Intent", "IntentKind", "Needs", "Ranking", "Score", "Verdict",
    "check", "check_recommendation", "premises", "check_summary", "check_tally", "classify", "extract_needs", "foreign_script",
    "languages_named", "meets", "score",
]

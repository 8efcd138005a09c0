"""Run claim cases through Advisor.check() and print the claim accuracy (the CLI's `eval` does the same plus
reports; this is the lean path used while the CLI was being edited).

    python evals/dev-claims/run.py evals/dev-claims/claims_blind.yaml [evals/cases/claims.yaml ...] [-v]
"""

from __future__ import annotations

import sys
import tempfile

from stackadvisor import Advisor
from stackadvisor.evalcases import load_cases
from stackadvisor.evals import run_case


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    advisor = Advisor(home=tempfile.mkdtemp(prefix="sa-claims-"), llm="offline")
    bad_total = 0
    for path in paths:
        cases = load_cases(path, advisor.knowledge)
        results = [run_case(advisor, c) for c in cases]
        claims = [c for r in results for c in r.claims]
        ok = sum(c["ok"] for c in claims)
        passed = sum(r.passed for r in results)
        print(f"{path}: cases {passed}/{len(results)}, claims {ok}/{len(claims)} = {100 * ok / max(1, len(claims)):.1f}%")
        for r in results:
            if not r.passed:
                bad_total += 1
                if verbose:
                    print(f"  FAIL {r.id}: {r.prompt!r}: {'; '.join(r.failures)}")
                    for c in r.claims:
                        if c["checks"]:
                            print(f"       checks: {c['checks']}")
    return 1 if bad_total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

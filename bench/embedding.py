"""Query embedding: stackadvisor's LocalEmbeddings.embed_query (its LRU cache emptied before every call) against
chromadb's own ONNXMiniLM_L6_V2 class reading the same model.onnx and tokenizer files.

Same model, same session provider; the difference is what each does around it (chromadb pads every input to 256
tokens, we pad to the longest input of the batch). The vectors are compared first: they must agree (min cosine
>= 0.99). Target: ours >= 5x faster at p50.

    python -m bench.embedding [--quick]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from bench import (EMBEDDING_TOLERANCE, chroma_embedding_function, compare_embeddings, log, ms, pct, questions, result, row,
                   uncached)

TARGET = 5.0
BASELINE = "chromadb ONNXMiniLM_L6_V2 (same model files)"
SHORT = "chromadb ONNXMiniLM_L6_V2"


def run(home: Path | None = None, quick: bool = False, rounds: int | None = None, limit: int | None = None) -> dict[str, Any]:
    import tempfile

    from stackadvisor.embeddings import LocalEmbeddings

    home = Path(home) if home else Path(tempfile.mkdtemp(prefix="sa-bench-emb-"))
    rounds = rounds or (1 if quick else 3)
    qs = questions(limit or (6 if quick else 60))
    emb = LocalEmbeddings(home=home)
    ef = chroma_embedding_function()
    same = compare_embeddings(emb, ef, qs)
    embed = uncached(emb)
    for q in qs[:3]:  # warm both sessions
        embed(q)
        ef([q])
    ours: list[float] = []
    theirs: list[float] = []
    for r in range(rounds):
        for i, q in enumerate(qs):
            first_ours = (i + r) % 2 == 0
            for who in (("ours", "theirs") if first_ours else ("theirs", "ours")):
                t = time.perf_counter()
                if who == "ours":
                    embed(q)
                    ours.append(time.perf_counter() - t)
                else:
                    ef([q])
                    theirs.append(time.perf_counter() - t)
    o50, t50, o95, t95 = pct(ours, 50), pct(theirs, 50), pct(ours, 95), pct(theirs, 95)
    rows = [
        row("embed_query p50 speed-up (uncached)", ms(o50), ms(t50), round(t50 / o50, 2), f">= {TARGET:g}x faster", t50 / o50 >= TARGET, "ms", SHORT),
        row("embed_query p95 speed-up (uncached)", ms(o95), ms(t95), round(t95 / o95, 2), "info", None, "ms", SHORT),
        row("same vectors: min cosine", same["min_cosine"], 1.0, same["min_cosine"], f">= {EMBEDDING_TOLERANCE}", same["min_cosine"] >= EMBEDDING_TOLERANCE, "",
            SHORT),
    ]
    return result("embedding", "Query embedding", BASELINE, rows, samples={"ours_ms": [ms(x) for x in ours], "theirs_ms": [ms(x) for x in theirs]},
                  queries=len(qs), rounds=rounds, embeddings_agree=same)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    res = run(quick=args.quick)
    log(json.dumps({k: v for k, v in res.items() if k != "samples"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

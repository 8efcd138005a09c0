"""How often does a real small LLM contradict the comparison table, and does any of it reach the user?

    .venv/bin/python bench/llm_guard.py                 # starts its own llama.cpp server with SmolLM2-135M
    .venv/bin/python bench/llm_guard.py --base-url http://127.0.0.1:8080/v1 --n 20

For ~20 eval questions (evals/cases/*.yaml, round-robin over the categories) it asks SmolLM2 through the
llama.cpp server twice with the same prompt (temperature 0):
  raw    the unguarded draft (LLMWriter.draft): contradicted claims by check(), and recommendations of a
         language outside the table or against the rules layer's pick
  final  advisor.ask(): contradicted claims left in reply.checks or unmarked in reply.answer (must be 0)
Then the fallback latency with the endpoint down: connection refused, a killed server, a hung server.
"""

from __future__ import annotations

import argparse
import itertools
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from stackadvisor import Advisor  # noqa: E402
from stackadvisor import llm  # noqa: E402
from stackadvisor.compose import compose  # noqa: E402


def eval_questions(n: int) -> list[str]:
    """Single-turn questions from evals/cases, round-robin over the files so every category is represented."""
    per_file = []
    for path in sorted((ROOT / "evals" / "cases").glob("*.yaml")):
        data = yaml.safe_load(path.read_text()) or {}
        qs = [c["question"] for c in data.get("cases") or [] if isinstance(c, dict) and isinstance(c.get("question"), str)]
        if qs:
            per_file.append(qs)
    out: list[str] = []
    for group in itertools.zip_longest(*per_file):
        out.extend(q for q in group if q and q not in out)
    return out[:n]


def unmarked(advisor: Advisor, reply) -> list[str]:  # noqa: ANN001
    """Contradicted claims (or off-pick / outside recommendations) in the final answer outside a marked correction."""
    text, bad = reply.answer, []
    lines = text.splitlines(keepends=True)
    for c in advisor.check(text):
        if c.verdict == "contradicted":
            line = next((ln for ln in lines if c.claim[:40].lower() in ln.lower()), "")
            if llm.MARK not in line:
                bad.append(c.claim)
    for line in lines:
        if llm.MARK in line:
            continue
        for name in llm.recommended(line):
            lang = llm.resolve_language(name, advisor.table)
            if lang is None or (reply.recommendation and lang != reply.recommendation):
                bad.append(f"recommends {name}")
    bad.extend(c.claim for c in reply.checks if c.verdict == "contradicted")
    return bad


def raw_problems(advisor: Advisor, text: str, pick: str | None) -> tuple[list[str], list[str]]:
    claims = [c.claim for c in advisor.check(text) if c.verdict == "contradicted"]
    recs = []
    for name in llm.recommended(text):
        lang = llm.resolve_language(name, advisor.table)
        if lang is None or (pick and lang != pick):
            recs.append(name)
    return claims, recs


def hung_server() -> tuple[socket.socket, str]:
    """A socket that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(sock.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", help="an already running OpenAI-compatible server (default: start llama.cpp with SmolLM2)")
    ap.add_argument("--n", type=int, default=20, help="questions (default 20)")
    ap.add_argument("--timeout", type=float, default=5.0, help="timeout for the fallback measurements (default 5 s)")
    ap.add_argument("--home", default=None, help="data home with the index (default: a temp dir, built on first use)")
    args = ap.parse_args()

    from tests.llama_server import LlamaServer

    home = args.home or tempfile.mkdtemp(prefix="stackadvisor-bench-")
    server = None if args.base_url else LlamaServer.start()
    base_url = args.base_url or server.base_url  # type: ignore[union-attr]
    try:
        advisor = Advisor(llm="openai:smollm2", base_url=base_url, home=home, timeout=60).warm()
        writer = advisor._writer
        questions = eval_questions(args.n)
        raw_bad = final_bad = raw_recs = 0
        corrected = regenerated = fallbacks = 0
        t_all = time.perf_counter()
        print(f"{'#':>2}  raw  final  corr  secs  question")
        for i, q in enumerate(questions, 1):
            ctx = advisor.prepare(q)
            draft = writer.draft(ctx, compose(ctx))
            claims, recs = raw_problems(advisor, draft, ctx.ranking.recommendation)
            t0 = time.perf_counter()
            reply = advisor.ask(q)
            secs = time.perf_counter() - t0
            left = unmarked(advisor, reply)
            raw_bad += bool(claims)
            raw_recs += bool(recs)
            final_bad += bool(left)
            corrected += reply.corrected
            regenerated += any("regenerated" in n for n in reply.notices)
            fallbacks += reply.backend == "offline"
            mark = ("C" if claims else "-") + ("R" if recs else "-")
            print(f"{i:>2}  {mark:>3}  {len(left):>5}  {reply.corrected:>4}  {secs:4.1f}  {q[:70]}")
            for c in claims:
                print(f"      raw contradicted: {c}")
            for r in recs:
                print(f"      raw recommended: {r}")
            for c in left:
                print(f"      FINAL UNMARKED: {c}")
        n = len(questions)
        print()
        print(f"questions: {n} (evals/cases), model: SmolLM2-135M-Instruct Q4_1 via llama.cpp server, {time.perf_counter() - t_all:.0f} s")
        print("(raw = the unguarded draft for the same prompt, a separate call: llama.cpp's prompt cache can change a greedy decode slightly)")
        print(f"raw answers with a contradicted claim:             {raw_bad}/{n}")
        print(f"raw answers recommending outside the table/pick:   {raw_recs}/{n}")
        print(f"final answers with an unmarked contradiction:      {final_bad}/{n}   (must be 0)")
        print(f"corrections made: {corrected}; answers regenerated once: {regenerated}; fallbacks to offline: {fallbacks}")
    finally:
        if server:
            server.stop()

    # ---- the endpoint down
    q = "We're building a real-time chat app and the team knows React: which backend?"
    print(f"\nfallback latency, timeout {args.timeout:g} s (limit: timeout + 2 s):")
    refused = f"http://127.0.0.1:{_free_port()}/v1"
    cases = [("connection refused", refused)]
    killed = LlamaServer.start()
    cases.append(("server killed", killed.base_url))
    sock, hung = hung_server()
    cases.append(("server hung", hung))
    try:
        for label, url in cases:
            adv = Advisor(llm="openai:smollm2", base_url=url, home=home, timeout=args.timeout).warm()
            if label == "server killed":
                adv._writer.timeout = 120  # the first, real answer on a fresh server (no prompt cache yet)
                chat = adv.chat()
                first = chat.ask(q)
                adv._writer.timeout = args.timeout
                killed.kill()
                print(f"  (first turn answered by {first.backend})")
                t0 = time.perf_counter()
                reply = chat.ask("What if speed mattered most?")
            else:
                t0 = time.perf_counter()
                reply = adv.ask(q)
            secs = time.perf_counter() - t0
            ok = reply.backend == "offline" and secs < args.timeout + 2
            print(f"  {label:<20} {secs:5.2f} s  {'ok' if ok else 'FAIL'}  {reply.notices[0] if reply.notices else ''}")
    finally:
        killed.stop()
        sock.close()
    return 0 if final_bad == 0 else 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    raise SystemExit(main())

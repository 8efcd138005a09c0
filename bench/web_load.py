"""Load bar for the web app: N concurrent OpenAI-client conversations against `stackadvisor serve` (offline backend),
then the first streamed token in a real browser.

    python bench/web_load.py                      # 20 conversations x 3 turns, then 5 browser samples
    python bench/web_load.py --conversations 50 --turns 4 --json out/bench/web_load_50.json

Bars (exit 1 when one fails):
  * every request answered (HTTP 200), and every answer equal to what an in-process Advisor gives for exactly that
    conversation (the offline backend is deterministic), so a reply meant for another conversation cannot pass;
  * the first streamed answer text visible in Chromium within 1 s of pressing Enter, for every sample.
Figures: p50/p95 latency per request, time to first token of the streamed ones, requests/s over the whole run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

OPENERS = [
    "We're building a real-time chat app and the team knows React: which backend?",
    "Which backend for a fintech platform where performance is critical?",
    "Our team is new to programming and wants to build a data-heavy API quickly.",
    "We need microservices that handle lots of concurrent connections.",
    "Is Python faster than Go?",
    "Compare Go and Rust for concurrency.",
    "We're writing a blockchain node and memory safety matters most.",
    "A REST API for a startup; we want the biggest ecosystem of libraries.",
    "Cloud-native services for Kubernetes, and the team wants something simple to learn.",
    "A machine learning model serving backend; our team knows Python.",
    "Systems programming for a high-performance backend: which language?",
    "We need live multiplayer game updates over websockets.",
    "What are the cons of Node.js?",
    "Which language has the steepest learning curve?",
    "Scripting and automation for our data team: what should we use?",
    "A CPU-bound image processing service; speed matters most.",
    "Our juniors need to ship a simple CRUD API fast.",
    "Anything but Rust: which backend for a high-throughput API?",
    "What frameworks does the article name for Go?",
    "An I/O-heavy notification service for a collaborative editor.",
]
FOLLOW_UPS = [
    "What if ease of learning mattered most?",
    "And if we need the fastest possible performance?",
    "What are the cons of that pick?",
    "Which one has the biggest ecosystem?",
    "Does concurrency change the answer?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def conversations(n: int, turns: int) -> list[list[str]]:
    out = []
    for i in range(n):
        qs = [OPENERS[i % len(OPENERS)]]
        qs += [FOLLOW_UPS[(i + j) % len(FOLLOW_UPS)] for j in range(turns - 1)]
        out.append(qs)
    return out


def expected_answers(convs: list[list[str]], home: Path) -> list[list[str]]:
    """What the advisor answers for each turn of each conversation, computed in this process."""
    from stackadvisor import Advisor

    advisor = Advisor(home=home)
    answers = []
    for qs in convs:
        history: list[tuple[str, str]] = []
        row = []
        for q in qs:
            a = advisor.invoke({"question": q, "history": history}).answer
            row.append(a)
            history.append((q, a))
        answers.append(row)
    return answers


def run_conversation(url: str, idx: int, qs: list[str], stream: bool, barrier: threading.Barrier, out: dict) -> None:
    from openai import OpenAI

    import httpx

    # each conversation is its own user: its own loopback address (the server's rate limit is per address)
    transport = httpx.HTTPTransport(local_address=f"127.0.{1 + idx // 250}.{1 + idx % 250}")
    client = OpenAI(base_url=url + "/v1", api_key=f"bench-client-{idx}", max_retries=0, timeout=60, http_client=httpx.Client(transport=transport))
    messages: list[dict[str, str]] = []
    records = []
    barrier.wait()
    for q in qs:
        messages.append({"role": "user", "content": q})
        started = time.perf_counter()
        ttft = None
        try:
            if stream:
                parts = []
                for chunk in client.chat.completions.create(model="stackadvisor", messages=messages, stream=True):
                    if chunk.choices and chunk.choices[0].delta.content:
                        if ttft is None:
                            ttft = time.perf_counter() - started
                        parts.append(chunk.choices[0].delta.content)
                answer = "".join(parts)
            else:
                resp = client.chat.completions.create(model="stackadvisor", messages=messages)
                answer = resp.choices[0].message.content or ""
            error = None
        except Exception as exc:  # noqa: BLE001 - counted as a failure
            answer, error = "", f"{type(exc).__name__}: {exc}"[:300]
        records.append({"question": q, "answer": answer, "latency": time.perf_counter() - started, "ttft": ttft, "error": error})
        messages.append({"role": "assistant", "content": answer})
    out[idx] = records


def start_server(home: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STACKADVISOR_", "OPENAI_"))}
    env.update(STACKADVISOR_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False")
    fh = open(log, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "stackadvisor.cli", "serve", "--port", str(port)], env=env, stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        if proc.poll() is not None:
            raise SystemExit(f"serve exited early; see {log}")
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"serve not ready after 180 s; see {log}")


def browser_ttft(url: str, samples: int, shot: Path | None) -> list[float]:
    """Seconds from pressing Enter to the first answer text in the chat, in Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/", wait_until="domcontentloaded")
        page.wait_for_selector("#question textarea", timeout=30_000)
        for i in range(samples):  # each sample: a fresh conversation, the question typed, Enter, the first answer text
            page.fill("#question textarea", OPENERS[i % len(OPENERS)])
            page.wait_for_timeout(200)
            started = time.perf_counter()
            page.press("#question textarea", "Enter")
            page.wait_for_function(
                """() => { const rows = [...document.querySelectorAll('#chat [data-testid="user"], #chat [data-testid="bot"]')];
                           const u = rows.findIndex(r => r.dataset.testid === 'user');
                           return u >= 0 && rows.slice(u + 1).some(r => r.innerText.trim().length > 0); }""",
                timeout=15_000, polling="raf")
            times.append(time.perf_counter() - started)
            page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Sources (')", timeout=20_000)
            page.click("#new-chat")
            page.wait_for_function("() => document.querySelectorAll('#chat [data-testid=\"user\"]').length === 0", timeout=10_000)
        if shot:
            page.fill("#question textarea", OPENERS[0])
            page.press("#question textarea", "Enter")
            page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Sources (')", timeout=20_000)
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
        browser.close()
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--conversations", type=int, default=20)
    ap.add_argument("--turns", type=int, default=3)
    ap.add_argument("--browser-samples", type=int, default=5, help="0 skips the browser measurement")
    ap.add_argument("--json", type=Path, default=ROOT / "out" / "bench" / "web_load.json")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="stackadvisor-bench-"))
    convs = conversations(args.conversations, args.turns)
    print(f"computing reference answers in-process for {len(convs)} conversations x {args.turns} turns ...", flush=True)
    expected = expected_answers(convs, tmp / "ref-home")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    print(f"starting `stackadvisor serve --port {port}` (offline backend) ...", flush=True)
    proc = start_server(tmp / "home", port, tmp / "serve.log")
    try:
        from openai import OpenAI

        solo = OpenAI(base_url=url + "/v1", api_key="bench-solo", max_retries=0, timeout=60)
        seq = []
        for q in OPENERS[:10]:
            started = time.perf_counter()
            solo.chat.completions.create(model="stackadvisor", messages=[{"role": "user", "content": q}])
            seq.append(time.perf_counter() - started)
        print(f"one client, sequential: p50 {pct(seq, 50) * 1000:.1f} ms over {len(seq)} requests", flush=True)
        results: dict[int, list[dict]] = {}
        barrier = threading.Barrier(len(convs))
        threads = [threading.Thread(target=run_conversation, args=(url, i, qs, i % 2 == 0, barrier, results)) for i, qs in enumerate(convs)]
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        wall = time.perf_counter() - wall

        latencies, ttfts, errors, wrong = [], [], [], []
        for i, qs in enumerate(convs):
            for turn, rec in enumerate(results.get(i, [])):
                latencies.append(rec["latency"])
                if rec["ttft"] is not None:
                    ttfts.append(rec["ttft"])
                if rec["error"]:
                    errors.append({"conversation": i, "turn": turn, "error": rec["error"]})
                elif rec["answer"] != expected[i][turn]:
                    wrong.append({"conversation": i, "turn": turn, "question": rec["question"], "got": rec["answer"][:200],
                                  "want": expected[i][turn][:200]})
        total = len(convs) * args.turns
        answered = len(latencies) - len(errors)
        http = {
            "conversations": len(convs), "turns": args.turns, "requests": total, "answered": answered,
            "errors": errors, "wrong_or_crossed": wrong, "wall_s": round(wall, 3), "requests_per_s": round(len(latencies) / wall, 2),
            "latency_ms": {"p50": round(pct(latencies, 50) * 1000, 1), "p95": round(pct(latencies, 95) * 1000, 1),
                           "max": round(max(latencies) * 1000, 1) if latencies else None},
            "stream_ttft_ms": {"p50": round(pct(ttfts, 50) * 1000, 1), "p95": round(pct(ttfts, 95) * 1000, 1)},
            "sequential_single_client_p50_ms": round(pct(seq, 50) * 1000, 1),
        }
        print(f"HTTP: {answered}/{total} answered, {len(wrong)} wrong or crossed, {len(errors)} errors; "
              f"latency p50 {http['latency_ms']['p50']} ms, p95 {http['latency_ms']['p95']} ms; "
              f"stream TTFT p50 {http['stream_ttft_ms']['p50']} ms; {http['requests_per_s']} requests/s over {wall:.2f} s", flush=True)

        browser: dict[str, Any] = {"skipped": True}
        if args.browser_samples > 0 and os.path.exists(CHROMIUM):
            times = browser_ttft(url, args.browser_samples, ROOT / "out" / "screenshots" / "bench-web.png")
            browser = {"samples": len(times), "first_token_s": [round(t, 3) for t in times], "median_s": round(statistics.median(times), 3),
                       "max_s": round(max(times), 3)}
            print(f"browser: first answer text after median {browser['median_s']} s, max {browser['max_s']} s over {len(times)} samples", flush=True)
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(15)

    ok_http = answered == total and not wrong
    ok_browser = browser.get("skipped") or browser["max_s"] < 1.0
    report = {"http": http, "browser": browser, "bars": {"all_answered_right": ok_http, "browser_first_token_under_1s": bool(ok_browser)},
              "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"bars: all answered and right: {ok_http}; browser first token < 1 s: {bool(ok_browser)}  ({args.json})")
    return 0 if ok_http and ok_browser else 1


if __name__ == "__main__":
    sys.exit(main())

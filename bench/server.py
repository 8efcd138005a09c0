"""Server throughput: `stackadvisor serve` (offline backend) under 16 concurrent clients on POST
/v1/chat/completions, against the same questions answered in this process by Advisor.ask() on 16 threads.

    ours        HTTP: 16 client threads, one keep-alive httpx.Client each, non-streamed chat completions
    baseline    in-process: Advisor(llm="offline").ask() on a 16-thread pool (no HTTP, no JSON, no server)

The two alternate in halves (in-process, HTTP, HTTP, in-process) so machine load hits both. Every request is a
new question (an eval question plus " (request N)", N never repeated on a side), so neither side answers from
its query-embedding cache: p95/p50 then shows queueing, not the cache's hit rate. The server runs with its
default concurrency and queue; only its per-client rate limit is lifted (STACKADVISOR_RATE_LIMIT), since
every bench client comes from 127.0.0.1. Targets: HTTP requests/s >= 0.7x in-process, HTTP p95 < 3x p50.

    python -m bench.server [--quick] [--requests N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

from bench import child_env, free_port, log, make_home, ms, pct, questions, result, row, stackadvisor_cmd

CLIENTS = 16
TARGET = 0.7
TAIL = 3.0
BASELINE = "in-process Advisor.ask() on 16 threads"


@contextlib.contextmanager
def serve(home: Path, log_path: Path | None = None, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`stackadvisor serve` on a free port with the offline backend; yields (base URL, process) once /healthz is 200."""
    import httpx

    port = free_port()
    out = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*stackadvisor_cmd(), "serve", "--port", str(port)],
                            env=child_env(home, STACKADVISOR_RATE_LIMIT="1000000/second", STACKADVISOR_LLM="offline", **env),
                            stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            if proc.poll() is not None:
                raise RuntimeError(f"stackadvisor serve exited with {proc.returncode} before it was ready" + (f"; see {log_path}" if log_path else ""))
            if time.monotonic() > deadline:
                raise RuntimeError("stackadvisor serve was not ready after 300 s")
            time.sleep(0.25)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log_path:
            out.close()  # type: ignore[union-attr]


def question(qs: list[str], i: int) -> str:
    """The i-th request's question: never the same text twice for one i (no query-cache hits)."""
    return f"{qs[i % len(qs)]} (request {i})"


def http_load(url: str, qs: list[str], n: int, clients: int = CLIENTS, first: int = 0) -> dict[str, Any]:
    """Requests first..first+n-1 as chat completions from `clients` threads (each its own keep-alive client)."""
    import httpx

    lock = threading.Lock()
    next_i = [0]
    lat: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def worker(idx: int) -> None:
        with httpx.Client(base_url=url, timeout=120, headers={"Authorization": f"Bearer bench-{idx}"}) as client:
            barrier.wait()
            while True:
                with lock:
                    i = next_i[0]
                    next_i[0] += 1
                if i >= n:
                    return
                body = {"model": "stackadvisor", "messages": [{"role": "user", "content": question(qs, first + i)}]}
                t = time.perf_counter()
                try:
                    resp = client.post("/v1/chat/completions", json=body)
                    ok = resp.status_code == 200 and resp.json()["choices"][0]["message"]["content"]
                    err = None if ok else f"HTTP {resp.status_code}: {resp.text[:200]}"
                except Exception as exc:  # noqa: BLE001 - counted
                    err = f"{type(exc).__name__}: {exc}"[:200]
                dt = time.perf_counter() - t
                with lock:
                    lat.append(dt)
                    if err:
                        errors.append(err)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for th in threads:
        th.start()
    barrier.wait()
    started = time.perf_counter()
    for th in threads:
        th.join()
    return {"seconds": time.perf_counter() - started, "latencies": lat, "errors": errors}


def inprocess_load(advisor: Any, qs: list[str], n: int, clients: int = CLIENTS, first: int = 0) -> dict[str, Any]:
    lat: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        t = time.perf_counter()
        advisor.ask(question(qs, first + i))
        dt = time.perf_counter() - t
        with lock:
            lat.append(dt)

    with ThreadPoolExecutor(clients) as pool:
        started = time.perf_counter()
        list(pool.map(one, range(n)))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "latencies": lat, "errors": []}


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"seconds": sum(p["seconds"] for p in parts), "latencies": [x for p in parts for x in p["latencies"]],
            "errors": [e for p in parts for e in p["errors"]]}


def run(home: Path | None = None, quick: bool = False, requests: int | None = None) -> dict[str, Any]:
    from stackadvisor import Advisor

    home = Path(home) if home else make_home()
    n = requests or (32 if quick else 480)
    half = max(1, n // 2)
    qs = questions()
    advisor = Advisor(home=home, llm="offline").warm()
    with serve(home) as (url, _proc):
        warm = 2 * CLIENTS  # every thread, connection and code path once
        http_load(url, qs, warm)
        inprocess_load(advisor, qs, warm)
        http_parts, local_parts = [], []
        local_parts.append(inprocess_load(advisor, qs, half, first=warm))
        http_parts.append(http_load(url, qs, half, first=warm))
        http_parts.append(http_load(url, qs, half, first=warm + half))
        local_parts.append(inprocess_load(advisor, qs, half, first=warm + half))
    h, loc = _merge(http_parts), _merge(local_parts)
    h_rps, l_rps = len(h["latencies"]) / h["seconds"], len(loc["latencies"]) / loc["seconds"]
    h50, h95 = pct(h["latencies"], 50), pct(h["latencies"], 95)
    rows = [
        row("HTTP requests/s vs in-process (16 clients)", round(h_rps, 1), round(l_rps, 1), round(h_rps / l_rps, 2), f">= {TARGET:g}x",
            h_rps / l_rps >= TARGET and not h["errors"], "req/s", "in-process, 16 threads", note=f"{len(h['errors'])} errors" if h["errors"] else ""),
        row("HTTP p95 / p50", ms(h95), ms(h50), round(h95 / h50, 2), f"< {TAIL:g}x", h95 / h50 < TAIL, "ms", "HTTP p50"),
        row("in-process p95 / p50", ms(pct(loc["latencies"], 95)), ms(pct(loc["latencies"], 50)),
            round(pct(loc["latencies"], 95) / pct(loc["latencies"], 50), 2), "info", None, "ms", "in-process p50"),
    ]
    return result("server", f"Server ({CLIENTS} concurrent clients, {2 * half} requests each way)", BASELINE, rows,
                  http={"rps": round(h_rps, 2), "p50_ms": ms(h50), "p95_ms": ms(h95), "errors": h["errors"][:5], "requests": len(h["latencies"])},
                  inprocess={"rps": round(l_rps, 2), "p50_ms": ms(pct(loc["latencies"], 50)), "p95_ms": ms(pct(loc["latencies"], 95)),
                             "requests": len(loc["latencies"])},
                  samples={"http_ms": [ms(x) for x in h["latencies"]], "inprocess_ms": [ms(x) for x in loc["latencies"]]})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--requests", type=int)
    args = ap.parse_args(argv)
    res = run(quick=args.quick, requests=args.requests)
    log(json.dumps({k: v for k, v in res.items() if k != "samples"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Ingest throughput: 2,000 generated markdown files (about 5 MB: ADRs, tech-radar blips, meeting notes, runbooks,
design docs; a fixed seed) ingested by stackadvisor against the textbook way with chromadb's own embedder.

    ours       stackadvisor.ingest.ingest_paths([folder], kb, store, LocalEmbeddings)  (a fresh data home)
    baseline   the same files read and split with the same LangChain splitters (MarkdownHeaderTextSplitter on
               # / ## / ###, then RecursiveCharacterTextSplitter 1000/100), then
               collection.add(ids, documents, metadatas) on a Chroma PersistentClient collection whose
               embedding_function is chromadb's ONNXMiniLM_L6_V2 fed the same model files

Both embedders are loaded before the clock starts. Then ours again on the unchanged folder: the re-ingest must
take under 5% of the first. Targets: throughput >= 3x, re-ingest < 0.05x.

    python -m bench.ingest [--quick] [--files N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import chroma_embedding_function, log, pct, result, row

TARGET = 3.0
RERUN_TARGET = 0.05
FILES = 2000
QUICK_FILES = 24
BASELINE = "chunk with the same splitters + Chroma collection.add(embedding_function=ONNXMiniLM_L6_V2)"
SHORT = "splitters + collection.add"

# ------------------------------------------------------------------------------------------ the corpus

SERVICES = ["billing", "checkout", "search", "notifications", "ledger", "auth", "inventory", "pricing", "reporting", "gateway",
            "ingest", "recommendations", "payments", "shipping", "catalog", "profile", "chat", "analytics", "audit", "scheduler"]
LANGS = ["Go", "Rust", "Python", "Node.js", "TypeScript", "Java", "Kotlin", "Elixir", "C#", "Scala"]
TECH = ["PostgreSQL", "Kafka", "Redis", "gRPC", "GraphQL", "Kubernetes", "Terraform", "OpenTelemetry", "Envoy", "RabbitMQ",
        "ClickHouse", "DynamoDB", "FastAPI", "Express", "Gin", "Actix", "Axum", "Django", "NestJS", "Phoenix", "Temporal", "NATS"]
TEAMS = ["platform", "payments", "growth", "data", "mobile", "core", "infra", "search", "identity", "risk"]
PEOPLE = ["Ana", "Bilal", "Chen", "Dara", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jun", "Kemal", "Lena", "Mateo", "Noor", "Oskar", "Priya"]
QUALITIES = ["latency", "throughput", "memory use", "cold-start time", "build time", "on-call load", "error rate", "test coverage",
             "deploy frequency", "cost per request", "time to onboard a new engineer"]
ADJ = ["predictable", "noticeably lower", "acceptable", "too high", "stable", "hard to reason about", "well understood", "surprisingly good"]

SENTENCES = [
    "The {svc} service handles about {n},000 requests per second at peak, and p99 {q} stays under {m} ms.",
    "We moved {svc} from {lang} to {lang2} in {year}, mainly because {q} had become {adj}.",
    "{tech} has been {adj} for the {team} team; the main cost is operating it ourselves.",
    "Most of the {team} team already writes {lang}, so the learning curve for {tech} is the smaller risk.",
    "A spike in {q} on {svc} last quarter traced back to connection pooling in the {tech} client.",
    "{person} measured {q} on a staging cluster with {n} pods: the {lang} build came out {adj}.",
    "We expect {svc} to grow {n}x over the next {m} months, which rules out a single-node {tech} setup.",
    "The trade-off is that {lang} gives us {adj} {q} while {lang2} gives us a bigger hiring pool.",
    "Incidents on {svc} dropped from {n} to {m} per quarter after the rewrite.",
    "For CPU-bound work such as {task}, {lang} was about {n} times faster than the {lang2} prototype.",
    "Everything new on the {team} team goes through {tech} unless there is a written reason not to.",
    "{person} and {person2} own the migration plan; the first milestone is {svc} behind a feature flag.",
    "Concurrency in {svc} is mostly I/O: waiting on {tech} and on partner APIs, rarely on the CPU.",
    "We should revisit this decision if {q} on {svc} regresses by more than {n} percent.",
    "Local development needs Docker for {tech}; the setup script takes about {m} minutes on a laptop.",
    "The {lang} ecosystem has a mature client for {tech}, while the {lang2} one is still experimental.",
    "Code review on {svc} caught {n} memory-safety issues last year, which weighs in favour of {lang}.",
    "Our SLO for {svc} is {m} ms at p95 and {n} nines of availability.",
    "The benchmark in the appendix compares {lang} and {lang2} on {task} with {n} concurrent clients.",
    "{tech} replaced a homegrown queue in {year}; since then {q} has been {adj}.",
]
TASKS = ["image resizing", "PDF rendering", "fraud scoring", "video transcoding", "JSON schema validation", "report generation",
         "search indexing", "price calculation", "log parsing", "feature extraction"]
COMMANDS = ["make deploy ENV=staging", "kubectl rollout restart deploy/{svc}", "psql -c 'VACUUM ANALYZE'", "terraform plan -out plan.bin",
            "go test ./... -race", "cargo build --release", "npm run migrate", "python -m {svc}.admin reindex"]


def _sentence(rng: random.Random) -> str:
    lang, lang2 = rng.sample(LANGS, 2)
    person, person2 = rng.sample(PEOPLE, 2)
    return rng.choice(SENTENCES).format(
        svc=rng.choice(SERVICES), lang=lang, lang2=lang2, tech=rng.choice(TECH), team=rng.choice(TEAMS), person=person,
        person2=person2, q=rng.choice(QUALITIES), adj=rng.choice(ADJ), n=rng.randint(2, 90), m=rng.randint(3, 400),
        year=rng.randint(2016, 2025), task=rng.choice(TASKS),
    )


def _para(rng: random.Random, lo: int = 2, hi: int = 6) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(lo, hi + 3)))


def _bullets(rng: random.Random, lo: int = 3, hi: int = 8, check: bool = False) -> str:
    mark = "- [ ] " if check else "- "
    return "\n".join(mark + _sentence(rng) for _ in range(rng.randint(lo, hi)))


def _code(rng: random.Random) -> str:
    lines = [rng.choice(COMMANDS).format(svc=rng.choice(SERVICES)) for _ in range(rng.randint(1, 4))]
    return "```bash\n" + "\n".join(lines) + "\n```"


def _adr(rng: random.Random, n: int) -> str:
    svc, tech = rng.choice(SERVICES), rng.choice(TECH)
    status = rng.choice(["Accepted", "Proposed", f"Superseded by ADR-{n + rng.randint(1, 40):04d}", "Deprecated"])
    return "\n\n".join([
        f"# ADR-{n:04d}: Use {tech} for {svc}", "## Status", f"{status} ({rng.randint(2019, 2025)}-{rng.randint(1, 12):02d})",
        "## Context", *[_para(rng) for _ in range(rng.randint(2, 4))], "## Decision", _para(rng, 2, 5),
        "## Consequences", _bullets(rng), "## Alternatives considered", _para(rng, 1, 4),
    ])


def _radar(rng: random.Random, n: int) -> str:
    tech = rng.choice(TECH + LANGS)
    ring = rng.choice(["Adopt", "Trial", "Assess", "Hold"])
    return "\n\n".join([
        f"# {tech} ({ring})", f"Quadrant: {rng.choice(['Languages', 'Platforms', 'Tools', 'Techniques'])} · blip {n}",
        _para(rng, 3, 7), "## Where we use it", _bullets(rng, 2, 5), "## Why this ring", _para(rng, 2, 4),
    ])


def _notes(rng: random.Random, n: int) -> str:
    team = rng.choice(TEAMS)
    people = ", ".join(rng.sample(PEOPLE, rng.randint(3, 7)))
    return "\n\n".join([
        f"# {team.title()} sync #{n}", f"Attendees: {people}", "## Updates", _bullets(rng, 4, 10),
        "## Discussion", _para(rng, 3, 6), "## Action items", _bullets(rng, 2, 5, check=True),
    ])


def _runbook(rng: random.Random, n: int) -> str:
    svc = rng.choice(SERVICES)
    steps = "\n".join(f"{i}. {_sentence(rng)}" for i in range(1, rng.randint(4, 8)))
    return "\n\n".join([
        f"# Runbook: {svc} {rng.choice(['high latency', 'queue backlog', 'failed deploy', 'disk full', 'certificate expiry'])}",
        _para(rng, 1, 3), "## Steps", steps, _code(rng), "## Troubleshooting", _para(rng, 2, 5), "### Escalation", _para(rng, 1, 2),
    ])


def _design(rng: random.Random, n: int) -> str:
    svc = rng.choice(SERVICES)
    return "\n\n".join([
        f"# {svc.title()} v{rng.randint(2, 5)} design", "## Overview", _para(rng, 3, 6), "## Goals", _bullets(rng, 2, 5),
        "## Non-goals", _bullets(rng, 1, 3), "## Architecture", *[_para(rng, 3, 7) for _ in range(rng.randint(2, 4))],
        "### Data model", _para(rng, 2, 4), _code(rng), "## Rollout", _para(rng, 2, 4),
    ])


KINDS = {"adr": _adr, "radar": _radar, "notes": _notes, "runbooks": _runbook, "design": _design}


def generate(folder: Path, files: int = FILES, seed: int = 2024) -> dict[str, Any]:
    """Write `files` markdown files under folder/<kind>/ (deterministic for a seed); returns their count and bytes."""
    rng = random.Random(seed)
    total = 0
    kinds = list(KINDS)
    for kind in kinds:
        (folder / kind).mkdir(parents=True, exist_ok=True)
    for i in range(files):
        kind = kinds[i % len(kinds)]
        text = KINDS[kind](rng, i + 1) + "\n"
        path = folder / kind / f"{kind}-{i + 1:05d}.md"
        path.write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return {"files": files, "bytes": total, "seed": seed}


# ------------------------------------------------------------------------------------------ the two ingests


def textbook_ingest(folder: Path, ef: Any, directory: Path, batch: int = 512) -> dict[str, Any]:
    """Read, split with the same LangChain splitters, collection.add with chromadb's embedding function."""
    import chromadb
    import chromadb.config
    from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

    from stackadvisor.ingest import CHUNK_OVERLAP, CHUNK_SIZE

    started, cpu = time.perf_counter(), time.process_time()
    client = chromadb.PersistentClient(path=str(directory), settings=chromadb.config.Settings(anonymized_telemetry=False))
    coll = client.get_or_create_collection("textbook", embedding_function=ef)
    headers = MarkdownHeaderTextSplitter(headers_to_split_on=[("#", "h1"), ("##", "h2"), ("###", "h3")], strip_headers=True)
    recursive = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    ids: list[str] = []
    docs: list[str] = []
    metas: list[dict[str, Any]] = []
    chunks = files = 0

    def flush() -> None:
        if ids:
            coll.add(ids=list(ids), documents=list(docs), metadatas=list(metas))
            ids.clear(), docs.clear(), metas.clear()

    for path in sorted(folder.rglob("*.md")):
        files += 1
        for j, doc in enumerate(recursive.split_documents(headers.split_text(path.read_text(encoding="utf-8")))):
            ids.append(f"{path.parent.name}/{path.name}:{j}")
            docs.append(doc.page_content)
            metas.append({"source": str(path), **doc.metadata})
            chunks += 1
        if len(ids) >= batch:
            flush()
    flush()
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu, "files": files, "chunks": chunks}


def ours_ingest(folder: Path, home: Path, emb: Any, knowledge: Any, kb: str) -> dict[str, Any]:
    from stackadvisor.config import Settings
    from stackadvisor.ingest import ingest_paths
    from stackadvisor.store import Store

    started, cpu = time.perf_counter(), time.process_time()
    store = Store(Settings(home=home), embedder=emb.model_id)
    try:
        res = ingest_paths([folder], kb, store, emb, knowledge=knowledge)
    finally:
        store.close()
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu, "files": res.added + res.replaced + res.skipped, "added": res.added,
            "skipped": res.skipped, "refused": len(res.refused), "chunks": res.chunks, "embedded": res.embedded}


def _sum(parts: list[dict[str, Any]]) -> dict[str, Any]:
    keys = {k for p in parts for k, v in p.items() if isinstance(v, (int, float))}
    return {k: sum(p.get(k, 0) for p in parts) for k in sorted(keys)}


def chunk_token_stats(folder: Path, emb: Any) -> dict[str, Any]:
    """Token lengths of every chunk, and the padded tokens each side feeds the model: chromadb pads every chunk to
    256; we sort each EMBED_GROUP of chunks by token count and pad each batch of BATCH_SIZE to its longest. The
    model's dense layers cost the same per token on both sides, so this ratio is what padding alone buys;
    attention (quadratic in the padded length) and our fused kernels (embeddings.fuse_graph) add to it."""
    from stackadvisor.embeddings import BATCH_SIZE, MAX_TOKENS
    from stackadvisor.ingest import EMBED_GROUP, chunk_document

    emb._load()
    texts = [c.text for p in sorted(folder.rglob("*.md")) for c in chunk_document(p.read_text(encoding="utf-8"), "markdown", str(p), "bench", "x")]
    lengths = [sum(e.attention_mask) for e in emb._tokenizer.encode_batch(texts)]
    ours = 0
    for g in range(0, len(texts), EMBED_GROUP):
        group = sorted(lengths[g : g + EMBED_GROUP])
        for b in range(0, len(group), BATCH_SIZE):
            batch = group[b : b + BATCH_SIZE]
            ours += len(batch) * max(batch)
    theirs = len(texts) * MAX_TOKENS
    return {"chunks": len(lengths), "tokens_p50": pct(lengths, 50), "tokens_p95": pct(lengths, 95),
            "tokens_mean": round(sum(lengths) / max(1, len(lengths)), 1), "padded_tokens_ours": ours, "padded_tokens_theirs": theirs,
            "padded_token_ratio": round(theirs / max(1, ours), 2)}


def run(home: Path | None = None, quick: bool = False, files: int | None = None, slices: int | None = None) -> dict[str, Any]:
    """The corpus is cut into `slices` folders; slice by slice, ours and the textbook ingest alternate (which goes
    first alternates too), so a change in machine load hits both. Ours puts each slice in its own kb (a fresh
    ingest each time, fixed costs paid per slice); the textbook adds every slice to one collection."""
    from stackadvisor.embeddings import LocalEmbeddings
    from stackadvisor.knowledge import load

    files = files or (QUICK_FILES if quick else FILES)
    slices = max(1, min(slices or (2 if quick else 8), files))
    tmp = Path(tempfile.mkdtemp(prefix="sa-bench-ingest-"))
    try:
        corpus = generate(tmp / "all", files)
        ours_home = tmp / "home"
        emb = LocalEmbeddings(home=ours_home)
        stats = chunk_token_stats(tmp / "all", emb)
        paths = sorted((tmp / "all").rglob("*.md"))
        for i, p in enumerate(paths):  # slice k gets every slices-th file: the same mix of kinds in each
            dst = tmp / f"slice{i % slices}" / p.parent.name
            dst.mkdir(parents=True, exist_ok=True)
            p.rename(dst / p.name)
        log(f"  ingest: {corpus['files']} files, {corpus['bytes'] / 1e6:.2f} MB generated, {slices} slices")
        ef = chroma_embedding_function()
        emb.embed_array(["warm up"])  # both models loaded before the clock starts
        ef(["warm up"])
        knowledge = load()
        load0 = os.getloadavg()[0]
        theirs, first, again = [], [], []
        for k in range(slices):
            folder = tmp / f"slice{k}"
            order = ("theirs", "ours") if k % 2 == 0 else ("ours", "theirs")
            for who in order:
                if who == "theirs":
                    theirs.append(textbook_ingest(folder, ef, tmp / "textbook"))
                else:
                    first.append(ours_ingest(folder, ours_home, emb, knowledge, f"bench-{k}"))
            log(f"  ingest slice {k + 1}/{slices}: textbook {theirs[-1]['seconds']:.1f} s, ours {first[-1]['seconds']:.1f} s")
        for k in range(slices):
            again.append(ours_ingest(tmp / f"slice{k}", ours_home, emb, knowledge, f"bench-{k}"))
        load1 = os.getloadavg()[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t, o, a = _sum(theirs), _sum(first), _sum(again)
    o_fps, t_fps = o["files"] / o["seconds"], t["files"] / t["seconds"]
    o_cps, t_cps = o["chunks"] / o["seconds"], t["chunks"] / t["seconds"]
    rerun = a["seconds"] / o["seconds"]
    cpu_ratio = t["cpu_seconds"] / max(1e-9, o["cpu_seconds"])
    rows = [
        row("ingest throughput (files/s)", round(o_fps, 2), round(t_fps, 2), round(o_fps / t_fps, 2), f">= {TARGET:g}x", o_fps / t_fps >= TARGET, "files/s", SHORT),
        row("ingest throughput (chunks/s)", round(o_cps, 1), round(t_cps, 1), round(o_cps / t_cps, 2), "info", None, "chunks/s", SHORT),
        row("padded tokens fed to the model (theirs / ours)", stats["padded_tokens_ours"], stats["padded_tokens_theirs"],
            stats["padded_token_ratio"], "info", None, "tokens", SHORT, note=f"mean chunk {stats['tokens_mean']:g} tokens"),
        row("re-ingest unchanged / first ingest", round(a["seconds"], 3), round(o["seconds"], 3), round(rerun, 4), f"< {RERUN_TARGET:g}x",
            rerun < RERUN_TARGET and a["embedded"] == 0 and a["skipped"] == o["files"], "s", "our first ingest"),
    ]
    return result("ingest", f"Ingest ({corpus['files']} files, {corpus['bytes'] / 1e6:.1f} MB)", BASELINE, rows, corpus=corpus, slices=slices,
                  ours=o, ours_unchanged=a, textbook=t, per_slice={"ours_s": [round(x["seconds"], 2) for x in first],
                                                                    "textbook_s": [round(x["seconds"], 2) for x in theirs]},
                  chunk_tokens=stats, loadavg=[round(load0, 2), round(load1, 2)],
                  # process CPU seconds (all threads) of each side: less sensitive to the neighbours' load than wall
                  # time (chromadb's session spins its intra-op threads, which counts here as it does on the box)
                  cpu_seconds={"ours": round(o["cpu_seconds"], 2), "textbook": round(t["cpu_seconds"], 2), "theirs_over_ours": round(cpu_ratio, 2)})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--files", type=int)
    ap.add_argument("--slices", type=int)
    args = ap.parse_args(argv)
    log(json.dumps(run(quick=args.quick, files=args.files, slices=args.slices), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

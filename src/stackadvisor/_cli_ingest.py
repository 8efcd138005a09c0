"""`stackadvisor ingest`: the shell around ingest.py (argument handling, progress bars, the printed summary and
the exit code). The chunking, hashing and blue/green builds stay in ingest.py.

Exit code 1 when files were given and none could be used.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .ingest import IngestResult, Progress, ensure_builtin, ingest_paths


def _result_dict(result: IngestResult) -> dict[str, Any]:
    data = asdict(result)
    data["refused"] = [{"path": p, "reason": r} for p, r in result.refused]
    data["flagged"] = [{"path": p, "phrase": f} for p, f in result.flagged]
    data["seconds"] = round(result.seconds, 3)
    return data


def _progress_bar(out: Any, label: str, unit: str) -> tuple[Any, Progress | None]:
    """A rich bar with items/s when out is a terminal; (None, None) otherwise."""
    if not getattr(out, "tty", False):
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(f"{task.speed or 0:.1f} {unit}/s", style="cyan")

    bar = Bar(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(), TimeElapsedColumn(),
              TextColumn("{task.fields[path]}", style="dim"), console=out.console, transient=True)
    task = bar.add_task(label, total=None, path="")

    def progress(done: int, total: int, path: str) -> None:
        bar.update(task, completed=done, total=total, path=Path(path).name)

    return bar, progress


def run(args: Any, out: Any) -> int:
    """`stackadvisor ingest [PATHS...] [--kb NAME] [--table FILE] [--home DIR] [--json]`.

    Always brings the built-in index up to date (with --table: for that table's rows); with PATHS, adds
    them to the knowledge base --kb (default "team"). Exit 1 when files were given and none could be used."""
    from .config import Settings
    from .embeddings import get_embeddings, model_id_of
    from .knowledge import load
    from .store import Store

    settings = Settings.load(home=getattr(args, "home", None), table=getattr(args, "table", None))
    knowledge = load(table=settings.table)  # validates --table: errors name the row, column and allowed values
    embeddings = get_embeddings(settings.embeddings, base_url=settings.base_url, home=settings.home)
    store = Store(settings, embedder=model_id_of(embeddings))
    results: list[IngestResult] = []
    try:
        bar, progress = _progress_bar(out, "built-in corpus", "chunks")
        if bar is not None:
            with bar:
                results.append(ensure_builtin(store, embeddings, knowledge, progress))
        else:
            results.append(ensure_builtin(store, embeddings, knowledge))
        paths = list(getattr(args, "paths", None) or [])
        if paths:
            kb = getattr(args, "kb", None) or "team"
            bar, progress = _progress_bar(out, f"ingest → {kb}", "files")
            if bar is not None:
                with bar:
                    results.append(ingest_paths(paths, kb, store, embeddings, progress, knowledge))
            else:
                results.append(ingest_paths(paths, kb, store, embeddings, None, knowledge))
        from .ingest import repair_damaged  # a kb whose index cannot be read back: rebuilt from its recorded folders

        results.extend(repair_damaged(store, embeddings, knowledge, skip={getattr(args, "kb", None) or "team"} if paths else ()))
    finally:
        store.close()

    if getattr(args, "json", False):
        print(json.dumps([_result_dict(r) for r in results], indent=2, ensure_ascii=False))
    else:
        builtin = results[0]
        state = "up to date" if not builtin.changed else f"rebuilt ({builtin.embedded} chunks embedded)"
        out.line(f"Built-in index: {state}, {builtin.chunks} chunks ({builtin.seconds:.1f} s).")
        if settings.table:
            t = knowledge.table
            out.line(f"Table {settings.table} is valid: {len(t.languages)} languages, {len(t.criteria)} criteria. "
                     f"Use it with --table {settings.table} or STACKADVISOR_TABLE={settings.table}.")
        for r in results[1:]:
            out.line(r.summary())
            for path, reason in r.refused:
                out.line(f"  refused {path}: {reason}", "yellow")
            for path, phrase in r.flagged:
                out.line(f"  flagged {path}: reads as an instruction ({phrase!r}); stored as data only", "yellow")
    user = results[1:]
    if user and user[0].refused and not (user[0].added or user[0].replaced or user[0].skipped):
        return 1
    return 0

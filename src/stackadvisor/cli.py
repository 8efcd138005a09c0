"""The `stackadvisor` command: a thin shell over Advisor. Rich output in a terminal, plain text when piped.

Exit codes: 0 success, 1 a check/gate failed, 2 bad usage or a StackAdvisorError, 130 interrupted.
Heavy imports (chromadb, gradio, LLM clients) happen inside the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from .errors import StackAdvisorError

EXAMPLES = {
    "ask": """\
        examples:
          stackadvisor ask "We're building a real-time chat app and the team knows React: which backend?"
          stackadvisor ask "Is Python faster than Go?" --json | jq .checks
          stackadvisor ask "Which backend for a fintech platform?" --llm openai:gpt-4o-mini""",
    "chat": """\
        examples:
          stackadvisor chat
          stackadvisor chat --llm local
        inside the chat: /needs shows what I inferred, /adr [FILE] writes the decision record (see `adr --help`),
        /reset starts over, /quit (or Ctrl-D) leaves.""",
    "check": """\
        examples:
          stackadvisor check "Python is faster than Go"
          stackadvisor check "Rust has the steepest learning curve. Node.js is ideal for CPU-bound tasks." --strict
          cat answer.md | stackadvisor check -""",
    "ingest": """\
        examples:
          stackadvisor ingest                      # (re)build the built-in index; a no-op when nothing changed
          stackadvisor ingest docs/adr/ radar.md --kb team
          stackadvisor ingest --table my-table.yaml     # your own comparison table (YAML or CSV)""",
    "serve": """\
        examples:
          stackadvisor serve                       # http://127.0.0.1:7860
          stackadvisor serve --port 8000 --llm openai:gpt-4o-mini
          STACKADVISOR_AUTH=alice:secret stackadvisor serve --host 0.0.0.0

        limits (environment variables):
          STACKADVISOR_AUTH=user:password      basic auth on every route but /healthz (OpenAI clients: the password as key)
          STACKADVISOR_RATE_LIMIT=120/minute   per client address on /v1 and /api; the UI's events get 4x
          STACKADVISOR_CONCURRENCY=4           answers computed at once; STACKADVISOR_QUEUE=64 may wait, then 503 busy
          STACKADVISOR_TRUSTED_PROXIES=10.0.0.5  behind a load balancer: believe its X-Forwarded-For""",
    "adr": """\
        what the record holds (MADR layout: front matter, then these sections):
          Context and Problem Statement   each turn quoted, with the needs read from it
          Decision Drivers                the weights, use cases, constraints and skills that count
          Considered Options              all four languages with their fit scores, and the table behind them
          Decision Outcome                the pick and why; Consequences (Good/Bad, because ...) from the article;
                                          how firm it is (share of plausible weightings it wins, weight bounds);
                                          Confirmation: when to revisit it
          firmness: firm when the pick wins at least 90% of 5,000 plausible weightings (seeded, reproducible),
          fragile under 75%; a fragile record says which trade-off question would settle it.
          Pros and Cons of the Options    every option's score, line by line, with its table cells
          More Information                numbered sources in the article [n]
          Every claim in it is checked against the comparison table; exit 1 if one were contradicted.

        the conversation file (what you said, not the answers):
          turns.txt    one user turn per line (# comments and blank lines skipped)
          turns.json   ["We're building a fintech platform.", "Speed matters most."]
                       or [{"role": "user", "content": "..."}, ...], or [[user, assistant], ...]
          turns.yaml   the same lists in YAML

        examples:
          printf "We're building a REST API.\\nSpeed and ease of learning matter equally.\\n" > turns.txt
          stackadvisor adr turns.txt                          # markdown on stdout
          stackadvisor adr turns.txt --out docs/adr/0001-backend-language.md
          stackadvisor adr turns.json --html --out adr.html   # one self-contained page, charts included
          stackadvisor chat   then /adr docs/adr/0001-backend-language.md   # from a chat session""",
    "feedback": """\
        the likes and dislikes given under the web UI's answers (with their comments), stored in
        <home>/feedback.sqlite3

        examples:
          stackadvisor feedback                      # the latest 20, newest first
          stackadvisor feedback list --dislikes --limit 50
          stackadvisor feedback export -o feedback.jsonl    # every rating, oldest first, one JSON object a line""",
    "eval": """\
        examples:
          stackadvisor eval                        # offline backend, built-in cases, report in evals/reports/latest
          stackadvisor eval --llm local --report out/eval-smollm2
          stackadvisor eval --cases evals/cases/recommend.yaml --json""",
}

DESCRIPTION = """\
stackadvisor helps you choose a backend language (Node.js, Python, Go or Rust), grounded in one
comparison article. Every recommendation and claim is checked against the article's comparison table.
Works offline by default; --llm switches on generated prose (still checked)."""


def _common(p: argparse.ArgumentParser, llm: bool = True) -> None:
    if llm:
        p.add_argument("--llm", metavar="BACKEND", help="offline (default), openai:<model> or local[:<path.gguf>] (env STACKADVISOR_LLM)")
        p.add_argument("--base-url", metavar="URL", help="an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (env OPENAI_BASE_URL)")
    p.add_argument("--kb", metavar="NAME", help="also answer from this knowledge base (see `ingest --kb`)")
    p.add_argument("--table", metavar="FILE", help="your own comparison table (YAML or CSV) layered over the built-in one")
    p.add_argument("--home", metavar="DIR", help="data folder for the index (env STACKADVISOR_HOME)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stackadvisor", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=textwrap.dedent(EXAMPLES["ask"]))
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str) -> argparse.ArgumentParser:  # noqa: A002
        return sub.add_parser(name, help=help, description=help, epilog=textwrap.dedent(EXAMPLES[name]),
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = add("ask", "Answer one question, with a pick, reasons, trade-offs and citations.")
    p.add_argument("question", nargs="+", help="the question (quote it, or '-' to read stdin)")
    p.add_argument("--json", action="store_true", help="print the whole reply as JSON")
    p.add_argument("-k", type=int, metavar="N", help="passages to retrieve (default 4)")
    _common(p)

    p = add("chat", "A conversation: later questions refine what you said earlier.")
    _common(p)

    p = add("check", "Check claims about the languages in any text against the comparison table.")
    p.add_argument("text", nargs="+", help="the text to check ('-' reads stdin)")
    p.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when any claim is contradicted")
    p.add_argument("--table", metavar="FILE", help="your own comparison table (YAML or CSV)")

    p = add("ingest", "Build the index, or add your own documents or comparison table.")
    p.add_argument("paths", nargs="*", help="markdown, text, HTML or PDF files and folders")
    p.add_argument("--kb", metavar="NAME", help="knowledge base to add the files to (default: team)")
    p.add_argument("--table", metavar="FILE", help="validate and install your own comparison table (YAML or CSV)")
    p.add_argument("--home", metavar="DIR", help="data folder for the index (env STACKADVISOR_HOME)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = add("serve", "Serve the web UI and the OpenAI-compatible API.")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    _common(p)

    p = add("adr", "Write an Architecture Decision Record (MADR) of the pick for a conversation.")
    p.add_argument("conversation", help="a conversation file: one user turn per line, or a JSON/YAML list of turns ('-' reads stdin)")
    p.add_argument("--out", "-o", metavar="FILE", help="write the record here (default: stdout); a .html name writes HTML")
    p.add_argument("--html", action="store_true", help="HTML instead of markdown (a self-contained page with the charts)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the record's date (default today)")
    p.add_argument("--title", metavar="TEXT", help='the record\'s title (default "Use <pick> for the backend")')
    p.add_argument("--status", default="proposed", help="MADR status: proposed (default), accepted, rejected, deprecated, ...")
    p.add_argument("--table", metavar="FILE", help="your own comparison table (YAML or CSV) layered over the built-in one")
    p.add_argument("--home", metavar="DIR", help="data folder for the index (env STACKADVISOR_HOME)")

    p = add("feedback", "List or export the feedback (likes, dislikes, comments) given in the web UI.")
    p.add_argument("action", nargs="?", choices=["list", "export"], default="list", help="list (default) or export as JSON Lines")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="list: how many, newest first (default 20; 0 for all)")
    p.add_argument("--likes", action="store_true", help="only likes")
    p.add_argument("--dislikes", action="store_true", help="only dislikes")
    p.add_argument("--out", "-o", metavar="FILE", help="export: write here (default: stdout)")
    p.add_argument("--json", action="store_true", help="list: print JSON")
    p.add_argument("--home", metavar="DIR", help="data folder (env STACKADVISOR_HOME)")
    p = add("eval", "Run the evaluation suite and write a report.")
    p.add_argument("--cases", metavar="PATH", help="a YAML file or folder of cases (default: the built-in evals/)")
    p.add_argument("--report", metavar="DIR", help="where to write results.json, report.html, summary.md")
    p.add_argument("--gates", metavar="FILE", help="thresholds file (default evals/gates.yaml)")
    p.add_argument("--baseline", metavar="FILE", help="results.json to compare with (default evals/baseline.json)")
    p.add_argument("--limit", type=int, metavar="N", help="run only the first N cases")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    _common(p)
    return parser


class _VersionAction(argparse.Action):
    """`--version`, looked up only when asked for: importlib.metadata scans every installed distribution
    (tens of milliseconds), which every other command would otherwise pay at start."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, default: Any = argparse.SUPPRESS,
                 help: str = "show program's version number and exit") -> None:  # noqa: A002
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: str | None = None) -> None:
        from .text import package_version

        print(f"stackadvisor {package_version()}")
        parser.exit()


def _read(parts: Sequence[str]) -> str:
    if list(parts) == ["-"]:
        return sys.stdin.read()
    return " ".join(parts)


def _advisor(args: argparse.Namespace) -> Any:
    from .advisor import AdvisorCore  # the Advisor without its LangChain Runnable base: a faster start

    return AdvisorCore(llm=getattr(args, "llm", None), base_url=getattr(args, "base_url", None), kb=getattr(args, "kb", None),
                   table=getattr(args, "table", None), home=getattr(args, "home", None), k=getattr(args, "k", None))


# ------------------------------------------------------------------------------------------ output


class Out:
    """Rich in a terminal, plain text when piped."""

    def __init__(self) -> None:
        self.tty = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None
        self._console = None

    @property
    def console(self):  # noqa: ANN201
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False)
        return self._console

    def markdown(self, text: str) -> None:
        if self.tty:
            from rich.markdown import Markdown

            self.console.print(Markdown(text))
        else:
            print(text)

    def line(self, text: str = "", style: str = "") -> None:
        if self.tty:
            self.console.print(text, style=style or None, markup=False)
        else:
            print(text)


def _badge(reply: Any) -> str:
    from .rules.check import tally

    t = tally(list(reply.checks))
    bad, n = reply.corrected or t["contradicted"], t["checked"]
    if bad:
        state = f"{bad} corrected"
    elif t["supported"] == n and not t["not_checkable"]:
        state = "all claims supported"
    else:
        state = f"{t['supported']} supported" + (f", {t['unsupported']} not covered by the table" if t["unsupported"] else "")
    state += f", {t['not_checkable']} not checkable" if t["not_checkable"] else ""
    state += ("; pick consistent with the ranking" if t["picks_consistent"] == t["picks"] else "; pick not backed by the ranking") if t["picks"] else ""
    mark = "⚠" if bad else "✓"
    return f"{mark} checked {n} claim{'s' if n != 1 else ''} against the comparison table: {state} · backend: {reply.backend}"


def cmd_ask(args: argparse.Namespace, out: Out) -> int:
    advisor = _advisor(args)
    question = _read(args.question)
    if args.json:
        print(json.dumps(advisor.ask(question).to_dict(), indent=2, ensure_ascii=False))
        return 0
    reply = None
    if out.tty:
        from rich.live import Live
        from rich.markdown import Markdown

        buf = ""
        with Live(Markdown(""), console=out.console, refresh_per_second=12, vertical_overflow="visible") as live:
            for item in advisor.stream(question):
                if isinstance(item, str):
                    buf += item
                    live.update(Markdown(buf))
                else:
                    reply = item
                    live.update(Markdown(reply.answer))
    else:
        for item in advisor.stream(question):
            if isinstance(item, str):
                sys.stdout.write(item)
                sys.stdout.flush()
            else:
                reply = item
        print()
    assert reply is not None
    for notice in reply.notices:
        out.line(f"note: {notice}", "yellow")
    out.line(_badge(reply), "dim")
    return 0


def cmd_chat(args: argparse.Namespace, out: Out) -> int:
    from .advisor import needs_to_dict

    advisor = _advisor(args)
    chat = advisor.chat()
    out.line(f"stackadvisor chat · backend {advisor.backend} · /needs /reset /quit", "bold")
    while True:
        try:
            question = input("you> ")
        except EOFError:
            out.line()
            return 0
        cmd = question.strip().lower()
        if cmd in ("/quit", "/exit", "quit", "exit"):
            return 0
        if cmd == "/adr" or cmd.startswith("/adr "):
            try:
                _emit_record(chat.decision_record(), question.strip()[4:].strip() or None)
            except StackAdvisorError as exc:
                out.line(f"error: {exc}", "red")
            continue
        if cmd == "/reset":
            chat.reset()
            out.line("(new conversation)", "dim")
            continue
        if cmd == "/needs":
            out.line(json.dumps(needs_to_dict(chat.needs) if chat.needs else {}, indent=2))
            continue
        try:
            reply = chat.ask(question)
        except StackAdvisorError as exc:
            out.line(f"error: {exc}", "red")
            continue
        out.markdown(reply.answer)
        for notice in reply.notices:
            out.line(f"note: {notice}", "yellow")
        out.line(_badge(reply), "dim")


def cmd_check(args: argparse.Namespace, out: Out) -> int:
    from . import knowledge, rules

    table = knowledge.load(table=args.table).table
    checks = rules.check(_read(args.text), table)
    if args.json:
        print(json.dumps([{"claim": c.claim, "verdict": c.verdict, "evidence": c.evidence, "kind": c.kind, "correction": c.correction} for c in checks],
                         indent=2, ensure_ascii=False))
    elif not checks:
        out.line("No claims about the languages found.")
    elif out.tty:
        from rich.table import Table

        t = Table("claim", "verdict", "evidence", show_lines=False)
        colour = {"supported": "green", "contradicted": "red", "unsupported": "yellow"}
        for c in checks:
            t.add_row(c.claim, f"[{colour[c.verdict]}]{c.verdict}[/]", c.evidence + (f"\n→ {c.correction}" if c.correction else ""))
        out.console.print(t)
    else:
        for c in checks:
            print(f"{c.verdict}\t{c.claim}\t{c.evidence}")
    return 1 if args.strict and any(c.verdict == "contradicted" for c in checks) else 0


def cmd_ingest(args: argparse.Namespace, out: Out) -> int:
    from ._cli_ingest import run

    return run(args, out)


def cmd_serve(args: argparse.Namespace, out: Out) -> int:
    from .web import serve

    serve(host=args.host, port=args.port, llm=args.llm, base_url=args.base_url, kb=args.kb, table=args.table, home=args.home)
    return 0


def cmd_eval(args: argparse.Namespace, out: Out) -> int:
    from ._cli_eval import run

    return run(args, out)


def cmd_adr(args: argparse.Namespace, out: Out) -> int:
    from .adr import decision_record, read_conversation
    from .advisor import AdvisorCore

    turns = read_conversation(args.conversation)
    advisor = AdvisorCore(table=args.table, home=args.home)
    record = decision_record(turns, advisor=advisor, date=args.date, title=args.title, status=args.status)
    return _emit_record(record, args.out, args.html)


def _emit_record(record: Any, path: str | None, html: bool = False) -> int:
    as_html = html or bool(path and path.lower().endswith((".html", ".htm")))
    if path:
        record.write(path, html=as_html)
    else:
        sys.stdout.write(record.html if as_html else record.markdown)
    bad = record.contradicted
    rob = record.robustness
    firm = f" · {rob.level}: {rob.summary}" if rob is not None else ""
    where = f" · written to {path}" if path else ""
    print(f"✓ decision record for {record.pick}: {len(record.checks)} claims checked, {len(bad)} contradicted{firm}{where}", file=sys.stderr)
    for c in bad:
        print(f"contradicted: {c.claim} -> {c.correction or c.evidence}", file=sys.stderr)
    return 1 if bad else 0


def cmd_feedback(args: argparse.Namespace, out: Out) -> int:
    from .config import Settings
    from .feedback import FeedbackStore

    store = FeedbackStore(Settings.load(home=args.home).home)
    rating = 1 if args.likes and not args.dislikes else -1 if args.dislikes and not args.likes else None
    if args.action == "export":
        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                n = store.export_jsonl(fh, rating=rating)
            print(f"{n} rating{'s' if n != 1 else ''} written to {args.out}", file=sys.stderr)
        else:
            store.export_jsonl(sys.stdout, rating=rating)
        return 0
    rows = store.rows(limit=args.limit or None, rating=rating)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    c = store.counts()
    out.line(f"{c['likes']} like{'s' if c['likes'] != 1 else ''}, {c['dislikes']} dislike{'s' if c['dislikes'] != 1 else ''}, "
             f"{c['comments']} with a comment  ({store.path})")
    import time as _time

    for r in rows:
        when = _time.strftime("%Y-%m-%d %H:%M", _time.localtime(r["created"]))
        thumb = "+1 like   " if r["rating"] > 0 else "-1 dislike"
        out.line(f"#{r['id']:<5} {when}  {thumb}  pick {r['pick'] or '-'}  · {' '.join(r['question'].split())[:90]}")
        if r["comment"]:
            out.line(f"        comment: {' '.join(r['comment'].split())[:300]}")
    return 0


COMMANDS = {"ask": cmd_ask, "chat": cmd_chat, "check": cmd_check, "ingest": cmd_ingest, "serve": cmd_serve, "eval": cmd_eval, "adr": cmd_adr,
            "feedback": cmd_feedback}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    out = Out()
    try:
        return COMMANDS[args.command](args, out)
    except StackAdvisorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the edge: never a traceback in front of a user
        if os.environ.get("STACKADVISOR_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc}\nThis is a bug; rerun with STACKADVISOR_DEBUG=1 for the traceback and report it.", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())

"""Loads corpus/ (the article and the comparison table) into typed, validated objects.

The table is data: criteria with ordinal scales (worst -> best), use cases and constraints with the words
that point at them, and per language its cells, "best for" lines, pros, cons and frameworks. Validation
errors name the row, the column and the allowed values. No other module reads corpus/ files.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import KnowledgeError

ARTICLE_FILE = "article.md"
TABLE_FILE = "comparison.yaml"


def corpus_dir() -> Path:
    """The built-in corpus: packaged inside the wheel, or the repository's corpus/ in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "corpus", here.parents[1] / "corpus"):
        if (candidate / TABLE_FILE).is_file():
            return candidate
    raise KnowledgeError("The built-in corpus is missing from this installation; reinstall stackadvisor (pip install --force-reinstall stackadvisor).")


# ---------------------------------------------------------------------------------------------- types


@dataclass(frozen=True)
class Criterion:
    """A column of the table with its ordinal scale, worst first."""

    id: str
    label: str
    scale: tuple[str, ...]
    measures: str = ""
    level_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()
    better: tuple[str, ...] = ()
    worse: tuple[str, ...] = ()
    best: tuple[str, ...] = ()
    worst: tuple[str, ...] = ()
    nouns: tuple[str, ...] = ()
    adjectives: dict[str, str] = field(default_factory=dict)

    def rank(self, level: str) -> int:
        """Position of a level on the scale: 0 is worst."""
        return self.scale.index(level)

    def normalise(self, level: str) -> float:
        """A level mapped onto 0..1 (worst..best)."""
        return self.rank(level) / max(1, len(self.scale) - 1)


@dataclass(frozen=True)
class Item:
    """A "best for" line, a pro or a con, with what it is about."""

    text: str
    use_case: str | None = None
    constraint: str | None = None
    criterion: str | None = None
    skill: bool = False


@dataclass(frozen=True)
class Topic:
    """A use case ("real-time") or a constraint ("cpu-bound") and the words that name it."""

    id: str
    label: str
    keywords: tuple[str, ...]
    criterion: str | None = None  # the table column it bears on (multithreading -> concurrency): "why is it Low?"


@dataclass(frozen=True)
class Language:
    name: str
    section: str
    aliases: tuple[str, ...]
    skills: tuple[str, ...]
    cells: dict[str, str]
    notes: dict[str, str]
    best_for: tuple[Item, ...]
    pros: tuple[Item, ...]
    cons: tuple[Item, ...]
    frameworks: tuple[str, ...]

    def cell_text(self, criterion: str) -> str:
        """The cell as the article prints it: "Huge (npm)"."""
        value = self.cells.get(criterion, "")
        note = self.notes.get(criterion)
        return f"{value} ({note})" if note else value


@dataclass(frozen=True)
class Table:
    criteria: dict[str, Criterion]
    languages: dict[str, Language]
    use_cases: dict[str, Topic]
    constraints: dict[str, Topic]
    table_section: str = "Performance Comparison"
    source: str = ARTICLE_FILE

    @property
    def names(self) -> list[str]:
        return list(self.languages)

    def level(self, language: str, criterion: str) -> str | None:
        return self.languages[language].cells.get(criterion)

    def rank(self, language: str, criterion: str) -> int | None:
        level = self.level(language, criterion)
        return None if level is None else self.criteria[criterion].rank(level)

    def find_language(self, name: str) -> Language | None:
        """A language by name or alias, case-insensitive."""
        key = name.strip().lower()
        for lang in self.languages.values():
            if key == lang.name.lower() or key in lang.aliases:
                return lang
        return None

    def row_text(self, language: str) -> str:
        """One line per table row, as indexed: "Rust: Speed Extremely High, Concurrency High, ..."."""
        lang = self.languages[language]
        cells = ", ".join(f"{c.label} {lang.cell_text(cid)}" for cid, c in self.criteria.items() if cid in lang.cells)
        return f"{lang.name}: {cells}."

    def digest(self) -> str:
        """A content hash of the table, for cache keys."""
        h = hashlib.sha256()
        for lang in self.languages.values():
            h.update(repr((lang.name, sorted(lang.cells.items()), lang.best_for, lang.pros, lang.cons)).encode())
        for c in self.criteria.values():
            h.update(repr((c.id, c.scale)).encode())
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Section:
    """A heading of the article and the text under it."""

    id: str
    title: str
    text: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    """The whole built-in corpus: the article, its sections and the table."""

    table: Table
    article: str
    title: str
    sections: tuple[Section, ...]
    root: Path

    @property
    def date(self) -> str | None:
        """The article's date line ("*23 May 2025*" under its title), if it has one."""
        m = re.search(r"^\s*[*_]{1,2}(\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|[A-Z][a-z]+\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})[*_]{1,2}\s*$",
                      self.article[:2000], re.M)
        return m.group(1) if m else None

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)


# ------------------------------------------------------------------------------------------ loading


MAX_TABLE_BYTES = 1024 * 1024  # a table file (the built-in one is ~10 KB)
MAX_YAML_NODES = 100_000  # scalars, lists and mappings in one table file, aliases expanded (the built-in one has ~1,500)
MAX_YAML_DEPTH = 20  # nesting of lists/mappings (the schema needs 5)
MAX_NAME_CHARS = 80  # a language name, alias, criterion id or label, scale level, use case id
MAX_TEXT_CHARS = 2000  # a best-for line, pro, con, note, keyword


def _yaml_load(text: str, where: str) -> Any:
    """YAML with a safe loader, refusing what could make loading or validating it unbounded: more than MAX_YAML_NODES
    values once aliases are expanded (the "billion laughs" shape: ten aliases of ten aliases of ... is a 10 KB file
    standing for 10^9 values), deep nesting, a file over MAX_TABLE_BYTES. The sizes are counted in one linear pass
    over the parser's events, before anything is built. Every failure is a KnowledgeError naming the file."""
    import yaml

    if len(text) > MAX_TABLE_BYTES:
        raise KnowledgeError(f"{where} is {len(text):,} characters; a table file may have at most {MAX_TABLE_BYTES:,}. Keep only the table in it.")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        nodes = 0  # values so far, each alias counted as the values it stands for
        size: dict[str, int] = {}  # anchor -> the values under it
        open_: list[tuple[str | None, int]] = []  # (anchor, nodes before it) of the lists/mappings being read
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                nodes += size.get(str(event.anchor), 1)
            elif isinstance(event, yaml.ScalarEvent):
                nodes += 1
                if event.anchor is not None:
                    size[str(event.anchor)] = 1
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                open_.append((event.anchor, nodes))
                nodes += 1
                if len(open_) > MAX_YAML_DEPTH:
                    raise KnowledgeError(f"{where} nests lists/mappings more than {MAX_YAML_DEPTH} deep; a table needs 5 at most.")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, before = open_.pop()
                if anchor is not None:
                    size[str(anchor)] = nodes - before
            if nodes > MAX_YAML_NODES:
                mark = getattr(event, "start_mark", None)
                at = f" (line {mark.line + 1})" if mark is not None else ""
                raise KnowledgeError(f"{where}{at}: more than {MAX_YAML_NODES:,} values once its aliases (*name) are expanded; "
                                     "a table file may have at most that many. Write the values out instead of nesting aliases.")
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{where} is not valid YAML: {_clip(exc, 300)}. Fix the file and try again.") from None
    except (ValueError, OverflowError, RecursionError, MemoryError) as exc:  # e.g. a 100,000-digit integer (Python's int limit)
        raise KnowledgeError(f"{where}: a value cannot be read ({type(exc).__name__}: {_clip(exc, 200)}). Fix the file and try again.") from None


def _clip(value: Any, limit: int = 120) -> str:
    """A value for an error message, never longer than limit (a table value can be megabytes)."""
    import reprlib

    short = reprlib.Repr()
    short.maxstring, short.maxother, short.maxlist, short.maxdict, short.maxlevel = limit, limit, 10, 10, 3
    text = value if isinstance(value, str) else short.repr(value) if not isinstance(value, BaseException) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _name(value: Any, where: str, what: str) -> str:
    """A name-like value (language, alias, level, label, id): text of at most MAX_NAME_CHARS, no non-finite number."""
    _finite(value, where, what)
    text = str(value)
    if len(text) > MAX_NAME_CHARS:
        raise KnowledgeError(f"{where}: {what} {_clip(text, 60)!r} is {len(text):,} characters; the limit is {MAX_NAME_CHARS}.")
    if not text.strip():
        raise KnowledgeError(f"{where}: {what} is empty.")
    return text


def _mapping(value: Any, where: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise KnowledgeError(f"{where}: expected a mapping (key: value lines), got {_clip(value)}.")
    return value


def _finite(value: Any, where: str, what: str) -> None:
    import math

    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return
    if isinstance(number, float) and not math.isfinite(number):
        raise KnowledgeError(f"{where}: {what} {_clip(value, 40)!r} is not a finite value (inf/nan); use words or finite numbers.")


def _strs(value: Any, where: str, limit: int = MAX_TEXT_CHARS) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        raise KnowledgeError(f"{where}: expected a list of strings, got {_clip(value)}.")
    for v in value:
        _finite(v, where, "value")
        if len(str(v)) > limit:
            raise KnowledgeError(f"{where}: {_clip(str(v), 60)!r} is {len(str(v)):,} characters; the limit is {limit:,}.")
    return tuple(str(v) for v in value)


def _lower(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.lower() for v in values)


def _criterion(cid: str, raw: Any, where: str) -> Criterion:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: criterion {cid!r} must be a mapping with at least 'label' and 'scale'.")
    _name(cid, where, "criterion id")
    scale = _strs(raw.get("scale"), f"{where}: criterion {cid!r}, field 'scale'", MAX_NAME_CHARS)
    if len(scale) < 2 or len(set(scale)) != len(scale):
        raise KnowledgeError(f"{where}: criterion {cid!r} needs a 'scale' of at least two distinct levels, worst first (e.g. [Low, High]).")
    aliases_raw = _mapping(raw.get("level_aliases"), f"{where}: criterion {cid!r}, level_aliases")
    aliases: dict[str, tuple[str, ...]] = {}
    for level, words in aliases_raw.items():
        if level not in scale:
            raise KnowledgeError(f"{where}: criterion {cid!r}, level_aliases names {level!r}; allowed levels: {', '.join(scale)}.")
        aliases[level] = _lower(_strs(words, f"{where}: {cid}.level_aliases.{level}"))
    adjectives = {str(k).lower(): str(v) for k, v in _mapping(raw.get("adjectives"), f"{where}: criterion {cid!r}, adjectives").items()}
    for word, level in adjectives.items():
        if level not in scale:
            raise KnowledgeError(f"{where}: criterion {cid!r}, adjective {word!r} maps to {level!r}; allowed levels: {', '.join(scale)}.")
    label = _name(raw.get("label") or cid.replace("_", " ").title(), f"{where}: criterion {cid!r}", "label")
    return Criterion(
        id=cid,
        label=label,
        scale=scale,
        measures=str(raw.get("measures") or label.lower()),
        level_aliases=aliases,
        keywords=_lower(_strs(raw.get("keywords"), f"{where}: {cid}.keywords")) or (label.lower(),),
        better=_lower(_strs(raw.get("better"), f"{where}: {cid}.better")),
        worse=_lower(_strs(raw.get("worse"), f"{where}: {cid}.worse")),
        best=_lower(_strs(raw.get("best"), f"{where}: {cid}.best")),
        worst=_lower(_strs(raw.get("worst"), f"{where}: {cid}.worst")),
        nouns=_lower(_strs(raw.get("nouns"), f"{where}: {cid}.nouns")) or (label.lower(),),
        adjectives=adjectives,
    )


def _topics(raw: Any, where: str, criteria: dict[str, Criterion]) -> dict[str, Topic]:
    out: dict[str, Topic] = {}
    for tid, body in _mapping(raw, where).items():
        _name(tid, where, "id")
        if not isinstance(body, dict):
            raise KnowledgeError(f"{where}: {tid!r} must be a mapping with 'label' and 'keywords'.")
        crit = body.get("criterion")
        if crit is not None and crit not in criteria:
            raise KnowledgeError(f"{where}: {tid!r} names criterion {crit!r}; known criteria: {', '.join(criteria)}.")
        out[str(tid)] = Topic(str(tid), str(body.get("label") or tid), _lower(_strs(body.get("keywords"), f"{where}: {tid}.keywords")),
                              str(crit) if crit is not None else None)
    return out


def _items(raw: Any, where: str, use_cases: dict[str, Topic], constraints: dict[str, Topic], criteria: dict[str, Criterion]) -> tuple[Item, ...]:
    items = []
    for i, entry in enumerate(raw or []):
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict) or not entry.get("text"):
            raise KnowledgeError(f"{where}, entry {i + 1}: expected a string or a mapping with 'text'.")
        _strs(entry["text"], f"{where}, entry {i + 1}")
        item = Item(
            text=str(entry["text"]),
            use_case=entry.get("use_case"),
            constraint=entry.get("constraint"),
            criterion=entry.get("criterion"),
            skill=bool(entry.get("skill", False)),
        )
        for value, known, kind in ((item.use_case, use_cases, "use_case"), (item.constraint, constraints, "constraint"), (item.criterion, criteria, "criterion")):
            if value is not None and value not in known:
                raise KnowledgeError(f"{where}, entry {i + 1} ({item.text!r}): unknown {kind} {value!r}; allowed: {', '.join(known)}.")
        items.append(item)
    return tuple(items)


def _language(raw: Any, row: int, criteria: dict[str, Criterion], use_cases: dict[str, Topic], constraints: dict[str, Topic], where: str) -> Language:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise KnowledgeError(f"{where}: language row {row} needs a 'name'.")
    name = _name(raw["name"], f"{where}: language row {row}", "name")
    at = f"{where}: row {row} ({name})"
    cells_raw = raw.get("cells") or {}
    _strs(raw.get("section"), f"{at}.section", MAX_NAME_CHARS)
    if not isinstance(cells_raw, dict):
        raise KnowledgeError(f"{at}: 'cells' must map criteria to levels.")
    cells: dict[str, str] = {}
    for cid, value in cells_raw.items():
        if cid not in criteria:
            raise KnowledgeError(f"{at}, column {cid!r}: unknown criterion; allowed: {', '.join(criteria)}.")
        level = _match_level(str(value), criteria[cid])
        if level is None:
            raise KnowledgeError(f"{at}, column {criteria[cid].label!r}: {value!r} is not on the scale; allowed values: {', '.join(criteria[cid].scale)}.")
        cells[cid] = level
    aliases = _lower(_strs(raw.get("aliases"), f"{at}.aliases", MAX_NAME_CHARS))
    if name.lower() not in aliases:
        aliases = (name.lower(), *aliases)
    return Language(
        name=name,
        section=str(raw.get("section") or name),
        aliases=aliases,
        skills=_lower(_strs(raw.get("skills"), f"{at}.skills")),
        cells=cells,
        notes={str(k): str(v) for k, v in _mapping(raw.get("notes"), f"{at}.notes").items()},
        best_for=_items(raw.get("best_for"), f"{at}, best_for", use_cases, constraints, criteria),
        pros=_items(raw.get("pros"), f"{at}, pros", use_cases, constraints, criteria),
        cons=_items(raw.get("cons"), f"{at}, cons", use_cases, constraints, criteria),
        frameworks=_strs(raw.get("frameworks"), f"{at}.frameworks"),
    )


def _match_level(value: str, criterion: Criterion) -> str | None:
    """A cell value on the criterion's scale, case-insensitive; "Huge (npm)" reads as "Huge"."""
    text = re.sub(r"\s*\(.*?\)\s*$", "", value).strip().lower()
    for level in criterion.scale:
        if level.lower() == text:
            return level
    return None


def parse_table(data: Any, where: str = TABLE_FILE) -> Table:
    """Validate a table mapping (the YAML schema of corpus/comparison.yaml) into a Table."""
    if not isinstance(data, dict):
        raise KnowledgeError(f"{where}: expected a mapping with 'criteria' and 'languages'.")
    criteria_raw = data.get("criteria")
    if not isinstance(criteria_raw, dict) or not criteria_raw:
        raise KnowledgeError(f"{where}: 'criteria' must map criterion ids to {{label, scale}}.")
    criteria = {str(cid): _criterion(str(cid), body, where) for cid, body in criteria_raw.items()}
    use_cases = _topics(data.get("use_cases"), f"{where}: use_cases", criteria)
    constraints = _topics(data.get("constraints"), f"{where}: constraints", criteria)
    rows = data.get("languages")
    if not isinstance(rows, list) or not rows:
        raise KnowledgeError(f"{where}: 'languages' must be a non-empty list of rows.")
    languages: dict[str, Language] = {}
    lowered: set[str] = set()
    for row, raw in enumerate(rows, start=1):
        lang = _language(raw, row, criteria, use_cases, constraints, where)
        if lang.name.lower() in lowered:
            raise KnowledgeError(f"{where}: row {row}: language {lang.name!r} appears twice.")
        lowered.add(lang.name.lower())
        languages[lang.name] = lang
    return Table(criteria, languages, use_cases, constraints, str(data.get("table_section") or "Performance Comparison"), str(data.get("source") or where))


def read_table_file(path: Path) -> dict[str, Any]:
    """Read a YAML table, or a CSV (one row per language; columns Language + criterion labels/ids,
    optional best_for/pros/cons/frameworks separated by ';'). Scales of new CSV criteria come from a
    '# scale: Column = Worst < ... < Best' comment line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"Cannot read table {path}: {exc}. Check the path, or give a UTF-8 YAML or CSV file.") from None
    if path.suffix.lower() != ".csv":
        data = _yaml_load(text, str(path))
        if not isinstance(data, dict):
            raise KnowledgeError(f"{path}: expected a mapping with 'criteria' and 'languages'.")
        return data
    scales: dict[str, list[str]] = {}
    lines = []
    for line in text.splitlines():
        m = re.match(r"\s*#\s*scale:\s*(.+?)\s*=\s*(.+)$", line, re.I)
        if m:
            scales[m.group(1).strip()] = [p.strip() for p in m.group(2).split("<")]
        elif not line.lstrip().startswith("#"):
            lines.append(line)
    reader = csv.DictReader(lines)
    if not reader.fieldnames or reader.fieldnames[0].strip().lower() not in ("language", "name"):
        raise KnowledgeError(f"{path}: the first CSV column must be 'Language'.")
    extra = {"best_for", "best for", "pros", "cons", "frameworks", "aliases", "skills"}
    criteria: dict[str, Any] = {}
    columns = [c for c in reader.fieldnames[1:] if c.strip().lower() not in extra]
    for col in columns:
        cid = re.sub(r"[^a-z0-9]+", "_", col.strip().lower()).strip("_")
        criteria[cid] = {"label": col.strip(), **({"scale": scales[col.strip()]} if col.strip() in scales else {})}
    languages = []
    for row in reader:
        name_key = reader.fieldnames[0]
        entry: dict[str, Any] = {"name": (row.get(name_key) or "").strip(), "cells": {}}
        for col in columns:
            cid = re.sub(r"[^a-z0-9]+", "_", col.strip().lower()).strip("_")
            if (row.get(col) or "").strip():
                entry["cells"][cid] = row[col].strip()
        for key in ("best_for", "best for", "pros", "cons", "frameworks", "aliases", "skills"):
            for col in reader.fieldnames:
                if col.strip().lower() == key and (row.get(col) or "").strip():
                    entry[key.replace(" ", "_")] = [p.strip() for p in row[col].split(";") if p.strip()]
        languages.append(entry)
    return {"criteria": criteria, "languages": languages}


def merge_tables(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """A user table layered over the built-in one: new criteria, new languages, new cells win."""
    merged = {k: v for k, v in base.items()}
    criteria = dict(base.get("criteria") or {})
    for cid, body in _mapping(extra.get("criteria"), "the table's criteria").items():
        if cid in criteria and isinstance(body, dict):
            criteria[cid] = {**criteria[cid], **{k: v for k, v in body.items() if k != "label" or "scale" in body}}
        elif isinstance(body, dict) and "scale" not in body:
            raise KnowledgeError(f"Table criterion {cid!r} ({body.get('label', cid)}) is new and has no scale; add a 'scale' (YAML) or a '# scale: {body.get('label', cid)} = Worst < ... < Best' line (CSV).")
        else:
            criteria[cid] = body
    # CSV columns may use labels ("Learning Curve") of known criteria.
    merged["criteria"] = criteria
    for key in ("use_cases", "constraints"):
        merged[key] = {**(base.get(key) or {}), **_mapping(extra.get(key), f"the table's {key}")}
    rows = [dict(r) for r in base.get("languages") or []]
    by_name = {str(r.get("name", "")).lower(): r for r in rows}
    seen: set[str] = set()
    extra_rows = extra.get("languages") or []
    if not isinstance(extra_rows, list):
        raise KnowledgeError("The table's 'languages' must be a list of rows, each a mapping with a 'name'.")
    for i, raw in enumerate(extra_rows, start=1):
        if not isinstance(raw, dict):
            raise KnowledgeError("Each row of 'languages' must be a mapping with a 'name'.")
        name = _name(raw.get("name", ""), f"table row {i}", "language name").lower()
        if name in seen:  # a second row would silently replace the first one's cells
            raise KnowledgeError(f"Table row {i}: language {_clip(str(raw.get('name')), 60)!r} appears twice; keep one row per language.")
        seen.add(name)
        if name in by_name:
            target = by_name[name]
            target["cells"] = {**(target.get("cells") or {}), **_mapping(raw.get("cells"), f"table row {i} cells")}
            for key, value in raw.items():
                if key not in ("cells", "name"):
                    target[key] = value
        else:
            rows.append(dict(raw))
            by_name[name] = rows[-1]
    merged["languages"] = rows
    return merged


# ------------------------------------------------------------------------------------------ article


def slug(title: str) -> str:
    """Section id from a heading: "1. Node.js: Fast, ..." -> "nodejs"; "Performance Comparison" -> "comparison"."""
    head = re.sub(r"^\d+\.\s*", "", title).split(":")[0]
    head = re.sub(r"\(.*?\)", "", head)
    s = re.sub(r"[^a-z0-9]+", "-", head.lower()).strip("-")
    return {"performance-comparison": "comparison"}.get(s, s.replace("-", "") if len(s) < 10 else s)


def parse_sections(article: str, table: Table) -> tuple[str, tuple[Section, ...]]:
    """Split the article at its '## ' headings. The text before the first one is the 'intro' section."""
    lines = article.splitlines()
    title = lines[0].lstrip("# ").strip() if lines and lines[0].startswith("# ") else "Article"
    sections: list[Section] = []
    current_title = "Introduction"
    buf: list[str] = []
    for line in lines[1:]:
        if line.startswith("## "):
            sections.append(_section(current_title, buf, table))
            current_title, buf = line[3:].strip(), []
        else:
            buf.append(line)
    sections.append(_section(current_title, buf, table))
    return title, tuple(s for s in sections if s.text)


def _section(title: str, lines: list[str], table: Table) -> Section:
    text = "\n".join(lines).strip()
    sid = "intro" if title == "Introduction" else slug(title)
    langs = tuple(lang.name for lang in table.languages.values() if lang.section == title)
    if sid in ("intro", "comparison"):
        langs = tuple(table.languages)
    return Section(sid, title, text, langs)


def parse_article_table(article: str) -> dict[str, dict[str, str]]:
    """The pipe table of the article: {language: {column label: cell text}}."""
    rows = [ln for ln in article.splitlines() if ln.strip().startswith("|")]
    if len(rows) < 3:
        return {}
    header = [c.strip() for c in rows[0].strip().strip("|").split("|")]
    out: dict[str, dict[str, str]] = {}
    for ln in rows[2:]:
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        out[cells[0]] = dict(zip(header[1:], cells[1:]))
    return out


@lru_cache(maxsize=8)
def _load_cached(root: str, table_path: str | None, mtimes: tuple[float, ...]) -> Knowledge:
    base_dir = Path(root)
    article_path = base_dir / ARTICLE_FILE
    try:
        article = article_path.read_text(encoding="utf-8")
        table_text = (base_dir / TABLE_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"Cannot read the corpus in {base_dir}: {exc}. Reinstall stackadvisor or restore corpus/.") from None
    data = _yaml_load(table_text, str(base_dir / TABLE_FILE))
    if table_path:
        data = merge_tables(data, read_table_file(Path(table_path)))
    table = parse_table(data, table_path or TABLE_FILE)
    title, sections = parse_sections(article, table)
    known = {s.title for s in sections}
    for lang in table.languages.values():
        if lang.section not in known and not table_path:
            raise KnowledgeError(f"{TABLE_FILE}: {lang.name} names section {lang.section!r}, which article.md does not have; headings: {', '.join(sorted(known))}.")
    return Knowledge(table, article, title, sections, base_dir)


def load(root: Path | None = None, table: Path | None = None) -> Knowledge:
    """Load and validate the corpus (cached; a changed file is re-read)."""
    base_dir = Path(root) if root else corpus_dir()
    paths = [base_dir / ARTICLE_FILE, base_dir / TABLE_FILE] + ([Path(table)] if table else [])
    mtimes = []
    for p in paths:
        try:
            mtimes.append(p.stat().st_mtime)
        except OSError:
            raise KnowledgeError(f"{p} does not exist. Check the path{' given with --table' if table and p == Path(table) else ''}.") from None
    return _load_cached(str(base_dir), str(table) if table else None, tuple(mtimes))

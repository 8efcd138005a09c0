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

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)


# ------------------------------------------------------------------------------------------ loading


def _yaml_load(text: str, where: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{where} is not valid YAML: {exc}. Fix the file and try again.") from None


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise KnowledgeError(f"{where}: expected a list of strings, got {value!r}.")
    return tuple(str(v) for v in value)


def _lower(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.lower() for v in values)


def _criterion(cid: str, raw: Any, where: str) -> Criterion:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: criterion {cid!r} must be a mapping with at least 'label' and 'scale'.")
    scale = _strs(raw.get("scale"), f"{where}: criterion {cid!r}, field 'scale'")
    if len(scale) < 2 or len(set(scale)) != len(scale):
        raise KnowledgeError(f"{where}: criterion {cid!r} needs a 'scale' of at least two distinct levels, worst first (e.g. [Low, High]).")
    aliases_raw = raw.get("level_aliases") or {}
    aliases: dict[str, tuple[str, ...]] = {}
    for level, words in aliases_raw.items():
        if level not in scale:
            raise KnowledgeError(f"{where}: criterion {cid!r}, level_aliases names {level!r}; allowed levels: {', '.join(scale)}.")
        aliases[level] = _lower(_strs(words, f"{where}: {cid}.level_aliases.{level}"))
    adjectives = {str(k).lower(): str(v) for k, v in (raw.get("adjectives") or {}).items()}
    for word, level in adjectives.items():
        if level not in scale:
            raise KnowledgeError(f"{where}: criterion {cid!r}, adjective {word!r} maps to {level!r}; allowed levels: {', '.join(scale)}.")
    label = str(raw.get("label") or cid.replace("_", " ").title())
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


def _topics(raw: Any, where: str) -> dict[str, Topic]:
    out: dict[str, Topic] = {}
    for tid, body in (raw or {}).items():
        if not isinstance(body, dict):
            raise KnowledgeError(f"{where}: {tid!r} must be a mapping with 'label' and 'keywords'.")
        out[str(tid)] = Topic(str(tid), str(body.get("label") or tid), _lower(_strs(body.get("keywords"), f"{where}: {tid}.keywords")))
    return out


def _items(raw: Any, where: str, use_cases: dict[str, Topic], constraints: dict[str, Topic], criteria: dict[str, Criterion]) -> tuple[Item, ...]:
    items = []
    for i, entry in enumerate(raw or []):
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict) or not entry.get("text"):
            raise KnowledgeError(f"{where}, entry {i + 1}: expected a string or a mapping with 'text'.")
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
    name = str(raw["name"])
    at = f"{where}: row {row} ({name})"
    cells_raw = raw.get("cells") or {}
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
    aliases = _lower(_strs(raw.get("aliases"), f"{at}.aliases"))
    if name.lower() not in aliases:
        aliases = (name.lower(), *aliases)
    return Language(
        name=name,
        section=str(raw.get("section") or name),
        aliases=aliases,
        skills=_lower(_strs(raw.get("skills"), f"{at}.skills")),
        cells=cells,
        notes={str(k): str(v) for k, v in (raw.get("notes") or {}).items()},
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
    use_cases = _topics(data.get("use_cases"), f"{where}: use_cases")
    constraints = _topics(data.get("constraints"), f"{where}: constraints")
    rows = data.get("languages")
    if not isinstance(rows, list) or not rows:
        raise KnowledgeError(f"{where}: 'languages' must be a non-empty list of rows.")
    languages: dict[str, Language] = {}
    for row, raw in enumerate(rows, start=1):
        lang = _language(raw, row, criteria, use_cases, constraints, where)
        if lang.name in languages:
            raise KnowledgeError(f"{where}: row {row}: language {lang.name!r} appears twice.")
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
    for cid, body in (extra.get("criteria") or {}).items():
        if cid in criteria and isinstance(body, dict):
            criteria[cid] = {**criteria[cid], **{k: v for k, v in body.items() if k != "label" or "scale" in body}}
        elif isinstance(body, dict) and "scale" not in body:
            raise KnowledgeError(f"Table criterion {cid!r} ({body.get('label', cid)}) is new and has no scale; add a 'scale' (YAML) or a '# scale: {body.get('label', cid)} = Worst < ... < Best' line (CSV).")
        else:
            criteria[cid] = body
    # CSV columns may use labels ("Learning Curve") of known criteria.
    merged["criteria"] = criteria
    for key in ("use_cases", "constraints"):
        merged[key] = {**(base.get(key) or {}), **(extra.get(key) or {})}
    rows = [dict(r) for r in base.get("languages") or []]
    by_name = {str(r.get("name", "")).lower(): r for r in rows}
    for raw in extra.get("languages") or []:
        if not isinstance(raw, dict):
            raise KnowledgeError("Each row of 'languages' must be a mapping with a 'name'.")
        name = str(raw.get("name", "")).lower()
        if name in by_name:
            target = by_name[name]
            target["cells"] = {**(target.get("cells") or {}), **(raw.get("cells") or {})}
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
    current_title, buf = "Introduction", []
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

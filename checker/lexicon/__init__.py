"""Every word jixiao recognises, defined once: the label linkbase of the forms (STYLE.md).

The words live in the YAML files beside this module, one file per subject (header labels,
funds, indicator columns, the indicator taxonomy of each template version, values, noise,
display names, the words of arithmetic stated in text: ``grammar.yaml``).  Each file maps
*sections* to *fields*, in order (the first field a word matches wins, so the more specific
words come first), and each field lists its ``words`` (fragments of squashed text) and, where
a fragment cannot say it, ``patterns`` (regular expressions).  A field written as a bare list
is a list of words::

    header:                       # section
      project_name:               # field
        words: [项目名称, 专项名称, 转移支付(项目)名称]
        origin: N                 # optional: N national, R regional, O older, S system
      department: [主管部门, 中央主管部门]

The files are read once and validated with a pandera schema (``LexiconRows``): every word
non-empty and without surrounding space, every pattern compiles, no word under two fields of
one section.  Code asks for words by section and field — ``LEXICON.words("header",
"project_name")``, ``LEXICON.table("indicator_columns")``, ``LEXICON.regex("noise",
"page_number")`` — and never spells a word itself (``tests/test_lexicon.py`` greps for it).
Words are matched against ``squash``ed text (NFKC, no whitespace), so full-width brackets in
the files are folded the same way when they are loaded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources

import pandas as pd
import pandera.pandas as pa
import yaml

MATCH = ("word", "pattern")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser where PyYAML has it: the lexicon is read at every start
# Sections kept as written (nested data, not field -> words): the taxonomy of each template
# version and the display names of codes.  Reached with ``LEXICON.section(name)``.
STRUCTURED = ("taxonomy", "display")


class LexiconRows(pa.DataFrameModel):
    """One row per word (or pattern) of the lexicon."""
    file: str = pa.Field()
    section: str = pa.Field(str_matches=r"^[a-z][a-z0-9_.]*$")
    field: str = pa.Field(str_matches=r"^\S*$")   # "" is a field too: 定性 names no operator
    word: str = pa.Field(str_length={"min_value": 1})
    match: str = pa.Field(isin=list(MATCH))
    origin: str = pa.Field()
    position: int = pa.Field(ge=0)

    @pa.dataframe_check
    def words_are_trimmed(cls, df: pd.DataFrame) -> pd.Series:
        return df["word"] == df["word"].str.strip()

    @pa.dataframe_check
    def patterns_compile(cls, df: pd.DataFrame) -> pd.Series:
        return df.apply(lambda r: r["match"] != "pattern" or _compiles(r["word"]), axis=1)

    @pa.dataframe_check
    def one_field_per_word(cls, df: pd.DataFrame) -> pd.Series:
        words = df[df["match"] == "word"]
        clash = words.groupby(["section", "word"])["field"].transform("nunique") > 1
        return pd.Series(~df.index.isin(words.index[clash]), index=df.index)

    class Config:
        strict = True
        coerce = False


def _compiles(p: str) -> bool:
    try:
        re.compile(p)
    except re.error:
        return False
    return True


def fold(word: str) -> str:
    """A word as text is compared: NFKC, no whitespace (what ``checker.grid.squash`` gives)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(word)))


class LexiconError(ValueError):
    """The lexicon's files break its schema (every failure listed, not the first)."""


@dataclass
class Lexicon:
    records: list[dict]                        # LexiconRows, as records (the frame is built on demand)
    raw: dict = field(default_factory=dict)   # section -> the YAML as written (for structured data)
    _regexes: dict = field(default_factory=dict, repr=False)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The lexicon as a frame validated by ``LexiconRows`` (lazy: every failure at once)."""
        frame = pd.DataFrame(self.records, columns=["file", "section", "field", "word", "match", "origin", "position"])
        frame["position"] = frame["position"].astype("int64")
        return LexiconRows.validate(frame, lazy=True)

    # --- words --------------------------------------------------------------------------
    @cached_property
    def _tables(self) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
        out: dict[str, dict[str, list[str]]] = {}
        for r in self.records:
            if r["match"] == "word":
                out.setdefault(r["section"], {}).setdefault(r["field"], []).append(r["word"])
        return {s: tuple((f, tuple(ws)) for f, ws in fields.items()) for s, fields in out.items()}

    def table(self, section: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(field, words) of a section, in the file's order."""
        try:
            return self._tables[section]
        except KeyError:
            raise KeyError(f"lexicon has no section {section!r}") from None

    def words(self, section: str, fld: str | None = None) -> tuple[str, ...]:
        """The words of one field (or of every field of the section, in order)."""
        table = self.table(section)
        if fld is None:
            return tuple(w for _, ws in table for w in ws)
        for name, ws in table:
            if name == fld:
                return ws
        raise KeyError(f"lexicon section {section!r} has no field {fld!r}")

    def fields(self, section: str) -> tuple[str, ...]:
        return tuple(f for f, _ in self.table(section))

    def mapping(self, section: str) -> dict[str, str]:
        """word -> field over a section (a field's words are its spellings: 正向 -> ≥)."""
        return {w: f for f, ws in self.table(section) for w in ws}

    # --- patterns -----------------------------------------------------------------------
    def regex(self, section: str, fld: str) -> re.Pattern:
        """One compiled pattern for a field: its patterns and its words (escaped), as alternatives."""
        key = (section, fld)
        if key not in self._regexes:
            parts = [r["word"] if r["match"] == "pattern" else re.escape(r["word"])
                     for r in self.records if r["section"] == section and r["field"] == fld]
            if not parts:
                raise KeyError(f"lexicon has no {section}.{fld}")
            self._regexes[key] = re.compile("|".join(f"(?:{p})" for p in parts))
        return self._regexes[key]

    def section(self, name: str):
        """A section as written in its file (for structured entries such as the taxonomy)."""
        return self.raw[name]


def _entries(spec) -> tuple[list[str], list[str], str]:
    if isinstance(spec, list):
        return [str(w) for w in spec], [], ""
    if isinstance(spec, dict):
        return ([str(w) for w in spec.get("words", [])], [str(p) for p in spec.get("patterns", [])],
                str(spec.get("origin", "")))
    return [str(spec)], [], ""


def _flatten(name: str, doc: dict, rows: list[dict], raw: dict) -> None:
    for section, fields in doc.items():
        raw[section] = fields
        if not isinstance(fields, dict) or section in STRUCTURED:
            continue
        for fld, spec in fields.items():
            words, patterns, origin = _entries(spec)
            for w in words:
                rows.append({"file": name, "section": section, "field": str(fld), "word": fold(w), "match": "word",
                             "origin": origin, "position": len(rows)})
            for p in patterns:
                rows.append({"file": name, "section": section, "field": str(fld), "word": p, "match": "pattern",
                             "origin": origin, "position": len(rows)})


def problems(records: list[dict]) -> list[str]:
    """What breaks the schema, checked without pandas at every start (the frame check,
    ``Lexicon.rows``, says the same in tests): empty or untrimmed words, patterns that do not
    compile, a word under two fields of one section."""
    out = []
    seen: dict[tuple[str, str], str] = {}
    for r in records:
        where = f"{r['file']}: {r['section']}.{r['field']}"
        if not r["word"] or r["word"] != r["word"].strip():
            out.append(f"{where}: empty or untrimmed word {r['word']!r}")
        if r["match"] == "pattern" and not _compiles(r["word"]):
            out.append(f"{where}: pattern does not compile: {r['word']!r}")
        if r["match"] == "word":
            other = seen.setdefault((r["section"], r["word"]), r["field"])
            if other != r["field"]:
                out.append(f"{where}: {r['word']!r} is already a word of {r['section']}.{other}")
    return out


def load(package: str = "checker.lexicon") -> Lexicon:
    """Read every YAML file of the lexicon and check it (LexiconError lists every problem)."""
    rows: list[dict] = []
    raw: dict = {}
    for entry in sorted(resources.files(package).iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            doc = yaml.load(entry.read_text(encoding="utf-8"), Loader=_LOADER) or {}
            _flatten(entry.name, doc, rows, raw)
    bad = problems(rows)
    if bad:
        raise LexiconError("lexicon: " + "; ".join(bad))
    return Lexicon(rows, raw)


LEXICON = load()

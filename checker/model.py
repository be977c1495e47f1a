"""The canonical model: one pandera schema per batch-wide table.

Recognisers produce rows for these tables; every file of a batch lands in the same
frames, keyed by ``project_id``, so rules run vectorised over the whole batch.  A
recogniser bug surfaces here, as a schema error at the boundary, not downstream as
a wrong finding.

Numbers keep the decimals their cell showed (``*_dec``): totals are compared at
the precision the form itself shows (see ``checker.precision``).
"""

from __future__ import annotations

import contextlib
import re
import sys
from dataclasses import dataclass
from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from checker.gate import SEVERITIES as _SEVERITIES

FORM_KINDS = ["selfeval", "rubric", "target"]
FAMILIES = ["FUND", "IND", "SUM", "CAP", "DUP", "XREF", "TEXT", "TARGET", "PARSE"]
SEVERITIES = list(_SEVERITIES)
# Fund lines: the total, its parts by source (财政拨款 / 上年结转 / 其他资金, or by level of
# government 中央 / 省级 / 市级 / 县级 / 本级) and by use (基本支出 / 项目支出).
FUND_LINES = ["total", "fiscal", "carryover", "other", "central", "provincial", "municipal", "county", "local", "own",
              "basic", "project"]
FUND_SPLITS = ["total", "source", "level", "use"]
VALUE_KINDS = ["empty", "quantity", "percent", "tier", "date", "text"]


class _Strict(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True


def filled(default, *args, **kwargs):
    """A column a recogniser may leave unread, holding ``default`` then (``checker.recognise.records``
    fills every record from here, so the form kinds produce identical columns)."""
    return pa.Field(*args, metadata={"default": default}, **kwargs)


def defaults(schema: type[pa.DataFrameModel]) -> dict:
    """The ``filled`` columns of a schema and their defaults."""
    return {name: col.metadata["default"] for name, col in schema.to_schema().columns.items()
            if col.metadata and "default" in col.metadata}


class Projects(_Strict):
    project_id: Series[str] = pa.Field(unique=True)
    file: Series[str]
    seq: Series[int] = pa.Field(ge=1)            # order of the table in its file
    name: Series[str]
    kind: Series[str] = pa.Field(isin=FORM_KINDS)
    department: Series[str] = filled("")
    department_code: Series[str] = filled("")
    unit: Series[str] = filled("")  # 实施单位
    year: Series[float] = filled(None, nullable=True)
    total_weight: Series[float] = filled(None, nullable=True)  # declared 总分 分值 (100)
    total_score: Series[float] = filled(None, nullable=True)  # declared 总分 得分
    total_score_dec: Series[int] = filled(0, ge=0)
    total_loc: Series[str] = filled("")
    review_total: Series[float] = filled(None, nullable=True)  # 复核分 column of the 总分 row
    review_total_dec: Series[int] = filled(0, ge=0)
    review_total_loc: Series[str] = filled("")
    subtotal_score: Series[float] = filled(None, nullable=True)  # rubric 合计 得分 (before 加分项)
    subtotal_score_dec: Series[int] = filled(0, ge=0)
    subtotal_loc: Series[str] = filled("")
    grade: Series[str] = filled("")  # stated 评价等级 (优/良/中/差), "" if none
    grade_loc: Series[str] = filled("")
    listed_name: Series[str] = filled("")  # name in the bundle's 项目清单, "" if none
    loc: Series[str]
    sheet: Series[str] = filled("")
    method_text: Series[str] = filled("")  # the form's own scoring method statement (注, 得分计算方法)
    goal: Series[str] = filled("")  # 年度目标 / 预期目标 text
    goal_actual: Series[str] = filled("")  # 实际完成情况 text beside it (自评表)
    narrative: Series[str] = filled("")  # a report's prose above the table (自评报告: stated figures)
    narrative_loc: Series[str] = filled("")
    fund_scale: Series[float] = filled(10000.0, gt=0)  # unit of the funds block in 元: 1e4 for 万元 (the norm), 1 for 元
    source: Series[str] = filled("")  # 项目来源 (target tables), "" if none
    period_months: Series[float] = filled(None, nullable=True)  # 项目期 in months ("1年" → 12)
    has_reason_column: Series[bool] = filled(False)  # the form has a 偏差原因 / 备注 column to explain shortfalls
    has_weight_column: Series[bool] = filled(False)  # the indicator table has a 分值 / 权重 column
    has_header: Series[bool] = filled(True)  # opened at its 项目名称 (False: a block read without one)
    has_score_column: Series[bool] = filled(False)  # the indicator table has a 得分 column
    complete: Series[bool] = filled(True)  # the table reaches its 总分 row
    stops_at: Series[str] = filled("")  # where an incomplete table stops ("" when complete)


class Funds(_Strict):
    project_id: Series[str]
    line: Series[str] = pa.Field(isin=FUND_LINES)
    split: Series[str] = pa.Field(isin=FUND_SPLITS)          # which breakdown of the total the line belongs to
    label: Series[str]
    budget_initial: Series[float] = pa.Field(nullable=True)   # 年初预算数
    budget: Series[float] = pa.Field(nullable=True)           # 全年预算数 (年度资金总额 on target tables)
    spent: Series[float] = pa.Field(nullable=True)            # 全年执行数
    budget_initial_dec: Series[int]
    budget_dec: Series[int]
    spent_dec: Series[int]
    weight: Series[float] = pa.Field(nullable=True)           # 分值
    rate: Series[float] = pa.Field(nullable=True)             # stated 执行率, in percent
    rate_dec: Series[int]
    score: Series[float] = pa.Field(nullable=True)            # 得分
    score_dec: Series[int]
    loc: Series[str]
    loc_budget_initial: Series[str]
    loc_budget: Series[str]
    loc_spent: Series[str]
    loc_rate: Series[str]
    loc_score: Series[str]


class Sections(_Strict):
    project_id: Series[str]
    level: Series[int] = pa.Field(isin=[0, 1, 2])             # 0: a block over the level-1 headings (年度绩效目标)
    name: Series[str]
    parent: Series[str]                                       # level-1 name for a level-2 section
    weight: Series[float] = pa.Field(nullable=True)           # declared in the heading "(50分)"
    loc: Series[str]
    complete: Series[bool]                                    # False when the table stops inside this section


class Indicators(_Strict):
    project_id: Series[str]
    seq: Series[int]
    part_of: Series[int] = pa.Field(ge=0)                     # seq of the item a "其中…" row breaks down; 0 if none
    level1: Series[str]
    level2: Series[str]
    name: Series[str]
    target_raw: Series[str]
    actual_raw: Series[str]
    target_kind: Series[str] = pa.Field(isin=VALUE_KINDS)
    target_op: Series[str]                                    # '>=', '<=', '=', '>', '<' or ''
    target_num: Series[float] = pa.Field(nullable=True)
    target_dec: Series[int]
    target_unit: Series[str]
    target_scale: Series[float]
    target_per: Series[str]
    target_year: Series[float] = pa.Field(nullable=True)
    actual_kind: Series[str] = pa.Field(isin=VALUE_KINDS)
    actual_op: Series[str]
    actual_num: Series[float] = pa.Field(nullable=True)
    actual_dec: Series[int]
    actual_unit: Series[str]
    actual_scale: Series[float]
    actual_tier: Series[float] = pa.Field(nullable=True)
    weight_raw: Series[str]
    weight: Series[float] = pa.Field(nullable=True)
    weight_dec: Series[int]
    score_raw: Series[str]
    score: Series[float] = pa.Field(nullable=True)
    score_dec: Series[int]
    review_raw: Series[str]                                   # 复核分, where the form has one
    review: Series[float] = pa.Field(nullable=True)
    review_dec: Series[int]
    weight_source: Series[str] = pa.Field(isin=["column", "heading", ""])  # where the weight was read
    method: Series[str]                                       # 评分标准 / 得分计算方法 text
    note: Series[str]                                         # 偏差原因 / 评分说明 text
    bonus: Series[bool]                                       # a 加分项 row
    loc: Series[str]
    loc_target: Series[str]
    loc_actual: Series[str]
    loc_weight: Series[str]
    loc_score: Series[str]
    loc_review: Series[str]


# --- what recompute adds: the frames the rules read -------------------------------------
MODES = ["pos", "neg", "eq", "tier", "same", "text", "full", ""]


class RecomputedIndicators(Indicators):
    """Indicators after ``checker.recompute``: the formula in force, normalised A and B, and
    every recomputed score as an interval (precision-aware: see ``checker.precision``)."""
    form_kind: Series[str] = pa.Field(isin=FORM_KINDS + [""])
    is_rubric: Series[bool]
    reverse_formula: Series[str] = pa.Field(isin=["ratio", "national"])  # 反向 formula in force (form beats profile)
    band1_lo: Series[float]                                   # tier bands in force, percent of 分值
    band2_lo: Series[float]
    band2_hi: Series[float]
    band3_hi: Series[float]
    method_source: Series[str] = pa.Field(isin=["form", "profile"])
    unit_issue: Series[str] = pa.Field(isin=["", "mismatch", "bare_wan", "kind"])  # A and B in different units
    a: Series[float] = pa.Field(nullable=True)                # target in base units (percent in %)
    a_lo: Series[float] = pa.Field(nullable=True)             # ±½ulp of the decimals written
    a_hi: Series[float] = pa.Field(nullable=True)
    b: Series[float] = pa.Field(nullable=True)                # actual, in the target's unit where it has none
    b_lo: Series[float] = pa.Field(nullable=True)
    b_hi: Series[float] = pa.Field(nullable=True)
    mode: Series[str] = pa.Field(isin=MODES)                  # which recomputation applies ("" none)
    ratio: Series[float] = pa.Field(nullable=True)            # share of 分值 due by the formula
    expected_score: Series[float] = pa.Field(nullable=True)   # the score due
    expected_lo: Series[float] = pa.Field(nullable=True)      # its interval
    expected_hi: Series[float] = pa.Field(nullable=True)
    basis: Series[str]                                        # the recomputation in a reviewer's words
    due_deduction: Series[float] = pa.Field(nullable=True)    # 分值 − "扣X分" of the 评分说明
    words_deduction: Series[str]
    due_stated: Series[float] = pa.Field(nullable=True)       # "计N分"
    words_stated: Series[str]
    due_satisfaction: Series[float] = pa.Field(nullable=True)  # a satisfaction rule applied to the stated rate
    words_satisfaction: Series[str]
    score_table_dec: Series[int] = pa.Field(ge=0)             # decimals the 得分 column shows in the table
    score_lo: Series[float] = pa.Field(nullable=True)         # the reported score's interval
    score_hi: Series[float] = pa.Field(nullable=True)
    review_table_dec: Series[int] = pa.Field(ge=0)            # the same for 复核分
    review_lo: Series[float] = pa.Field(nullable=True)
    review_hi: Series[float] = pa.Field(nullable=True)


class RecomputedFunds(Funds):
    """Funds after ``checker.recompute``: 执行率 and 资金得分 recomputed, and which line each line
    is a part of."""
    part_of: Series[str] = pa.Field(isin=["", "total", "fiscal"])   # the line it breaks down
    breakdown: Series[str] = pa.Field(isin=["", "source", "level", "use"])
    expected_rate: Series[float] = pa.Field(nullable=True)          # 全年执行数 / 全年预算数, percent
    expected_rate_lo: Series[float] = pa.Field(nullable=True)
    expected_rate_hi: Series[float] = pa.Field(nullable=True)
    expected_score: Series[float] = pa.Field(nullable=True)         # 分值 × min(执行率, 1)
    expected_score_lo: Series[float] = pa.Field(nullable=True)
    expected_score_hi: Series[float] = pa.Field(nullable=True)


class Coherence(_Strict):
    """How far each table's reading is borne out by its own numbers (``checker.coherence``): of the
    cross-checks the form allows (fund lines, rates, fund score, weights, scores, totals), how
    many tie under the reading kept, and whether the table is in doubt (PARSE.LAYOUT_DOUBT)."""
    project_id: Series[str] = pa.Field(unique=True)
    project: Series[str]
    file: Series[str]
    checks: Series[int] = pa.Field(ge=0)                      # cross-checks the table's numbers allow
    tied: Series[int] = pa.Field(ge=0)                        # of them, how many tie
    failed_names: Series[str]                                 # those that do not, "、"-joined
    failed_names_en: Series[str]
    reading: Series[str]                                      # "A" (as recognised) or the alternative kept
    reading_en: Series[str]
    doubt: Series[bool]                                       # incoherent under every reading tried
    tried: Series[str]                                        # the alternatives tried and what each gave
    tried_en: Series[str]


class Listed(_Strict):
    """Names in a bundle's 项目清单 (list of projects), to match against its tables."""
    file: Series[str]
    name: Series[str]
    loc: Series[str]


class Notes(_Strict):
    """What the reader or recogniser could not read as meant, or what failed while checking.

    The raw material of the PARSE family: ``rules/parse.py`` turns each code into findings,
    so PARSE findings are selected, re-graded and documented like every other rule.
    """
    code: Series[str] = pa.Field(str_matches=r"^PARSE\.[A-Z0-9_]+$")
    file: Series[str]
    project_id: Series[str]                                   # "" for a note about the whole file
    section: Series[str]
    indicator: Series[str]
    location: Series[str]
    reported: Series[str]
    expected: Series[str]
    detail: Series[str]                                       # Chinese, inserted into the rule's message
    detail_en: Series[str]


class Ledger(_Strict):
    """The budget system's own figures (``--ledger FILE``, read by ``checker.ledger``): one row a
    project, amounts as written with the unit the ledger states (``scale``: 元 per unit)."""
    file: Series[str]
    loc: Series[str]                                          # the row ("line 5", "Sheet1!A5")
    code: Series[str]                                         # 项目编码, "" if the ledger has none
    name: Series[str]
    key: Series[str]                                          # the name normalised for matching
    unit: Series[str]                                         # 预算单位
    department: Series[str]                                   # 主管部门, "" if the ledger has none
    budget: Series[float] = pa.Field(nullable=True)           # 全年预算数
    budget_dec: Series[int] = pa.Field(ge=0)
    spent: Series[float] = pa.Field(nullable=True)            # 全年执行数
    spent_dec: Series[int] = pa.Field(ge=0)
    scale: Series[float] = pa.Field(gt=0)                     # 1 for 元, 1e4 for 万元
    loc_budget: Series[str]
    loc_spent: Series[str]


@contextlib.contextmanager
def _without_dask_frames():
    """pandera, building its first schema, imports dask.dataframe (over half a second of start-up in
    every run) only to learn whether an annotation could be a Dask index; these schemas are pandas
    only, so that import is made to fail for the moment (pandera remembers the answer)."""
    if "dask.dataframe" in sys.modules:
        yield
        return
    sys.modules["dask.dataframe"] = None  # an import of it raises ImportError
    try:
        yield
    finally:
        if "dask.dataframe" in sys.modules and sys.modules["dask.dataframe"] is None:
            del sys.modules["dask.dataframe"]


with _without_dask_frames():
    NOTE_COLUMNS = list(Notes.to_schema().columns)


def note(code: str, file: str, detail: str, detail_en: str, *, project_id: str = "", section: str = "",
         indicator: str = "", location: str = "", reported: str = "", expected: str = "") -> dict:
    """One row of ``Notes``."""
    return {"code": code, "file": file, "project_id": project_id, "section": section, "indicator": indicator,
            "location": location, "reported": reported, "expected": expected, "detail": detail,
            "detail_en": detail_en}


class Findings(_Strict):
    rule: Series[str] = pa.Field(str_matches=r"^[A-Z]+\.[A-Z0-9_]+$")
    family: Series[str] = pa.Field(isin=FAMILIES)
    severity: Series[str] = pa.Field(isin=SEVERITIES)
    file: Series[str]
    project: Series[str]
    project_id: Series[str]
    section: Series[str]
    indicator: Series[str]
    location: Series[str]
    reported: Series[str]
    expected: Series[str]
    message: Series[str]
    message_en: Series[str]
    fingerprint: Series[str]                                  # checker.fingerprint: stable across resubmissions
    waived: Series[bool]                                      # accepted by a waiver (checker.waivers): shown, never gating
    waiver_reason: Series[str]                                # the waiver's reason ("" when not waived)


# Findings columns filled after the rules have run, with these defaults (checker.waivers sets them).
FINDING_DEFAULTS = {"waived": False, "waiver_reason": ""}


SCHEMAS = {
    "projects": Projects,
    "funds": Funds,
    "sections": Sections,
    "indicators": Indicators,
    "listed": Listed,
    "notes": Notes,
}
# The frames rules read (``checker.batch.Batch``), each validated where it is built.
BATCH_SCHEMAS = {
    "projects": Projects,
    "funds": RecomputedFunds,
    "sections": Sections,
    "indicators": RecomputedIndicators,
    "listed": Listed,
    "notes": Notes,
}


def empty_frame(schema: type[pa.DataFrameModel]) -> pd.DataFrame:
    """A zero-row frame with the schema's columns and dtypes."""
    return _empty(schema).copy()


@cache
def _empty(schema: type[pa.DataFrameModel]) -> pd.DataFrame:
    return validate_frame(schema, pd.DataFrame({c: pd.Series(dtype=_dtype(schema, c)) for c in schema.to_schema().columns}))


def _dtype(schema: type[pa.DataFrameModel], column: str) -> str:
    return str(schema.to_schema().columns[column].dtype)


# --- validating a whole frame ------------------------------------------------------------
# pandera copies the frame, then coerces and checks it a column at a time, testing each cell
# of an object column in Python: seconds and a transient copy of the frame at 10,000 tables.
# ``validate`` tests the same schema a column at a time with vectorised operations and
# returns the frame pandera would return (coercing, as pandera does, only the columns whose
# dtype is not already the schema's).  Whatever it does not know for sure passes to pandera
# itself: a schema using other features, a frame with other columns, a failed test — so an
# invalid frame raises pandera's own errors.
@dataclass(frozen=True)
class _ColumnSpec:
    name: str
    dtype: str                 # str | int64 | float64 | bool
    pandera_dtype: object      # pandera's dtype: coerces exactly as pandera does
    nullable: bool
    unique: bool
    tests: tuple               # vectorised Field checks: Series (non-null) -> bool Series


def _vector_test(check):
    st = check.statistics
    if check.name == "isin":
        allowed = list(st["allowed_values"])
        return lambda x: x.isin(allowed)
    if check.name == "greater_than_or_equal_to":
        return lambda x: x >= st["min_value"]
    if check.name == "greater_than":
        return lambda x: x > st["min_value"]
    if check.name == "str_matches":
        return lambda x: x.str.match(st["pattern"], na=False)
    return None


@cache
def _frame_spec(schema: type[pa.DataFrameModel]) -> tuple[_ColumnSpec, ...] | None:
    """The schema as vectorised tests, or None where it uses what they do not cover."""
    s = schema.to_schema()
    if (s.index is not None or s.strict is not True or s.unique or s.checks or s.parsers or not s.coerce
            or s.add_missing_columns or getattr(s, "drop_invalid_rows", False)):
        return None
    spec = []
    for name, col in s.columns.items():
        tests = tuple(_vector_test(c) for c in col.checks)
        if (str(col.dtype) not in _PY_TYPES or None in tests or col.regex or not col.required
                or col.default is not None or getattr(col, "parsers", None)
                or any(not c.ignore_na for c in col.checks)):
            return None
        spec.append(_ColumnSpec(name, str(col.dtype), col.dtype, col.nullable, col.unique, tests))
    return tuple(spec)


def _has_dtype(x: pd.Series, dtype: str) -> bool:
    if dtype == "str":
        return x.dtype == object and (len(x) == 0 or pd.api.types.infer_dtype(x, skipna=True) == "string")
    return x.dtype == dtype


def _column_ok(x: pd.Series, c: _ColumnSpec) -> bool:
    """Nullability, uniqueness and the Field checks (which, as in pandera, skip nulls)."""
    null = x.isna()
    if null.any():
        if not c.nullable:
            return False
        x = x[~null]
    if c.unique and x.duplicated().any():
        return False
    return all(bool(test(x).all()) for test in c.tests)


def validate_frame(schema: type[pa.DataFrameModel], df: pd.DataFrame, lazy: bool = False) -> pd.DataFrame:
    """``schema.validate(df, lazy=lazy)``, tested with vectorised operations (see above)."""
    spec = _frame_spec(schema)
    if spec is None or len(df.columns) != len(spec) or set(df.columns) != {c.name for c in spec}:
        return schema.validate(df, lazy=lazy)
    out = df
    for c in spec:
        x = df[c.name]
        if not _has_dtype(x, c.dtype):
            try:
                x = c.pandera_dtype.try_coerce(x)
            except Exception:  # pandera raises its own error for it
                return schema.validate(df, lazy=lazy)
            if not _has_dtype(x, c.dtype):
                return schema.validate(df, lazy=lazy)
            if out is df:
                out = df.copy(deep=False)   # the caller's frame is left as it was
            out[c.name] = x
        if not _column_ok(x, c):
            return schema.validate(df, lazy=lazy)
    return out


# --- a fast check of one file's records --------------------------------------------------
# pandera costs ~45 ms a frame whatever its size: right for a batch, ruinous for 10,000 files
# checked one by one.  Each file's records are checked here against the same schemas (columns,
# types, nullability, the Field checks in use); the batch frames then go through pandera once.
class RecordError(ValueError):
    """A recogniser produced a record its schema does not allow."""


_PY_TYPES = {"str": (str,), "int64": (int,), "float64": (float, int), "bool": (bool,)}  # first: the name said


@cache
def _record_spec(schema: type[pa.DataFrameModel]) -> tuple:
    spec = []
    for name, col in schema.to_schema().columns.items():
        checks = []
        for c in col.checks:
            st = c.statistics
            if c.name == "isin":
                allowed = frozenset(st["allowed_values"])
                checks.append((f"in {sorted(allowed)}", lambda v, a=allowed: v in a))
            elif c.name == "greater_than_or_equal_to":
                checks.append((f">= {st['min_value']}", lambda v, m=st["min_value"]: v >= m))
            elif c.name == "greater_than":
                checks.append((f"> {st['min_value']}", lambda v, m=st["min_value"]: v > m))
            elif c.name == "str_matches":
                pattern = re.compile(st["pattern"])
                checks.append((f"matching {st['pattern']}", lambda v, p=pattern: p.match(v) is not None))
        spec.append((name, _PY_TYPES.get(str(col.dtype), (object,)), col.nullable, tuple(checks)))
    return tuple(spec)


def check_records(schema: type[pa.DataFrameModel], records: list[dict], what: str) -> None:
    """Raise RecordError naming every column of ``records`` that breaks ``schema``, each with its
    first bad value (as pandera's ``lazy=True`` collects every failure; checked a column at a time:
    the file's few dozen records cost a comprehension per column)."""
    if not records:
        return
    spec = _record_spec(schema)
    errors: list[str] = []
    for (name, types, nullable, checks), values in zip(spec, _record_columns(spec, records, what)):
        kinds = set(map(type, values))
        typeset = set(types)
        if kinds <= typeset and float not in kinds:
            present = values    # the usual case: every value exactly of the column's type (no None, no NaN)
        else:
            present = [v for v in values if v is not None and v == v]
        if not nullable and len(present) != len(values):
            errors.append(f"{name} is empty")
        if present is not values:
            kinds = {type(v) for v in present}
        if kinds <= typeset:   # exactly the column's types (a bool is in it only where bools belong)
            pass
        elif not all(issubclass(t, types) and not (types == (int,) and t is bool) for t in kinds):
            bad = next(v for v in present if not isinstance(v, types) or (types == (int,) and isinstance(v, bool)))
            errors.append(f"{name}={bad!r} is not {types[0].__name__}")
            continue   # its checks would only repeat the wrong type
        for label, ok in checks:
            bad = next((v for v in present if not ok(v)), _NONE)
            if bad is not _NONE:
                errors.append(f"{name}={bad!r} not {label}")
    if errors:
        raise RecordError(f"{what}: " + "; ".join(errors))


_NONE = object()


def _record_columns(spec: tuple, records: list[dict], what: str):
    """Each column's values, in the spec's order, once every record is known to have exactly its columns."""
    order = tuple(n for n, *_ in spec)
    names = set(order)
    first = tuple(records[0])
    same_order = True
    for k, rec in enumerate(records):
        if rec.keys() != names:
            extra, missing = set(rec) - names, names - set(rec)
            raise RecordError(f"{what} {k}: unknown columns {sorted(extra)}, missing {sorted(missing)}")
        same_order = same_order and tuple(rec) == first
    if not same_order:
        return ([rec[n] for rec in records] for n in order)
    columns = zip(*[rec.values() for rec in records])  # records built alike (the usual case): one transpose
    if first == order:
        return columns
    by_name = dict(zip(first, columns))
    return (by_name[n] for n in order)


def frame(schema: type[pa.DataFrameModel], records: list[dict], validate: bool = True) -> pd.DataFrame:
    """Build a table from recogniser records and validate it (lazy: report every failure);
    ``validate=False`` where a later schema covers it (recompute validates what it returns)."""
    if not records:
        return empty_frame(schema)
    df = pd.DataFrame.from_records(records, columns=list(schema.to_schema().columns))
    return validate_frame(schema, df, lazy=True) if validate else df

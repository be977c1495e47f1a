"""PARSE: what could not be read as meant.  Readers, recognisers and the engine write
notes (``checker.model.Notes``); these rules turn them into findings, so a reviewer can
select, ignore or re-grade them like any other rule."""

from __future__ import annotations

from rules import hits, rule


def _notes(batch, code: str):
    n = batch.notes[batch.notes["code"] == code]
    return hits(n, section="section", indicator="indicator", location="location", reported="reported",
                expected="expected", file="file", detail="detail", detail_en="detail_en")


@rule("PARSE.UNRECOGNISED", "error",
      "未能识别为自评表、评分表或目标表，未作核查{detail}",
      "Not recognised as a self-evaluation, rubric or target table; not checked{detail_en}")
def unrecognised(batch):
    """A file read without error that holds none of the three forms: nothing in it was checked,
    so the gate must not pass it.

    This rule cannot be ignored nor graded below error (--ignore, a profile's or jixiao.toml's
    severity): a file nobody read must fail the gate whatever the selection.
    """
    return _notes(batch, "PARSE.UNRECOGNISED")


@rule("PARSE.READ_REPAIRED", "warning",
      "读取时作了修补：{detail}",
      "Repaired while reading: {detail_en}")
def read_repaired(batch):
    """The reader had to repair the file to read it (a cut final character, a stray control
    byte); the repaired text was checked.
    """
    return _notes(batch, "PARSE.READ_REPAIRED")


@rule("PARSE.HIDDEN", "info",
      "{detail}",
      "{detail_en}")
def hidden(batch):
    """Rows, columns and sheets a workbook hides are not content: the reader leaves them out (the
    cells that remain keep their addresses) and this note lists those that held anything, so a
    reviewer knows what was not checked — a hidden row of scratch numbers is not an indicator.
    """
    return _notes(batch, "PARSE.HIDDEN")


@rule("PARSE.FORMULA_NO_VALUE", "warning",
      "{detail}",
      "{detail_en}")
def formula_no_value(batch):
    """A cell holds a formula saved without its computed value (as some programs write files and
    Excel computes on opening): jixiao does not compute formulas, so the cell reads blank and is
    named here rather than passing as an empty cell.
    """
    return _notes(batch, "PARSE.FORMULA_NO_VALUE")


@rule("PARSE.INCOMPLETE", "warning",
      "表格在 {location} 处中断（{detail}），未见总分行；缺失部分不作合计核查",
      "The table stops at {location} ({detail_en}) before its total row; sums over the missing part are not checked")
def incomplete(batch):
    """A table that stops before its 总分 row (a lost page, an excerpt): said once, and no
    sum-to-100 or section-sum claim is made over rows that are not there.
    """
    return _notes(batch, "PARSE.INCOMPLETE")


@rule("PARSE.NO_INDICATORS", "error",
      "表中未读到任何绩效指标，该表的指标未作核查（可用 jixiao inspect 查看读取情况）",
      "No indicator was read in this table, so none was checked (jixiao inspect shows how it was read)")
def no_indicators(batch):
    """A table recognised as a form in which not one indicator row was read: whatever the cause (a
    layout jixiao does not know, rows lost in conversion), nothing of its indicators was checked, so
    the gate must not pass it on the strength of its funds alone.  A table cut off before its
    indicators (an excerpt; PARSE.INCOMPLETE says where) whose funds were read is read for what it
    has: its funds are checked and the cut is the warning, not this error.

    This rule cannot be ignored nor graded below error.
    """
    p = batch.projects
    cut = batch.notes.loc[batch.notes["code"] == "PARSE.INCOMPLETE", "project_id"]
    read_for_funds = p["project_id"].isin(cut) & p["project_id"].isin(batch.funds["project_id"])
    bad = p[~p["project_id"].isin(batch.indicators["project_id"]) & ~read_for_funds]
    return hits(bad, section="", indicator="", location="loc", reported="0", expected="≥ 1")


@rule("PARSE.LAYOUT", "warning",
      "{detail}",
      "{detail_en}")
def layout(batch):
    """A header jixiao cannot map to the columns it knows, or a row it cannot place under the
    header: those cells are named and not checked, rather than guessed.
    """
    return _notes(batch, "PARSE.LAYOUT")


@rule("PARSE.INTERNAL", "error",
      "{detail}",
      "{detail_en}")
def internal(batch):
    """jixiao itself failed on part of the input (a rule or recogniser raised an error); the rest
    of the batch was still checked.  Please report it with the file.
    """
    return _notes(batch, "PARSE.INTERNAL")


@rule("PARSE.LAYOUT_DOUBT", "warning",
      "读取存疑，需人工核对：{detail}；请用 jixiao inspect 查看读取情况",
      "Reading in doubt, needs a human check: {detail_en}; see jixiao inspect for how the table was read")
def layout_doubt(batch):
    """Most of a table's own cross-checks (fund lines, rates, fund score, weights, scores, totals)
    fail at once under every reading tried: the reading, not the form, is likely wrong.  One warning
    for the table, naming the checks that failed, instead of a cascade of errors; the table's SUM,
    CAP, FUND and score findings are kept as infos (``checker.coherence``).
    """
    from checker import coherence

    c = coherence.of(batch)
    bad = c[c["doubt"]]
    return hits(bad, section="", indicator="", location=bad["project_id"].map(batch.by_project["loc"]),
                reported=[f"{t}/{n}" for t, n in zip(bad["tied"], bad["checks"])], expected="读取相符",
                detail=bad["failed_names"], detail_en=bad["failed_names_en"])

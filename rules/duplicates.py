"""DUP: the same table twice, 清单 against tables, department codes, repeated rows."""

from __future__ import annotations

import hashlib

import pandas as pd

from checker.derived import each_distinct
from checker.grid import squash
from rules import hits, rule


def signatures(batch) -> pd.Series:
    """Per project, a hash of its funds and indicator rows (names excluded on purpose); once per
    batch (DUP.PROJECT and DUP.REPEATED_TABLE share it)."""
    return batch.once(_signatures)


def _squashed(batch, column: str) -> pd.Series:
    """An indicators column squashed (once per batch, each distinct text once)."""
    return batch.once(_squash_column, column)


def _squash_column(batch, column: str) -> pd.Series:
    return each_distinct(batch.indicators[column], squash)


def _signatures(batch) -> pd.Series:
    i = batch.indicators
    rows = (i["level2"] + "\x1f" + _squashed(batch, "name") + "\x1f" + _squashed(batch, "target_raw") + "\x1f"
            + _squashed(batch, "actual_raw") + "\x1f" + i["weight_raw"] + "\x1f" + i["score_raw"])
    ind = rows.groupby(i["project_id"]).agg("\x1e".join)
    f = batch.funds
    frows = (f["line"] + "\x1f" + f["budget"].astype(str) + "\x1f" + f["spent"].astype(str)
             + "\x1f" + f["score"].astype(str))
    fund = frows.groupby(f["project_id"]).agg("\x1e".join).reindex(ind.index).fillna("")
    return (ind + "\x1d" + fund).map(lambda s: hashlib.sha1(s.encode("utf-8")).hexdigest())


@rule("DUP.PROJECT", "error",
      "与“{other}”（{other_file}）的资金和全部指标完全相同，疑为同一张表以不同项目名称重复填报",
      "Identical funds and indicators to '{other}' ({other_file}): the same table filed under two names")
def duplicate_project(batch):
    """Two projects (in one bundle or across files) with identical funds and indicators.
    """
    p = batch.by_project
    sig = signatures(batch).rename("sig")
    df = p.join(sig, how="inner").reset_index()
    first = df.groupby("sig")["project_id"].transform("first")
    df["other_id"] = first
    dup = df[df["project_id"] != df["other_id"]].copy()
    dup["other"] = dup["other_id"].map(p["name"])
    dup["other_file"] = dup["other_id"].map(p["file"])
    dup = dup[dup["name"].map(squash) != dup["other"].map(squash)]
    return hits(dup, section="", indicator="", location="loc", reported=dup["name"], expected="与" + dup["other"] + "不同",
                other="other", other_file=dup["other_file"])


@rule("DUP.REPEATED_TABLE", "warning",
      "项目“{indicator}”在 {other_file} 中已出现过一次，内容完全相同",
      "Project '{indicator}' appears twice with identical content (also in {other_file})")
def repeated_table(batch):
    """The same project, same name and same content, checked twice.
    """
    p = batch.by_project
    df = p.join(signatures(batch).rename("sig"), how="inner").reset_index()
    df["first"] = df.groupby("sig")["project_id"].transform("first")
    dup = df[(df["project_id"] != df["first"])]
    dup = dup[dup["name"].map(squash) == dup["first"].map(p["name"]).map(squash)]
    return hits(dup, section="", indicator="name", location="loc", reported="name", expected="",
                other_file=dup["first"].map(p["file"]))


def _listed_key(name: str) -> str:
    return squash(name).replace("（", "(").replace("）", ")")


@rule("DUP.LIST_NO_TABLE", "error",
      "项目清单列有“{reported}”，但文件中没有该项目的自评表",
      "The project list names '{reported}' but the file has no table for it")
def list_no_table(batch):
    """A name in the 项目清单 without a table in the same file.
    """
    lst = batch.listed
    p = batch.projects
    have = set(zip(p["file"], p["name"].map(_listed_key)))
    missing = pd.Series([(f, _listed_key(n)) not in have for f, n in zip(lst["file"], lst["name"])],
                        index=lst.index, dtype=bool)
    bad = lst[missing].assign(project_id="")
    return hits(bad, section="项目清单", indicator="", location="loc", reported="name", expected="", file=bad["file"])


@rule("DUP.TABLE_NOT_LISTED", "warning",
      "自评表“{reported}”不在本文件的项目清单中",
      "Table '{reported}' is not in the file's project list", kinds=("selfeval",))
def table_not_listed(batch):
    """A table in a bundle whose 项目清单 does not name it.
    """
    files_with_list = set(batch.listed["file"])
    p = batch.projects
    bad = p[p["file"].isin(files_with_list) & (p["listed_name"] == "")]
    return hits(bad, section="项目清单", indicator="", location="loc", reported="name", expected="")


@rule("DUP.DEPT_CODE", "error",
      "主管部门“{department}”的代码填为 {reported}，同批其他 {count} 张表均为 {expected}",
      "Department '{department}' coded {reported}; {count} other tables use {expected}")
def department_code(batch):
    """The same 主管部门 name written with different codes across the batch.
    """
    p = batch.projects[(batch.projects["department"] != "") & (batch.projects["department_code"] != "")]
    counts = p.groupby(["department", "department_code"]).size().rename("n").reset_index()
    usual = counts.sort_values("n", ascending=False).drop_duplicates("department").set_index("department")
    p = p.assign(usual=p["department"].map(usual["department_code"]), count=p["department"].map(usual["n"]))
    bad = p[(p["department_code"] != p["usual"]) & (p["count"] >= 2)]
    return hits(bad, section="主管部门", indicator="", location="loc", reported="department_code",
                expected="usual", department="department", count=bad["count"].astype(str))


@rule("DUP.INDICATOR", "warning",
      "同一张表中指标“{indicator}”（指标值 {reported}）重复出现",
      "Indicator '{indicator}' (target {reported}) appears twice in one table")
def repeated_indicator(batch):
    """The same indicator row twice in one table.
    """
    ind = batch.indicators
    named = ind["name"] != ""
    key = (ind["project_id"] + ind["level2"] + _squashed(batch, "name") + _squashed(batch, "target_raw"))[named]
    bad = ind[key.duplicated().reindex(ind.index, fill_value=False)]
    return hits(bad, section="level2", indicator="name", location="loc", reported="target_raw", expected="")

"""XREF: a self-evaluation against the target table of the same submission (目标表 pairing)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from checker import precision as P
from checker.grid import squash
from rules import hits, rule


@rule("XREF.TARGET_CHANGED", "error",
      "年度指标值“{reported}”与绩效目标表的指标值“{expected}”不一致（目标值被改动{how}）",
      "Target '{reported}' differs from the target table's '{expected}' (target changed{how_en})")
def target_changed(batch):
    """A self-evaluation's 年度指标值 differs from the filed target table's 指标值 for the same indicator.
    """
    m = batch.paired_indicators
    both = m[m["_merge"] == "both"]
    same_text = both["target_raw_s"].map(squash) == both["target_raw_t"].map(squash)
    same_value = (both["target_op_s"] == both["target_op_t"]) & P.overlap(both["a_lo_s"], both["a_hi_s"],
                                                                           both["a_lo_t"], both["a_hi_t"])
    bad = both[~same_text & ~same_value.fillna(False)].copy()
    lower_is_easier = bad["target_op_t"].isin(["", ">=", ">", "="])
    lowered = np.where(lower_is_easier, bad["a_s"] < bad["a_t"], bad["a_s"] > bad["a_t"])
    bad["how"] = np.where(pd.notna(bad["a_s"]) & pd.notna(bad["a_t"]) & lowered, "，且目标被调低", "")
    bad["how_en"] = np.where(bad["how"] != "", ", and lowered", "")
    bad["project_id"] = bad["project_id_s"]
    return hits(bad, section=bad["level2_s"], indicator=bad["name_s"], location=bad["loc_target_s"],
                reported=bad["target_raw_s"], expected=bad["target_raw_t"], how=bad["how"], how_en=bad["how_en"])


@rule("XREF.TARGET_DROPPED", "error",
      "绩效目标表中的指标“{indicator}”（指标值 {expected}）在自评表中缺失",
      "Indicator '{indicator}' ({expected}) of the target table is missing from the self-evaluation")
def target_dropped(batch):
    """An indicator of the target table that the self-evaluation leaves out.
    """
    m = batch.paired_indicators
    bad = m[m["_merge"] == "right_only"].copy()
    bad["project_id"] = bad["project_id_s"]
    loc = bad["project_id_s"].map(batch.by_project["loc"])
    return hits(bad, section=bad["level2_t"], indicator=bad["name_t"], location=loc, reported="（缺失）",
                expected=bad["target_raw_t"])


@rule("XREF.TARGET_ADDED", "warning",
      "自评表中的指标“{indicator}”在绩效目标表中没有",
      "Indicator '{indicator}' is not in the target table")
def target_added(batch):
    """An indicator in the self-evaluation that the target table never set.
    """
    m = batch.paired_indicators
    bad = m[m["_merge"] == "left_only"].copy()
    bad["project_id"] = bad["project_id_s"]
    return hits(bad, section=bad["level2_s"], indicator=bad["name_s"], location=bad["loc_s"],
                reported=bad["target_raw_s"], expected="（目标表无此指标）")


@rule("XREF.TARGET_BUDGET", "error",
      "自评表年初预算数 {reported} 万元与绩效目标表年度资金总额 {expected} 万元不一致",
      "Budget {reported} differs from the target table's annual funds {expected}")
def target_budget(batch):
    """The self-evaluation's budget differs from the target table's 年度资金总额.
    """
    pairs = batch.target_pairs
    f = batch.total_funds
    initial = f["budget_initial"].notna()
    s_budget = pairs["project_id_s"].map(f["budget_initial"].where(initial, f["budget"]))
    s_dec = pairs["project_id_s"].map(f["budget_initial_dec"].where(initial, f["budget_dec"]))
    t_budget, t_dec = pairs["project_id_t"].map(f["budget"]), pairs["project_id_t"].map(f["budget_dec"])
    s_lo, s_hi = P.input_interval(s_budget, s_dec.fillna(0))
    t_lo, t_hi = P.input_interval(t_budget, t_dec.fillna(0))
    bad = pairs[s_budget.notna() & t_budget.notna() & ~P.overlap(s_lo, s_hi, t_lo, t_hi)].copy()
    bad["project_id"] = bad["project_id_s"]
    return hits(bad, section="项目资金", indicator="", location=bad["project_id_s"].map(f["loc"]),
                reported=s_budget[bad.index].map(P.fmt), expected=t_budget[bad.index].map(P.fmt))


# --- a 预算执行率 indicator against the funds block ---------------------------------------

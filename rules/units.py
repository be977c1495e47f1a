"""XREF: a target and its actual written in different units (万元 against 元, "≥200万" against "200")."""

from __future__ import annotations

from checker import precision as P
from rules import hits, rule, section_of


def _unit_hits(batch, issue: str):
    i = batch.indicators
    bad = i[i["unit_issue"] == issue]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_actual"],
                reported="actual_raw", expected="target_raw",
                ratio=P.fmt(batch.profile.unit_mismatch_ratio))   # the profile's factor, as the message says


@rule("XREF.UNIT_MISMATCH", "error",
      "指标值 {expected} 与实际值 {reported} 相差逾 {ratio} 倍，疑为单位不一致（如万元与元），未据此计分",
      "Target {expected} and actual {reported} are over {ratio}× apart: units differ (万元 vs 元?)")
def unit_mismatch(batch):
    """A and B written in different units (≈10⁴ apart), e.g. "≤2万元" against "5000".
    """
    return _unit_hits(batch, "mismatch")


@rule("XREF.UNIT_AMBIGUOUS", "warning",
      "指标值 {expected} 带“万”而实际值 {reported} 未写单位，无法确认是否同一计量单位",
      "Target {expected} is in 万 but the actual {reported} has no unit")
def unit_ambiguous(batch):
    """A written with 万 and no unit ("≥200万") against a bare B ("200").
    """
    return _unit_hits(batch, "bare_wan")


@rule("XREF.UNIT_KIND", "error",
      "指标值 {expected} 与实际值 {reported} 不是同一种计量（比率与数量），无法按公式计分，应按指标值的口径填报实际值",
      "Target {expected} and actual {reported} measure different things (a rate against a count); not scored")
def unit_kind(batch):
    """A target written as a rate and its actual as a count, or the other way round ("100%" against
    "5个"): the two cannot be compared, so no score is recomputed and the unit must fix the actual.
    """
    return _unit_hits(batch, "kind")

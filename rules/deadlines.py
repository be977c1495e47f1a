"""XREF: deadlines against the year the form evaluates."""

from __future__ import annotations

from rules import hits, rule, section_of


@rule("XREF.DEADLINE_YEAR", "warning",
      "{year}年度的表中，时限指标值为“{reported}”，年份与评价年度不符",
      "A {year} form sets the deadline '{reported}' in another year")
def deadline_year(batch):
    """A deadline whose year is not the form's year (copied from last year's form).
    """
    i = batch.indicators
    year = i["project_id"].map(batch.by_project["year"])
    bad = i[i["target_year"].notna() & year.notna() & (i["target_year"] != year)]
    yb = year[bad.index]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_target"],
                reported="target_raw", expected=yb.map(lambda y: f"{int(y)}年"), year=yb.map(lambda y: str(int(y))))

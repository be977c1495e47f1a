"""checker.model.validate_frame: the batch frames checked with vectorised tests, exactly as
pandera would check them — the same frame back when valid, pandera's own error when not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.errors as pe
import pytest

from checker import model as M


def _project(**over) -> dict:
    row = {c: "" for c in M.Projects.to_schema().columns}
    row.update(project_id="F1P1", seq=1, kind="selfeval", year=2024.0, total_weight=100.0, total_score=95.5,
               total_score_dec=1, review_total=None, review_total_dec=0, subtotal_score=None, subtotal_score_dec=0,
               fund_scale=1e4, period_months=None, has_reason_column=True, has_weight_column=True,
               has_score_column=True, complete=True)
    row.update(over)
    return row


def _frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=list(M.Projects.to_schema().columns))


def test_a_valid_frame_comes_back_as_pandera_returns_it():
    df = _frame(_project(), _project(project_id="F2P1", seq=2, year=None, total_score=None))
    got = M.validate_frame(M.Projects, df, lazy=True)
    pd.testing.assert_frame_equal(got, M.Projects.validate(df, lazy=True))
    assert got["year"].tolist()[1] != got["year"].tolist()[1]   # NaN kept


def test_columns_are_coerced_as_pandera_coerces_them():
    """A float column of None only (object) and an int column written as floats are coerced."""
    df = _frame(_project(review_total=None, period_months=None), _project(project_id="F2P1"))
    df["seq"] = df["seq"].astype(float)
    df["complete"] = ["yes", ""]                                        # pandera's astype(bool)
    assert df["review_total"].dtype == object
    got = M.validate_frame(M.Projects, df)
    want = M.Projects.validate(df)
    pd.testing.assert_frame_equal(got, want)
    assert got["review_total"].dtype == np.float64 and got["seq"].dtype == np.int64
    assert df["seq"].dtype == np.float64    # the caller's frame is left as it was


@pytest.mark.parametrize("change", [
    lambda df: df.assign(kind=["selfeval", "budget"]),                  # not in FORM_KINDS
    lambda df: df.assign(project_id=["F1P1", "F1P1"]),                  # not unique
    lambda df: df.assign(seq=[1, 0]),                                   # seq >= 1
    lambda df: df.assign(fund_scale=[1e4, 0.0]),                        # fund_scale > 0
    lambda df: df.assign(name=["甲", None]),                             # a str column may not be empty
    lambda df: df.assign(total_score_dec=[0, None]),                    # nor an int column
    lambda df: df.assign(extra=["x", "y"]),                             # strict: no other column
    lambda df: df.drop(columns=["grade"]),                              # every column present
])
def test_an_invalid_frame_raises_what_pandera_raises(change):
    df = change(_frame(_project(), _project(project_id="F2P1", seq=2)))
    with pytest.raises(pe.SchemaErrors) as want:
        M.Projects.validate(df, lazy=True)
    with pytest.raises(pe.SchemaErrors) as got:
        M.validate_frame(M.Projects, df, lazy=True)
    assert str(got.value) == str(want.value)


def test_str_matches_and_empty_frames():
    f = M.empty_frame(M.Findings)
    assert list(f.columns) == list(M.Findings.to_schema().columns) and f.empty
    bad = pd.DataFrame([{c: "x" for c in f.columns} | {"rule": "ind.lower", "family": "IND", "severity": "error"}])
    with pytest.raises(pe.SchemaError):
        M.validate_frame(M.Findings, bad)
    good = bad.assign(rule="IND.OVERSCORE")
    pd.testing.assert_frame_equal(M.validate_frame(M.Findings, good), M.Findings.validate(good))

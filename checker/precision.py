"""Precision-aware comparison, after XBRL Calculations 1.1 (Arelle), for forms that
do not state their precision.

* A reported figure stands for the half-open interval [v − ½ulp, v + ½ulp), where
  the ulp comes from the most decimals the same column shows in the same table
  (a score column holding 94.13 makes "4" mean 4.00).
* An input to a recomputation carries ±½ulp of the decimals it is written with;
  integers are exact (a count of 7 terminals is 7).
* A recomputed value is a closed interval; it ties with the reported one when the
  two overlap.  There is no fixed epsilon anywhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NOISE = 9  # decimals beyond which float arithmetic noise is discarded


def half_ulp(decimals) -> np.ndarray:
    return 0.5 * np.power(10.0, -np.asarray(decimals, dtype=float))


def reported(value, decimals) -> tuple[np.ndarray, np.ndarray]:
    """Interval a reported figure stands for, at the given (table) decimals."""
    v = np.asarray(value, dtype=float)
    h = half_ulp(decimals)
    return v - h, v + h


def input_interval(value, decimals) -> tuple[np.ndarray, np.ndarray]:
    """Interval of an input figure: ±½ulp of its own decimals, integers exact."""
    v = np.asarray(value, dtype=float)
    d = np.asarray(decimals, dtype=float)
    h = np.where(d > 0, half_ulp(d), 0.0)
    return v - h, v + h


def table_decimals(frame: pd.DataFrame, column: str, extra: pd.Series | None = None) -> pd.Series:
    """Most decimals the column shows within each project's table."""
    dec = frame.groupby("project_id")[column].transform("max").fillna(0)
    if extra is not None:
        dec = np.maximum(dec, frame["project_id"].map(extra).fillna(0))
    return pd.Series(dec, index=frame.index).astype(int)


def _r(x):
    return np.round(np.asarray(x, dtype=float), NOISE)


def ties(r_lo, r_hi, e_lo, e_hi) -> np.ndarray:
    """Reported [r_lo, r_hi) overlaps recomputed [e_lo, e_hi]."""
    return (_r(r_lo) <= _r(e_hi)) & (_r(e_lo) < _r(r_hi))


def above(r_lo, e_hi) -> np.ndarray:
    """Reported wholly above the recomputed interval (over-stated)."""
    return _r(r_lo) > _r(e_hi)


def below(r_hi, e_lo) -> np.ndarray:
    """Reported wholly below the recomputed interval (under-stated)."""
    return _r(r_hi) <= _r(e_lo)


def overlap(a_lo, a_hi, b_lo, b_hi) -> np.ndarray:
    """Two closed intervals of recomputed figures share a value."""
    return ~apart_below(a_hi, b_lo) & ~apart_above(a_lo, b_hi)


def exceeds(a, b) -> np.ndarray:
    """Declared figures (weights, caps), compared as printed: a above b, float noise aside."""
    return _r(a) > _r(b)


def differs(a, b) -> np.ndarray:
    """Declared figures compared as printed: not the same number."""
    return _r(a) != _r(b)


def apart_below(a_hi, b_lo) -> np.ndarray:
    """Two closed intervals of recomputed figures: [a] wholly below [b]."""
    return _r(a_hi) < _r(b_lo)


def apart_above(a_lo, b_hi) -> np.ndarray:
    """Two closed intervals of recomputed figures: [a] wholly above [b]."""
    return _r(a_lo) > _r(b_hi)


def fmt(x: float | None, decimals: int | None = None) -> str:
    """A number as a reviewer writes it: no float noise, no trailing zeros."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return ""
    if decimals is not None:
        return f"{x:.{max(int(decimals), 0)}f}"
    s = f"{round(float(x), 6):.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_interval(lo: float, hi: float, digits: int = 2) -> str:
    if np.isnan(lo) or np.isnan(hi):
        return ""
    if round(lo, digits) == round(hi, digits):
        return fmt(round((lo + hi) / 2, digits))
    return f"{fmt(round(lo, digits))}~{fmt(round(hi, digits))}"

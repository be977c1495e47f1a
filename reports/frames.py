"""Frames read column by column: emitters build rows from plain lists, never per-row ``to_dict``."""

from __future__ import annotations

from collections import defaultdict


def columns(frame, names: list[str]) -> dict[str, list]:
    """The frame's columns as plain lists; a column the frame lacks reads as blanks."""
    n = len(frame)
    return {c: frame[c].tolist() if c in frame.columns else [None] * n for c in names}


def positions(col: list) -> dict[str, list[int]]:
    """Row positions by key, keys in first-seen order."""
    out: dict[str, list[int]] = defaultdict(list)
    for n, key in enumerate(col):
        out[key].append(n)
    return out

"""The batch: every file's rows in one set of frames, recomputed, ready for rules."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from checker import model as M
from checker.profile import Profile
from checker.recompute import recompute_funds, recompute_indicators


@dataclass
class Batch:
    projects: pd.DataFrame
    funds: pd.DataFrame
    sections: pd.DataFrame
    indicators: pd.DataFrame
    listed: pd.DataFrame
    profile: Profile
    notes: pd.DataFrame      # checker.model.Notes: read/recognition problems and internal failures

    def project_funds(self, line: str = "total") -> pd.DataFrame:
        return self.funds[self.funds["line"] == line].drop_duplicates("project_id").set_index("project_id")


def build_batch(file_models, profile: Profile, notes: list[dict] | None = None) -> Batch:
    """All files' rows in one set of frames; ``notes`` are file-level notes made outside the
    recognisers (unrecognised files, what a reader repaired)."""
    if hasattr(file_models, "frame"):  # a checker.rowstore.RowStore: rows kept as tuples, file by file
        collect, models = file_models.frame, []
        notes = file_models.notes + list(notes or [])
    else:
        def collect(attr, schema):
            return M.frame(schema, [r for fm in file_models for r in getattr(fm, attr)])
        models = file_models

    projects = collect("projects", M.Projects)
    funds = collect("funds", M.Funds)
    sections = collect("sections", M.Sections)
    indicators = collect("indicators", M.Indicators)
    listed = collect("listed", M.Listed)
    note_rows = [r for fm in models for r in fm.notes] + list(notes or [])
    return Batch(
        projects=projects,
        funds=recompute_funds(funds),
        sections=sections,
        indicators=recompute_indicators(indicators, projects, profile),
        listed=listed,
        profile=profile,
        notes=M.frame(M.Notes, note_rows),
    )

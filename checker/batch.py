"""The batch: every file's rows in one set of frames, recomputed, ready for rules.

Tables several rules share (the 目标表 pairing, cost amounts, count × rate × period) are
derived here once, on first use (``checker.derived``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd

from checker import derived as D
from checker import model as M
from checker.profile import Profile
from checker.recompute import recompute_funds, recompute_indicators


@dataclass
class Batch:
    projects: pd.DataFrame      # checker.model.Projects
    funds: pd.DataFrame         # checker.model.RecomputedFunds
    sections: pd.DataFrame      # checker.model.Sections
    indicators: pd.DataFrame    # checker.model.RecomputedIndicators
    listed: pd.DataFrame        # checker.model.Listed
    profile: Profile
    notes: pd.DataFrame         # checker.model.Notes: read/recognition problems and internal failures
    ledger: pd.DataFrame = field(default_factory=lambda: M.empty_frame(M.Ledger))  # --ledger: checker.model.Ledger

    def once(self, fn, *args):
        """``fn(self, *args)``, computed on first use and kept for this batch: the tables several
        rules read (section weights, score sums, signatures).  What it returns is shared: read it,
        never modify it."""
        memo = self.__dict__.setdefault("_memo", {})
        key = (fn, args)
        if key not in memo:
            memo[key] = fn(self, *args)
        return memo[key]

    def forget(self) -> None:
        """Drop what ``once`` kept, and the views of ``of_kinds`` with theirs (the engine calls it
        between rule families: each family's shared tables serve that family only)."""
        self.__dict__.pop("_memo", None)
        self.__dict__.pop("_views", None)

    def of_kinds(self, kinds: tuple[str, ...]) -> Batch | None:
        """The batch as a rule declared for these form kinds (``checker.model.Projects.kind``) sees
        it: their tables only, the batch itself where it holds no other, None where it holds none."""
        views = self.__dict__.setdefault("_views", {})
        if kinds not in views:
            views[kinds] = self._restricted(kinds)
        return views[kinds]

    def _restricted(self, kinds: tuple[str, ...]) -> Batch | None:
        mine = self.projects["kind"].isin(kinds)
        if not mine.any():
            return None
        if mine.all():
            return self
        ids = set(self.projects.loc[mine, "project_id"])
        view = replace(self, projects=self.projects[mine],
                       **{name: getattr(self, name)[getattr(self, name)["project_id"].isin(ids)]
                          for name in ("funds", "sections", "indicators")})
        if "coherence" in self.__dict__:   # set by checker.coherence.settle, per table
            view.coherence = self.coherence
        return view

    @cached_property
    def by_project(self) -> pd.DataFrame:
        """The projects, indexed by project_id."""
        return self.projects.set_index("project_id")

    def project_funds(self, line: str = "total") -> pd.DataFrame:
        return self.funds[self.funds["line"] == line].drop_duplicates("project_id").set_index("project_id")

    @cached_property
    def total_funds(self) -> pd.DataFrame:
        """The 年度资金总额 line of each project, by project_id."""
        return self.project_funds("total")

    @cached_property
    def fund_units(self) -> pd.Series:
        """The funds' unit as each form writes it (万元, 元), by project_id."""
        return D.fund_units(self.projects)

    @cached_property
    def target_pairs(self) -> pd.DataFrame:
        return D.target_pairs(self.projects)

    @cached_property
    def paired_indicators(self) -> pd.DataFrame:
        return D.paired_indicators(self.indicators, self.target_pairs)

    @cached_property
    def cost_amounts(self) -> pd.DataFrame:
        return D.cost_amounts(self.indicators, self.projects, self.total_funds)

    @cached_property
    def derived_amounts(self) -> pd.DataFrame:
        return D.derived_amounts(self.indicators, self.projects, self.total_funds)


def build_batch(file_models, profile: Profile, notes: list[dict] | None = None,
                ledger: pd.DataFrame | None = None) -> Batch:
    """All files' rows in one set of frames; ``notes`` are file-level notes made outside the
    recognisers (unrecognised files, what a reader repaired); ``ledger`` the budget system's
    figures (``checker.ledger``), when given."""
    if hasattr(file_models, "frame"):  # a checker.rowstore.RowStore: rows kept as tuples, file by file
        store = file_models

        def collect(attr, schema, validate=True):
            return store.frame(attr, schema, validate)
        models = []
        notes = store.notes + list(notes or [])
    else:
        def collect(attr, schema, validate=True):
            return M.frame(schema, [r for fm in file_models for r in getattr(fm, attr)], validate)
        models = file_models

    projects = collect("projects", M.Projects)
    note_rows = [r for fm in models for r in fm.notes] + list(notes or [])
    batch = Batch(
        projects=projects,
        funds=recompute_funds(collect("funds", M.Funds, validate=False)),   # validated as RecomputedFunds
        sections=collect("sections", M.Sections),
        indicators=recompute_indicators(collect("indicators", M.Indicators, validate=False), projects, profile),
        listed=collect("listed", M.Listed),
        profile=profile,
        notes=M.frame(M.Notes, note_rows),
    )
    if ledger is not None:
        batch.ledger = M.validate_frame(M.Ledger, ledger)
    # A target table's money rows carry what they come to, shown with the row, not as findings.
    basis = D.target_basis(batch.indicators, projects, batch.total_funds, batch.derived_amounts)
    batch.indicators["basis"] = batch.indicators["basis"].where(basis == "", basis)
    return batch

"""What one run of the checker produces; emitters only format this, never recompute."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from checker.gate import SEVERITIES


@dataclass
class FileStatus:
    path: str
    status: str            # checker.gate.FILE_STATUSES: "checked" | "unrecognised" | "unreadable" | "skipped"
    kind: str              # "selfeval" | "rubric" | "target" | "bundle" | "mixed" | "unrecognised" | ""
    projects: int = 0
    error_message: str = ""  # why a file is unreadable or skipped, in one line
    sha256: str = ""         # of the input's bytes, so a printed report can be tied to the file it judged
    reason: str = ""         # why skipped/unreadable, for machines: unsupported, hidden, temporary, timeout …
    source: str = ""         # the real file name to reopen it (``path`` is the name shown, escaped)

    @property
    def real_path(self) -> str:
        return self.source or self.path


@dataclass
class Result:
    files: list[FileStatus]
    projects: pd.DataFrame      # checker.model.Projects + column recomputed_total (float, NaN if n/a)
    funds: pd.DataFrame         # checker.model.Funds + expected_rate, expected_score (float, NaN if n/a)
    sections: pd.DataFrame      # checker.model.Sections + item_weight_sum, item_score_sum
    indicators: pd.DataFrame    # checker.model.Indicators + expected_score, expected_lo/hi (float), basis (str)
    findings: pd.DataFrame      # checker.model.Findings
    lang: str = "zh"
    version: str = ""
    fail_on: str = "error"
    skip_unsupported: bool = False   # --skip-unsupported: unsupported files listed, not failing the gate
    extra: dict = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        sev = self.findings["severity"].value_counts()
        return {s: int(sev.get(s, 0)) for s in SEVERITIES}

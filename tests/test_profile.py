"""Profiles: formulas are settings; a method the form states wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.profile import ProfileError, form_overrides, load_profile

ROOT = Path(__file__).resolve().parents[1]


def test_default_and_national_profiles():
    d = load_profile()
    n = load_profile(str(ROOT / "data" / "profiles" / "national.yaml"))
    assert (d.reverse_formula, d.bands[2]) == ("ratio", (50.0, 80.0))
    assert (n.reverse_formula, n.bands[2], n.bands[3]) == ("national", (60.0, 80.0), (0.0, 60.0))


def test_packaged_default_matches_the_data_copy():
    assert load_profile() == load_profile(str(ROOT / "data" / "profiles" / "default.yaml"))


def test_bad_profile_is_refused(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("reverse_formula: [", encoding="utf-8")
    with pytest.raises(ProfileError):
        load_profile(str(p))
    with pytest.raises(ProfileError):
        load_profile(str(tmp_path / "missing.yaml"))


def test_form_statements_override():
    seed_note = "1. 若为定性指标, 则根据“三档”原则分别按照指标值的100-80% (含)、80-50% (含)、50-0%来记分。"
    assert form_overrides(seed_note)["bands"][2] == (50.0, 80.0)
    stated = "若定量指标为反向指标，则得分计算方法: 年度指标值 (A) /全年实际值 (B) ×该指标分值"
    assert form_overrides(stated)["reverse_formula"] == "ratio"
    assert form_overrides("") == {}


def test_profile_severity_overrides(tmp_path):
    from checker.engine import check

    text = (ROOT / "data" / "profiles" / "default.yaml").read_text(encoding="utf-8")
    p = tmp_path / "local.yaml"
    p.write_text(text.replace("severity: {}", "severity: {SUM.SECTION_WEIGHT: warning, CAP: off}"), encoding="utf-8")
    f = check([str(ROOT / "data" / "batch" / "001_selfeval_yanchi_2024.txt")], load_profile(str(p))).findings
    assert set(f[f["rule"] == "SUM.SECTION_WEIGHT"]["severity"]) == {"warning"}
    assert f[f["family"] == "CAP"].empty
    bad = tmp_path / "bad.yaml"
    bad.write_text("severity: {IND.OVERSCORE: fatal}\n", encoding="utf-8")
    with pytest.raises(ProfileError):
        load_profile(str(bad))

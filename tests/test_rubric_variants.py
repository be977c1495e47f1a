"""Rubrics laid out differently from the seeds."""

from __future__ import annotations

from checker.engine import check


def test_two_level_rubric_with_name_column(tmp_path):
    form = "\n".join([
        "某项目绩效评价指标体系",
        "一级指标\t指标名称\t权重\t评分标准\t评分说明\t得分",
        "决策（10分）\t立项依据充分性\t5\t符合规定，得5分\t依据充分。计5分。\t5",
        "\t绩效目标合理性\t5\t目标合理，得5分\t目标未细化，扣2分。\t4",
        "合计\t10\t\t\t\t9",
    ])
    p = tmp_path / "flat.txt"
    p.write_text(form, encoding="utf-8")
    r = check([str(p)])
    assert r.projects.iloc[0]["kind"] == "rubric"
    f = r.findings
    ded = f[f["rule"] == "TEXT.DEDUCTION"]
    assert list(zip(ded["indicator"], ded["reported"], ded["expected"])) == [("绩效目标合理性", "4", "3")]
    total = f[f["rule"] == "SUM.TOTAL_SCORE"]
    assert total.empty  # 5 + 4 = 9 as stated

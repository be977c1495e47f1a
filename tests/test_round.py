"""The reviewer's round of the README, run line for line on a copy of ``data/batch/``:
check → waive one finding → letters → a resubmission with one figure changed → ``--compare``
shows the waived finding kept, the fixed ones, the new one and the changed cell."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import docx
import pytest

ROOT = Path(__file__).resolve().parents[1]
HEADING = "### A reviewer's round: waivers, the send-back letter, the changed figures"
REASON = "宣传活动按上年12月批复开展，已电话核实"
YANCHI = ("其他医疗保障管理事务支出—盐池县医疗保险服务中心—城镇职工、城乡居民慢性病病历印刷费、医保政策宣传及印刷费、"
          "医保基金稽核及档案管理等达标经费、医保经办及征缴工作经费")

if shutil.which("sed") is None or shutil.which("bash") is None:
    pytest.skip("the README's round needs bash and sed", allow_module_level=True)


def readme_round() -> list[str]:
    """The commands of the README's walkthrough, one a line, as written there."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(HEADING):]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def run_round(tmp: Path) -> list[subprocess.CompletedProcess]:
    """Each line in bash as a reader would type it: from the clone's root, then where ``cd`` went."""
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", ""),
           "SOURCE_DATE_EPOCH": "1750000000"}
    env.pop("JIXIAO_DEBUG", None)
    python = Path(sys.executable).parent  # python3 is this interpreter
    env["PATH"] = f"{python}{os.pathsep}{env['PATH']}"
    cwd, out = ROOT, []
    for line in readme_round():
        script = f'{line}\nrc=$?\necho "@@W=$W"\necho "@@PWD=$PWD"\nexit $rc\n'
        p = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        marks = dict(x[2:].split("=", 1) for x in p.stdout.splitlines() if x.startswith("@@"))
        if marks.get("W"):
            env["W"] = marks["W"]
        cwd = Path(marks.get("PWD", cwd))
        out.append(p)
    return out


@pytest.fixture(scope="module")
def round_(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("round")
    steps = run_round(tmp)
    return Path(steps[0].stdout.split("@@W=")[1].splitlines()[0]), steps


def test_the_readme_round_is_these_steps():
    lines = readme_round()
    assert [line.split()[0] for line in lines] == ["W=$(mktemp", "cp", "cd", "python3", "python3", "python3", "cp", "sed",
                                                   "python3"]


def test_round_one_check_and_the_waiver(round_):
    w, steps = round_
    check, waive = steps[3], steps[4]
    assert check.returncode == 1 and (w / "round1.json").is_file()
    assert check.stderr.strip().endswith("共 7 个文件、24 张表（不通过 12，需人工核对 0，通过 12）：错误 25，警告 37，提示 8")
    assert waive.returncode == 0, waive.stderr
    entry = tomllib.loads((w / "jixiao-waivers.toml").read_text(encoding="utf-8"))["waiver"]
    assert [(e["rule"], e["indicator"], e["reason"], e["by"]) for e in entry] == \
        [("XREF.DEADLINE_YEAR", "医保政策宣传活动时间", REASON, "王审核")]
    report = json.loads((w / "round1.json").read_text(encoding="utf-8"))
    fp = next(f["fingerprint"] for f in report["findings"] if f["rule"] == "XREF.DEADLINE_YEAR")
    assert entry[0]["fingerprint"] == fp
    assert "\t1.43\t1.42\t" in (ROOT / "data/batch/001_selfeval_yanchi_2024.txt").read_text(encoding="utf-8")  # untouched


def test_the_letters(round_):
    w, steps = round_
    assert steps[5].returncode == 0, steps[5].stderr
    letters = sorted(p.name for p in (w / "letters").glob("*.docx"))
    assert "整改通知-盐池县医疗保险服务中心本级.docx" in letters and "整改通知-霍山县数据资源管理局.docx" in letters
    doc = docx.Document(w / "letters" / "整改通知-盐池县医疗保险服务中心本级.docx")
    problems = [[c.text for c in r.cells] for r in doc.tables[1].rows][1:]
    assert len(problems) == 10                                # 11 errors and warnings, one waived
    assert "医保政策宣传活动时间" not in [r[2] for r in problems]
    row = next(r for r in problems if r[2] == "全年异地核查成本" and r[6].startswith("得分 1.42 低于按公式"))
    assert row[3:6] == ["line 30 col 8", "1.42", "1.43"]
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        assert (w / "letters" / "整改通知-盐池县医疗保险服务中心本级.pdf").stat().st_size > 0


def test_round_two_compare_shows_the_waiver_kept_the_fixed_and_the_changed_cell(round_):
    w, steps = round_
    changed = (w / "round2" / "001_selfeval_yanchi_2024.txt").read_text(encoding="utf-8")
    assert "\t1.43\t1.43\t" in changed and "\t1.43\t1.42\t" not in changed
    res = steps[8]
    assert res.returncode == 1          # errors remain: the gate still fails
    out = res.stdout.splitlines()
    kept = next(line for line in out if "XREF.DEADLINE_YEAR" in line)
    assert kept.startswith("round2/001_selfeval_yanchi_2024.txt:第25行第5列: XREF.DEADLINE_YEAR warning")
    assert kept.endswith(f"[遗留] [已豁免：{REASON}]")
    fixed = [line for line in out if line.startswith("已修正: ")]
    assert [line.split(": ")[2].split()[0] for line in fixed] == ["IND.NO_REASON", "IND.UNDERSCORE"]
    assert all(f"{YANCHI} / 全年异地核查成本" in line for line in fixed)
    new = [line for line in out if line.endswith("[新增]")]
    assert len(new) == 1 and "CAP.SECTION_SCORE" in new[0] and "其下指标得分合计 10.01 分" in new[0]
    assert [line for line in out if line.startswith("改动: ")] == [
        f"改动: round2/001_selfeval_yanchi_2024.txt:line 30 col 8 {YANCHI} / 全年异地核查成本 得分 1.42 → 1.43"]
    summary = next(line for line in out if line.startswith("共 "))
    assert summary == ("共 7 个文件、24 张表（不通过 12，需人工核对 0，通过 12）：错误 26，警告 35，提示 8；"
                       "与上次相比：新增 1，遗留 68，已修正 2，改动数字 1 处；"
                       "已豁免 1（不计入核查结果）")

"""``jixiao`` command line: a CI-style gate for budget performance forms.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above --fail-on;
2 usage error or an input that could not be read (after checking the others).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

import typer

from checker import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="jixiao 绩效: 核查预算绩效自评表、评分表、目标表的勾稽关系与得分。")


class Format(str, Enum):
    text = "text"
    json = "json"
    html = "html"
    csv = "csv"
    sarif = "sarif"
    junit = "junit"
    csv_files = "csv-files"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    never = "never"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class SplitBy(str, Enum):
    project = "project"
    department = "department"


def _load_baseline(compare: Path | None, fail_on_new: bool):
    """The --compare report's findings, read before the run so a bad path costs nothing."""
    from checker.compare import BaselineError, load_baseline

    if compare is None:
        if fail_on_new:
            typer.echo("jixiao: --fail-on-new 需要与 --compare 一起使用", err=True)
            raise typer.Exit(2)
        return None
    try:
        return load_baseline(compare)
    except BaselineError as exc:
        typer.echo(f"jixiao: {exc}", err=True)
        raise typer.Exit(2) from None


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@app.command()
def check(
    paths: list[str] = typer.Argument(..., help="文件或目录（递归）"),
    format: Format = typer.Option(Format.text, "--format", "-f", help="输出格式"),
    output: Path | None = typer.Option(None, "--output", "-o", help="写入文件而不是标准输出"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="达到该级别即以 1 退出"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="消息语言"),
    profile: str | None = typer.Option(None, "--profile", help="评分配置 YAML"),
    select: list[str] | None = typer.Option(None, "--select", help="只运行这些规则或类别 (IND,SUM.TOTAL_WEIGHT)"),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="不运行这些规则或类别"),
    annotate: Path | None = typer.Option(None, "--annotate", help="把 Excel 输入的批注副本写到该目录（不改动原文件）"),
    # --- reports: resubmissions, send-back, big HTML -------------------------------------------
    compare: Path | None = typer.Option(None, "--compare", help="与上次的 JSON 报告比对：标出新增、遗留、已修正"),
    fail_on_new: bool = typer.Option(False, "--fail-on-new", help="只有新增问题才使核查不通过（需 --compare）"),
    split_by: tuple[SplitBy, Path] | None = typer.Option(
        None, "--split-by", metavar="project|department DIR", help="每个项目或主管部门一份报告，写到 DIR（附索引页）"),
    html_max_mb: float = typer.Option(5.0, "--html-max-mb", help="HTML 超过该大小（MB）时改写为索引页加分页目录"),
    # ---------------------------------------------------------------------------------------------
) -> None:
    """核查 PATHS 中的表格并报告所有不一致之处。"""
    started = datetime.now(UTC)
    from checker.engine import check as run
    from checker.gate import passed
    from checker.profile import ProfileError, load_profile

    try:
        prof = load_profile(profile)
    except ProfileError as exc:
        typer.echo(f"jixiao: {exc}", err=True)
        raise typer.Exit(2)
    baseline = _load_baseline(compare, fail_on_new)
    result = run(paths, prof, lang.value, _split(select), _split(ignore))
    result.fail_on = fail_on.value
    # --- reports: comparison, output, send-back ----------------------------------------------------
    from checker.compare import compare as compare_findings
    from checker.compare import gate_view
    from reports.outputs import write_report

    result.extra["started"] = started
    if annotate:  # the report says which Excel inputs get no annotated copy
        from reports.annotate_xlsx import skipped_inputs
        result.extra["no_annotated_copy"] = skipped_inputs(result)
    if baseline is not None:
        result.extra["comparison"] = compare_findings(result.findings, baseline, str(compare), fail_on_new)
    write_report(result, format.value, output, int(html_max_mb * 1_000_000))
    if annotate:
        from reports.annotate_xlsx import annotate as write_annotated
        from reports.annotate_xlsx import skipped_inputs, skipped_note
        for written in write_annotated(result, str(annotate)):
            typer.echo(f"jixiao: 已写出批注副本 {written}", err=True)
        for path in skipped_inputs(result):
            typer.echo(f"jixiao: {skipped_note(path, result.lang)}", err=True)
    if split_by:
        from reports.split import write_split
        written = write_split(result, split_by[1], split_by[0].value)
        reports = sum(p.suffix == ".html" for p in written[1:])
        typer.echo(f"jixiao: 已写出 {reports} 份退回报告，索引 {written[0]}", err=True)
    # -------------------------------------------------------------------------------------------------
    for s in result.files:
        if s.status == "unreadable":
            typer.echo(f"{s.path}: {s.error_message}", err=True)
    if output and format != Format.text:
        from reports.text import summary_line
        typer.echo(summary_line(result), err=True)
    if any(s.status == "unreadable" for s in result.files) or not result.files:
        if not result.files:
            typer.echo("jixiao: 没有找到可核查的文件", err=True)
        raise typer.Exit(2)
    raise typer.Exit(0 if passed(gate_view(result)) else 1)


@app.command()
def rules(rule_id: str | None = typer.Argument(None, help="规则编号或类别，如 IND.OVERSCORE 或 SUM"),
          lang: Lang = typer.Option(Lang.zh, "--lang", help="说明语言")) -> None:
    """列出规则及其说明（含反例与正例）。"""
    from rules import load_all
    from rules.docs import catalog, document

    if not rule_id:
        sys.stdout.write(catalog(lang.value))
        return
    chosen = [r for r in sorted(load_all().values(), key=lambda r: r.id)
              if r.id == rule_id.upper() or r.family == rule_id.upper()]
    if not chosen:
        typer.echo(f"jixiao: 没有规则或类别 {rule_id}", err=True)
        raise typer.Exit(2)
    sys.stdout.write("\n".join(document(r, lang.value) for r in chosen))


@app.command()
def inspect(
    path: str = typer.Argument(..., help="一个表格文件"),
    format: str = typer.Option("text", "--format", "-f", help="text 或 json"),
) -> None:
    """显示 jixiao 如何读取一张表：栏目对照、层级与分值、每项指标及其单元格位置、资金。"""
    from rich.console import Console

    from checker.grid import UnreadableInput
    from checker.inspect import inspect_file, render_json, render_text

    if format not in ("text", "json"):
        typer.echo(f"jixiao: --format 只能是 text 或 json，而不是 {format}", err=True)
        raise typer.Exit(2)
    try:
        data = inspect_file(path)
    except UnreadableInput as exc:
        typer.echo(f"{path}: {exc}", err=True)
        raise typer.Exit(2) from exc
    if format == "json":
        sys.stdout.write(render_json(data))
    else:
        render_text(data, Console(width=160))


@app.command()
def version() -> None:
    """显示版本。"""
    typer.echo(f"jixiao {__version__}")


def main() -> None:  # pragma: no cover
    app()

"""``jixiao`` command line: a CI-style gate for budget performance forms.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above --fail-on;
2 a usage error (checked before any file is read), an input that could not be read or was
skipped for cause, or nothing to check (every other file is still checked).

``check`` runs in three steps, each a small function, so a new option is one parameter plus
a line in the step that uses it: ``_plan`` (options + config file → a checked ``Plan``, or
a usage error), ``_run`` (the engine, with a progress bar), ``_emit`` (reports, exit code).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

import typer

from checker import __version__
from checker.cli_zh import install as _chinese_cli_words

_chinese_cli_words()   # click's and typer's own messages ("Missing argument" …) in Chinese

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
    summary_csv = "summary-csv"
    letter = "letter"


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


class LetterBy(str, Enum):
    unit = "unit"
    department = "department"


class Executor(str, Enum):
    local = "local"
    dask = "dask"


class UsageError(Exception):
    """A problem with the command line or its files, found before anything is checked."""


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@dataclass
class Plan:
    """Everything ``check`` will do, with the config file and the flags already merged."""
    paths: list[str]
    format: str = "text"
    output: Path | None = None
    fail_on: str = "error"
    lang: str = "zh"
    profile: object = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    annotate: Path | None = None
    quiet: bool = False
    options: object = None          # checker.engine.RunOptions
    extra: dict = field(default_factory=dict)   # room for options added later (reports …)


@app.command()
def check(
    paths: list[str] = typer.Argument(..., help="文件或目录（递归，目录中的每个文件都会列出）"),
    format: Format = typer.Option(Format.text, "--format", "-f", help="输出格式"),
    output: Path | None = typer.Option(None, "--output", "-o", help="写入文件而不是标准输出"),
    fail_on: FailOn | None = typer.Option(None, "--fail-on", help="达到该级别即以 1 退出（默认 error）"),
    lang: Lang | None = typer.Option(None, "--lang", help="消息语言（默认 zh）"),
    profile: str | None = typer.Option(None, "--profile", help="评分配置 YAML"),
    select: list[str] | None = typer.Option(None, "--select", help="只运行这些规则或类别 (IND,SUM.TOTAL_WEIGHT)"),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="不运行这些规则或类别"),
    annotate: Path | None = typer.Option(None, "--annotate", help="把 Excel 输入的批注副本写到该目录（不改动原文件）"),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="并行读取的工作进程数（默认：全部 CPU 核）"),
    executor: Executor | None = typer.Option(None, "--executor", help="local（本机进程）或 dask（集群）"),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask 调度器地址，如 tcp://10.0.0.5:8786"),
    skip_unsupported: bool | None = typer.Option(None, "--skip-unsupported/--no-skip-unsupported",
                                                 help="不支持的文件类型只列出为已跳过，不使核查失败"),
    limit: list[str] | None = typer.Option(None, "--limit", help="限值 NAME=VALUE，如 per-file-seconds=120"),
    config: Path | None = typer.Option(None, "--config", help="配置文件（默认从当前目录向上查找 jixiao.toml）"),
    no_config: bool = typer.Option(False, "--no-config", help="不读取任何配置文件"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条"),
    # --- reports: resubmissions, send-back, big HTML -------------------------------------------
    compare: Path | None = typer.Option(None, "--compare", help="与上次的 JSON 报告比对：标出新增、遗留、已修正"),
    fail_on_new: bool = typer.Option(False, "--fail-on-new", help="只有新增问题才使核查不通过（需 --compare）"),
    split_by: tuple[SplitBy, Path] | None = typer.Option(
        None, "--split-by", metavar="project|department DIR", help="每个项目或主管部门一份报告，写到 DIR（附索引页）"),
    html_max_mb: float = typer.Option(5.0, "--html-max-mb", help="HTML 超过该大小（MB）时改写为索引页加分页目录"),
    ledger: Path | None = typer.Option(None, "--ledger", help="预算系统导出的账表（CSV/xlsx），与表中资金核对"),
    statistics: bool = typer.Option(False, "--statistics", help="在终端按规则统计问题数"),
    # --- a reviewer's round: waivers, send-back letters ---------------------------------------
    waivers: Path | None = typer.Option(None, "--waivers", help="豁免清单（默认：配置文件旁或当前目录的 jixiao-waivers.toml）"),
    letter_by: LetterBy = typer.Option(LetterBy.unit, "--letter-by", help="--format letter：每个实施单位或主管部门一份整改通知"),
) -> None:
    """核查 PATHS 中的表格并报告所有不一致之处。"""
    flags = dict(paths=paths, format=format.value, output=output, fail_on=fail_on and fail_on.value,
                 lang=lang and lang.value, profile=profile, select=_split(select), ignore=_split(ignore),
                 annotate=annotate, jobs=jobs, executor=executor and executor.value, scheduler=scheduler,
                 skip_unsupported=skip_unsupported, limit=limit or [], config=config, no_config=no_config,
                 quiet=quiet, compare=compare, fail_on_new=fail_on_new,
                 split_by=(split_by[0].value, split_by[1]) if split_by else None, html_max_mb=html_max_mb,
                 ledger=ledger, statistics=statistics,
                 waivers=waivers, letter_by=letter_by.value)
    _check_flags(flags)


def _check_flags(flags: dict) -> None:
    """``check`` with its options gathered (``letter`` runs it too): plan, run, emit, exit."""
    try:
        plan = _plan(flags)
    except UsageError as exc:
        _fail(str(exc))
    try:
        result = _run(plan)
        code = _emit(plan, result)
    except Exception as exc:  # a bug in jixiao: exit 2, never 1 (the code for "findings")
        _internal_error(exc)
    finally:
        if hasattr(plan.options.scheduler, "close"):  # the Dask client opened by _plan
            plan.options.scheduler.close()
    raise typer.Exit(code)


def _internal_error(exc: Exception) -> None:
    from checker.inputs import display_name

    typer.echo(f"jixiao: 内部错误（{type(exc).__name__}: {display_name(' '.join(str(exc).split()))}），"
               "请附上输入文件报告此问题（设置 JIXIAO_DEBUG=1 可显示详细信息）", err=True)
    if os.environ.get("JIXIAO_DEBUG"):
        import traceback
        traceback.print_exception(exc, file=sys.stderr)
    raise typer.Exit(2)


def _fail(message: str) -> None:
    for line in message.splitlines():
        typer.echo(f"jixiao: {line}", err=True)
    raise typer.Exit(2)


# ---------------------------------------------------------------- plan: options, config, checks


def _plan(flags: dict) -> Plan:
    from checker.engine import RunOptions, with_severity
    from checker.executors import make_limits
    from checker.selection import UnknownRuleError, canonical, canonical_severity, ignorable
    from checker.settings import SettingsError, config_path, limits_from, load_settings

    try:
        cfg = load_settings(config_path(flags["config"] and str(flags["config"]), flags["no_config"]))
        limits = {**cfg.limits, **limits_from(_limit_flags(flags["limit"]), "--limit")}
        select = canonical(_pick(flags["select"], cfg.select), "--select")
        ignore = ignorable(_pick(flags["ignore"], cfg.ignore), "--ignore")
        prof = _profile(_pick(flags["profile"], cfg.profile))
        prof = with_severity(prof, canonical_severity(prof.severity, f"{prof.name}: severity"))
    except (SettingsError, UnknownRuleError) as exc:
        raise UsageError(str(exc)) from exc
    plan = Plan(paths=flags["paths"], format=flags["format"], output=flags["output"],
                fail_on=_pick(flags["fail_on"], cfg.fail_on, "error"), lang=_pick(flags["lang"], cfg.lang, "zh"),
                profile=with_severity(prof, cfg.severity), select=select, ignore=ignore,
                annotate=flags["annotate"], quiet=flags["quiet"])
    kind = _pick(flags["executor"], cfg.executor, "local")
    plan.options = RunOptions(
        jobs=_pick(flags["jobs"], cfg.jobs, os.cpu_count() or 1), executor=kind,
        scheduler=_pick(flags["scheduler"], cfg.scheduler), limits=make_limits(limits),
        skip_unsupported=bool(_pick(flags["skip_unsupported"], cfg.skip_unsupported, False)),
        per_path=cfg.per_path)
    _check_executor(plan.options)
    plan.options.ledger = _ledger(flags.get("ledger"))
    if plan.format == "letter":
        _check_letter_dir(plan.output)
    _check_outputs(plan, flags["split_by"])
    plan.extra = {"baseline": _load_baseline(flags["compare"], flags["fail_on_new"]), "compare": flags["compare"],
                  "fail_on_new": flags["fail_on_new"], "split_by": flags["split_by"],
                  "html_max_bytes": int(flags["html_max_mb"] * 1_000_000), "statistics": flags.get("statistics", False)}
    plan.extra.update(_round_extras(flags, cfg))
    return plan


def _ledger(path: Path | None):
    """The --ledger file read before the run, so a bad ledger costs nothing (exit 2, one line)."""
    if path is None:
        return None
    from checker.ledger import LedgerError, read_ledger

    try:
        return read_ledger(str(path))
    except LedgerError as exc:
        raise UsageError(str(exc)) from None


def _load_baseline(compare: Path | None, fail_on_new: bool):
    """The --compare report's findings, read before the run so a bad path costs nothing."""
    from checker.compare import BaselineError, load_baseline

    if compare is None:
        if fail_on_new:
            raise UsageError("--fail-on-new 需要与 --compare 一起使用")
        return None
    try:
        return load_baseline(compare)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None


def _pick(*values):
    """The first value that was given: a flag, then the config file, then the default."""
    return next((v for v in values if v is not None), None)


def _limit_flags(items: list[str]) -> dict:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--limit {item!r}: 应写成 NAME=VALUE，如 per-file-seconds=120")
        try:
            out[name.strip()] = int(value)
        except ValueError:
            try:
                out[name.strip()] = float(value)
            except ValueError:
                raise UsageError(f"--limit {item!r}: {value!r} 不是数字") from None
    return out


def _profile(path: str | None):
    from checker.profile import ProfileError, load_profile

    if path is not None:
        _readable_text(path, "评分配置")
    try:
        return load_profile(path)
    except ProfileError as exc:
        raise UsageError(str(exc)) from exc
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError, OverflowError) as exc:
        # a YAML of the wrong shape
        detail = " ".join(str(exc).split())[:120]
        raise UsageError(f"{path}: 评分配置格式有误（{type(exc).__name__}: {detail}）") from exc


YAML_MAX_DEPTH, YAML_MAX_ALIASES = 64, 100


def _readable_text(path: str, what: str) -> None:
    """A profile jixiao can load without being made to hang or blow up: a small regular UTF-8
    file whose YAML nests at most 64 deep and repeats no anchor past 100 times (an alias bomb)."""
    import yaml

    from checker.settings import SettingsError, read_small_file

    try:
        text = read_small_file(path, what).decode("utf-8-sig")
    except SettingsError as exc:
        raise UsageError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: {what}不是 UTF-8 编码") from exc
    depth = aliases = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            aliases += isinstance(event, yaml.AliasEvent)
            if depth > YAML_MAX_DEPTH or aliases > YAML_MAX_ALIASES:
                raise UsageError(f"{path}: {what}嵌套过深或别名过多，不予读取")
    except yaml.YAMLError:
        raise UsageError(f"{path}: {what}不是有效的 YAML") from None


def _check_executor(opts) -> None:
    if opts.executor != "dask":
        return
    if not opts.scheduler:
        raise UsageError("--executor dask 需要 --scheduler 地址（如 tcp://10.0.0.5:8786）")
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--executor dask 需要安装 dask[distributed]（pip install 'jixiao[dask]'）") from None
    try:  # connect now, so an unreachable cluster is a usage error before anything is read
        opts.scheduler = Client(opts.scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"--scheduler {opts.scheduler}: 无法连接 Dask 调度器（{type(exc).__name__}: {exc}）") from None


def _check_outputs(plan: Plan, split_by) -> None:
    """Every output checked before anything is read: -o is no input (named, found in a folder,
    or reached through a symlink or hard link), and each output folder is a writable directory."""
    from checker.inputs import expand
    from reports.plan import OutputError, Planner, check_folder

    inputs = [i.path for i in expand(plan.paths) if i.skip not in ("missing",)]
    if plan.format != "letter":   # letters go to a folder (_check_letter_dir), -o is no report file
        _check_output(plan.output, Planner(inputs))
    if plan.format == "html" and plan.output is not None:
        _check_pages_folder(plan.output, inputs)
    try:
        if plan.annotate is not None:
            check_folder(plan.annotate, "--annotate", "批注副本")
        if split_by:
            check_folder(split_by[1], "--split-by", "退回报告")
    except OutputError as exc:
        raise UsageError(str(exc)) from None


def _check_pages_folder(output: Path, inputs: list[str]) -> None:
    """A large HTML report is split into pages in ``<stem>_files`` beside -o: a folder that holds
    an input is not written into (a page could take an input's name, and the next run read it)."""
    from reports.html import pages_folder

    folder = os.path.realpath(pages_folder(output))
    inside = next((i for i in inputs if os.path.realpath(i).startswith(folder + os.sep)), None)
    if inside is not None:
        raise UsageError(f"-o {output}: 分页目录 {pages_folder(output)} 中有输入文件（{inside}），"
                         "jixiao 不会在其中写入报告页；请换一个报告文件名")


def _check_output(output: Path | None, inputs) -> None:
    if output is None:
        return
    if output.is_dir():
        raise UsageError(f"-o {output}: 是一个目录，请给出报告的文件名")
    if inputs.is_input(output):
        raise UsageError(f"-o {output}: 这是一个输入文件，jixiao 不会覆盖输入")
    if output.exists() and not output.is_file():  # /dev/null, /dev/stdout, a pipe: written in place
        if not os.access(output, os.W_OK):
            raise UsageError(f"-o {output}: 不可写")
        return
    parent = Path(os.path.realpath(output)).parent
    if not parent.is_dir():
        raise UsageError(f"-o {output}: 目录 {parent} 不存在")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"-o {output}: 目录 {parent} 不可写")


# ---------------------------------------------------------------- run


def _run(plan: Plan):
    from checker.compare import compare
    from checker.engine import check as run_check

    started = datetime.now(UTC)
    with _progress(plan.quiet) as (on_start, on_file):
        plan.options.on_start, plan.options.on_file = on_start, on_file
        result = run_check(plan.paths, plan.profile, plan.lang, plan.select, plan.ignore, options=plan.options)
    result.fail_on = plan.fail_on
    result.extra["started"] = started
    if plan.extra.get("waivers"):
        from checker.waivers import attach as attach_waivers
        attach_waivers(result, *plan.extra["waivers"])
    if plan.extra["baseline"] is not None:
        result.extra["comparison"] = compare(result.findings, plan.extra["baseline"], str(plan.extra["compare"]),
                                             plan.extra["fail_on_new"])
        from checker.compare import attach_figure_changes
        attach_figure_changes(result, plan.extra.get("baseline_figures"))
    if plan.annotate:  # the report says which Excel inputs get no annotated copy
        from reports.annotate_xlsx import skipped_inputs
        result.extra["no_annotated_copy"] = skipped_inputs(result)
    return result


class _progress:
    """A progress bar on stderr when it is a terminal (never with -q or when piped)."""

    def __init__(self, quiet: bool):
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            # refreshed from the main thread only: workers are forked, and a refresh thread would be copied mid-lock
            self.bar = Progress("核查", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), auto_refresh=False, transient=True)
        self.task = None

    def __enter__(self):
        if self.bar is None:
            return None, None
        self.bar.start()
        return self.start, self.advance

    def start(self, total: int) -> None:
        self.task = self.bar.add_task("", total=total)
        self.bar.refresh()

    def advance(self, _outcome) -> None:
        self.bar.advance(self.task)
        self.bar.refresh()

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


# ---------------------------------------------------------------- emit


def _emit(plan: Plan, result) -> int:
    from checker.compare import gate_view
    from checker.gate import exit_code, file_failed
    from reports.outputs import write_report

    outputs = _plan_outputs(plan, result)   # every path named before anything is written
    try:
        if plan.format == "letter":
            _letters(plan, result)
        else:
            with _utf8_stdout() as stream:
                write_report(result, plan.format, plan.output, plan.extra["html_max_bytes"], stream)
    except OSError as exc:
        typer.echo(f"jixiao: -o {plan.output}: 无法写出报告（{exc.strerror or exc}）", err=True)
        return 2
    code = exit_code(gate_view(result))
    if plan.annotate and not _annotate(plan, result, outputs["annotate"]):
        code = 2
    if plan.extra["split_by"] and not _split_reports(result, *plan.extra["split_by"], outputs["planner"]):
        code = 2
    failed = [s for s in result.files if file_failed(s, result.skip_unsupported)]
    for s in failed:
        typer.echo(f"{s.path}: {s.error_message}", err=True)
    if not failed and not any(s.status in ("checked", "unrecognised") for s in result.files):
        typer.echo("jixiao: 没有找到可核查的文件", err=True)
    if plan.output and plan.format != "text":
        from reports.text import summary_line
        typer.echo(summary_line(result), err=True)
    if plan.extra.get("statistics"):   # counts per rule, on the terminal (stderr when stdout holds a report)
        from reports.summary import statistics
        typer.echo(statistics(result), nl=False, err=plan.output is None and plan.format != "text")
    return code


class _utf8_stdout:
    """Standard output as UTF-8 text whatever the terminal's locale says (reports carry only
    escaped file names)."""

    def __enter__(self):
        buffer = getattr(sys.stdout, "buffer", None)
        sys.stdout.flush()
        self.stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="") if buffer is not None else sys.stdout
        return self.stream

    def __exit__(self, *exc):
        self.stream.flush()
        if self.stream is not sys.stdout:
            self.stream.detach()   # leave sys.stdout's buffer open
        return False


def _plan_outputs(plan: Plan, result) -> dict:
    """One planner for the run's outputs: the inputs and -o are taken, so no annotated copy or
    split report can be written over them or over each other (``reports.plan``)."""
    from reports.annotate_xlsx import plan_targets
    from reports.plan import Planner

    planner = Planner([s.real_path for s in result.files], [plan.output] if plan.output else [])
    targets = plan_targets(_with_real_names(result), plan.annotate, planner) if plan.annotate else {}
    return {"planner": planner, "annotate": targets}


def _split_reports(result, by: str, folder: Path, planner) -> bool:
    from checker.inputs import display_name
    from reports.split import write_split

    try:
        written = write_split(result, folder, by, planner)
    except (OSError, ValueError) as exc:
        typer.echo(f"jixiao: --split-by {folder}: 无法写出退回报告（{display_name(_one_line(exc))}）", err=True)
        return False
    reports = sum(p.suffix == ".html" for p in written[1:])
    typer.echo(f"jixiao: 已写出 {reports} 份退回报告，索引 {display_name(str(written[0]))}", err=True)
    return True


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename or ''}: {exc.strerror}".lstrip(": ")
    return " ".join(str(exc).split())


def _annotate(plan: Plan, result, targets: dict) -> bool:
    from checker.inputs import display_name
    from reports.annotate_xlsx import annotate as write_annotated
    from reports.plan import record

    written = []
    try:
        written = write_annotated(_with_real_names(result), str(plan.annotate), targets=targets)
    except (OSError, ValueError) as exc:
        typer.echo(f"jixiao: --annotate {plan.annotate}: 无法写出批注副本（{display_name(_one_line(exc))}）", err=True)
        return False
    finally:
        if written:
            with contextlib.suppress(OSError):
                record(plan.annotate, [Path(p) for p in written])
    for path in written:
        typer.echo(f"jixiao: 已写出批注副本 {display_name(str(path))}", err=True)
    from reports.annotate_xlsx import skipped_note
    for path in result.extra.get("no_annotated_copy", []):
        typer.echo(f"jixiao: {skipped_note(path, result.lang)}", err=True)
    return True


def _with_real_names(result):
    """The result as the annotator needs it: files under their real names, so one whose name
    is not valid UTF-8 (shown escaped everywhere else) can still be opened and copied."""
    from dataclasses import replace

    real = {s.path: s.source for s in result.files if s.source}
    if not real:
        return result
    files = [replace(s, path=s.real_path) for s in result.files]
    findings = result.findings.assign(file=result.findings["file"].map(lambda f: real.get(f, f)))
    return replace(result, files=files, findings=findings)


# ---------------------------------------------------------------- other commands


@app.command()
def rules(rule_id: str | None = typer.Argument(None, help="规则编号或类别，如 IND.OVERSCORE 或 SUM"),
          lang: Lang = typer.Option(Lang.zh, "--lang", help="说明语言")) -> None:
    """列出规则及其说明（含反例与正例）。"""
    from checker.selection import UnknownRuleError, matching
    from rules.docs import catalog, document

    if not rule_id:
        _stdout_text(catalog(lang.value))
        return
    try:
        chosen = matching(rule_id, "rules")
    except UnknownRuleError as exc:
        _fail(str(exc))
    _stdout_text("\n".join(document(r, lang.value) for r in sorted(chosen, key=lambda r: r.id)))


@app.command()
def inspect(
    path: str = typer.Argument(..., help="一个表格文件"),
    format: str = typer.Option("text", "--format", "-f", help="text 或 json"),
    limit: list[str] | None = typer.Option(None, "--limit", help="限值 NAME=VALUE，与 check 相同"),
    config: Path | None = typer.Option(None, "--config", help="配置文件（读取其中的 [limits]）"),
    no_config: bool = typer.Option(False, "--no-config", help="不读取任何配置文件"),
) -> None:
    """显示 jixiao 如何读取一张表：栏目对照、层级与分值、每项指标及其单元格位置、资金。"""
    from rich.console import Console

    from checker.executors import BoundedCallError, make_limits
    from checker.grid import SkippedInput, UnreadableInput
    from checker.inputs import display_name
    from checker.inspect import inspect_bounded, render_json, render_text
    from checker.settings import SettingsError, config_path, limits_from, load_settings

    if format not in ("text", "json"):
        _fail(f"--format 只能是 text 或 json，而不是 {format}")
    try:  # the same limits as check: the config file's, then --limit
        cfg = load_settings(config_path(config and str(config), no_config))
        limits = make_limits({**cfg.limits, **limits_from(_limit_flags(limit or []), "--limit")})
    except (SettingsError, UsageError) as exc:
        _fail(str(exc))
    try:
        data = inspect_bounded(path, limits)
    except (UnreadableInput, SkippedInput, BoundedCallError) as exc:
        _fail(f"{display_name(path)}: {exc}")
    if format == "json":
        _stdout_text(render_json(data))
    else:
        render_text(data, Console(width=160))


def _stdout_text(text: str) -> None:
    with _utf8_stdout() as stream:
        stream.write(text)


# ---------------------------------------------------------------- a reviewer's round: waivers, letters, figures


def _round_extras(flags: dict, cfg) -> dict:
    """What ``check`` needs for a reviewer's round: the waivers in force, the baseline's figures
    (for ``--compare``), the letter settings."""
    from checker.compare import BaselineError, load_figures
    from checker.waivers import WaiverError, load_waivers, path_for_check

    out = {"letter_by": flags.get("letter_by", "unit"), "letter": getattr(cfg, "letter", {}) or {},
           "letter_pdf": flags.get("letter_pdf", True)}
    path = path_for_check(flags.get("waivers"), cfg.source or None)
    if flags.get("waivers") is None and getattr(cfg, "waivers", None):   # named in jixiao.toml: none yet is no waiver
        path = Path(cfg.waivers) if Path(cfg.waivers).exists() else None
    try:
        out["waivers"] = (path, load_waivers(path)) if path is not None else None
        out["baseline_figures"] = load_figures(flags["compare"]) if flags.get("compare") else None
    except (WaiverError, BaselineError) as exc:
        raise UsageError(str(exc)) from None
    return out


def _check_letter_dir(folder: Path | None) -> None:
    if folder is None:
        raise UsageError("--format letter 需要 -o 目录（每个单位一份整改通知写入该目录）")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: 不是目录（--format letter 把整改通知写入一个目录）")
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("."))
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise UsageError(f"-o {folder}: 目录 {existing} 不可写")


def _letters(plan: Plan, result) -> None:
    from reports.letter import write_letters

    out = write_letters(result, plan.output, plan.extra["letter_by"], plan.extra["letter"],
                        pdf=plan.extra.get("letter_pdf", True))
    for path in out.written:
        typer.echo(f"jixiao: 已写出整改通知 {path}", err=True)
    if out.pdf_note:
        typer.echo(f"jixiao: {out.pdf_note}", err=True)
    if not out.letters:
        typer.echo("jixiao: 没有需要整改的问题，未写出整改通知", err=True)


@app.command()
def letter(
    paths: list[str] = typer.Argument(..., help="文件或目录"),
    output: Path = typer.Option(..., "--output", "-o", help="整改通知写入的目录"),
    letter_by: LetterBy = typer.Option(LetterBy.unit, "--letter-by", help="每个实施单位（unit）或主管部门（department）一份"),
    waivers: Path | None = typer.Option(None, "--waivers", help="豁免清单（已豁免的问题不写入整改通知）"),
    profile: str | None = typer.Option(None, "--profile", help="评分配置 YAML"),
    select: list[str] | None = typer.Option(None, "--select", help="只运行这些规则或类别"),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="不运行这些规则或类别"),
    config: Path | None = typer.Option(None, "--config", help="配置文件（[letter] 表给出文号、日期、联系人、落款）"),
    no_config: bool = typer.Option(False, "--no-config", help="不读取任何配置文件"),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="同时用 Chromium 打印 PDF 版（默认是）"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条"),
) -> None:
    """每个实施单位或主管部门写一份整改通知（.docx 与 PDF），列出每个问题的表、指标、单元格、填报值、应为与理由。"""
    flags = dict(paths=paths, format="letter", output=output, fail_on="never", lang="zh", profile=profile,
                 select=_split(select), ignore=_split(ignore), annotate=None, jobs=None, executor=None, scheduler=None,
                 skip_unsupported=None, limit=[], config=config, no_config=no_config, quiet=quiet, compare=None,
                 fail_on_new=False, split_by=None, html_max_mb=5.0, waivers=waivers, letter_by=letter_by.value,
                 letter_pdf=pdf)
    _check_flags(flags)


@app.command()
def waive(
    fingerprint: str | None = typer.Argument(None, help="问题的指纹（JSON 报告的 fingerprint，CSV 的 指纹）"),
    reason: str = typer.Option(..., "--reason", help="豁免理由（必填）"),
    rule: str | None = typer.Option(None, "--rule", help="按规则编号找问题（与 --file/--report 一起）"),
    file: str | None = typer.Option(None, "--file", help="在该文件的核查结果中找问题"),
    report: Path | None = typer.Option(None, "--report", help="在该 JSON 报告（jixiao check --format json）中找问题"),
    project: str | None = typer.Option(None, "--project", help="项目名称（或其一部分）"),
    indicator: str | None = typer.Option(None, "--indicator", help="指标名称"),
    by: str | None = typer.Option(None, "--by", help="审核人（默认：当前系统用户）"),
    expires: str | None = typer.Option(None, "--expires", help="最后有效日期 YYYY-MM-DD"),
    waivers: Path | None = typer.Option(None, "--waivers", help="豁免清单（默认：配置文件旁或当前目录的 jixiao-waivers.toml）"),
    config: Path | None = typer.Option(None, "--config", help="配置文件"),
    no_config: bool = typer.Option(False, "--no-config", help="不读取任何配置文件"),
) -> None:
    """认可一个问题：写入豁免清单（谁、何时、理由、有效期），此后 check 将其标为已豁免，不计入核查结果。"""
    from checker.waivers import Waiver, WaiverError, add_waiver, current_user, default_path, parse_date

    if not reason.strip():
        _fail("--reason 不能为空：请写明豁免理由")
    try:
        until = parse_date(expires, "--expires")
    except WaiverError as exc:
        _fail(str(exc))
    found = _waived_finding(fingerprint, rule, file, report, project, indicator, config, no_config)
    cfg_source = _config_source(config, no_config)
    target = waivers or (Path(cfg_source.get("waivers")) if cfg_source.get("waivers") else
                         default_path(cfg_source.get("source")))
    from datetime import datetime as _dt
    w = Waiver(fingerprint=found["fingerprint"], reason=" ".join(reason.split()), by=by or current_user(),
               at=_dt.now().astimezone().replace(microsecond=0).isoformat(), expires=until,
               **{k: str(found.get(k, "") or "") for k in ("rule", "file", "project", "section", "indicator",
                                                          "location", "message")})
    try:
        number = add_waiver(target, w)
    except WaiverError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{target}: 无法写入豁免清单（{exc.strerror or exc}）")
    what = " / ".join(x for x in (w.rule, w.project, w.indicator) if x)
    typer.echo(f"{target}: 第 {number} 条豁免：{w.fingerprint}{'（' + what + '）' if what else ''}，理由：{w.reason}")


def _config_source(config: Path | None, no_config: bool) -> dict:
    from checker.settings import SettingsError, config_path, load_settings

    try:
        cfg = load_settings(config_path(config and str(config), no_config))
    except SettingsError as exc:
        _fail(str(exc))
    return {"source": cfg.source or None, "waivers": getattr(cfg, "waivers", None)}


def _waived_finding(fingerprint, rule, file, report, project, indicator, config, no_config) -> dict:
    """The finding a ``waive`` names: looked up in a JSON report or a fresh check of a file, or the
    fingerprint alone when neither is given."""
    from checker.fingerprint import normalise
    from checker.waivers import FINGERPRINT

    if fingerprint is not None and not FINGERPRINT.match(fingerprint.strip()):
        _fail(f"{fingerprint}: 不是 jixiao 的指纹（16 位十六进制，如 3f2a9c0d5e6b7a81）")
    if report is None and file is None:
        if fingerprint is None:
            _fail("请给出问题的指纹，或用 --file/--report 与 --rule、--project、--indicator 指明问题")
        return {"fingerprint": fingerprint.strip(), "rule": (rule or "").upper(), "project": project or "",
                "indicator": indicator or ""}
    candidates = _report_findings(report) if report is not None else _file_findings(file, config, no_config)
    if file is not None and report is not None:
        candidates = [f for f in candidates if f.get("file") == file or Path(str(f.get("file"))).name == Path(file).name]

    def keep(f: dict) -> bool:
        return ((fingerprint is None or f.get("fingerprint") == fingerprint.strip())
                and (rule is None or str(f.get("rule", "")).upper() == rule.strip().upper())
                and (project is None or normalise(project) in normalise(f.get("project", "")))
                and (indicator is None or normalise(f.get("indicator", "")) == normalise(indicator)))

    hits = [f for f in candidates if keep(f)]
    where = report or file
    if not hits:
        _fail(f"{where}: 没有找到符合条件的问题（规则 {rule or '任意'}，项目 {project or '任意'}，指标 {indicator or '任意'}）")
    if len(hits) > 1:
        lines = [f"{where}: 有 {len(hits)} 个问题符合条件，请用指纹指明其中一个："]
        lines += [f"  {f['fingerprint']}  {f.get('location', '')} {f.get('rule', '')} {f.get('project', '')} / "
                  f"{f.get('indicator', '')}" for f in hits[:20]]
        _fail("\n".join(lines))
    return hits[0]


def _report_findings(report: Path) -> list[dict]:
    from checker.compare import BaselineError, load_baseline

    try:
        return load_baseline(report)
    except BaselineError as exc:
        _fail(str(exc))


def _file_findings(file: str, config: Path | None, no_config: bool) -> list[dict]:
    flags = dict(paths=[file], format="text", output=None, fail_on=None, lang=None, profile=None, select=None,
                 ignore=None, annotate=None, jobs=1, executor=None, scheduler=None, skip_unsupported=None, limit=[],
                 config=config, no_config=no_config, quiet=True, compare=None, fail_on_new=False, split_by=None,
                 html_max_mb=5.0, waivers=None, letter_by="unit")
    try:
        plan = _plan(flags)
    except UsageError as exc:
        _fail(str(exc))
    plan.extra["waivers"] = None
    result = _run(plan)
    bad = [s for s in result.files if s.status in ("unreadable", "skipped")]
    if bad:
        _fail(f"{bad[0].path}: {bad[0].error_message}")
    cols = ["rule", "file", "project", "section", "indicator", "location", "message", "fingerprint"]
    return result.findings[cols].to_dict("records")


@app.command(name="waivers")
def list_waivers(
    file: Path | None = typer.Option(None, "--waivers", help="豁免清单（默认：配置文件旁或当前目录的 jixiao-waivers.toml）"),
    config: Path | None = typer.Option(None, "--config", help="配置文件"),
    no_config: bool = typer.Option(False, "--no-config", help="不读取任何配置文件"),
) -> None:
    """列出豁免清单：每条豁免的指纹、规则、项目、指标、理由、审核人、日期与有效期。"""
    from datetime import date

    from checker.waivers import WaiverError, default_path, load_waivers

    src = _config_source(config, no_config)
    path = file or (Path(src["waivers"]) if src.get("waivers") else default_path(src.get("source")))
    if not path.exists():
        typer.echo(f"{path}: 没有豁免清单")
        return
    try:
        items = load_waivers(path)
    except WaiverError as exc:
        _fail(str(exc))
    today = date.today()
    lines = [f"{path}: {len(items)} 条豁免"]
    for w in items:
        what = " / ".join(x for x in (w.rule, w.project, w.indicator) if x)
        state = "已过期" if w.expired(today) else (f"有效至 {w.expires.isoformat()}" if w.expires else "长期有效")
        lines.append(f"{w.number}. {w.fingerprint} {what}：{w.reason}（{w.by or '未署名'}，{w.at[:10]}，{state}）")
    _stdout_text("\n".join(lines) + "\n")


@app.command()
def version() -> None:
    """显示版本。"""
    typer.echo(f"jixiao {__version__}")


def main() -> None:  # pragma: no cover
    app()

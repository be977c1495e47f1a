"""The command line's own words in Chinese: click's and typer's messages ("Missing argument",
"Show this message and exit.", the Options/Arguments panels) are English gettext strings; a reviewer
reading jixiao's Chinese should not meet them.  ``install`` routes click's and typer's ``_`` and
``ngettext`` through ``ZH`` (an unknown string stays as it was) and sets typer's panel titles.
"""

from __future__ import annotations

import importlib
import re

ZH = {
    "Usage:": "用法:",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数: {param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项: {name}",
    "Error: {message}": "错误: {message}",
    "Invalid value: {message}": "取值无效: {message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效: {message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Got unexpected extra argument ({args})": "多余的参数 ({args})",
    "Got unexpected extra arguments ({args})": "多余的参数 ({args})",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值。",
    "Did you mean {possibility}?": "是否指 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否指以下之一: {possibilities}？）",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "integer": "整数", "float": "数字",
    "Aborted!": "已中止！", "Aborted.": "已中止。",
    "default: {default}": "默认: {default}", "required": "必填",
    "[default: {}]": "[默认: {}]", "[required]": "[必填]", "(deprecated) ": "（已弃用）",
    "Arguments": "参数", "Options": "选项", "Commands": "命令", "Error": "错误",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "file": "文件", "directory": "目录", "path": "路径",
}
_PANELS = {"ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options", "COMMANDS_PANEL_TITLE": "Commands",
           "ERRORS_PANEL_TITLE": "Error", "ABORTED_TEXT": "Aborted.", "DEFAULT_STRING": "[default: {}]",
           "REQUIRED_LONG_STRING": "[required]", "DEPRECATED_STRING": "(deprecated) ",
           "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help."}
_MODULES = ("click.core", "click.exceptions", "click.decorators", "click.parser", "click.types", "click.formatting",
            "click.termui", "typer.core", "typer.rich_utils")


def gettext(message: str) -> str:
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


# typer ≥ 0.2x carries its own copy of click with its messages written in; they are translated as
# they are formatted, phrase by phrase.
_PHRASES = [
    (re.compile(r"^Missing argument (.+)\.$"), r"缺少参数 \1。"),
    (re.compile(r"^Missing option (.+)\.$"), r"缺少选项 \1。"),
    (re.compile(r"^Missing parameter:? ?(.*?)\.?$"), r"缺少参数 \1"),
    (re.compile(r"^Invalid value for (.+?): (?:Value error, )?"), r"\1 的取值无效: "),
    (re.compile(r"^Invalid value: "), "取值无效: "),
    (re.compile(r"^No such option: (\S+)"), r"没有选项 \1"),
    (re.compile(r"\(Possible options: (.+)\)$"), r"（是否指 \1？）"),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), r"多余的参数（\1）"),
    (re.compile(r"^Option '(.+)' requires an argument\.$"), r"选项 '\1' 需要一个值。"),
    (re.compile(r"^Option '(.+)' requires (\d+) arguments\.$"), r"选项 '\1' 需要 \2 个值。"),
    (re.compile(r"'([^']*)' is not one of (.+)\.$"), r"'\1' 不是以下之一: \2。"),
    (re.compile(r"'([^']*)' is not a valid integer( range)?\.$"), r"'\1' 不是有效的整数。"),
    (re.compile(r"'([^']*)' is not a valid float( range)?\.$"), r"'\1' 不是有效的数字。"),
    (re.compile(r"(\S+) is not in the range (.+)\.$"), r"\1 不在范围 \2 内。"),
    (re.compile(r"^No such command '(.+)'\.$"), r"没有命令 '\1'。"),
    (re.compile(r"Input should be a valid integer.*$"), "应为整数"),
    (re.compile(r"Input should be a valid number.*$"), "应为数字"),
    (re.compile(r"Input should be greater than or equal to (\S+)$"), r"应不小于 \1"),
]


def translate(text: str) -> str:
    """One message of the command line's own in Chinese (what no phrase covers stays as it was)."""
    for pattern, repl in _PHRASES:
        text = pattern.sub(repl, text)
    return text


def _patch_messages(module) -> None:
    base = getattr(module, "ClickException", None)
    for obj in list(vars(module).values()):
        if isinstance(obj, type) and base is not None and issubclass(obj, base) and "format_message" in vars(obj):
            original = vars(obj)["format_message"]
            if getattr(original, "_zh", False):
                continue

            def format_message(self, _original=original):
                return translate(_original(self))
            format_message._zh = True
            obj.format_message = format_message


def _patch_help_option(core) -> None:
    command = getattr(core, "Command", None)
    original = getattr(command, "get_help_option", None)
    if original is None or getattr(original, "_zh", False):
        return

    def get_help_option(self, ctx):
        opt = original(self, ctx)
        if opt is not None and getattr(opt, "help", None) == "Show this message and exit.":
            opt.help = ZH["Show this message and exit."]
        return opt
    get_help_option._zh = True
    command.get_help_option = get_help_option


def _patch_usage(formatting) -> None:
    formatter = getattr(formatting, "HelpFormatter", None)
    original = getattr(formatter, "write_usage", None)
    if original is None or getattr(original, "_zh", False):
        return

    def write_usage(self, prog, args="", prefix=None):
        return original(self, prog, args, ZH["Usage:"] + " " if prefix is None else prefix)
    write_usage._zh = True
    formatter.write_usage = write_usage


def _vendored() -> None:
    for name, patch in (("typer._click.exceptions", _patch_messages), ("typer._click.core", _patch_help_option),
                        ("typer._click.formatting", _patch_usage), ("click.core", _patch_help_option)):
        try:
            patch(importlib.import_module(name))
        except ImportError:
            continue


def install() -> None:
    _vendored()
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    try:
        from typer import rich_utils
    except ImportError:
        return
    for attr, english in _PANELS.items():
        if hasattr(rich_utils, attr):
            setattr(rich_utils, attr, ZH[english])

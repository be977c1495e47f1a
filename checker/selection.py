"""Rule ids and families as users type them: validated, case-insensitive, never silently ignored.

``--select ind`` means IND; ``--ignore IND.OVERSCOR`` is an error naming IND.OVERSCORE.  The
same check guards a profile's and a config file's ``severity:`` keys, so a misspelt rule can
never make the gate pass by checking nothing.
"""

from __future__ import annotations

import difflib

from rules import Rule, load_all

# A file or table nobody read cannot pass the gate by a setting: these rules are never ignored nor
# graded below error (--ignore, a profile's or a config's severity, per-path).  Naming one is a usage
# error; ignoring or re-grading their family applies to the family's other rules.  (Unreadable files
# and files refused by a limit are not findings but file statuses, which always fail the gate.)
UNSILENCEABLE = ("PARSE.UNRECOGNISED", "PARSE.NO_INDICATORS")


class UnknownRuleError(ValueError):
    """One or more names that are neither a rule id nor a family; the message says each, with
    the nearest valid name."""


class UnsilenceableError(UnknownRuleError):
    """An attempt to ignore or downgrade a rule in ``UNSILENCEABLE``."""


def _refuse(rule_id: str, where: str) -> UnsilenceableError:
    return UnsilenceableError(f"{where}: {rule_id} 不能忽略或降到 error 以下：未能读懂的文件或表格必须使核查不通过")


def _family_without_unsilenceable(name: str) -> list[str] | None:
    """The other rules of a family that holds an unsilenceable rule (None for any other name)."""
    members = sorted(r.id for r in load_all().values() if r.family == name)
    if not any(m in UNSILENCEABLE for m in members):
        return None
    return [m for m in members if m not in UNSILENCEABLE]


def ignorable(names: list[str] | None, where: str) -> list[str] | None:
    """``--ignore`` names, canonical; a family holding an unsilenceable rule stands for its other
    rules; naming an unsilenceable rule is an error."""
    names = canonical(names, where)
    if names is None:
        return None
    out: list[str] = []
    for n in names:
        if n in UNSILENCEABLE:
            raise _refuse(n, where)
        out += _family_without_unsilenceable(n) or [n]
    return out


def known_names() -> dict[str, str]:
    """Upper-case name → canonical name, for every rule id and every family."""
    names: dict[str, str] = {}
    for r in load_all().values():
        names[r.id.upper()] = r.id
        names[r.family.upper()] = r.family
    return names


def canonical(names: list[str] | None, where: str) -> list[str] | None:
    """The canonical spelling of each name; UnknownRuleError naming every unknown one."""
    if names is None:
        return None
    known = known_names()
    out, unknown = [], []
    for raw in names:
        name = str(raw).strip()
        hit = known.get(name.upper())
        if hit:
            out.append(hit)
        else:
            unknown.append(name)
    if unknown:
        raise UnknownRuleError("\n".join(unknown_line(n, where, known) for n in unknown))
    return out


def unknown_line(name: str, where: str, known: dict[str, str] | None = None) -> str:
    known = known or known_names()
    near = difflib.get_close_matches(name.upper(), list(known), n=1, cutoff=0.0)
    hint = f"，是否指 {known[near[0]]}？" if near else ""
    return f"{where}: 未知的规则或类别 {name!r}{hint}"


def canonical_severity(severity: dict, where: str) -> dict[str, str]:
    """A ``severity:`` mapping with canonical keys (unknown keys are an error).  An unsilenceable
    rule may only be named at ``error``; a level for its family applies to the family's other rules."""
    keys = canonical(list(severity), where) or []
    out: dict[str, str] = {}
    for key, level in zip(keys, severity.values()):
        if key in UNSILENCEABLE and level != "error":
            raise _refuse(key, where)
        members = _family_without_unsilenceable(key) if level != "error" else None
        for m in members if members is not None else [key]:
            out[m] = level
    return out


def matching(rule_id: str, where: str = "rules") -> list[Rule]:
    """The rules a ``jixiao rules`` argument names (an id or a family, any case)."""
    name = (canonical([rule_id], where) or [""])[0]
    return [r for r in load_all().values() if r.id == name or r.family == name]

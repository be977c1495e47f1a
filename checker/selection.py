"""Rule ids and families as users type them: validated, case-insensitive, never silently ignored.

``--select ind`` means IND; ``--ignore IND.OVERSCOR`` is an error naming IND.OVERSCORE.  The
same check guards a profile's and a config file's ``severity:`` keys, so a misspelt rule can
never make the gate pass by checking nothing.
"""

from __future__ import annotations

import difflib

from rules import Rule, load_all


class UnknownRuleError(ValueError):
    """One or more names that are neither a rule id nor a family; the message says each, with
    the nearest valid name."""


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
    """A ``severity:`` mapping with canonical keys (unknown keys are an error)."""
    keys = canonical(list(severity), where) or []
    return dict(zip(keys, severity.values()))


def matching(rule_id: str, where: str = "rules") -> list[Rule]:
    """The rules a ``jixiao rules`` argument names (an id or a family, any case)."""
    name = (canonical([rule_id], where) or [""])[0]
    return [r for r in load_all().values() if r.id == name or r.family == name]

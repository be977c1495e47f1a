"""Reading the numbers reviewers write in sentences (评分说明, 评分标准).

Everything returns the words it relied on, so a finding can quote them:
"扣1分", "计2分", "现场询问60位，回答满意的有51人，满意度调查结果为85%".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from checker.lexicon import LEXICON
from checker.values import normalise_text


def _g(section: str, fld: str) -> tuple[str, ...]:
    """The words of one slot of the grammar (checker/lexicon/grammar.yaml)."""
    return LEXICON.words(f"grammar.{section}", fld)


def _alt(words) -> str:
    """Words as one regex alternative, longest first: where two fit, the longer reading wins (扣除 before 扣)."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _any(section: str, fld: str) -> str:
    """One slot of the grammar as a regex alternative."""
    return _alt(_g(section, fld))


# Numbers: digits, or Chinese numerals (values.yaml) with a decimal point ("一点五").
CN_DIGITS = {w: (float(n) if "." in n else int(n)) for n, ws in LEXICON.table("numerals") for w in ws}
_POINT = _g("numbers", "decimal_point")
_TEN = LEXICON.words("numerals", "10")
_DECIMALS = [w for w, n in CN_DIGITS.items() if isinstance(n, int) and n < 10 and w not in _g("numbers", "counting_only")]
_NUM = rf"(\d+(?:\.\d+)?|{_alt(CN_DIGITS)}+(?:{_alt(_POINT)}{_alt(_DECIMALS)}+)?)"
_DEC = r"(\d+(?:\.\d+)?)"
_PTS = _any("points", "unit")
_WAN = _alt(LEXICON.words("scales", "10000"))   # "(万)?元": captured, for the scale
_YUAN = _alt(LEXICON.words("money_units", "1"))


def cn_number(s: str) -> float | None:
    """'0.5' → 0.5, '一' → 1, '十二' → 12, '两' → 2, '一点五' → 1.5, '半' → 0.5."""
    s = s.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    point = next((p for p in _POINT if p in s), None)
    if point:
        whole, frac = s.split(point, 1)
        w = cn_number(whole) if whole else 0
        digits = "".join(str(CN_DIGITS.get(ch, "")) for ch in frac)
        return None if w is None or not digits else float(f"{int(w)}.{digits}")
    if not s or any(ch not in CN_DIGITS for ch in s):
        return None
    ten = next((t for t in _TEN if t in s), None)
    if ten:
        tens, _, ones = s.partition(ten)
        return float((CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0))
    return float(CN_DIGITS[s[0]]) if len(s) == 1 else None   # 一 → 1, 半 → 0.5


@dataclass(frozen=True)
class Points:
    value: float
    words: str


_VERB = rf"{_any('deduct', 'verb')}(?:{_any('deduct', 'particle')})?"   # "扣", "扣除了"
_DEDUCT = re.compile(rf"{_VERB}{_NUM}{_PTS}")
_STATED = re.compile(rf"{_any('points', 'stated')}(?:{_PTS})?{_NUM}{_PTS}")
_NEGATION = _g("points", "negation")
_UNTIL_ZERO = re.compile(_any("deduct", "until_zero"))


_TOTAL_DEDUCT = re.compile(rf"{_any('deduct', 'total')}{_VERB}{_NUM}{_PTS}")


def deductions(text: str) -> list[Points]:
    """The deductions the words make.  "共扣2分（资料不全扣1分，报送不及时扣1分）" states its total
    beside the items: the total counts, not the total and the items."""
    t = normalise_text(text)
    totals = [Points(v, m.group(0)) for m in _TOTAL_DEDUCT.finditer(t) if (v := cn_number(m.group(1))) is not None]
    if totals:
        return totals
    out = []
    for m in _DEDUCT.finditer(t):
        v = cn_number(m.group(1))
        if v is not None:
            out.append(Points(v, m.group(0)))
    return out


def stated_points(text: str) -> list[Points]:
    t = normalise_text(text)
    out = []
    for m in _STATED.finditer(t):
        if t.endswith(_NEGATION, 0, m.start()):  # 不得分
            continue
        v = cn_number(m.group(1))
        if v is not None:
            out.append(Points(v, m.group(0)))
    return out


def floors_at_zero(text: str) -> bool:
    return bool(_UNTIL_ZERO.search(normalise_text(text)))


# --- points a 评分标准 lists --------------------------------------------------
_CIRCLED = {c: str(k) for k, c in enumerate("①②③④⑤⑥⑦⑧⑨⑩", start=1)}
_ITEM_MARK = re.compile(r"(?:^|(?<=[。;\n]))\s*\d{1,2}\s*[.、](?!\d)")
_CONDITION = re.compile(rf"[≥≤<>]|{_any('criteria', 'rank')}\s*\d|{_any('criteria', 'condition')}")
_BONUS = re.compile(rf"({_any('bonus', 'cap')})?{_any('bonus', 'add')}\s*{_DEC}\s*{_PTS}")


def bonus_allowance(text: str) -> float | None:
    """The extra points a scoring rule grants above the item's weight: "…一个加1分，最多加2分" → 2
    (a stated maximum wins), "…的，加1分" → 1; None where the rule grants none."""
    found = [(bool(m.group(1)), float(m.group(2))) for m in _BONUS.finditer(normalise_text(text or ""))]
    if not found:
        return None
    capped = [v for most, v in found if most]
    return max(capped) if capped else max(v for _, v in found)


_ITEM_CAP = re.compile(rf"{_any('item_cap', 'cap')}(?:{_any('item_cap', 'verb')})?\s*{_DEC}\s*{_PTS}")
_DEDUCT_ALL = re.compile(rf"{_any('deduct', 'up_to')}\s*{_DEC}\s*{_PTS}")
_PER_UNIT = re.compile(rf"{_any('criteria', 'per')}[^,。;\n]{{0,20}}?{_any('criteria', 'per_verb')}\s*\d"
                       rf"|{_any('criteria', 'proportional')}|[*×]")
_BONUS_ROW_CAP = re.compile(rf"{_any('bonus_row', 'cap')}(?:{_any('bonus_row', 'verb')})?\s*{_DEC}\s*{_PTS}")


def bonus_maximum(text: str) -> float | None:
    """A 加分项's own stated maximum ("最高得4分" → 4), None where it states none (CAP.BONUS)."""
    m = _BONUS_ROW_CAP.search(text)
    return float(m.group(1)) if m else None


_GRADES = re.compile(_any("criteria", "grade"))


def _tiered(part: str, pts: list[Points]) -> bool:
    """"好得10分，较好得8分，一般得6分": grades of one criterion (two or more grade words, points
    in order), so alternatives, not items to add up."""
    values = [p.value for p in pts]
    ordered = values == sorted(values, reverse=True) or values == sorted(values)
    return ordered and len(set(values)) == len(values) and len(set(_GRADES.findall(part))) >= 2


def _structured(text: str) -> str:
    """NFKC that keeps line breaks and turns ① ② into item marks "1." "2."."""
    t = "".join(f"\n{_CIRCLED[ch]}." if ch in _CIRCLED else ch for ch in text or "")
    return unicodedata.normalize("NFKC", t).replace("\xa0", " ")


def criteria_points(text: str) -> tuple[float, list[str]] | None:
    """Σ of the points the numbered items of a 评分标准 award, or None when unsure.

    Numbered items (1． 2． or ① ②) add up.  Inside an item, points under
    conditions ("≥80%，得2分；80%＞…≥60%，得1分", "第1-3名，得3分") are alternatives,
    so the item counts its best; "最多得6分" caps an item; an item that only deducts
    ("扣2分 … 扣完4分") is worth what it can lose.  Per-unit or proportional wording
    ("每…得2分", "按比例") makes the sum unknowable.
    """
    t = _structured(text).strip()
    if not t or _PER_UNIT.search(t):
        return None
    marks = list(_ITEM_MARK.finditer(t))
    parts = [t[m.start():(marks[i + 1].start() if i + 1 < len(marks) else len(t))] for i, m in enumerate(marks)] or [t]
    total, words = 0.0, []
    for part in parts:
        cap = _ITEM_CAP.search(part)
        if cap:
            total += float(cap.group(1))
            words.append(cap.group(0))
            continue
        pts = stated_points(part)
        if not pts:
            lose = _DEDUCT_ALL.search(part)
            if lose:
                total += float(lose.group(1))
                words.append(lose.group(0))
            continue
        if len(pts) > 1 and (_CONDITION.search(part) or _tiered(part, pts)):
            best = max(pts, key=lambda p: p.value)
            total += best.value
            words.append(best.words)
        else:
            total += sum(p.value for p in pts)
            words += [p.words for p in pts]
    return (total, words) if words else None


# --- stated arithmetic ------------------------------------------------------
@dataclass(frozen=True)
class Claim:
    """A result stated in the text and what its own inputs give."""
    words: str
    stated: float
    computed: float
    decimals: int
    unit: str = ""


def _sat(fld: str) -> str:
    return _any("satisfaction", fld)


def _money(fld: str) -> str:
    return _any("money", fld)


_YUANS = rf"{_DEC}\s*({_WAN})?{_YUAN}"   # "38.4万元": the figure and its 万
_SURVEY = re.compile(
    rf"{_sat('asked')}\D{{0,6}}?(\d+)\s*{_sat('counter')}"
    rf"[^。]{{0,30}}?{_sat('satisfied')}(?:{_sat('particle')})?(?:{_sat('link')})?\D{{0,4}}?(\d+)\s*{_sat('counter')}"
    rf"[^。]{{0,20}}?{_sat('rate')}\D{{0,10}}?{_DEC}\s*%")
_PRODUCT = re.compile(
    rf"{_DEC}\s*({_WAN})?{_YUAN}\s*/\s*{_money('per_head')}(?:{_alt(LEXICON.words('periods'))})?[^。]{{0,40}}?"
    rf"(\d+)\s*{_money('per_head')}[^。]{{0,30}}?{_YUANS}")
_BUDGET_SUM = re.compile(
    rf"(?:{_money('budget_prefix')})?{_money('budget')}\D{{0,4}}?{_YUANS}[^。]*?{_money('raise')}\D{{0,4}}?{_YUANS}")
_ACTUAL = re.compile(rf"{_money('actual')}\D{{0,6}}?{_YUANS}")
# "实际下达预算2596万元，全年度实际总支出2595.6208万元，项目预算执行率99%": the rate a report states.
_EXEC_RATE = re.compile(
    rf"{_money('budget')}\D{{0,6}}?{_YUANS}[^。]{{0,40}}?{_money('spent')}\D{{0,8}}?{_YUANS}"
    rf"[^。]{{0,20}}?{_money('exec_rate')}\D{{0,4}}?{_DEC}\s*%")
_EQUATION = re.compile(
    r"([（(]?\s*\d[\d.\s]*(?:[+×*/÷\-]\s*[（(]?\s*\d[\d.\s]*[)）]?\s*)+(?:[)）]\s*)?(?:[×*]\s*100\s*%)?)"
    r"\s*=\s*(\d+(?:\.\d+)?)\s*(%)?")


def _dec(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def _wan(v: str, wan: str | None) -> float:
    return float(v) * (1e4 if wan else 1)


def claims(text: str) -> list[Claim]:
    t = normalise_text(text)
    out: list[Claim] = []
    for m in _SURVEY.finditer(t):
        asked, happy, rate = float(m.group(1)), float(m.group(2)), m.group(3)
        if asked > 0:
            out.append(Claim(m.group(0), float(rate), happy / asked * 100, _dec(rate), "%"))
    for m in _PRODUCT.finditer(t):
        price, count, amount = _wan(m.group(1), m.group(2)), float(m.group(3)), m.group(4)
        stated = _wan(amount, m.group(5))
        scale = 1e4 if m.group(5) else 1
        out.append(Claim(m.group(0), stated / scale, price * count / scale, _dec(amount), "万元" if scale > 1 else "元"))
    for m in _EXEC_RATE.finditer(t):
        budget, spent, rate = _wan(m.group(1), m.group(2)), _wan(m.group(3), m.group(4)), m.group(5)
        if budget > 0:
            out.append(Claim(m.group(0), float(rate), spent / budget * 100, _dec(rate), "%"))
    for m in _BUDGET_SUM.finditer(t):
        a = _ACTUAL.search(t)
        if a:
            base, extra = _wan(m.group(1), m.group(2)), _wan(m.group(3), m.group(4))
            stated = _wan(a.group(1), a.group(2))
            out.append(Claim(f"{m.group(0)}；{a.group(0)}", stated / 1e4, (base + extra) / 1e4, _dec(a.group(1)), "万元"))
    out += [c for m in _EQUATION.finditer(t) if (c := _equation(m)) is not None]
    return out


def _equation(m: re.Match) -> Claim | None:
    """"a op b … = c": the expression recomputed (digits and operators only), None where it is none."""
    expr = m.group(1).replace("×", "*").replace("÷", "/").replace("（", "(").replace("）", ")")
    percent = "%" in expr
    expr = expr.replace("*100%", "").replace("* 100%", "").replace(" ", "")
    if not re.fullmatch(r"[\d.+\-*/()]+", expr) or not re.search(r"[+\-*/]", expr):
        return None
    try:
        value = eval(expr, {"__builtins__": {}}, {})  # noqa: S307 - digits and operators only, checked above
    except Exception:
        return None
    stated = float(m.group(2))
    if percent:
        value *= 100
    elif m.group(3) and abs(value * 100 - stated) < abs(value - stated):
        value *= 100   # "41/45=91.11%": a ratio written as its percentage, without "×100%"
    return Claim(m.group(0), stated, float(value), _dec(m.group(2)), "%" if m.group(3) else "")


# --- satisfaction rules -----------------------------------------------------
_SAT_RULE = re.compile(   # groups: threshold, stated score (else full marks), step, points per step
    rf"{_DEC}\s*%\s*(?:{_sat('above')})?\D{{0,8}}?(?:{_sat('full')}|{_sat('score_verb')}\s*{_DEC}\s*{_PTS})"
    rf"[^。]{{0,20}}?{_sat('per')}{_sat('drop')}[^。\d]{{0,8}}?{_DEC}\s*(?:{_sat('step')}|%)\s*{_sat('deduct')}\s*{_DEC}\s*{_PTS}")
_SAT_RATE = re.compile(rf"{_sat('rate')}[^。，,;；]{{0,12}}?{_DEC}\s*%")


def satisfaction_rule(method: str, note: str, weight: float) -> Claim | None:
    """"满意度达到90%得满分，每降低1个百分点扣0.2分" with a stated rate → the due score."""
    r = _SAT_RULE.search(normalise_text(method))
    if not r:
        return None
    rates = [float(x) for x in _SAT_RATE.findall(normalise_text(note))]
    if not rates:
        return None
    threshold = float(r.group(1))
    full = float(r.group(2) or weight)
    step, per = float(r.group(3)), float(r.group(4))
    rate = rates[-1]
    due = full if rate >= threshold else max(full - (threshold - rate) / step * per, 0.0)
    return Claim(f"{r.group(0)}；满意度{rate:g}%", due, due, 2)


# --- a total and its breakdown: "共申请资金90万元。其中：30万元…；30万元…；29.99万元…" ---------
_TOTAL = re.compile(rf"{_any('breakdown', 'total')}(?:{_any('breakdown', 'verb')})?\D{{0,8}}?{_YUANS}")
_AMOUNT = re.compile(_YUANS)
_PARTS = re.compile(_any("breakdown", "parts"))


def breakdowns(text: str) -> list[Claim]:
    """A total ("共…X元") followed by "其中" and its parts: the parts must add up to the total.
    The parts run to the end of the text or the next total."""
    t = normalise_text(text)
    out = []
    totals = list(_TOTAL.finditer(t))
    for n, m in enumerate(totals):
        end = totals[n + 1].start() if n + 1 < len(totals) else len(t)
        rest = t[m.end():end]
        head = _PARTS.search(rest)
        if not head or head.start() > 12:
            continue
        parts = list(_AMOUNT.finditer(rest[head.start():]))
        if len(parts) < 2:
            continue
        unit_wan = bool(m.group(2))
        total = _wan(m.group(1), m.group(2))
        computed = sum(_wan(p.group(1), p.group(2)) for p in parts)
        scale = 1e4 if unit_wan else 1.0
        decimals = max([_dec(m.group(1))] + [_dec(p.group(1)) for p in parts])
        words = (m.group(0) + "，" + head.group(0) + "+".join(p.group(0) for p in parts))[:120]
        out.append(Claim(words, total / scale, computed / scale, decimals, "万元" if unit_wan else "元"))
    return out

"""Self-evaluation forms in the layouts of DOMAIN §6, written as text, Excel or Word.

A form is described once — its header words, in the order and rows the layout prints
them, its funds and its indicator rows as field → text — and written in any of three
formats, so one test can assert that the same form read from a tab-separated text, a
workbook and a Word table gives the same column map and the same findings.

These are forms made here, in layouts the seeds do not have; they are not copies of
``../shared/realforms``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_HEADERS = {
    "l1": "一级指标", "l2": "二级指标", "name": "三级指标", "weight": "分值", "target": "年度指标值",
    "actual": "实际完成值", "score": "得分", "review": "复核分", "note": "偏差原因分析及改进措施",
    "op": "指标性质", "unit": "度量单位", "method": "评分标准", "seq": "序号",
}


@dataclass
class Form:
    """One self-evaluation table in a chosen layout."""
    name: str = "测试专项资金"
    year: int = 2024
    department: str = "301-某县卫生健康委员会"
    columns: list[str] = field(default_factory=lambda: ["l1", "l2", "name", "target", "actual", "weight", "score",
                                                        "note"])
    headers: dict[str, str] = field(default_factory=dict)          # field → header word (overrides)
    groups: dict[str, list[str]] = field(default_factory=dict)     # two-row header: parent word → child fields
    funds_header: list[str] | None = None                          # None: the usual 项目资金 header
    funds: list[list[str]] = field(default_factory=lambda: [["年度资金总额", "50", "50", "50", "10", "100%", "10"],
                                                             ["其中：当年财政拨款", "50", "50", "50", "—", "—", "—"]])
    rows: list[dict[str, str]] = field(default_factory=list)       # indicator rows, field → text
    total: dict[str, str] | None = field(default_factory=dict)     # field → text; None: the table stops early
    total_label: str = "总分"
    notes: list[str] = field(default_factory=list)
    funds_label: str = "项目资金（万元）"
    indicator_label: str = "绩效指标"
    period: str = ""                                               # 实施期, printed under the department

    def header_word(self, f: str) -> str:
        return self.headers.get(f, DEFAULT_HEADERS[f])

    def grid(self) -> list[list[str]]:
        """The form as rows of cells, leading "绩效指标" label column included."""
        width = len(self.columns) + 1
        rows: list[list[str]] = [[f"{self.year}年度项目支出绩效自评表"], [f"({self.year}年度)"],
                                 pad(["项目名称", self.name], width), pad(["主管部门", self.department, "实施单位",
                                                                         "某县疾控中心"], width)]
        if self.period:
            rows.append(pad(["实施期", self.period], width))
        fh = self.funds_header or ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
        rows.append(pad([self.funds_label, "", *fh], width))
        rows += [pad(["", *line], width) for line in self.funds]
        rows.append(pad(["年度总体目标", "预期目标", "", "", "实际完成情况"], width))
        rows.append(pad(["", "完成年度任务", "", "", "已完成"], width))
        rows += self._header_rows(width)
        for r in self.rows:
            rows.append(pad(["", *[r.get(f, "") for f in self.columns]], width))
        if self.total is not None:
            rows.append(pad([self.total_label, *[self.total.get(f, "") for f in self.columns]], width))
        rows += [[n] for n in self.notes]
        return rows

    def _header_rows(self, width: int) -> list[list[str]]:
        top, sub = [self.indicator_label], [""]
        grouped = {f: parent for parent, fs in self.groups.items() for f in fs}
        seen: set[str] = set()
        for f in self.columns:
            parent = grouped.get(f)
            if parent is None:
                top.append(self.header_word(f))
                sub.append("")
            else:
                top.append("" if parent in seen else parent)
                seen.add(parent)
                sub.append(self.header_word(f))
        return [pad(top, width)] + ([pad(sub, width)] if self.groups else [])


def pad(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


# --- writers -------------------------------------------------------------------------------
def write(grid: list[list[str]], path: Path) -> Path:
    {".txt": write_txt, ".xlsx": write_xlsx, ".docx": write_docx}[path.suffix](grid, path)
    return path


def write_txt(grid: list[list[str]], path: Path) -> None:
    path.write_text("\n".join("\t".join(r) for r in grid) + "\n", encoding="utf-8")


def write_xlsx(grid: list[list[str]], path: Path) -> None:
    """Numbers stored as numbers with the format that shows them as written (0.9983 → 99.83%)."""
    from openpyxl import Workbook

    from scripts.make_sample_xlsx import typed

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    for r, row in enumerate(grid, start=1):
        for c, text in enumerate(row, start=1):
            if text == "":
                continue
            value, fmt = typed(text)
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"   # "=12次" is text a clerk typed, not a formula
            if fmt:
                cell.number_format = fmt
    wb.save(path)


def write_docx(grid: list[list[str]], path: Path) -> None:
    """Title lines as paragraphs, the rest as one Word table."""
    from docx import Document

    doc = Document()
    start = next((n for n, r in enumerate(grid) if r[0] == "项目名称"),
                 next(n for n, r in enumerate(grid) if len([c for c in r if c]) > 1))
    for row in grid[:start]:
        doc.add_paragraph(row[0])
    body = grid[start:]
    width = max(len(r) for r in body)
    table = doc.add_table(rows=len(body), cols=width)
    for r, row in enumerate(body):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(path)


# --- a read form written again in another layout ----------------------------------------------
def forms_from_result(result, columns: list[str], headers: dict[str, str] | None = None) -> list[Form]:
    """Every self-evaluation table jixiao read, as a ``Form`` in the given column order: the
    seed laid out as another province would print it."""
    forms = []
    for p in result.projects.to_dict("records"):
        pid = p["project_id"]
        sections = result.sections[result.sections["project_id"] == pid]
        weights = {(s["level"], s["name"], s["parent"]): s["weight"] for s in sections.to_dict("records")}
        rows, l1, l2 = [], None, None
        for i in result.indicators[result.indicators["project_id"] == pid].to_dict("records"):
            row = {"name": i["name"], "target": i["target_raw"], "actual": i["actual_raw"], "weight": i["weight_raw"],
                   "score": i["score_raw"], "note": i["note"]}
            if i["level1"] != l1:
                l1, l2 = i["level1"], None
                row["l1"] = _heading(i["level1"], weights.get((1, i["level1"], "")))
            if i["level2"] != l2:
                l2 = i["level2"]
                row["l2"] = _heading(i["level2"], weights.get((2, i["level2"], i["level1"])))
            rows.append(row)
        funds = [[f["label"] or f["line"], *(_num(f[c], f[f"{c}_dec"]) for c in ("budget_initial", "budget", "spent")),
                  _num(f["weight"], 0), _num(f["rate"], f["rate_dec"], "%"), _num(f["score"], f["score_dec"])]
                 for f in result.funds[result.funds["project_id"] == pid].to_dict("records")]
        dept = "-".join(x for x in (p["department_code"], p["department"]) if x)
        total = {"weight": _num(p["total_weight"], 0), "score": _num(p["total_score"], p["total_score_dec"])}
        forms.append(Form(name=p["name"], department=dept, columns=columns, headers=headers or {}, rows=rows,
                          funds=funds, total=total))
    return forms


def _heading(name: str, weight) -> str:
    return f"{name}({weight:g}分)" if weight == weight and weight is not None else name


def _num(x, dec, suffix: str = "") -> str:
    if x is None or x != x:
        return ""
    return f"{x:.{int(dec)}f}{suffix}"


def bundle_grid(listed: list[str], forms: list[Form]) -> list[list[str]]:
    """A bundle: its 项目清单, then every table without the repeated title lines."""
    grid = [["某局绩效自评项目清单"], ["序号", "项目名称"]] + [[str(n), name] for n, name in enumerate(listed, 1)]
    for f in forms:
        grid += f.grid()[2:]
    return grid


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods_package(path: Path, tables_xml: str) -> Path:
    """An OpenDocument spreadsheet around the given ``<table:table>`` elements: content, manifest, mimetype."""
    import zipfile

    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
               f"<office:body><office:spreadsheet>{tables_xml}</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path

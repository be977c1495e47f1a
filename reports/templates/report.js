// Progressive enhancement only: the report reads the same without it.
(function () {
  "use strict";
  var $ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var bar = document.querySelector(".filters");
  $(".no-js-hidden").forEach(function (el) { el.classList.remove("no-js-hidden"); });

  function value(name) { var el = bar && bar.querySelector("[name=" + name + "]"); return el ? el.value : ""; }

  function rowMatches(tr, f) {
    if (f.sev && tr.dataset.sev !== f.sev) return false;
    if (f.fam && tr.dataset.fam !== f.fam) return false;
    if (f.rule && tr.dataset.rule !== f.rule) return false;
    if (f.file && tr.dataset.file !== f.file) return false;
    if (f.dept && tr.dataset.dept !== f.dept) return false;
    return !f.q || tr.textContent.toLowerCase().indexOf(f.q) >= 0;
  }

  function apply() {
    var f = { sev: value("sev"), fam: value("fam"), rule: value("rule"), file: value("file"), dept: value("dept"),
              q: value("q").trim().toLowerCase() };
    var findingFilter = !!(f.sev || f.fam || f.rule || f.q);
    var shownRows = 0, shownProjects = 0;
    $("details.project").forEach(function (sec) {
      var inScope = (!f.file || sec.dataset.file === f.file) && (!f.dept || sec.dataset.dept === f.dept);
      var nameHit = !!f.q && sec.dataset.name.toLowerCase().indexOf(f.q) >= 0;
      var n = 0;
      $("tr.finding", sec).forEach(function (tr) {
        var g = nameHit ? { sev: f.sev, fam: f.fam, rule: f.rule, file: f.file, dept: f.dept, q: "" } : f;
        var show = inScope && rowMatches(tr, g);
        tr.hidden = !show;
        if (show) n++;
      });
      var visible = inScope && (!findingFilter || n > 0 || (nameHit && !f.sev && !f.fam && !f.rule));
      sec.hidden = !visible;
      $(".findings-block", sec).forEach(function (b) { b.hidden = findingFilter && n === 0; });
      sec.open = visible && (findingFilter || f.file || f.dept) ? true : sec.dataset.open === "1";
      var entry = document.querySelector('nav.index li[data-target="' + sec.id + '"]');
      if (entry) entry.hidden = !visible;
      if (visible) { shownRows += n; shownProjects++; }
    });
    $("table.file-level").forEach(function (t) {
      var n = 0;
      $("tr.finding", t).forEach(function (tr) { var s = rowMatches(tr, f); tr.hidden = !s; if (s) n++; });
      t.hidden = n === 0; shownRows += n;
    });
    $("nav.index li[data-file]").forEach(function (li) {
      if (!li.dataset.target) li.hidden = !!f.file && li.dataset.file !== f.file;
    });
    $("table.files tbody tr").forEach(function (tr) { tr.hidden = !!f.file && tr.dataset.file !== f.file; });
    $("tr.split-row").forEach(function (tr) {   // the index of a split batch
      var inDept = !f.dept || tr.dataset.depts.split("|").indexOf(f.dept) >= 0;
      tr.hidden = !inDept || (!!f.q && tr.textContent.toLowerCase().indexOf(f.q) < 0);
      if (!tr.hidden) shownProjects++;
    });
    var out = bar && bar.querySelector(".shown");
    if (out) out.textContent = out.dataset.label + " " + shownRows + " · " + shownProjects + " " + out.dataset.projects;
    var none = document.querySelector(".no-match");
    if (none) none.hidden = shownRows > 0 || shownProjects > 0;
  }

  if (bar) {
    bar.addEventListener("change", apply);
    bar.addEventListener("input", apply);
    var clear = bar.querySelector("button.clear");
    if (clear) clear.addEventListener("click", function () {
      $("select, input", bar).forEach(function (el) { el.value = ""; });
      apply();
    });
    apply();
  }

  // Sortable tables: click a header; numbers sort as numbers, the rest in Chinese collation.
  function cellKey(tr, i) {
    var td = tr.cells[i];
    if (!td) return "";
    return td.dataset.sort !== undefined ? td.dataset.sort : td.textContent.trim();
  }
  // A figure as written in a cell ("1,234.5", "98%", "≥15台" is not one): its number, else NaN.
  function asNumber(text) {
    var t = String(text).replace(/[,，\s]/g, "").replace(/[%万元分]+$/, "");
    return /^[-+−]?\d+(\.\d+)?$/.test(t) ? parseFloat(t.replace("−", "-")) : NaN;
  }
  $("table.sortable").forEach(function (table) {
    $("thead th", table).forEach(function (th, i) {
      th.tabIndex = 0;
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        $("thead th", table).forEach(function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var numeric = th.dataset.type === "num";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellKey(a, i), y = cellKey(b, i), r;
          var nx = asNumber(x), ny = asNumber(y);
          if (numeric) { r = (isNaN(nx) ? 0 : nx) - (isNaN(ny) ? 0 : ny); }
          else if (!isNaN(nx) && !isNaN(ny)) { r = nx - ny; }   // 填报值 / 应为: 9.9 before 10.01
          else if (!isNaN(nx) || !isNaN(ny)) { r = isNaN(nx) ? 1 : -1; }   // numbers before words
          else { r = x.localeCompare(y, "zh-Hans-CN"); }
          return asc ? r : -r;
        });
        rows.forEach(function (tr) { body.appendChild(tr); });
      });
    });
  });

  // A table reached from the index (or a link with its #id) opens, even when it passed and is folded.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var sec = id && document.getElementById(id);
    if (sec && sec.tagName === "DETAILS") { sec.open = true; sec.dataset.open = "1"; }
  }
  window.addEventListener("hashchange", openTarget);
  $("nav.index a, a.to-project").forEach(function (a) {
    a.addEventListener("click", function () { setTimeout(openTarget, 0); });
  });
  openTarget();

  // Printing: every folded project opens; "print this project" prints one section alone.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    $("details.project:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; }); opened = [];
    document.body.classList.remove("print-one");
    $("details.print-this").forEach(function (d) { d.classList.remove("print-this"); });
  });
  $("button.print-project").forEach(function (b) {
    b.addEventListener("click", function (e) {
      e.preventDefault();
      var sec = b.closest("details.project");
      document.body.classList.add("print-one");
      sec.classList.add("print-this");
      sec.open = true;
      window.print();
    });
  });
})();

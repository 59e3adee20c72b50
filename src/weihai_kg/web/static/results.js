// weihai-kg results for people: a SELECT's solutions (or a CONSTRUCT's statements, turned
// into subject/predicate/object rows) as a table that sorts by any column, filters by any
// text and pages long answers; and, where the columns allow it, as a bar chart with its total
// (a name and a number) or a timeline with month ticks (two year-month or date columns).
// Plain browser JavaScript; the SVG is drawn with classes, never inline styles (CSP).
"use strict";

const PAGE_ROWS = 100;
const SVG_NS = "http://www.w3.org/2000/svg";
const XSD_NS = "http://www.w3.org/2001/XMLSchema#";
const NUMERIC = new Set(["integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger", "positiveInteger"].map((t) => XSD_NS + t));
const MONTHLY = new Set([XSD_NS + "gYearMonth", XSD_NS + "date", XSD_NS + "dateTime"]);

function graphToBindings(expanded) {
  // Expanded JSON-LD (what the endpoint writes for a CONSTRUCT or DESCRIBE) as statement rows.
  const term = (node) => (node["@id"] !== undefined
    ? { type: node["@id"].startsWith("_:") ? "bnode" : "uri", value: node["@id"] }
    : { type: "literal", value: String(node["@value"]), ...(node["@language"] ? { "xml:lang": node["@language"] } : {}), ...(node["@type"] ? { datatype: node["@type"] } : {}) });
  const rows = [];
  for (const node of expanded) {
    for (const [predicate, values] of Object.entries(node)) {
      if (predicate.startsWith("@")) continue;
      for (const value of values) rows.push({ subject: term(node), predicate: { type: "uri", value: predicate }, object: term(value) });
    }
  }
  return { head: { vars: ["subject", "predicate", "object"] }, results: { bindings: rows } };
}

function sortKey(term, names) {
  if (!term) return [2, ""];
  if (NUMERIC.has(term.datatype) && !Number.isNaN(Number(term.value))) return [0, Number(term.value)];
  if (term.type === "uri" && names[term.value]) return [1, names[term.value][0].toLowerCase()];
  return [1, term.value.toLowerCase()];
}

function compare(a, b) {
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function textOf(term, names) {
  if (!term) return "";
  return (term.type === "uri" && names[term.value] ? names[term.value][0] + " " : "") + term.value;
}

function chartsFor(vars, bindings) {
  // Which views the columns allow: a bar chart (a numeric column), a timeline (two monthly columns).
  const kinds = (v) => new Set(bindings.map((b) => b[v] && (NUMERIC.has(b[v].datatype) ? "number" : MONTHLY.has(b[v].datatype) ? "month" : b[v].type)));
  const numeric = vars.filter((v) => { const k = kinds(v); return k.size && [...k].every((x) => x === "number" || x === undefined); });
  const monthly = vars.filter((v) => { const k = kinds(v); return k.size && [...k].every((x) => x === "month" || x === undefined); });
  const labels = vars.filter((v) => !numeric.includes(v) && !monthly.includes(v));
  // a period: two monthly columns, the first never after the second; named start/end if any
  const pairs = monthly.flatMap((a, i) => monthly.slice(i + 1).map((b) => [a, b]))
    .filter(([a, b]) => bindings.every((row) => !row[a] || !row[b] || row[a].value <= row[b].value));
  const period = pairs.find(([a, b]) => /start|begin/i.test(a) && /end/i.test(b)) || pairs[0];
  const views = ["table"];
  if (numeric.length && labels.length && bindings.length) views.push("bar");
  if (period && bindings.length) views.push("timeline");
  return { views, value: numeric[0], start: period && period[0], end: period && period[1], label: labels[0] };
}

function svg(tag, attributes, text) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, String(v));
  if (text !== undefined) element.textContent = text;
  return element;
}

function labelText(term, names) {
  if (!term) return "";
  return term.type === "uri" && names[term.value] ? names[term.value][0] : term.value;
}

function barChart(box, bindings, spec, names, messages) {
  const rows = bindings.filter((b) => b[spec.value]).map((b) => ({ label: labelText(b[spec.label], names), value: Number(b[spec.value].value) }));
  const total = rows.reduce((sum, r) => sum + r.value, 0);
  const top = Math.max(...rows.map((r) => r.value), 1);
  const left = 300, width = 420, rowHeight = 28;
  const chart = svg("svg", { class: "chart result-chart", id: "bar-chart", viewBox: `0 0 ${left + width + 160} ${40 + rows.length * rowHeight}`, width: left + width + 160, height: 40 + rows.length * rowHeight, role: "img", "aria-label": messages.view_bar });
  rows.forEach((r, i) => {
    const y = 30 + i * rowHeight;
    chart.append(svg("text", { x: 8, y: y + 15, class: "row-label" }, r.label.length > 40 ? r.label.slice(0, 39) + "…" : r.label));
    chart.append(svg("rect", { x: left, y: y + 2, width: Math.max((r.value / top) * width, 2), height: 18, rx: 3, class: "bar" }));
    chart.append(svg("text", { x: left + Math.max((r.value / top) * width, 2) + 6, y: y + 15, class: "value" }, r.value.toLocaleString("en-US")));
  });
  const summary = document.createElement("p");
  summary.id = "chart-total";
  summary.className = "summary";
  summary.textContent = messages.total.replace("{total}", total.toLocaleString("en-US")).replace("{n}", String(rows.length));
  box.append(summary, scrollFrame(chart, messages.view_bar));
}

function scrollFrame(content, label) {
  // a frame that scrolls sideways on a phone, reachable by the keyboard (it can take focus)
  const frame = document.createElement("div");
  frame.className = "scroll chart-frame";
  frame.tabIndex = 0;
  frame.setAttribute("role", "region");
  frame.setAttribute("aria-label", label);
  frame.append(content);
  return frame;
}

function months(text) {
  const [y, m] = text.split("-").map(Number);
  return y * 12 + (m || 1) - 1;
}

function timeline(box, bindings, spec, names, label) {
  const rows = bindings.filter((b) => b[spec.start] && b[spec.end]).map((b) => ({ label: labelText(b[spec.label], names), start: months(b[spec.start].value), end: months(b[spec.end].value), text: `${b[spec.start].value} – ${b[spec.end].value}` }));
  const first = Math.min(...rows.map((r) => r.start)), last = Math.max(...rows.map((r) => r.end)) + 1;
  const left = 300, width = 520, rowHeight = 28, scale = width / Math.max(last - first, 1);
  const height = 50 + rows.length * rowHeight;
  const chart = svg("svg", { class: "chart result-chart", id: "timeline-chart", viewBox: `0 0 ${left + width + 150} ${height}`, width: left + width + 150, height, role: "img", "aria-label": label });
  for (let m = first; m <= last; m += 1) { // a tick every month, the year at every January
    const x = left + (m - first) * scale;
    chart.append(svg("line", { x1: x, x2: x, y1: m % 12 === 0 ? 22 : 30, y2: height - 8, class: m % 12 === 0 ? "grid year" : "grid month-tick" }));
    if (m % 12 === 0 || m === first) chart.append(svg("text", { x: x + 2, y: 18, class: "axis" }, m % 12 === 0 ? String(Math.floor(m / 12)) : `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`));
  }
  rows.forEach((r, i) => {
    const y = 38 + i * rowHeight;
    chart.append(svg("text", { x: 8, y: y + 14, class: "row-label" }, r.label.length > 40 ? r.label.slice(0, 39) + "…" : r.label));
    const bar = svg("rect", { x: left + (r.start - first) * scale, y: y + 2, width: Math.max((r.end - r.start + 1) * scale, 2), height: 16, rx: 3, class: "bar" });
    bar.append(svg("title", {}, `${r.label}: ${r.text}`));
    chart.append(bar);
    chart.append(svg("text", { x: left + (r.end - first + 1) * scale + 6, y: y + 14, class: "value" }, r.text));
  });
  box.append(scrollFrame(chart, label));
}

// Shows ``data`` (SPARQL JSON) in ``ctx.table`` (a <table>), with ``ctx.tools`` for the
// filter, the views and the pager, and ``ctx.chart`` for a chart; ``ctx.cell`` draws a cell.
// ``ctx.view`` is the view asked for (from the URL); ``ctx.onView`` is told of a change.
function showResults(data, ctx) {
  const { table, tools, chart, names, messages } = ctx;
  const vars = data.boolean !== undefined ? ["boolean"] : data.head.vars;
  const all = data.boolean !== undefined ? [{ boolean: { type: "literal", value: String(data.boolean) } }] : data.results.bindings;
  const spec = chartsFor(vars, all);
  let shown = all, page = 0, sortBy = null, descending = false;
  let view = spec.views.includes(ctx.view) ? ctx.view : "table";
  tools.replaceChildren();
  chart.replaceChildren();

  const filter = document.createElement("input");
  filter.type = "search";
  filter.id = "result-filter";
  filter.placeholder = messages.filter;
  filter.setAttribute("aria-label", messages.filter);
  const pager = document.createElement("span");
  pager.className = "pager";
  const views = document.createElement("span");
  views.className = "views";
  views.setAttribute("role", "group");
  views.setAttribute("aria-label", messages.view);
  for (const name of spec.views) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.view = name;
    button.textContent = messages["view_" + name];
    button.setAttribute("aria-pressed", String(name === view));
    button.addEventListener("click", () => { view = name; ctx.onView(name); draw(); });
    views.append(button);
  }
  tools.append(filter, views, pager);

  const drawTable = () => {
    const head = table.tHead, body = table.tBodies[0];
    head.replaceChildren();
    body.replaceChildren();
    const row = document.createElement("tr");
    for (const v of vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.setAttribute("aria-sort", sortBy === v ? (descending ? "descending" : "ascending") : "none");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = v + (sortBy === v ? (descending ? " ▼" : " ▲") : "");
      button.title = messages.sort.replace("{col}", v);
      button.addEventListener("click", () => {
        descending = sortBy === v ? !descending : false;
        sortBy = v;
        shown = [...shown].sort((a, b) => compare(sortKey(a[v], names), sortKey(b[v], names)) * (descending ? -1 : 1));
        page = 0;
        draw();
      });
      th.append(button);
      row.append(th);
    }
    head.append(row);
    for (const b of shown.slice(page * PAGE_ROWS, (page + 1) * PAGE_ROWS)) {
      const tr = document.createElement("tr");
      for (const v of vars) tr.append(ctx.cell(b[v]));
      body.append(tr);
    }
    pager.replaceChildren();
    if (shown.length > PAGE_ROWS) {
      const pages = Math.ceil(shown.length / PAGE_ROWS);
      const previous = document.createElement("button");
      previous.type = "button";
      previous.textContent = "‹";
      previous.disabled = page === 0;
      previous.setAttribute("aria-label", messages.previous);
      previous.addEventListener("click", () => { page -= 1; draw(); });
      const next = document.createElement("button");
      next.type = "button";
      next.textContent = "›";
      next.disabled = page >= pages - 1;
      next.setAttribute("aria-label", messages.next);
      next.addEventListener("click", () => { page += 1; draw(); });
      const where = document.createElement("span");
      where.id = "result-page";
      where.textContent = messages.page.replace("{page}", page + 1).replace("{pages}", pages);
      pager.append(previous, where, next);
    }
  };
  const draw = () => {
    for (const b of views.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.view === view));
    chart.replaceChildren();
    table.hidden = view !== "table";
    filter.hidden = view !== "table";
    if (view === "bar") barChart(chart, shown, spec, names, messages);
    else if (view === "timeline") timeline(chart, shown, spec, names, messages.view_timeline);
    drawTable();
  };
  filter.addEventListener("input", () => {
    const wanted = filter.value.trim().toLowerCase();
    shown = wanted ? all.filter((b) => vars.some((v) => textOf(b[v], names).toLowerCase().includes(wanted))) : all;
    page = 0;
    draw();
  });
  draw();
  return all.length;
}

window.WeihaiResults = { showResults, graphToBindings };

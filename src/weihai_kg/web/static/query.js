// weihai-kg query page: an editor with SPARQL highlighting, the named queries as examples,
// results as a table whose IRIs link to entity pages. Plain browser JavaScript, no libraries.
"use strict";

const KEYWORDS = new Set(("SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE OPTIONAL FILTER UNION MINUS GRAPH " +
  "SERVICE BIND VALUES AS DISTINCT REDUCED ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING COUNT SUM MIN MAX AVG SAMPLE " +
  "GROUP_CONCAT SEPARATOR NOT EXISTS IN STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE REGEX CONTAINS STRSTARTS " +
  "STRENDS LCASE UCASE COALESCE IF a true false").split(" ").map((k) => k.toUpperCase()));
const TOKEN = /(#[^\n]*)|("""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|([?$][\w]+)|([A-Za-z][\w-]*:[\w.\-]*|:[\w.\-]+)|([A-Za-z_]+)/g;

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function highlight(text) {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    out += escapeHtml(text.slice(last, m.index));
    const [whole, comment, string, iri, variable, pname, word] = m;
    let cls = null;
    if (comment) cls = "tok-com";
    else if (string) cls = "tok-str";
    else if (iri) cls = "tok-iri";
    else if (variable) cls = "tok-var";
    else if (pname) cls = "tok-pn";
    else if (word && KEYWORDS.has(word.toUpperCase())) cls = "tok-kw";
    out += cls ? `<span class="${cls}">${escapeHtml(whole)}</span>` : escapeHtml(whole);
    last = m.index + whole.length;
  }
  return out + escapeHtml(text.slice(last)) + "\n";
}

function queryKind(text) {
  // The query form decides which download formats apply: results for SELECT/ASK, RDF for CONSTRUCT/DESCRIBE.
  // IRIs and comments in one pass, so that the # of an IRI does not start a comment.
  const body = text.replace(/<[^<>\s]*>|#[^\n]*/g, " ").replace(/^\s*((PREFIX\s+[\w-]*:\s*|BASE\s*)\s*)+/i, "");
  return /^\s*(CONSTRUCT|DESCRIBE)\b/i.test(body) ? "graph" : "solutions";
}

function offerDownloads(text) {
  const select = document.getElementById("download-format");
  const kind = queryKind(text);
  for (const option of select.options) option.hidden = option.dataset.kind !== kind;
  if (select.selectedOptions[0].hidden) select.value = [...select.options].find((o) => !o.hidden).value;
}

function localHref(iri, base) {
  return iri.startsWith(base) ? "/" + iri.slice(base.length) : iri;
}

function cell(term, base) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    const a = document.createElement("a");
    a.href = localHref(term.value, base);
    a.textContent = term.value.startsWith(base) ? term.value.slice(base.length) : term.value;
    a.title = term.value;
    td.appendChild(a);
  } else {
    td.appendChild(document.createTextNode(term.value));
    const note = term["xml:lang"] ? "@" + term["xml:lang"] : (term.datatype ? term.datatype.replace("http://www.w3.org/2001/XMLSchema#", "xsd:") : "");
    if (note) {
      const span = document.createElement("span");
      span.className = "lit-lang";
      span.textContent = note;
      td.appendChild(span);
    }
  }
  return td;
}

function render(data, base) {
  const table = document.getElementById("results");
  const head = table.tHead;
  const body = table.tBodies[0];
  head.replaceChildren();
  body.replaceChildren();
  const vars = data.boolean !== undefined ? ["boolean"] : data.head.vars;
  const row = document.createElement("tr");
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    row.appendChild(th);
  }
  head.appendChild(row);
  const bindings = data.boolean !== undefined ? [{ boolean: { type: "literal", value: String(data.boolean) } }] : data.results.bindings;
  for (const b of bindings) {
    const tr = document.createElement("tr");
    for (const v of vars) tr.appendChild(cell(b[v], base));
    body.appendChild(tr);
  }
  return bindings.length;
}

function renderTriples(text) {
  // CONSTRUCT/DESCRIBE results come as N-Triples: shown one statement a row.
  const lines = text.split("\n").filter((l) => l.trim());
  return render({ head: { vars: ["statement"] }, results: { bindings: lines.map((l) => ({ statement: { type: "literal", value: l } })) } }, "");
}

async function run(app, messages) {
  const query = document.getElementById("query").value;
  const status = document.getElementById("status");
  const error = document.getElementById("error");
  error.textContent = "";
  status.textContent = messages.running;
  const started = performance.now();
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, application/n-triples;q=0.9" },
    body: query,
  });
  if (!response.ok) {
    status.textContent = "";
    error.textContent = `${response.status}: ${await response.text()}`;
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  const isGraph = !type.startsWith("application/sparql-results+json");
  const rows = isGraph ? renderTriples(await response.text()) : render(await response.json(), app.dataset.base);
  status.textContent = `${rows} ${messages.rows} · ${Math.round(performance.now() - started)} ms`;
  const view = document.getElementById("graph-link");
  view.hidden = !isGraph;
  view.href = "/view/graph?lang=" + app.dataset.lang + "&sparql=" + encodeURIComponent(query);
}

async function loadExamples(app, editor, refresh) {
  const response = await fetch("/queries?lang=" + app.dataset.lang);
  const list = document.getElementById("examples");
  for (const q of (await response.json()).queries) {
    if (q.name.startsWith("checks/")) continue;
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#" + q.name;
    a.textContent = q.title;
    a.title = q.description;
    a.dataset.name = q.name;
    a.addEventListener("click", (event) => {
      event.preventDefault();
      // The server binds each parameter's default (the one way parameters are bound: a
      // VALUES block with full IRIs), so the text runs as it is.
      const text = q.bound;
      editor.value = text;
      refresh();
    });
    li.appendChild(a);
    list.appendChild(li);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const app = document.getElementById("app");
  const ko = app.dataset.lang === "ko";
  const messages = ko ? { running: "실행 중…", rows: "행" } : { running: "running…", rows: "rows" };
  document.getElementById("graph-link").hidden = true;
  const editor = document.getElementById("query");
  const shown = document.getElementById("highlight");
  const refresh = () => {
    shown.innerHTML = highlight(editor.value);
    shown.scrollTop = editor.scrollTop;
    offerDownloads(editor.value);
  };
  editor.addEventListener("input", refresh);
  editor.addEventListener("scroll", () => { shown.scrollTop = editor.scrollTop; });
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(app, messages);
  });
  document.getElementById("run").addEventListener("click", () => run(app, messages));
  document.getElementById("download").addEventListener("click", () => {
    const format = document.getElementById("download-format").value;
    window.location.href = "/sparql?download=1&format=" + encodeURIComponent(format) + "&query=" + encodeURIComponent(editor.value);
  });
  refresh();
  loadExamples(app, editor, refresh);
});

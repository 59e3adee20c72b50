// weihai-kg query page: the SPARQL editor (editor.js), the named queries as examples with
// their descriptions, results as a table of names in the interface language (results.js);
// the query and the view are kept in the URL.
"use strict";

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

const XSD = "http://www.w3.org/2001/XMLSchema#";
const NUMBERS = new Set(["integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger", "positiveInteger"].map((t) => XSD + t));

function cell(term, base, names, lang, messages) {
  // A value as people read it: an IRI of ours by its name in the interface language (the
  // language shown when it falls back), numbers with separators; the IRI, datatype or
  // language tag on hover, not beside every value.
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    const a = document.createElement("a");
    a.href = localHref(term.value, base) + (term.value.startsWith(base) ? "?lang=" + lang : "");
    const known = names[term.value];
    a.textContent = known ? known[0] : (term.value.startsWith(base) ? term.value.slice(base.length) : term.value);
    a.title = term.value;
    if (known && known[1]) a.lang = known[1];
    td.appendChild(a);
    if (known && known[1] && known[1] !== lang) {
      const span = document.createElement("span");
      span.className = "fallback";
      span.textContent = known[1].toUpperCase();
      span.title = messages.fallback;
      td.appendChild(span);
    }
  } else {
    let text = term.value;
    if (NUMBERS.has(term.datatype) && /^-?\d+(\.\d+)?$/.test(text)) {
      const [whole, fraction] = text.split(".");
      text = BigInt(whole).toLocaleString("en-US") + (fraction ? "." + fraction : "");
      td.className = "num";
    }
    td.appendChild(document.createTextNode(text));
    if (term["xml:lang"]) td.lang = term["xml:lang"];
    td.title = term["xml:lang"] ? "@" + term["xml:lang"] : (term.datatype ? term.datatype.replace(XSD, "xsd:") : "");
  }
  return td;
}

function clearResults() {
  const table = document.getElementById("results");
  table.tHead.replaceChildren();
  table.tBodies[0].replaceChildren();
  document.getElementById("result-tools").replaceChildren();
  document.getElementById("result-chart").replaceChildren();
}

async function namesOf(data, lang) {
  // The names of the result's IRIs, in one request to the build's name index.
  if (!data.results) return {};
  const iris = [...new Set(data.results.bindings.flatMap((b) => Object.values(b).filter((t) => t.type === "uri").map((t) => t.value)))];
  if (!iris.length) return {};
  const response = await fetch("/search/names?lang=" + lang, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(iris) });
  return response.ok ? response.json() : {};
}

function explain(text, query, messages) {
  // The server says "error at LINE:COLUMN: …"; say it in the interface language, with the
  // text the parser stopped at.
  const at = /error at (\d+):(\d+)/i.exec(text);
  if (!at) return `${messages.failed}: ${text}`;
  const [line, column] = [Number(at[1]), Number(at[2])];
  const source = query.split("\n")[line - 1] || "";
  // the word the parser stopped at, or, at the end of a line, the words just before it
  const token = source.slice(Math.max(column - 1, 0)).split(/\s/)[0] || source.slice(Math.max(column - 16, 0), column - 1).trim();
  return `${messages.failed}. ${messages.syntax.replace("{line}", line).replace("{column}", column)}` +
    (token ? ` — ${messages.near}: «${token}»` : "") + `\n\n${text}`;
}

function viewAsked() {
  return new URLSearchParams(location.search).get("view") || "table";
}

let EDITOR = null; // the editor, once the page has made it

async function run(app, messages, push = true) {
  const query = EDITOR.getValue();
  const status = document.getElementById("status");
  const error = document.getElementById("error");
  const lang = app.dataset.lang;
  error.textContent = "";
  error.hidden = true;
  clearResults(); // a failed query must never leave an earlier answer on screen
  status.textContent = messages.running;
  const view = push ? "table" : viewAsked();
  if (push) {
    const url = "/?" + new URLSearchParams({ query, lang }).toString();
    if (url !== location.pathname + location.search) history.pushState({ query }, "", url);
  }
  const started = performance.now();
  const response = await fetch("/sparql", {
    method: "POST",
    // a CONSTRUCT or DESCRIBE as expanded JSON-LD: statements the page can show by name
    headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, application/ld+json;q=0.9" },
    body: query,
  });
  if (!response.ok) {
    status.textContent = "";
    error.hidden = false;
    error.textContent = `${response.status}: ` + explain(await response.text(), query, messages);
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  const isGraph = !type.startsWith("application/sparql-results+json");
  const body = await response.json();
  const data = isGraph ? WeihaiResults.graphToBindings(body) : body;
  const names = await namesOf(data, lang);
  const rows = WeihaiResults.showResults(data, {
    table: document.getElementById("results"),
    tools: document.getElementById("result-tools"),
    chart: document.getElementById("result-chart"),
    names,
    messages,
    view,
    cell: (term) => cell(term, app.dataset.base, names, lang, messages),
    onView: (chosen) => {
      const params = new URLSearchParams(location.search);
      params.set("view", chosen);
      history.replaceState(history.state, "", "/?" + params.toString()); // the view is in the URL too
    },
  });
  status.textContent = `${rows === 1 ? messages.row : messages.rows.replace("{n}", rows.toLocaleString("en-US"))} · ${Math.round(performance.now() - started)} ms`;
  const graphLink = document.getElementById("graph-link");
  graphLink.hidden = !isGraph;
  graphLink.href = "/view/graph?lang=" + lang + "&sparql=" + encodeURIComponent(query);
}

async function loadExamples(app) {
  const response = await fetch("/queries?lang=" + app.dataset.lang);
  const list = document.getElementById("examples");
  for (const q of (await response.json()).queries) {
    if (q.name.startsWith("checks/")) continue;
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#" + q.name;
    a.textContent = q.title;
    a.dataset.name = q.name;
    const about = document.createElement("p");
    about.textContent = q.description;
    a.addEventListener("click", (event) => {
      event.preventDefault();
      // The server binds each parameter's default (the one way parameters are bound: a
      // VALUES block with full IRIs), so the text runs as it is.
      EDITOR.setValue(q.bound);
    });
    li.append(a, about);
    list.appendChild(li);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const app = document.getElementById("app");
  const messages = JSON.parse(document.getElementById("messages").textContent);
  document.getElementById("graph-link").hidden = true;
  EDITOR = WeihaiEditor.createEditor(document.getElementById("query"), {
    prefixes: JSON.parse(document.getElementById("prefixes").textContent),
    vocabulary: JSON.parse(document.getElementById("vocabulary").textContent),
    onRun: () => run(app, messages),
    onChange: offerDownloads,
    messages,
  });
  document.getElementById("run").addEventListener("click", () => run(app, messages));
  document.getElementById("download").addEventListener("click", () => {
    const format = document.getElementById("download-format").value;
    window.location.href = "/sparql?download=1&format=" + encodeURIComponent(format) + "&query=" + encodeURIComponent(EDITOR.getValue());
  });
  offerDownloads(EDITOR.getValue());
  loadExamples(app);
  // The query is in the URL: a result can be shared, and Back shows the one before.
  const shared = new URLSearchParams(location.search).get("query");
  if (shared) { EDITOR.setValue(shared); run(app, messages, false); }
  window.addEventListener("popstate", (event) => {
    const text = (event.state && event.state.query) || new URLSearchParams(location.search).get("query");
    if (text) { EDITOR.setValue(text); run(app, messages, false); } else { clearResults(); }
  });
});

// weihai-kg SPARQL editor: YASQE (CodeMirror with a SPARQL 1.1 mode, bracket matching, syntax
// checking), installed from the npm registry and served from /vendor. Its completion comes
// from this graph only: the prefixes weihai-kg declares, and the classes and properties the
// graph uses (given by the page); never from prefix.cc or Linked Open Vocabularies, so the
// page makes no request elsewhere. Without the library, the plain text box stays.
"use strict";

function createEditor(textarea, options) {
  if (!window.Yasqe) {
    textarea.addEventListener("input", () => options.onChange(textarea.value));
    return { getValue: () => textarea.value, setValue: (text) => { textarea.value = text; options.onChange(text); }, focus: () => textarea.focus() };
  }
  const Yasqe = window.Yasqe;
  const prefixes = Object.entries(options.prefixes).map(([name, iri]) => `${name}: <${iri}>`).sort();
  // the same positions and IRI handling as YASQE's own completers, with our lists instead of a service
  Yasqe.forkAutocompleter("prefixes", { name: "weihai-prefixes", get: () => prefixes, persistenceId: null });
  Yasqe.forkAutocompleter("class", { name: "weihai-classes", bulk: true, get: () => options.vocabulary.class, persistenceId: null });
  Yasqe.forkAutocompleter("property", { name: "weihai-properties", bulk: true, get: () => options.vocabulary.property, persistenceId: null });
  const box = document.createElement("div");
  box.id = "editor";
  textarea.before(box);
  textarea.hidden = true;
  const run = () => options.onRun();
  const yasqe = new Yasqe(box, {
    value: textarea.value,
    persistenceId: null, // the query comes from the page or its URL, not from an earlier visit
    autocompleters: ["variables", "weihai-prefixes", "weihai-classes", "weihai-properties"],
    showQueryButton: false,
    resizeable: false,
    // grows with the query, so the page scrolls and the editor never holds a scrolling region
    // that the keyboard could not reach (WCAG 2.1.1)
    editorHeight: "auto",
    viewportMargin: Infinity,
    createShareableLink: null,
    consumeShareLink: null,
    screenReaderLabel: textarea.getAttribute("aria-label") || "SPARQL",
    extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run, "Ctrl-Space": (cm) => cm.autocomplete(), Tab: false, "Shift-Tab": false },
  });
  // YASQE's own notices, in the page's language
  const notify = yasqe.showNotification.bind(yasqe);
  const said = { "Press CTRL - <spacebar> to autocomplete": options.messages.completionHint };
  yasqe.showNotification = (key, message) => notify(key, said[message] || message);
  yasqe.on("change", () => options.onChange(yasqe.getValue()));
  window.weihaiEditor = yasqe; // for tests and the console
  return { getValue: () => yasqe.getValue(), setValue: (text) => { yasqe.setValue(text); options.onChange(text); }, focus: () => yasqe.focus() };
}

window.WeihaiEditor = { createEditor };

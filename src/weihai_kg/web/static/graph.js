// weihai-kg network view: draws /export/cytoscape with cytoscape.js and the fCoSE layout (both
// installed from npm), colours nodes by class, filters classes (the count and the layout
// follow), switches the label language and says how many nodes fall back, shows a relation on
// hovering an edge, and lets the keyboard find a node by name and open its page.
"use strict";

const PALETTE = ["#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d", "#4d7c0f", "#475569"];
const LANGUAGE_NAMES = { ko: "한국어", en: "English", zh: "中文" };

function colourFor(classes) {
  const map = new Map();
  classes.forEach((c, i) => map.set(c, PALETTE[i % PALETTE.length]));
  return map;
}

function fill(template, values) {
  return Object.entries(values).reduce((text, [k, v]) => text.replace("{" + k + "}", String(v)), template);
}

document.addEventListener("DOMContentLoaded", async () => {
  const box = document.getElementById("cy");
  const status = document.getElementById("graph-status");
  const langSelect = document.getElementById("label-lang");
  const messages = JSON.parse(document.getElementById("graph-messages").textContent);
  langSelect.value = ["ko", "en", "zh"].includes(box.dataset.lang) ? box.dataset.lang : "en";
  if (window.cytoscapeFcose) {
    try { cytoscape.use(window.cytoscapeFcose); } catch (e) { /* registered already */ }
  }
  const response = await fetch(box.dataset.source);
  if (!response.ok) {
    status.textContent = `${response.status}: ${await response.text()}`;
    return;
  }
  const data = await response.json();
  const classes = [...new Set(data.elements.nodes.map((n) => n.data.class || "other"))].sort();
  const colours = colourFor(classes);
  // a node's name in a language, and whether it had one there
  const labelOf = (d, lang) => [d["label_" + lang] || d.label || d.id, Boolean(d["label_" + lang])];
  for (const n of data.elements.nodes) n.data.colour = colours.get(n.data.class || "other");
  const layout = () => ({ name: window.cytoscapeFcose ? "fcose" : "cose", animate: false, randomize: true, seed: 193,
    // room for a readable label beside every node: long edges, strong repulsion
    nodeRepulsion: 80000, idealEdgeLength: 160, edgeElasticity: 0.3, nodeSeparation: 140, gravity: 0.15, packComponents: true, padding: 20 });
  const cy = cytoscape({
    container: box,
    elements: data.elements,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(shown)", "font-size": 15, color: "#1d2433",
          "text-wrap": "ellipsis", "text-max-width": 170, "text-valign": "bottom", "text-margin-y": 4, "min-zoomed-font-size": 7,
          "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": 1, width: 16, height: 16 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#111", width: 22, height: 22 } },
      { selector: "edge", style: { width: 1.2, "line-color": "#b8c0cc", "target-arrow-color": "#b8c0cc", "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.7 } },
      { selector: "edge.hover, edge:selected", style: { label: "data(label)", "font-size": 12, color: "#7a1fa2", "line-color": "#7a1fa2", "target-arrow-color": "#7a1fa2", width: 2.5,
          "text-background-color": "#ffffff", "text-background-opacity": 0.9 } },
    ],
    wheelSensitivity: 0.3,
  });
  window.weihaiGraph = cy; // for tests and the console

  const relabel = () => {
    const lang = langSelect.value;
    let missing = 0;
    const names = document.getElementById("graph-names");
    names.replaceChildren();
    cy.nodes().forEach((n) => {
      const [shown, own] = labelOf(n.data(), lang);
      n.data("shown", shown);
      if (!own && n.visible()) missing += 1;
      if (n.visible()) {
        const option = document.createElement("option");
        option.value = shown;
        names.appendChild(option);
      }
    });
    return missing;
  };
  const report = () => {
    const shown = cy.nodes(":visible");
    const missing = relabel();
    let text = fill(messages.nodes, { n: shown.length, e: cy.edges(":visible").length });
    if (missing) text += " · " + fill(messages.fallback, { n: missing, total: shown.length, lang: LANGUAGE_NAMES[langSelect.value] });
    status.textContent = text;
  };
  const arrange = () => cy.elements(":visible").layout(layout()).run();

  const filters = document.getElementById("filters");
  for (const c of classes) {
    const label = document.createElement("label");
    label.className = "filter";
    const check = document.createElement("input");
    check.type = "checkbox";
    check.checked = true;
    check.dataset.cls = c;
    check.addEventListener("change", () => {
      cy.nodes().filter((n) => (n.data("class") || "other") === c).style("display", check.checked ? "element" : "none");
      arrange();
      report();
    });
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colours.get(c);
    label.append(check, swatch, document.createTextNode(messages.classes[c] || c));
    filters.appendChild(label);
  }
  langSelect.addEventListener("change", report);
  const pageOf = (node) => {
    const iri = node.data("iri") || node.id();
    return (iri.startsWith(box.dataset.base) ? "/" + iri.slice(box.dataset.base.length) : iri) + "?lang=" + box.dataset.lang;
  };
  cy.on("tap", "node", (event) => { window.location.href = pageOf(event.target); });
  cy.on("mouseover", "edge", (event) => event.target.addClass("hover"));
  cy.on("mouseout", "edge", (event) => event.target.removeClass("hover"));

  // The keyboard's way in: find a node by the name shown, centre it, then open its page.
  const find = document.getElementById("graph-find");
  const open = document.getElementById("graph-open");
  find.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const wanted = find.value.trim().toLowerCase();
    const node = cy.nodes(":visible").filter((n) => n.data("shown").toLowerCase() === wanted)[0]
      || cy.nodes(":visible").filter((n) => n.data("shown").toLowerCase().includes(wanted))[0];
    if (!node || !wanted) {
      status.textContent = messages.notFound;
      open.hidden = true;
      return;
    }
    cy.nodes().unselect();
    node.select();
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 0 });
    open.href = pageOf(node);
    open.textContent = `${messages.open}: ${node.data("shown")}`;
    open.hidden = false;
    open.focus();
  });

  arrange();
  report();
  box.dataset.ready = "true";
});

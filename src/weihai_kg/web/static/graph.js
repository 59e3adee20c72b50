// weihai-kg network view: draws /export/cytoscape with cytoscape.js (installed from npm),
// colours nodes by class, filters classes, switches label language, opens entity pages.
"use strict";

const PALETTE = ["#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d", "#4d7c0f", "#475569"];

function colourFor(classes) {
  const map = new Map();
  classes.forEach((c, i) => map.set(c, PALETTE[i % PALETTE.length]));
  return map;
}

document.addEventListener("DOMContentLoaded", async () => {
  const box = document.getElementById("cy");
  const status = document.getElementById("graph-status");
  const langSelect = document.getElementById("label-lang");
  langSelect.value = ["ko", "en", "zh"].includes(box.dataset.lang) ? box.dataset.lang : "en";
  const response = await fetch(box.dataset.source);
  if (!response.ok) {
    status.textContent = `${response.status}: ${await response.text()}`;
    return;
  }
  const data = await response.json();
  const classes = [...new Set(data.elements.nodes.map((n) => n.data.class || "other"))].sort();
  const colours = colourFor(classes);
  const labelOf = (d, lang) => d["label_" + lang] || d.label || d.id;
  for (const n of data.elements.nodes) {
    n.data.colour = colours.get(n.data.class || "other");
    n.data.shown = labelOf(n.data, langSelect.value);
  }
  const cy = cytoscape({
    container: box,
    elements: data.elements,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(shown)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 120, width: 14, height: 14 } },
      { selector: "edge", style: { width: 1, "line-color": "#b8c0cc", "target-arrow-color": "#b8c0cc", "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.6 } },
      { selector: "edge:selected", style: { label: "data(label)", "font-size": 8 } },
    ],
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 8000, idealEdgeLength: 60 },
    wheelSensitivity: 0.3,
  });
  window.weihaiGraph = cy; // for tests and the console
  const filters = document.getElementById("filters");
  for (const c of classes) {
    const label = document.createElement("label");
    label.className = "filter";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.cls = c;
    box.addEventListener("change", () => {
      cy.nodes().filter((n) => (n.data("class") || "other") === c).style("display", box.checked ? "element" : "none");
    });
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colours.get(c);
    label.append(box, swatch, document.createTextNode(c));
    filters.appendChild(label);
  }
  langSelect.addEventListener("change", () => {
    cy.nodes().forEach((n) => n.data("shown", labelOf(n.data(), langSelect.value)));
  });
  cy.on("tap", "node", (event) => {
    const iri = event.target.data("iri") || event.target.id();
    window.location.href = iri.startsWith(box.dataset.base) ? "/" + iri.slice(box.dataset.base.length) : iri;
  });
  status.textContent = `${cy.nodes().length} nodes · ${cy.edges().length} edges`;
  box.dataset.ready = "true";
});

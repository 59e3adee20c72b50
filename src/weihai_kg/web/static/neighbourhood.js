// weihai-kg entity page: the entity's neighbourhood (what it links to and what links to it,
// one hop, from /export/cytoscape) as a small graph with cytoscape.js and fCoSE, names in the
// page's language; a node opens its page. The tables above say the same in words.
"use strict";

document.addEventListener("DOMContentLoaded", async () => {
  const box = document.getElementById("neighbourhood");
  if (!box || !window.cytoscape) return;
  if (window.cytoscapeFcose) { try { cytoscape.use(window.cytoscapeFcose); } catch (e) { /* registered already */ } }
  const response = await fetch(box.dataset.source);
  if (!response.ok) return;
  const data = await response.json();
  const lang = box.dataset.lang;
  for (const n of data.elements.nodes) {
    n.data.shown = n.data["label_" + lang] || n.data.label || n.data.id;
    n.data.self = n.data.iri === box.dataset.iri ? "yes" : "no";
  }
  const cy = cytoscape({
    container: box,
    elements: data.elements,
    style: [
      { selector: "node", style: { "background-color": "#0b5cad", label: "data(shown)", "font-size": 13, "text-valign": "bottom", "text-margin-y": 3,
          "text-wrap": "ellipsis", "text-max-width": 160, width: 12, height: 12, color: "#1d2433" } },
      { selector: "node[self = 'yes']", style: { "background-color": "#c2410c", width: 20, height: 20, "font-weight": "bold" } },
      { selector: "edge", style: { width: 1, "line-color": "#b8c0cc", "target-arrow-shape": "triangle", "target-arrow-color": "#b8c0cc", "curve-style": "bezier", "arrow-scale": 0.6 } },
      { selector: "edge.hover", style: { label: "data(label)", "font-size": 12, color: "#7a1fa2", "line-color": "#7a1fa2" } },
    ],
    layout: { name: window.cytoscapeFcose ? "fcose" : "cose", animate: false, randomize: true, idealEdgeLength: 110, nodeRepulsion: 30000 },
    wheelSensitivity: 0.3,
  });
  cy.on("tap", "node", (event) => {
    const iri = event.target.data("iri") || event.target.id();
    if (iri !== box.dataset.iri) window.location.href = (iri.startsWith(box.dataset.base) ? "/" + iri.slice(box.dataset.base.length) : iri) + "?lang=" + lang;
  });
  cy.on("mouseover", "edge", (event) => event.target.addClass("hover"));
  cy.on("mouseout", "edge", (event) => event.target.removeClass("hover"));
  window.weihaiNeighbourhood = cy; // for tests and the console
  box.dataset.ready = "true";
});

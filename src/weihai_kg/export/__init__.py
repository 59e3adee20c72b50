"""The graph for other tools: RDF dumps and JSON-LD (rdf), networks for visualisation
(network), the one export renderer (render), and result tables for the terminal (results)."""

"""The validation engines, named once: ``sparql`` (the shapes compiled to SPARQL and run in
the store, ``validation.compiled``) and ``pyshacl`` (the reference). A module of its own because the
CLI's argument parser needs the names, and importing the engines loads pySHACL and rdflib."""

ENGINES = ("sparql", "pyshacl")

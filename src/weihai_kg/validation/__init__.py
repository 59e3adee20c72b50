"""Validating the data: the SHACL report and the pySHACL engine (validate), the shapes
compiled to SPARQL (compiled), finding a violation's file and line (locate), and the
engines' names (engines)."""

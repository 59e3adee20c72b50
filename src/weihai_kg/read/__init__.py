"""Reading the graph for people and tools: one resource described (describe), the charts'
numbers (charts), counts (stats) and the VoID description (void)."""

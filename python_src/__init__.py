"""The concepts in Python: one module per concept, standard library only."""

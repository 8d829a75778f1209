"""The concepts in Hy: one .hy module per concept (importing hy_src loads Hy)."""
import hy  # noqa: F401  (registers the importer for the .hy files beside this one)

"""The reference site: pages written from the project's data, built by Sphinx.

    pages.py   pages.toml read and checked (every concept once, in order)
    live.py    the values a build shows, computed by the implementations
    rst.py     one reStructuredText page per page of pages.toml, and the index, notes and cases
    build.py   the Sphinx run and its report (pages, size, seconds)
"""

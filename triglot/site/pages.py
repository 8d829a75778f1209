"""The site's pages (pages.toml): their prose, figures and the concepts of each section."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .. import registry


@dataclass(frozen=True)
class Section:
    title: str
    text: str
    concepts: tuple[str, ...]
    figure: str | None = None


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    source: str
    intro: str
    figure: str | None
    neighbours: str
    sections: tuple[Section, ...]

    @property
    def concepts(self) -> tuple[str, ...]:
        return tuple(stem for s in self.sections for stem in s.concepts)


class BadPages(ValueError):
    """pages.toml does not cover the concepts of concepts.toml, once each and in order."""


@cache
def site() -> dict:
    """Return pages.toml as read."""
    return registry.load_toml("pages.toml")


@cache
def pages() -> tuple[Page, ...]:
    """Return the pages in order, checked against concepts.toml."""
    out = tuple(
        Page(p["slug"], p["title"], p["source"], p["intro"].strip(), p.get("figure"), p["neighbours"],
             tuple(Section(s["title"], s["text"].strip(), tuple(s["concepts"]), s.get("figure"))
                   for s in p["section"]))
        for p in site()["page"])
    covered = [stem for p in out for stem in p.concepts]
    wanted = [c.stem for c in registry.concepts()]
    if covered != wanted:
        raise BadPages(f"pages.toml's sections cover {covered}, but concepts.toml's concepts in order are "
                       f"{wanted}: every concept once, in that order")
    return out


def page_of(stem: str) -> Page:
    """Return the page that shows a concept."""
    return next(p for p in pages() if stem in p.concepts)

"""Build the site: write the pages and figures into a Sphinx source folder, run Sphinx
(Furo theme, sphinx-design tabs), and report the pages, their size and the time taken.

Everything the pages load is in the output folder: no fonts, scripts or styles
from another host, so `index.html` opens from disk with no network.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import live as livevalues
from . import pages, rst

STATIC = Path(__file__).with_name("static")

CONF = '''\
project = "triglot"
html_title = "triglot"
html_show_copyright = False
extensions = ["sphinx_design"]
html_theme = "furo"
html_static_path = ["_static"]
html_css_files = ["triglot.css"]
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
smartquotes = False
pygments_style = "friendly"
pygments_dark_style = "monokai"
'''


@dataclass(frozen=True)
class Report:
    outdir: Path
    pages: int
    bytes: int
    seconds: float
    live_seconds: float
    failures: tuple = ()     # unexplained differences among the values the pages show

    def line(self) -> str:
        return (f"site: {self.pages} pages, {self.bytes / 1e6:.1f} MB in {self.outdir}, built in "
                f"{self.seconds:.1f} s ({self.live_seconds:.1f} s of it running the languages); "
                f"open {self.outdir / 'index.html'}")


class BuildFailed(RuntimeError):
    """Sphinx reported a warning or an error: a broken link or a malformed page."""


def write_sources(srcdir: Path, live) -> None:
    """Write conf.py, the static files, the figures and every page into srcdir."""
    (srcdir / "conf.py").write_text(CONF, encoding="utf-8")
    shutil.copytree(STATIC, srcdir / "_static")
    (srcdir / "_figures").mkdir()
    for name, fig in live.figures.items():
        (srcdir / "_figures" / f"{name}.svg").write_text(fig.svg, encoding="utf-8")
    for name, text in rst.documents(live).items():
        path = srcdir / f"{name}.rst"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def build(outdir, say=livevalues.say) -> Report:
    """Build the site into outdir (replaced whole) and return the report."""
    from sphinx.application import Sphinx
    from sphinx.util.console import nocolor
    nocolor()
    start = time.perf_counter()
    outdir = Path(outdir).resolve()
    pages.pages()  # pages.toml checked before anything runs
    live = livevalues.compute(say)
    with tempfile.TemporaryDirectory(prefix="triglot-site-") as tmp:
        src, doctrees, html = Path(tmp) / "src", Path(tmp) / "doctrees", Path(tmp) / "html"
        src.mkdir()
        write_sources(src, live)
        say("site: building the pages with Sphinx…")
        warnings = _Collect()
        app = Sphinx(str(src), str(src), str(html), str(doctrees), "html", status=None, warning=warnings,
                     freshenv=True, keep_going=True)
        app.build()
        if warnings.lines:
            raise BuildFailed("Sphinx reported problems:\n" + "\n".join(warnings.lines))
        for junk in (".buildinfo", ".buildinfo.bak", "objects.inv"):
            (html / junk).unlink(missing_ok=True)
        if (html / "_sources").is_dir() and not any((html / "_sources").iterdir()):
            (html / "_sources").rmdir()  # html_copy_source is off: Sphinx leaves the folder empty
        if outdir.exists():
            shutil.rmtree(outdir)
        shutil.copytree(html, outdir)
    html_pages = sorted(outdir.rglob("*.html"))
    size = sum(p.stat().st_size for p in outdir.rglob("*") if p.is_file())
    return Report(outdir, len(html_pages), size, time.perf_counter() - start, live.seconds, live.failures())


class _Collect:
    """A stream for Sphinx's warnings, kept line by line."""

    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines += [line for line in text.splitlines() if line.strip()]

    def flush(self):
        pass

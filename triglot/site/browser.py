"""Open the built site in headless Chromium (Debian's, driven by Playwright): what each page
loads, logs and links to, and screenshots for the README.

    python -m triglot.site.browser SITE_DIR OUT_DIR    write OUT_DIR/index.png and logistic-regression.png

Requests to anything but file:// are blocked and reported: the site must work offline.
"""
from __future__ import annotations

import contextlib
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync", "--disable-quic"]
INSTALL = "install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; make setup-test)"
SHOTS = ("index", "logistic-regression")


class NoBrowser(RuntimeError):
    """Chromium is missing or does not start."""


@dataclass
class Visit:
    """What one page did when it opened."""
    url: str
    console: list = field(default_factory=list)     # "error: text" and "warning: text"
    errors: list = field(default_factory=list)      # uncaught exceptions
    failed: list = field(default_factory=list)      # requests that failed
    outside: list = field(default_factory=list)     # requests to anything but file://, blocked
    links: list = field(default_factory=list)       # every a[href], as written
    ids: set = field(default_factory=set)           # every element id, for links with a #fragment

    @property
    def problems(self) -> list[str]:
        """Return every console error or warning, page error, failed or outside request."""
        return self.console + self.errors + [f"failed: {u}" for u in self.failed] + \
            [f"fetched from another host: {u}" for u in self.outside]


@contextlib.contextmanager
def open_browser():
    """Yield a headless Chromium (Playwright's Browser), closed afterwards."""
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if executable is None:
        raise NoBrowser(f"{CHROMIUM} is missing: {INSTALL}")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise NoBrowser("the Python package playwright is missing: pip install -e '.[test]' (make setup)") from None
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        except Error as e:
            raise NoBrowser(f"Chromium does not start ({str(e).splitlines()[0]}): {INSTALL}") from None
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width: int = 1400, height: int = 1000):
    """Return a new page whose requests outside file:// are blocked, and the Visit it records."""
    page = browser.new_page(viewport={"width": width, "height": height})
    visit = Visit("")

    def route(r):
        """Let file:// through; abort and record a request to anything else."""
        if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
            return r.continue_()
        visit.outside.append(r.request.url)
        return r.abort()
    page.route("**/*", route)
    page.on("console", lambda m: m.type in ("error", "warning") and visit.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: visit.errors.append(str(e)))
    page.on("requestfailed", lambda r: r.url not in visit.outside and visit.failed.append(r.url))
    return page, visit


def visit(browser, path: Path) -> Visit:
    """Return what one page, opened from disk, logged, loaded, linked to and named."""
    page, seen = new_page(browser)
    seen.url = path.resolve().as_uri()
    page.goto(seen.url, wait_until="load")
    seen.links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    seen.ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    page.close()
    return seen


def screenshots(site_dir, out_dir, browser=None) -> list[Path]:
    """Write PNG screenshots of the index and the logistic-regression page; return their paths."""
    if browser is None:
        with open_browser() as browser:
            return screenshots(site_dir, out_dir, browser)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in SHOTS:
        page, _ = new_page(browser, 1400, 1100)
        page.goto((Path(site_dir) / f"{name}.html").resolve().as_uri(), wait_until="load")
        paths.append(out / f"{name}.png")
        page.screenshot(path=str(paths[-1]))
        page.close()
    return paths


def main(argv=None) -> int:
    """Write the screenshots of the site named on the command line; return the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or not (Path(args[0]) / "index.html").is_file():
        print("usage: python -m triglot.site.browser SITE_DIR OUT_DIR  (SITE_DIR: a built site, make site)",
              file=sys.stderr)
        return 2
    try:
        for path in screenshots(*args):
            print(f"screenshot: {path} ({path.stat().st_size:,} bytes)")
    except NoBrowser as e:
        print(f"triglot: {e}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())

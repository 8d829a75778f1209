"""The built site in a real browser (Debian's Chromium, headless): every page opens offline with
no console error, every internal link resolves, the language tabs switch, the figures render."""
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from triglot import registry
from triglot.site import browser

ARTIFACTS = registry.root() / "test-artifacts"


@pytest.fixture(scope="module")
def chromium():
    try:
        with browser.open_browser() as b:
            yield b
    except browser.NoBrowser as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def site(site_build):
    return site_build.outdir


@pytest.fixture(scope="module")
def visits(site, chromium):
    return {p.relative_to(site).as_posix(): browser.visit(chromium, p) for p in sorted(site.rglob("*.html"))}


def test_every_page_opens_offline_without_errors(visits):
    assert len(visits) >= 3 + len(registry.concepts())
    for name, seen in visits.items():
        assert not seen.problems, f"{name}: {seen.problems}"


def test_every_internal_link_resolves(site, visits, chromium):
    ids: dict[Path, set] = {}
    for name, seen in visits.items():
        page = site / name
        for href in seen.links:
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            parts = urlsplit(href)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{name}: link {href!r} leads nowhere"
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = _ids(chromium, target)
                assert unquote(parts.fragment) in ids[target], f"{name}: {href!r} names no element"


def _ids(chromium, path: Path) -> set:
    page, _ = browser.new_page(chromium)
    page.goto(path.as_uri())
    found = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    page.close()
    return found


def test_the_language_tabs_switch_together(site, chromium):
    page, seen = browser.new_page(chromium)
    page.goto((site / "logistic-regression.html").as_uri())
    sets = page.locator(".sd-tab-set")
    first, second = sets.nth(0), sets.nth(1)
    assert first.locator("pre:visible").inner_text().startswith(";;;")  # Scheme first
    first.locator("label", has_text="Python").click()
    shown = [first.locator("pre:visible").inner_text(), second.locator("pre:visible").inner_text()]
    assert shown[0].startswith('"""sigmoid') and "def sigmoid(z):" in shown[1], shown
    assert "(define (sigmoid z)" not in second.locator("pre:visible").inner_text()
    second.locator("label", has_text="Side by side").click()
    side = second.locator("pre:visible").all_inner_texts()
    assert len(side) == 3 and "(define (sigmoid z)" in side[0] and "def sigmoid(z):" in side[1] \
        and "(defn sigmoid [z]" in side[2]
    page.close()
    assert not seen.problems, seen.problems


@pytest.mark.parametrize("name", ["logistic-regression.html", "linear-regression.html", "training.html"])
def test_the_figures_render(site, chromium, name):
    page, seen = browser.new_page(chromium)
    page.goto((site / name).as_uri())
    images = page.locator("img")
    assert images.count() >= 1
    for k in range(images.count()):
        img = images.nth(k)
        img.scroll_into_view_if_needed()
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), img.get_attribute("src")
        box = img.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, img.get_attribute("src")
    page.close()
    assert not seen.problems, seen.problems


def test_screenshots_of_the_index_and_the_seed_page(site, chromium):
    paths = browser.screenshots(site, ARTIFACTS, chromium)
    assert [p.name for p in paths] == ["index.png", "logistic-regression.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 20_000, p

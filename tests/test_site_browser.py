"""The built site in a real browser (Debian's Chromium, headless): every page opens offline with
no console error, every internal link resolves, the language tabs switch, the figures render."""
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


def test_every_internal_link_resolves(site, visits):
    for name, seen in visits.items():
        page = site / name
        for href in seen.links:
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            parts = urlsplit(href)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{name}: link {href!r} leads nowhere"
            if parts.fragment and target.suffix == ".html":
                ids = visits[target.relative_to(site.resolve()).as_posix()].ids
                assert unquote(parts.fragment) in ids, f"{name}: {href!r} names no element"


def test_the_harness_sees_errors_and_blocks_other_hosts(tmp_path, chromium):
    page = tmp_path / "bad.html"
    page.write_text('<img src="https://example.org/x.png"><script>console.error("oops");'
                    'throw new Error("boom")</script><a href="#nowhere">x</a>', encoding="utf-8")
    seen = browser.visit(chromium, page)
    assert seen.outside == ["https://example.org/x.png"] and not seen.failed
    assert "error: oops" in seen.console and "boom" in seen.errors[0] and seen.links == ["#nowhere"]


def test_the_language_tabs_switch_together(site, chromium):
    page, seen = browser.new_page(chromium)
    page.goto((site / "logistic-regression.html").as_uri())
    sets = page.locator(".sd-tab-set")
    first, second = sets.nth(0), sets.nth(1)
    assert first.locator("pre:visible").inner_text().startswith(";;; sigmoid")   # Scheme first
    first.locator("label", has_text="Python").click()
    assert first.locator("pre:visible").inner_text().startswith('"""sigmoid')
    assert first.locator(".sd-tab-content").first.is_hidden()                   # the Scheme panel
    shown = second.locator("pre:visible").inner_text()                          # synchronised
    assert "def stable_sigmoid(z):" in shown and "(define" not in shown, shown
    checked = page.locator(".sd-tab-set > input:checked + label").all_inner_texts()
    assert checked == ["Python"] * sets.count(), checked                          # every set on the page
    second.locator("label", has_text="Side by side").click()
    side = second.locator("pre:visible")
    texts = side.all_inner_texts()
    assert len(texts) == 3 and "(define (stable-sigmoid z)" in texts[0] and "def stable_sigmoid(z):" in texts[1] \
        and "(defn stable-sigmoid [z]" in texts[2], texts
    tops = {round(side.nth(k).bounding_box()["y"]) for k in range(3)}
    assert len(tops) == 1, f"side by side, yet not in one row: {tops}"
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

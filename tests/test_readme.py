"""The README's generated tables match the data (concepts.toml, notes.toml, the cases)."""
import re

from triglot import readme, registry


def test_readme_tables_are_up_to_date():
    text = (registry.root() / "README.md").read_text(encoding="utf-8")
    assert readme.without_versions(readme.render(text)) == readme.without_versions(text), \
        "README.md is stale: run `.venv/bin/python -m triglot.readme`"


def test_readme_shows_the_two_commands():
    text = (registry.root() / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text


def test_readme_mentions_the_site_and_its_screenshots_exist():
    text = (registry.root() / "README.md").read_text(encoding="utf-8")
    assert "make site" in text
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images, "the README shows the site"
    for image in images:
        path = registry.root() / image
        assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image

"""The README's generated tables match the data (concepts.toml, notes.toml, the cases)."""
from triglot import readme, registry


def test_readme_tables_are_up_to_date():
    text = (registry.root() / "README.md").read_text(encoding="utf-8")
    assert readme.render(text) == text, "README.md is stale: run `.venv/bin/python -m triglot.readme`"


def test_readme_shows_the_two_commands():
    text = (registry.root() / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text

"""The README documents every environment variable and both commands."""

from pathlib import Path

from whitewall.config.env import VARIABLES

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_names_every_environment_variable():
    text = README.read_text(encoding="utf-8")
    missing = [name for name in VARIABLES if f"`{name}`" not in text]
    assert missing == []


def test_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert text.index("make run") < text.index("make test") < text.index("## ", text.index("make test"))

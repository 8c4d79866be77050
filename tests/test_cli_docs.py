"""Every verb is documented: in the README, and in its own --help with an example."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
VERBS = sorted(cli.commands)


def test_the_cli_has_every_verb_of_the_product():
    assert {"sync", "diff", "check", "serve", "schedule", "demo", "replica"} <= set(VERBS)


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_is_in_the_readme(verb):
    assert f"`segur {verb}`" in README


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_help_shows_an_example(verb):
    result = CliRunner().invoke(cli, [verb, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"segur {verb}" in result.output


def test_the_group_help_shows_an_example():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "segur demo" in result.output


def test_readme_gives_the_two_commands_ci_runs():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make demo" in README and "make test" in README
    assert ci.strip().splitlines()[-1] == "make test"

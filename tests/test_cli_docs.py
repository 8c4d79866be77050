"""Every verb is documented: in the README, and in its own --help with an example.

Every option and argument of a verb is in the README too, in that verb's section
("### `segur VERB`", up to the next heading of level 1 to 3).
"""

import re
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


def readme_section(verb: str) -> str:
    match = re.search(rf"^### `segur {verb}`\n(.*?)(?=^#{{1,3}} )", README + "\n# end", re.S | re.M)
    return match.group(1) if match else ""


@pytest.mark.parametrize("verb", VERBS)
def test_every_option_of_a_verb_is_in_its_readme_section(verb):
    section = readme_section(verb)
    assert section, f"no section ### `segur {verb}` in the README"
    for param in cli.commands[verb].params:
        if param.param_type_name == "argument":
            names = [param.name.upper()]
        else:
            names = [name for name in param.opts + param.secondary_opts if name != "--help"]
        for name in names:
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", section), (
                f"`segur {verb}` {name} is not in its README section"
            )


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

"""`--help` of the commands a first-time user runs: every option explains what it sets."""

import argparse

import pytest

from argonaut_mcp.cli import build_parser


def subcommand_parser(name: str) -> argparse.ArgumentParser:
    commands = next(action for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction))
    return commands.choices[name]


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_every_option_has_help(command: str) -> None:
    parser = subcommand_parser(command)

    for action in parser._actions:
        assert action.help, action.option_strings


def test_demo_help_names_scenarios() -> None:
    text = subcommand_parser("demo").format_help()

    assert "one-broken" in text
    assert "glob of the app names" in text

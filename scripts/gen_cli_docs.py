"""Write docs/cli.md, the command reference, from the commands' own --help.

The reference is never edited by hand: a test runs :func:`render` and fails
when docs/cli.md differs, so the docs cannot drift from the CLI.

    python scripts/gen_cli_docs.py          # rewrite docs/cli.md
    python scripts/gen_cli_docs.py --check  # exit 1 if docs/cli.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"
WIDTH = 88

HEADER = """\
# Command reference

Every command of `orgmodel`, as its `--help` prints it. This page is generated
by `scripts/gen_cli_docs.py` from the commands themselves; a test fails when it
is out of date, so edit the docstrings in `orgmodel/cli/` and re-run the script.

Options of the `orgmodel` group (`--data`, `--quiet`, `--verbose`) go before
the command name: `orgmodel -q --data my-data check`.
"""


def _help(command: click.Command, name: str, parent: click.Context | None) -> tuple[str, click.Context]:
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = click.Context(command, info_name=name, parent=parent, **settings)
    return command.get_help(ctx), ctx


def render() -> str:
    """The Markdown text of docs/cli.md for the commands installed now."""
    from orgmodel.cli import cli

    text, root = _help(cli, "orgmodel", None)
    parts = [HEADER, "## orgmodel", "", "```text", text, "```", ""]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        if command is None:
            continue
        sub, _ = _help(command, name, root)
        parts += [f"## orgmodel {name}", "", "```text", sub, "```", ""]
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.is_file() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python scripts/gen_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    from orgmodel.fsutil import write_text

    changed = write_text(TARGET, text)
    print(f"{'wrote' if changed else 'unchanged'} {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

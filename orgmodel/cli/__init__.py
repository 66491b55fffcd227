"""The ``orgmodel`` command line: thin commands over the library.

Commands live in their own modules and are imported only when run, so
``orgmodel --help`` and ``orgmodel log`` start quickly. Library errors
(:class:`~orgmodel.errors.OrgModelError`) are printed as
``file:line: what is wrong (how to fix)`` with exit status 2.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

# command name -> "module:attribute", imported on first use.
LAZY_COMMANDS: dict[str, str] = {
    "check": "orgmodel.cli.core:check",
    "log": "orgmodel.cli.core:log",
    "show": "orgmodel.cli.core:show",
    "history": "orgmodel.cli.core:history",
    "schema": "orgmodel.cli.core:schema",
    "diff": "orgmodel.cli.diff:diff",
    "render": "orgmodel.cli.charts:render",
    "render-diff": "orgmodel.cli.charts:render_diff",
    "build": "orgmodel.cli.charts:build",
    "export": "orgmodel.cli.export:export",
    "extract": "orgmodel.cli.extract:extract",
}

# One-line summaries, so that `orgmodel --help` imports no command module.
SUMMARIES: dict[str, str] = {
    "check": "Validate the data folder; report every error as file:line.",
    "log": "List the versions (one per announcement) in date order.",
    "show": "Show one snapshot as a tree, JSON or an export format.",
    "history": "One person's or unit's timeline, with the quotes behind it.",
    "schema": "Print the JSON Schema of the data files.",
    "diff": "What changed between two snapshots, with the evidence.",
    "render": "Draw one snapshot as an org chart (SVG, PNG, PDF or DOT).",
    "render-diff": "Draw before/after charts of a change.",
    "build": "Build every chart and the index in charts/ (the main job).",
    "export": "Write a snapshot as GraphML, JSON, Mermaid, CSV or DOT.",
    "extract": "Draft an announcement file from an article's text.",
}


def _available() -> dict[str, str]:
    out = {}
    for name, target in LAZY_COMMANDS.items():
        module = target.split(":")[0]
        if importlib.util.find_spec(module) is not None:
            out[name] = target
    return out


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_available())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _available().get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class Settings:
    """Options shared by every command, and the loaded data (loaded once)."""

    def __init__(self, data: str, quiet: bool, verbose: bool):
        self.data = data
        self.quiet = quiet
        self.verbose = verbose
        self._history = None

    def history(self):
        if self._history is None:
            from ..history import load_history

            self._history = load_history(self.data)
        return self._history


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    "-d",
    metavar="DIR",
    default=lambda: os.environ.get("ORGMODEL_DATA", "seeds"),
    show_default="$ORGMODEL_DATA or seeds",
    help="Data folder with sources.yaml, registry.yaml and announcements/.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only results and errors.")
@click.option("--verbose", "-v", is_flag=True, help="Print more about what is done.")
@click.version_option(package_name="orgmodel")
@click.pass_context
def cli(ctx: click.Context, data: str, quiet: bool, verbose: bool) -> None:
    """Versioned org charts from organisational announcements.

    Each announcement (a dated event with quoted evidence) yields one
    snapshot of the organisation. Refs name snapshots like git commits: an
    announcement id or a unique prefix, a date (2023-09), latest, latest~2.

    \b
    Examples:
      orgmodel check
      orgmodel log
      orgmodel show latest
      orgmodel diff latest~1 latest
      orgmodel build
    """
    ctx.obj = Settings(data, quiet, verbose)


def main(argv: list[str] | None = None) -> None:
    from ..errors import OrgModelError

    try:
        rc = cli.main(args=argv, prog_name="orgmodel", standalone_mode=False)
    except OrgModelError as e:
        for problem in e.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(2 if isinstance(e, click.UsageError) else e.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except OSError as e:
        # A folder that cannot be written, a full disk: the user's to fix, not a crash.
        where = f"{e.filename}: " if e.filename else ""
        click.echo(f"error: {where}{e.strerror or e} (check the path, its permissions and free space)", err=True)
        sys.exit(2)
    # Without standalone mode, click returns the code of ctx.exit(n) instead of exiting.
    if isinstance(rc, int) and not isinstance(rc, bool) and rc:
        sys.exit(rc)

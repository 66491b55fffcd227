"""The ``diff`` command."""

from __future__ import annotations

import os
import sys

import click

from . import Settings


def _use_color(flag: bool | None) -> bool:
    """Colour on a terminal only, unless asked; NO_COLOR (any value) turns the default off."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="[B]", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text: a changelog grouped by entity; json: the documented contract; markdown: for docs.")
@click.option("--lang", "-l", default="en", show_default=True, metavar="LANG",
              help="Language of the names shown (en, de, zh); falls back to English.")
@click.option("--color/--no-color", default=None,
              help="Colour the text output (default: only on a terminal, and not when NO_COLOR is set).")
@click.option("--exit-code", is_flag=True, help="Exit with 1 if there are differences, 0 if none (like git diff).")
@click.pass_obj
def diff(settings: Settings, a: str, b: str | None, fmt: str, lang: str, color: bool | None, exit_code: bool) -> None:
    """What changed from snapshot A to snapshot B, with the quotes behind it.

    With one ref, compares it with the version before it (the first version
    is compared with the empty organisation). A and B can be in either order:
    diff B A shows the same changes reversed. Across several versions the diff
    is the net effect: a unit created and dissolved in between does not show.

    \b
    Examples:
      orgmodel diff latest
      orgmodel diff 2021 2024 --format markdown
      orgmodel diff latest~1 latest --format json
      orgmodel diff latest --exit-code --lang zh
    """
    from ..diff import diff_refs
    from ..diff_format import format_json, format_markdown, format_text

    history = settings.history()
    result = diff_refs(history, a, b)
    use_color = fmt == "text" and _use_color(color)
    if fmt == "json":
        out = format_json(result)
    elif fmt == "markdown":
        out = format_markdown(result, history, lang)
    else:
        out = format_text(result, history, lang, use_color)
    # click strips ANSI codes on a pipe unless told; an explicit --color must win.
    click.echo(out, nl=False, color=use_color)
    if exit_code and result:
        # SystemExit rather than ctx.exit: the entry point runs click with
        # standalone_mode=False, which turns ctx.exit's status into a return value.
        sys.exit(1)

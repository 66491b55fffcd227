"""render, render-diff and build: thin commands over :mod:`orgmodel.build`."""

from __future__ import annotations

import sys

import click

from . import Settings

LANG = click.option("--lang", "-l", default="en", show_default=True, metavar="LANG",
                    help="Language of the names on the chart (en, de, zh); falls back to English.")
FORCE = click.option("--force", is_flag=True,
                     help="Lay out charts of more than 2,000 boxes anyway (slow: minutes).")


@click.command()
@click.argument("ref", default="latest")
@click.option("--output", "-o", metavar="FILE", help="File to write; without it the chart goes to standard output.")
@click.option("--format", "fmt", type=click.Choice(["svg", "png", "pdf", "dot"]),
              help="Output format (default: from the file extension, else svg).")
@LANG
@click.option("--focus", metavar="ID", help="Draw only this unit's subtree, or this person's neighbourhood.")
@click.option("--depth", type=click.IntRange(min=0), metavar="N",
              help="With --focus: levels of sub-units (unit) or steps of relations (person) to draw.")
@FORCE
@click.pass_obj
def render(settings: Settings, ref: str, output: str | None, fmt: str | None, lang: str, focus: str | None,
           depth: int | None, force: bool) -> None:
    """Draw the snapshot REF (default: latest) as an org chart.

    Units are boxes with their head and the people placed in them; sub-units
    hang below their parent; functional (dotted) lines are dashed. See
    docs/charts.md for the anatomy of a chart.

    \b
    Examples:
      orgmodel render latest -o org.svg
      orgmodel render 2022 --lang zh -o org-2022.png
      orgmodel render latest --focus ecommerce-business-group --depth 1 -o ecom.pdf
      orgmodel render latest --format dot | dot -Tsvg > org.svg
    """
    from ..build import snapshot_bytes, write_snapshot

    history = settings.history()
    options = {"lang": lang, "focus": focus, "depth": depth, "force": force}
    if output:
        changed = write_snapshot(history, ref, output, fmt, **options)
        if settings.verbose:
            click.echo(f"{'wrote' if changed else 'unchanged'}: {output}", err=True)
        return
    fmt = fmt or "svg"
    if fmt in ("png", "pdf") and sys.stdout.isatty():
        raise click.UsageError(f"{fmt.upper()} is binary: give a file with -o, or redirect the output")
    data = snapshot_bytes(history, ref, fmt, **options)
    click.get_binary_stream("stdout").write(data)


@click.command("render-diff")
@click.argument("a")
@click.argument("b", required=False)
@click.option("--output", "-o", "out_dir", metavar="DIR", required=True,
              help="Folder for before.svg, after.svg and diff.svg.")
@LANG
@click.option("--all", "everything", is_flag=True,
              help="Draw the whole organisation, not just the changed part and its context.")
@FORCE
@click.pass_obj
def render_diff(settings: Settings, a: str, b: str | None, out_dir: str, lang: str, everything: bool,
                force: bool) -> None:
    """Draw before/after charts of the change from A to B.

    With only A, the change A made (from the version before A). Both charts
    come from one layout, so nothing that did not change moves; diff.svg
    shows both with the changes styled and a legend. For a large
    organisation only the changed part and its context are drawn unless
    --all is given.

    \b
    Examples:
      orgmodel render-diff latest -o out/
      orgmodel render-diff 2021 latest -o out/ --lang zh
    """
    from ..build import write_diff

    result = write_diff(settings.history(), a, b, out_dir, lang=lang, everything=everything, force=force)
    if not settings.quiet:
        for p in result.written + result.unchanged:
            click.echo(str(p))


@click.command()
@click.option("--output", "-o", "out_dir", metavar="DIR", default="charts", show_default=True,
              help="Folder to build into.")
@LANG
@FORCE
@click.pass_obj
def build(settings: Settings, out_dir: str, lang: str, force: bool) -> None:
    """Build every chart and charts/README.md (the main job).

    One SVG per version, before/after/diff SVGs for every version after the
    first, and an index (README.md) with dates, sources, change summaries and
    the embedded charts. Files whose bytes would not change are not
    rewritten; charts of versions that no longer exist are removed.

    \b
    Example:
      orgmodel build
      orgmodel build -o site/charts --lang zh
    """
    from ..build import build_all, chart_count

    history = settings.history()
    total = chart_count(history)
    show = not settings.quiet and sys.stderr.isatty() and total > 3
    if show:
        from rich.progress import Progress

        with Progress(transient=True) as progress:
            task = progress.add_task("drawing charts", total=total)
            result = build_all(history, out_dir, lang, force=force, step=lambda label: progress.update(
                task, advance=1, description=label))
    else:
        result = build_all(history, out_dir, lang, force=force)
    if not settings.quiet:
        click.echo(f"{out_dir}: {len(result.written)} written, {len(result.unchanged)} unchanged, "
                   f"{len(result.removed)} removed")
        if settings.verbose:
            for p in result.written:
                click.echo(f"  wrote {p}")
            for p in result.removed:
                click.echo(f"  removed {p}")

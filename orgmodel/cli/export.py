"""export: a snapshot in a format other tools read."""

from __future__ import annotations

import sys

import click

from . import Settings

FORMATS = ("graphml", "json", "mermaid", "csv", "dot", "outline", "svg", "png", "pdf")


@click.command()
@click.argument("ref", default="latest")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format; default: implied by the -o file name, else json.")
@click.option("--output", "-o", metavar="FILE", default=None,
              help="Write to FILE (replaced atomically, left alone if unchanged) instead of stdout.")
@click.option("--lang", "-l", default="en", show_default=True, metavar="LANG",
              help="Language of the names in mermaid, csv, dot and outline (en, de, zh).")
@click.pass_obj
def export(settings: Settings, ref: str, fmt: str | None, output: str | None, lang: str) -> None:
    """Write the snapshot REF (default: latest) for another tool.

    \b
    graphml  yEd, Gephi, Cytoscape, igraph (attributes as scalars)
    json     node-link JSON, the same contract as `show --format json`
    mermaid  a flowchart for Markdown on code hosts (.mmd)
    csv      id,name,parent,title,reports_to for spreadsheets and chart libraries
    dot      the Graphviz source of the chart
    outline  the chart's text alternative as a nested Markdown list (.md)
    svg, png, pdf  the chart drawn by Graphviz (as `orgmodel render` draws it)

    \b
    Examples:
      orgmodel export latest --format graphml -o alibaba.graphml
      orgmodel export 2022 -o org.csv
      orgmodel export latest --format mermaid --lang zh
      orgmodel export 2023-09 -o before.png
    """
    from ..export import CHART_FORMATS, export_bytes, format_for
    from ..fsutil import write_bytes

    fmt = fmt or (format_for(output) if output else None) or "json"
    if output is None and fmt in ("png", "pdf") and sys.stdout.isatty():
        raise click.UsageError(f"{fmt.upper()} is binary: write it to a file with -o FILE")
    data = export_bytes(settings.history().snapshot(ref), fmt, lang)
    if output is None:
        if fmt in CHART_FORMATS:
            click.get_binary_stream("stdout").write(data)
        else:
            click.echo(data.decode("utf-8"), nl=False)
        return
    changed = write_bytes(output, data)
    if not settings.quiet:
        click.echo(f"{'wrote' if changed else 'unchanged'} {output} ({fmt})", err=True)

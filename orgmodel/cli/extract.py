"""The ``extract`` command: draft an announcement file from an article."""

from __future__ import annotations

import datetime as dt

import click

from . import Settings


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--date", "date", metavar="YYYY-MM-DD", help="The article's date; relative dates are resolved against it.")
@click.option("--lang", "-l", type=click.Choice(["auto", "en", "de", "zh"]), default="auto", show_default=True)
@click.option("--output", "-o", metavar="PATH", help="Write the draft here (a folder: one file per announcement).")
@click.option("--registry-out", "-r", metavar="PATH", help="Write proposed registry entries to this file.")
@click.option("--source", metavar="ID", help="Source id the quotes cite (default: from the file name).")
@click.option("--split", is_flag=True, help="One announcement per date the text gives (else one, dated --date).")
@click.option("--explain", is_flag=True, help="Print each drafted change with its rule and confidence.")
@click.pass_obj
def extract(settings: Settings, file: str, date: str | None, lang: str, output: str | None,
            registry_out: str | None, source: str | None, split: bool, explain: bool) -> None:
    """Draft announcements from an article's text (plain text or HTML-ish).

    Names are resolved against the registry of the data folder; unknown
    people and units are proposed as new registry entries. Every change
    quotes the sentence behind it and notes the rule and a confidence.
    Without -o the draft is printed.

    \b
    Examples:
      orgmodel extract letter.txt --date 2025-03-03 --explain
      orgmodel extract article.html --lang de -o draft.yaml -r registry-draft.yaml
    """
    from ..extract import extract_file
    from ..extract.draft import write_draft

    when = None
    if date is not None:
        try:
            when = dt.date.fromisoformat(date)
        except ValueError:
            raise click.BadParameter(f"{date!r} is not YYYY-MM-DD", param_hint="--date") from None
    draft = extract_file(file, settings.data, lang=lang, date=when, source=source, split=split)
    if explain:
        click.echo(draft.explain(), err=output is None, nl=False)
    if not draft.announcements:
        click.echo("no changes found", err=True)
        return
    if output is None:
        click.echo(draft.to_yaml(inline_registry=registry_out is None), nl=False)
    for path in write_draft(draft, output, registry_out):
        if not settings.quiet:
            click.echo(f"wrote {path}", err=True)

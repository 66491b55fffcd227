"""check, log, show, history and schema."""

from __future__ import annotations

import click

from . import Settings

LANG = click.option("--lang", "-l", default="en", show_default=True, metavar="LANG",
                    help="Language of the names shown (en, de, zh); falls back to English.")


@click.command()
@click.argument("folder", required=False, metavar="[DIR]")
@click.pass_obj
def check(settings: Settings, folder: str | None) -> None:
    """Validate a data folder and report every problem at once.

    Checks the shape of every file, the ids, that every quote is found in its
    source, and the invariants of every snapshot (no reporting cycle, one
    parent per unit, nothing used before it exists or after it is dissolved).
    Problems are printed as FILE:LINE: what is wrong (how to fix); the exit
    status is 2 if there is any.

    \b
    Example:
      orgmodel check seeds
    """
    from ..history import load_history

    history = load_history(folder or settings.data)
    n_changes = sum(len(v.announcement.changes) for v in history.versions)
    n_quotes = sum(len(c.evidence) for v in history.versions for c in v.announcement.changes)
    if not settings.quiet:
        click.echo(f"ok: {len(history.versions)} announcements, {n_changes} changes, "
                   f"{n_quotes} quotes verified in {len(history.dataset.sources)} sources, "
                   f"{len(history.dataset.entities)} entities")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def log(settings: Settings, fmt: str) -> None:
    """List the versions in date order: date, precision, title, sources.

    An approximate date (an undated source placed at the earliest year its
    text allows) is shown as "c. YEAR".

    \b
    Examples:
      orgmodel log
      orgmodel log --format json
    """
    from ..report import dumps, log_entries, log_text

    history = settings.history()
    click.echo(dumps(log_entries(history)) if fmt == "json" else log_text(history), nl=False)


@click.command()
@click.argument("ref", default="latest")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "graphml", "mermaid", "csv", "dot", "outline"]),
              default="text", show_default=True,
              help="text: an indented tree; json: nodes and edges with evidence; "
                   "the others as in `orgmodel export`.")
@LANG
@click.pass_obj
def show(settings: Settings, ref: str, fmt: str, lang: str) -> None:
    """Show the snapshot REF (default: latest).

    REF is an announcement id or a unique prefix of one, a date (the version
    in force at the end of that day, month or year), latest, first, or
    REF~N for N versions before REF.

    \b
    Examples:
      orgmodel show latest
      orgmodel show 2022 --lang zh
      orgmodel show latest~1 --format json
    """
    from ..export import export_text
    from ..report import snapshot_tree

    graph = settings.history().snapshot(ref)
    click.echo(snapshot_tree(graph, lang) if fmt == "text" else export_text(graph, fmt, lang), nl=False)


@click.command()
@click.argument("entity")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@LANG
@click.pass_obj
def history(settings: Settings, entity: str, fmt: str, lang: str) -> None:
    """One person's or unit's timeline across announcements, with the quotes.

    ENTITY is an id, a name in any language or an alias.

    \b
    Examples:
      orgmodel history wang-mingqiang
      orgmodel history Sihan
      orgmodel history 淘天集团
    """
    from ..errors import RefError
    from ..report import dumps, timeline, timeline_text

    hist = settings.history()
    ds = hist.dataset
    entity_id = ds.resolve_name(entity)
    if entity_id is None:
        close = ds.suggest(entity)
        hint = f"did you mean {close[0]!r}?" if close else "see registry.yaml for ids, names and aliases"
        raise RefError(f"no person, unit or post is called {entity!r} ({hint})")
    if fmt == "json":
        click.echo(dumps({"id": entity_id, "type": ds.kinds[entity_id], "events": timeline(hist, entity_id, lang)}), nl=False)
    else:
        click.echo(timeline_text(hist, entity_id, lang), nl=False)


@click.command()
@click.argument("kind", type=click.Choice(["announcement", "registry", "sources"]), default="announcement")
def schema(kind: str) -> None:
    """Print the JSON Schema of a data file kind (default: announcement).

    Point your editor at it with a first line such as
    "# yaml-language-server: $schema=../../schemas/announcement.schema.json".

    \b
    Example:
      orgmodel schema announcement > schemas/announcement.schema.json
    """
    from ..schemas import schema_text

    click.echo(schema_text(kind), nl=False)

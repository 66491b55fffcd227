"""Precision and recall of ``extract`` against hand-modelled announcements.

For every source of a data folder, the drafted changes are compared with the
changes whose evidence cites that source, over the kinds that shape an org
chart: reporting lines (person or post -> manager), heads of units, units
under units (the parent of created, recorded or moved units), creations and
merges. Changes are matched by kind and resolved ids, so a title worded
differently still counts and a wrong person does not.

Run ``python -m orgmodel.extract.evaluate [DATA] [--details] [--no-aliases]``
(default: seeds; ``--details`` lists every extra and missed fact).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

KINDS = ("reports", "head", "parent", "create", "merge")


def change_keys(action: str, body: dict) -> set[tuple]:
    """The comparable facts of one change, as (kind, ids...) tuples."""
    keys: set[tuple] = set()
    if action == "appoint":
        if body.get("head") and body.get("unit"):
            keys.add(("head", body["person"], body["unit"]))
        if body.get("reports_to"):
            keys.add(("reports", body["person"], body["reports_to"]))
    elif action == "reports_to":
        keys.add(("reports", body.get("person") or body.get("post"), body["to"]))
    elif action in ("create_unit", "record_unit", "move_unit"):
        if action == "create_unit":
            keys.add(("create", body["unit"]))
        if body.get("parent"):
            keys.add(("parent", body["unit"], body["parent"]))
    elif action == "merge_units":
        into = body["into"] if isinstance(body["into"], list) else [body["into"]]
        keys |= {("merge", u, t) for u in body["units"] for t in into}
    return keys


@dataclass
class Score:
    gold: set = field(default_factory=set)
    found: set = field(default_factory=set)

    @property
    def hits(self) -> int:
        return len(self.gold & self.found)

    @property
    def precision(self) -> float:
        return self.hits / len(self.found) if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / len(self.gold) if self.gold else 1.0


def _cites(announcement, source_id: str) -> bool:
    return source_id in announcement.sources or any(
        ev.source == source_id for change in announcement.changes for ev in change.evidence)


def gold_keys(dataset, source_id: str) -> set[tuple]:
    keys: set[tuple] = set()
    for af in dataset.announcements:
        for change in af.announcement.changes:
            if any(ev.source == source_id for ev in change.evidence):
                body = change.body.model_dump(exclude_none=True)
                keys |= change_keys(change.action, body)
    return keys


def evaluate(data: str | Path = "seeds", aliases: bool = True) -> dict[str, dict[str, Score]]:
    """Scores per language and source id (plus "all"): {lang: {source: Score}}.

    With ``aliases=False`` the registry's aliases are removed first (names in
    each language are kept): the seeds' registry lists nicknames and literal
    machine translations written for these very texts, and this shows how
    much of the score rests on them.
    """
    from ..load import load_dataset

    if aliases:
        return _evaluate(load_dataset(data))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data, copy)
        registry = yaml.safe_load((copy / "registry.yaml").read_text(encoding="utf-8"))
        for group in registry.values():
            for entity in group or []:
                entity.pop("aliases", None)
        (copy / "registry.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
        return _evaluate(load_dataset(copy))


def _evaluate(ds) -> dict[str, dict[str, Score]]:
    """Each source is read against the data minus the announcements that cite it,
    as a new article would be: what the data already knows from other sources
    may help, the answer may not."""
    from . import extract_text

    out: dict[str, dict[str, Score]] = defaultdict(dict)
    total = Score()
    for sid in sorted(ds.sources):
        src = ds.sources[sid]
        text = (ds.root / src.file).read_text(encoding="utf-8")
        before = replace(ds, announcements=[af for af in ds.announcements if not _cites(af.announcement, sid)])
        draft = extract_text(text, before, lang=src.language, date=src.published, source=sid, split=True)
        found: set[tuple] = set()
        for ch in draft.changes():
            found |= change_keys(ch.action, ch.body)
        score = Score(gold_keys(ds, sid), found)
        out[src.language][sid] = score
        for s in (total,):
            s.gold |= {(sid, *k) for k in score.gold}
            s.found |= {(sid, *k) for k in score.found}
    for lang, per in list(out.items()):
        agg = Score()
        for sid, s in per.items():
            agg.gold |= {(sid, *k) for k in s.gold}
            agg.found |= {(sid, *k) for k in s.found}
        per["all"] = agg
    out["all"] = {"all": total}
    return dict(out)


def report(scores: dict[str, dict[str, Score]], details: bool = False) -> str:
    lines = [f"{'language':9} {'source':28} {'gold':>5} {'found':>6} {'hits':>5} {'precision':>10} {'recall':>7}"]
    for lang in sorted(scores, key=lambda k: (k == "all", k)):
        for sid, s in sorted(scores[lang].items(), key=lambda kv: (kv[0] == "all", kv[0])):
            lines.append(f"{lang:9} {sid:28} {len(s.gold):5} {len(s.found):6} {s.hits:5} "
                         f"{s.precision:10.0%} {s.recall:7.0%}")
            if details and sid != "all":
                for k in sorted(s.found - s.gold):
                    lines.append(f"    extra   {k}")
                for k in sorted(s.gold - s.found):
                    lines.append(f"    missed  {k}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    details = "--details" in args
    aliases = "--no-aliases" not in args
    rest = [a for a in args if not a.startswith("--")]
    sys.stdout.write(report(evaluate(rest[0] if rest else "seeds", aliases), details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

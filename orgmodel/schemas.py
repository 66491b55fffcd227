"""JSON Schemas of the data files, as committed under ``schemas/``."""

from __future__ import annotations

import json

from . import model as m

KINDS = {
    "announcement": m.Announcement,
    "registry": m.Registry,
    "sources": m.SourcesFile,
}


def schema_of(kind: str) -> dict:
    schema = KINDS[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"orgmodel/{kind}.schema.json"
    return schema


def schema_text(kind: str) -> str:
    return json.dumps(schema_of(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

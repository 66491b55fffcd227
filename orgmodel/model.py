"""The data model: sources, the entity registry and announcements.

Glossary
--------
announcement
    One dated organisational event (a letter, a decision, a role reported by
    an article) with the changes it makes. The unit of versioning: every
    announcement yields one snapshot. One article may report several
    announcements; one announcement may be reported by several articles.
snapshot
    The state of the organisation after applying every announcement up to and
    including one, in date order. Materialised as a ``networkx.DiGraph``.
unit
    A group, company, business group, centre, team: anything people belong to
    and units nest in (``part_of``: child -> parent, at most one parent).
post
    A position that the texts name without a holder ("the finance leaders of
    each business sector"). Drawn as a post, not as a person.
reporting line
    ``reports_to`` from a person (or post) to a person. A *business* line is
    the solid line of command, at most one per person; a *functional*
    (dotted) line runs beside it, e.g. a business group's finance leader to
    the group CFO.
evidence
    The source and the verbatim quote behind a change. Loading fails when the
    quote is not found in the source text (white space folded).

Everything here is plain pydantic: the JSON Schema of each file kind is
``Model.model_json_schema()``, printed by ``orgmodel schema``.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

LANGS = ("en", "de", "zh")
Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        max_length=120,
        description="A stable id: lower-case letters, digits and hyphens.",
    ),
]
Names = Annotated[
    dict[str, Annotated[str, Field(min_length=1, max_length=500)]],
    Field(description="Name per language code (en, de, zh, ...)."),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # schemas built on first use: fast start-up


# --------------------------------------------------------------------------
# Sources


class Source(Strict):
    """A document the facts are read from."""

    id: Id
    file: str = Field(description="Path of the plain-text copy, relative to the data folder.")
    language: str = Field(pattern=r"^[a-z]{2}$")
    title: str
    publisher: str | None = None
    published: _dt.date | None = Field(
        None, description="Publication date; null when the document carries none."
    )
    url: str | None = None
    origin: str | None = Field(None, description="Where the copy came from (e.g. its original file name).")
    note: str | None = None


class SourcesFile(Strict):
    sources: list[Source]


# --------------------------------------------------------------------------
# Registry


class Entity(Strict):
    id: Id
    names: Names
    aliases: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list,
        description="Other names that appear in texts: nicknames, former names, translations.",
    )
    note: str | None = None

    @field_validator("names")
    @classmethod
    def _needs_a_name(cls, v: dict[str, str]) -> dict[str, str]:
        if not v:
            raise ValueError("give at least one name, e.g. {en: ...}")
        for lang in v:
            if not re.fullmatch(r"[a-z]{2}", lang):
                raise ValueError(f"language code {lang!r} must be two lower-case letters")
        return v

    def name(self, lang: str = "en") -> str:
        return display_name(self.names, lang)


class Person(Entity):
    pass


class Unit(Entity):
    kind: str | None = Field(
        None, description="What the unit is: group, business group, company, centre, team, business..."
    )


class Post(Entity):
    unit: Id | None = Field(None, description="The unit the post belongs to, if any.")
    collective: bool = Field(False, description="One post standing for many (\"each business sector's\").")


class Registry(Strict):
    people: list[Person] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    posts: list[Post] = Field(default_factory=list)


def display_name(names: dict[str, str], lang: str = "en") -> str:
    """The name in ``lang``, else English, else the first given."""
    if lang in names:
        return names[lang]
    if "en" in names:
        return names["en"]
    return next(iter(names.values()))


# --------------------------------------------------------------------------
# Changes


class Evidence(Strict):
    source: Id
    quote: str = Field(min_length=2, description="Verbatim text from the source (white space may differ).")


EvidenceList = Annotated[
    list[Evidence],
    Field(min_length=1, description="Every change cites at least one source and quote."),
]


class _UnitRef(Strict):
    unit: Id


class RecordUnit(_UnitRef):
    """The unit exists at this date; the texts do not say it was created then."""

    parent: Id | None = None
    name: Names | None = Field(None, description="Name in force, when it differs from the registry's.")


class CreateUnit(_UnitRef):
    parent: Id | None = None
    name: Names | None = Field(None, description="Name at creation, when it differs from the registry's.")


class DissolveUnit(_UnitRef):
    pass


class RenameUnit(_UnitRef):
    name: Names


class MoveUnit(_UnitRef):
    parent: Id


class MergeUnits(Strict):
    units: list[Id] = Field(min_length=1)
    into: Id | list[Id]

    def targets(self) -> list[str]:
        return [self.into] if isinstance(self.into, str) else list(self.into)


class SplitUnit(_UnitRef):
    into: list[Id] = Field(min_length=2)
    parent: Id | None = Field(None, description="Parent of the new units; default: the split unit's parent.")


class _Holder(Strict):
    person: Id | None = None
    post: Id | None = None

    @model_validator(mode="after")
    def _one_holder(self):
        if (self.person is None) == (self.post is None):
            raise ValueError("give exactly one of 'person' or 'post'")
        return self

    @property
    def who(self) -> str:
        return self.person or self.post  # type: ignore[return-value]


class Appoint(Strict):
    person: Id
    title: str = Field(min_length=1, max_length=500)
    unit: Id | None = None
    post: Id | None = None
    head: bool = Field(False, description="The person leads the unit (at most one head per unit).")
    reports_to: Id | None = Field(None, description="Sets the person's business line at the same time.")

    @model_validator(mode="after")
    def _one_place(self):
        if (self.unit is None) == (self.post is None):
            raise ValueError("give exactly one of 'unit' or 'post'")
        if self.post is not None and self.head:
            raise ValueError("'head' applies to units, not posts")
        return self


class Leave(Strict):
    person: Id
    unit: Id | None = None
    post: Id | None = None

    @model_validator(mode="after")
    def _at_most_one(self):
        if self.unit is not None and self.post is not None:
            raise ValueError("give 'unit' or 'post', not both (or neither to leave the organisation)")
        return self


Line = Literal["business", "functional"]


class ReportsTo(_Holder):
    to: Id
    line: Line = "business"


class EndReporting(_Holder):
    to: Id
    line: Line = "business"


class Join(Strict):
    person: Id
    unit: Id


class EndMembership(Strict):
    person: Id
    unit: Id


ACTIONS: dict[str, type[Strict]] = {
    "record_unit": RecordUnit,
    "create_unit": CreateUnit,
    "dissolve_unit": DissolveUnit,
    "rename_unit": RenameUnit,
    "move_unit": MoveUnit,
    "merge_units": MergeUnits,
    "split_unit": SplitUnit,
    "appoint": Appoint,
    "leave": Leave,
    "reports_to": ReportsTo,
    "end_reporting": EndReporting,
    "join": Join,
    "end_membership": EndMembership,
}


class _ChangeBase(Strict):
    evidence: EvidenceList
    note: str | None = None

    @field_validator("evidence", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, dict) else v

    @property
    def action(self) -> str:
        for name in ACTIONS:
            if name in type(self).model_fields:
                return name
        raise AssertionError(type(self).__name__)

    @property
    def body(self) -> Strict:
        return getattr(self, self.action)


def _change_model(action: str, body: type[Strict]) -> type[_ChangeBase]:
    model = type(
        "Change_" + action,
        (_ChangeBase,),
        {"__annotations__": {action: body}, "__doc__": f"A change of kind `{action}`."},
    )
    return model


CHANGE_MODELS = {name: _change_model(name, body) for name, body in ACTIONS.items()}


def _action_of(value: Any) -> str | None:
    if isinstance(value, dict):
        found = [k for k in value if k in ACTIONS]
        return found[0] if len(found) == 1 else None
    if not isinstance(value, BaseModel):
        return None  # a string or number where a change belongs ("join" is also a str method)
    for name in ACTIONS:
        if hasattr(value, name) and name in type(value).model_fields:
            return name
    return None


Change = Annotated[
    Union[tuple(Annotated[m, Tag(n)] for n, m in CHANGE_MODELS.items())],  # type: ignore[misc]
    Discriminator(
        _action_of,
        custom_error_type="change_kind",
        custom_error_message="each change needs exactly one action key: " + ", ".join(ACTIONS),
    ),
]


# --------------------------------------------------------------------------
# Dates and announcements

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
Precision = Literal["day", "month", "year"]


class Announcement(Strict):
    """A dated organisational event and the changes it makes."""

    id: Id
    date: str = Field(
        description="YYYY-MM-DD, YYYY-MM or YYYY: the written form is the precision.",
        json_schema_extra={"pattern": _DATE.pattern},
    )
    approximate: bool = Field(
        False,
        description="True when the date is inferred (an undated source placed at the earliest year its text allows).",
    )
    date_note: str | None = Field(None, description="How the date was derived, e.g. 'September last year' in a 2024-11-21 article.")
    title: str = Field(min_length=1)
    sources: list[Id] = Field(min_length=1)
    author: Id | None = Field(None, description="The person who issued it, when it is a letter.")
    changes: list[Change] = Field(min_length=1)  # type: ignore[valid-type]
    note: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, v: Any) -> Any:
        if isinstance(v, _dt.date):
            return v.isoformat()
        if isinstance(v, int) and not isinstance(v, bool):
            return f"{v:04d}"
        return v

    @field_validator("date")
    @classmethod
    def _valid_date(cls, v: str) -> str:
        parse_date(v)
        return v

    @property
    def precision(self) -> Precision:
        return parse_date(self.date)[1]

    @property
    def start(self) -> _dt.date:
        return parse_date(self.date)[0]

    @property
    def end(self) -> _dt.date:
        """The last day the written date may stand for."""
        return period_end(self.date)

    def sort_key(self) -> tuple:
        return (self.start, self.approximate, _PREC_ORDER[self.precision], self.id)


_PREC_ORDER = {"year": 0, "month": 1, "day": 2}


def parse_date(text: str) -> tuple[_dt.date, Precision]:
    """Parse ``YYYY[-MM[-DD]]`` into its first day and its precision.

    >>> parse_date("2023-09")
    (datetime.date(2023, 9, 1), 'month')
    """
    m = _DATE.match(str(text))
    if not m:
        raise ValueError(f"date {text!r} must be YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if day:
            return _dt.date(int(year), int(month), int(day)), "day"
        if month:
            return _dt.date(int(year), int(month), 1), "month"
        return _dt.date(int(year), 1, 1), "year"
    except ValueError as e:
        raise ValueError(f"date {text!r} is not a real date: {e}") from None


def period_end(text: str) -> _dt.date:
    start, precision = parse_date(text)
    if precision == "day":
        return start
    if precision == "year":
        return _dt.date(start.year, 12, 31)
    nxt = _dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - _dt.timedelta(days=1)

"""One exception family for everything orgmodel reports to a user.

Every error knows where it happened (file, line, column when the parser gives
one) and how to fix it, so the CLI can print ``file:line: what is wrong (how to
fix)`` and exit with status 2 instead of showing a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located in a file."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def location(self) -> str:
        if not self.file:
            return ""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class OrgModelError(Exception):
    """Base class of every error orgmodel raises on purpose."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class InputError(OrgModelError, ValueError):
    """The data on disk is malformed, inconsistent or unverifiable."""


class RefError(OrgModelError, KeyError):
    """A snapshot reference or entity name does not resolve."""


class RenderError(OrgModelError, RuntimeError):
    """Graphviz is missing or failed on a chart."""

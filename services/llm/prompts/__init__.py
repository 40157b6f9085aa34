"""Versioned prompt files beside this module: `<name>.v<N>.md`, a system part and a user part.

The files are read on first use, never at import; this is a package so that they ship
as its package data. The highest version of a name is used; its number goes into the
response cache key, so a new wording misses the cache.
"""

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from string import Template
from typing import Any

_FILE = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)\.v(?P<version>[0-9]+)\.md$")
_PART = re.compile(r"<!--\s*(system|user)\s*-->")


class PromptMissing(LookupError):
    """No prompt file for a task name."""


@dataclass(frozen=True)
class PromptTemplate:
    """One version of a prompt; `$placeholders` are filled by `render`."""

    name: str
    version: int
    system: str
    user: str

    def render(self, **values: str) -> tuple[str, str]:
        """The system and user texts with the placeholders filled."""
        return (
            Template(self.system).safe_substitute(values),
            Template(self.user).safe_substitute(values),
        )


def to_json(value: Any) -> str:
    """The JSON a prompt shows: stable key order, readable, non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@functools.cache
def load_prompt(name: str) -> PromptTemplate:
    """The highest version of the prompt called `name`."""
    versions = _versions().get(name)
    if not versions:
        raise PromptMissing(f"no prompt file services/llm/prompts/{name}.v<N>.md")
    version = max(versions)
    text = (resources.files(__name__) / f"{name}.v{version}.md").read_text(encoding="utf-8")
    return _parse(name, version, text)


@functools.cache
def _versions() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for entry in resources.files(__name__).iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.setdefault(match["name"], []).append(int(match["version"]))
    return found


def _parse(name: str, version: int, text: str) -> PromptTemplate:
    parts: dict[str, str] = {}
    pieces = _PART.split(text)
    # pieces: [header, "system", body, "user", body, ...]; the header comment is dropped.
    for role, body in zip(pieces[1::2], pieces[2::2], strict=True):
        parts[role] = body.strip()
    if "user" not in parts:
        raise PromptMissing(f"prompt {name}.v{version}.md has no <!-- user --> part")
    return PromptTemplate(name, version, parts.get("system", ""), parts["user"])

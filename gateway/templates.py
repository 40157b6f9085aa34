"""Path templates of google.api.http rules: parsing, and matching request paths.

Grammar (google/api/http.proto):

    Template = "/" Segments [ Verb ] ;
    Segments = Segment { "/" Segment } ;
    Segment  = "*" | "**" | LITERAL | Variable ;
    Variable = "{" FieldPath [ "=" Segments ] "}" ;
    Verb     = ":" LITERAL ;

Each template compiles to one regular expression over the raw (still
percent-encoded) path, so that a `/` inside a single-segment variable stays
`%2F` while matching and is decoded only in the bound value.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote


class TemplateSyntaxError(ValueError):
    """A path template that does not follow the google.api.http grammar."""


@dataclass(frozen=True)
class Variable:
    """`{field.path=pattern}`: binds the matched segments to a request field."""

    field_path: tuple[str, ...]
    pattern: tuple[str, ...]  # "*", "**" or literals; ("*",) when the template gives none

    @property
    def name(self) -> str:
        return ".".join(self.field_path)


Segment = str | Variable


@dataclass(frozen=True)
class PathTemplate:
    """A parsed template; `match` binds variables of a raw request path."""

    text: str
    segments: tuple[Segment, ...]
    verb: str
    regex: re.Pattern[str]
    variables: tuple[Variable, ...]

    def match(self, raw_path: str) -> dict[str, str] | None:
        """Field path → decoded value for each variable, or None when the path does not match."""
        found = self.regex.match(raw_path)
        if found is None:
            return None
        return {v.name: unquote(found.group(i + 1)) for i, v in enumerate(self.variables)}

    @property
    def literal_count(self) -> int:
        """Literal segments, variables' literals included: more literals, more specific."""
        count = 0
        for segment in self.segments:
            parts = segment.pattern if isinstance(segment, Variable) else (segment,)
            count += sum(1 for p in parts if p not in ("*", "**"))
        return count

    @property
    def has_wildcards(self) -> bool:
        return bool(self.variables) or any(s in ("*", "**") for s in self.segments)


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LITERAL = re.compile(r"[^/{}*:]+|\*\*|\*")


def parse_template(text: str) -> PathTemplate:
    """Parses `text`; raises TemplateSyntaxError naming the problem."""
    if not text.startswith("/"):
        raise TemplateSyntaxError(f"{text!r}: a template starts with '/'")
    body, verb = _split_verb(text)
    segments = _parse_segments(body[1:], text, inside_variable=False)
    variables = tuple(s for s in segments if isinstance(s, Variable))
    names = [v.name for v in variables]
    if len(set(names)) != len(names):
        raise TemplateSyntaxError(f"{text!r}: a field is bound twice")
    pattern = "/".join(_segment_regex(s) for s in segments)
    regex = re.compile(f"^/{pattern}{_verb_regex(verb)}$")
    return PathTemplate(text, segments, verb, regex, variables)


def _split_verb(text: str) -> tuple[str, str]:
    """("/v1/{name=tools/*}", "invoke") for "/v1/{name=tools/*}:invoke"."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char == "}":
            depth += 1
        elif char == "{":
            depth -= 1
        elif char == "/" and depth == 0:
            return text, ""
        elif char == ":" and depth == 0:
            verb = text[index + 1 :]
            if not verb or not _LITERAL.fullmatch(verb) or "*" in verb:
                raise TemplateSyntaxError(f"{text!r}: bad verb {verb!r}")
            return text[:index], verb
    return text, ""


def _parse_segments(text: str, template: str, *, inside_variable: bool) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    position = 0
    while True:
        if text.startswith("{", position):
            if inside_variable:
                raise TemplateSyntaxError(f"{template!r}: nested variable")
            end = text.find("}", position)
            if end < 0:
                raise TemplateSyntaxError(f"{template!r}: unclosed '{{'")
            segments.append(_parse_variable(text[position + 1 : end], template))
            position = end + 1
        else:
            found = _LITERAL.match(text, position)
            if found is None:
                raise TemplateSyntaxError(f"{template!r}: empty or bad segment at {position}")
            segments.append(found.group())
            position = found.end()
        if position == len(text):
            break
        if text[position] != "/":
            raise TemplateSyntaxError(f"{template!r}: unexpected {text[position]!r}")
        position += 1
    if "**" in segments[:-1]:
        raise TemplateSyntaxError(f"{template!r}: '**' must be the last segment")
    return tuple(segments)


def _parse_variable(text: str, template: str) -> Variable:
    path, _, pattern = text.partition("=")
    fields = tuple(path.split("."))
    if not all(_IDENT.fullmatch(f) for f in fields):
        raise TemplateSyntaxError(f"{template!r}: bad field path {path!r}")
    parts = _parse_segments(pattern, template, inside_variable=True) if pattern else ("*",)
    return Variable(fields, tuple(str(p) for p in parts))


def _segment_regex(segment: Segment) -> str:
    if isinstance(segment, Variable):
        return "(" + "/".join(_segment_regex(p) for p in segment.pattern) + ")"
    if segment == "*":
        return "[^/]+"
    if segment == "**":
        return ".+"
    return re.escape(segment)


def _verb_regex(verb: str) -> str:
    return ":" + re.escape(verb) if verb else ""

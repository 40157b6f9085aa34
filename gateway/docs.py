"""/docs: a static HTML listing of the OpenAPI operations (no scripts, nothing fetched)."""

from html import escape
from typing import Any

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;margin-top:2rem}
.op{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #888;background:#fafafa}
.get{border-color:#2a7ae2}.post{border-color:#2e9e4f}.delete{border-color:#c33}
.m{font-weight:bold;text-transform:uppercase;margin-right:.5rem}
code{background:#eee;padding:0 .25rem}table{border-collapse:collapse}
td{padding:0 .75rem 0 0;vertical-align:top}
"""


def render_docs(document: dict[str, Any]) -> bytes:
    """The page for an OpenAPI document."""
    info = document["info"]
    by_tag: dict[str, list[str]] = {}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            tag = (operation.get("tags") or ["API"])[0]
            by_tag.setdefault(tag, []).append(_operation(method, path, operation))
    sections = "".join(
        f"<h2>{escape(tag)}</h2>{''.join(items)}" for tag, items in sorted(by_tag.items())
    )
    description = "".join(f"<p>{escape(p)}</p>" for p in info.get("description", "").split("\n\n"))
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>{escape(info['title'])}</title><style>{_STYLE}</style>"
        f"<h1>{escape(info['title'])} <small>{escape(info['version'])}</small></h1>"
        f"{description}<p>Machine-readable: <a href=/openapi.json>/openapi.json</a></p>"
        f"{sections}</html>"
    )
    return page.encode()


def _operation(method: str, path: str, operation: dict[str, Any]) -> str:
    rows = [
        _row("Parameters", ", ".join(_parameter(p) for p in operation.get("parameters", ()))),
        _row("Body", _schema_name(operation.get("requestBody", {}))),
        _row("Response", _schema_name(operation["responses"]["200"])),
    ]
    streaming = " (server stream: SSE or NDJSON)" if operation.get("x-server-streaming") else ""
    return (
        f"<div class='op {escape(method)}'><span class=m>{escape(method)}</span>"
        f"<code>{escape(path)}</code> — {escape(operation.get('summary', ''))}{streaming}"
        f"<p>{escape(operation.get('description', ''))}</p>"
        f"<table>{''.join(r for r in rows if r)}</table></div>"
    )


def _row(label: str, value: str) -> str:
    return f"<tr><td>{label}</td><td>{value}</td></tr>" if value else ""


def _parameter(parameter: dict[str, Any]) -> str:
    return f"<code>{escape(parameter['name'])}</code> ({escape(parameter['in'])})"


def _schema_name(part: dict[str, Any]) -> str:
    for media_type, content in part.get("content", {}).items():
        schema = content.get("schema", {})
        ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1] if ref else schema.get("type", "object")
        return f"<code>{escape(str(name))}</code> <small>{escape(media_type)}</small>"
    return ""

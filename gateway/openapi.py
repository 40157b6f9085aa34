"""OpenAPI 3.1 of the routes, generated from the same descriptors the gateway serves.

A template variable that spans segments (`{name=trips/*}`) is written out:
its literals become path text and each `*` a path parameter named after the
collection before it (`/v1/trips/{trip}`), since OpenAPI parameters cannot
hold a `/`.
"""

import re
from typing import Any

from gateway import keys
from gateway.query import addressable_fields
from gateway.rules import Route
from gateway.schemas import Schema, SchemaBuilder
from gateway.streaming import NDJSON, SSE
from gateway.templates import PathTemplate, Variable
from services.runtime.protodocs import comment

ERROR_REF = "#/components/responses/Error"
ERROR_STATUSES = ("400", "401", "403", "404", "413", "429", "500", "501", "503", "504")
_REQUEST_ID_HEADER = {
    "description": "The request id (the caller's X-Request-Id, or a new one).",
    "schema": {"type": "string"},
}
DESCRIPTION = """\
HTTP/JSON edge of tripmesh, transcoded to gRPC from the google.api.http rules.

Bodies and responses are canonical proto3 JSON (lowerCamelCase out; lowerCamelCase or
snake_case in; unknown fields refused). Every error is a google.rpc.Status:
`{"code", "message", "details": [{"@type": ...}]}`.

Headers: `Grpc-Timeout` (such as `5S`, `500m`) or `X-Request-Timeout` (seconds) sets the
deadline; `X-Request-Id` is returned on every response; `traceparent` continues a trace.
Streaming methods answer Server-Sent Events with `Accept: text/event-stream`, else NDJSON
lines `{"result": ...}` with a last `{"error": Status}` on failure."""


def openapi_document(routes: list[Route], *, version: str, api_keys: bool) -> dict[str, Any]:
    """The OpenAPI document of `routes` (security schemes only when API keys are on)."""
    schemas = SchemaBuilder()
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        path, parameters = openapi_path(route.template)
        operation = _operation(route, parameters, schemas)
        if api_keys:
            operation["security"] = [{"bearer": []}, {"apiKey": []}]
        paths.setdefault(path, {})[route.http_method.lower()] = operation
    components: dict[str, Any] = {
        "schemas": {**schemas.components, "google.rpc.Status": _status_schema()},
        "responses": {
            "Error": {
                "description": "A google.rpc.Status.",
                "headers": {"X-Request-Id": _REQUEST_ID_HEADER},
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/google.rpc.Status"}
                    }
                },
            }
        },
    }
    services = sorted({route.rpc.service for route in routes})
    tags = [{"name": _tag(s), "description": comment(s)} for s in services]
    if api_keys:  # without keys, the gateway's own /v1/keys/me only answers 404 NO_API_KEY
        paths[keys.PATH] = {"get": keys.OPERATION}
        tags.append({"name": "Keys", "description": "The caller's own API key."})
        components["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer"},
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "tripmesh gateway", "version": version, "description": DESCRIPTION},
        "tags": tags,
        "paths": dict(sorted(paths.items())),
        "components": components,
    }


def openapi_path(template: PathTemplate) -> tuple[str, list[dict[str, Any]]]:
    """("/v1/trips/{trip}", [path parameter "trip"]) for "/v1/{name=trips/*}"."""
    parts: list[str] = []
    parameters: list[dict[str, Any]] = []
    for segment in template.segments:
        if isinstance(segment, Variable):
            parts.extend(_variable_parts(segment, parameters))
        elif segment in ("*", "**"):
            parts.append(_parameter(f"segment{len(parameters) + 1}", segment, "", parameters))
        else:
            parts.append(segment)
    verb = f":{template.verb}" if template.verb else ""
    return "/" + "/".join(parts) + verb, parameters


def _variable_parts(variable: Variable, parameters: list[dict[str, Any]]) -> list[str]:
    parts: list[str] = []
    previous = ""
    for piece in variable.pattern:
        if piece in ("*", "**"):
            name = _singular(previous) if previous else variable.name.replace(".", "_")
            parts.append(_parameter(name, piece, variable.name, parameters))
        else:
            parts.append(piece)
        previous = piece
    return parts


def _parameter(name: str, piece: str, field: str, parameters: list[dict[str, Any]]) -> str:
    taken = {p["name"] for p in parameters}
    unique, number = name, 2
    while unique in taken:
        unique, number = f"{name}{number}", number + 1
    schema: Schema = {"type": "string", "pattern": r"^[^/]+$" if piece == "*" else r"^.+$"}
    description = f"A segment of the request field `{field}`." if field else "A path segment."
    parameters.append(
        {
            "name": unique,
            "in": "path",
            "required": True,
            "schema": schema,
            "description": description,
        }
    )
    return "{" + unique + "}"


def _singular(collection: str) -> str:
    """ "trip" for "trips": AIP collection ids are plural nouns."""
    word = re.sub(r"[^A-Za-z0-9_]", "_", collection)
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _operation(
    route: Route, parameters: list[dict[str, Any]], schemas: SchemaBuilder
) -> dict[str, Any]:
    rpc = route.rpc
    operation: dict[str, Any] = {
        "operationId": rpc.operation_id,
        "summary": _humanize(rpc.name),
        "description": _join(
            comment(f"{rpc.service}.{rpc.name}"),
            f"gRPC `{rpc.path}` (template `{route.template.text}`).",
        ),
        "tags": [_tag(rpc.service)],
        "parameters": [*parameters, *_query_parameters(route, schemas)],
        "responses": {
            "200": _success(route, schemas),
            **{status: {"$ref": ERROR_REF} for status in ERROR_STATUSES},
            "default": {"$ref": ERROR_REF},
        },
    }
    if route.body:
        operation["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": _body_schema(route, schemas)}},
        }
        operation["responses"]["415"] = {"$ref": ERROR_REF}  # a body that is not JSON
    if rpc.server_streaming:
        operation["x-server-streaming"] = True
    return operation


def _query_parameters(route: Route, schemas: SchemaBuilder) -> list[dict[str, Any]]:
    if route.body == "*":
        return []
    excluded = set(route.path_fields) | ({route.body} if route.body else set())
    parameters = []
    for path in addressable_fields(route.rpc.input_descriptor, excluded):
        leaf = path[-1]
        parameters.append(
            {
                "name": ".".join(f.json_name for f in path),
                "in": "query",
                "required": False,
                **({"description": text} if (text := comment(leaf.full_name)) else {}),
                "schema": schemas.field(leaf),
                **({"style": "form", "explode": True} if leaf.is_repeated else {}),
            }
        )
    return parameters


def _body_schema(route: Route, schemas: SchemaBuilder) -> Schema:
    request = route.rpc.input_descriptor
    if route.body != "*":
        return schemas.field(request.fields_by_name[route.body])
    top_level = {path.split(".")[0] for path in route.path_fields}
    if top_level:
        schemas.message(request)  # the full message stays a component too
        return schemas.object_without(request, top_level)
    return schemas.message(request)


def _success(route: Route, schemas: SchemaBuilder) -> dict[str, Any]:
    response = route.rpc.output_descriptor
    schema = (
        schemas.field(response.fields_by_name[route.response_body])
        if route.response_body
        else schemas.message(response)
    )
    headers = {"X-Request-Id": _REQUEST_ID_HEADER}
    if not route.rpc.server_streaming:
        return {
            "description": "OK",
            "headers": headers,
            "content": {"application/json": {"schema": schema}},
        }
    line = {
        "type": "object",
        "properties": {
            "result": schema,
            "error": {"$ref": "#/components/schemas/google.rpc.Status"},
        },
        "additionalProperties": False,
    }
    return {
        "description": "A stream: one event (SSE) or line (NDJSON) per message.",
        "headers": headers,
        "content": {
            SSE.decode(): {
                "schema": {
                    "type": "string",
                    "description": "`data: <message>` per message; `event: error` on failure.",
                }
            },
            NDJSON.decode(): {"schema": {**line, "description": "One JSON object per line."}},
        },
    }


def _status_schema() -> Schema:
    return {
        "type": "object",
        "title": "Status",
        "properties": {
            "code": {"type": "integer", "format": "int32", "description": "A google.rpc.Code."},
            "message": {"type": "string"},
            "details": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"@type": {"type": "string"}},
                    "required": ["@type"],
                    "additionalProperties": True,
                },
            },
        },
        "required": ["code", "message", "details"],
        "additionalProperties": False,
    }


def _humanize(name: str) -> str:
    """ "Plan trip" for "PlanTrip"."""
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", name)
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name


def _tag(service: str) -> str:
    """ "OrchestratorService" for "tripmesh.v1.OrchestratorService"."""
    return service.rsplit(".", 1)[-1]


def _join(*paragraphs: str) -> str:
    return "\n\n".join(p for p in paragraphs if p)

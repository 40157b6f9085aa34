"""`tripmesh up` runs the services with python -OO, which drops docstrings. The JSON Schemas
a model is shown (json_schema_of) must not change for it: each pydantic model of tripmesh,
found by importing every module of services and gateway, gives the same schema, byte for
byte, with and without -OO, and every answer schema keeps its description."""

import json
import subprocess
import sys

# Prints json_schema_of() of every pydantic model (settings aside) defined in tripmesh.
_SCHEMAS = """
import importlib, json, pkgutil, sys
import pydantic, pydantic_settings
import gateway, services
from services.llm.asking import json_schema_of

for package in (services, gateway):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)

def models(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from models(sub)

found = {}
for model in models(pydantic.BaseModel):
    if not model.__module__.startswith(("services.", "gateway.")):
        continue
    if issubclass(model, pydantic_settings.BaseSettings):
        continue
    try:
        schema = json_schema_of(model)
    except pydantic.PydanticUserError:  # generic or incomplete: no schema of its own
        continue
    found[f"{model.__module__}.{model.__qualname__}"] = json.dumps(schema)
print(json.dumps({"optimize": sys.flags.optimize, "schemas": found}))
"""


def _schemas(*flags: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, *flags, "-c", _SCHEMAS],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result = json.loads(done.stdout)
    assert isinstance(result, dict)
    return result


def test_every_schema_is_the_same_under_python_oo() -> None:
    plain, optimized = _schemas(), _schemas("-OO")
    assert (plain["optimize"], optimized["optimize"]) == (0, 2)
    assert optimized["schemas"] == plain["schemas"]
    schemas = plain["schemas"]
    assert isinstance(schemas, dict)
    answers = [
        "services.agents.schemas.ItineraryDraft",
        "services.agents.schemas.SavingsDraft",
        "services.agents.schemas.AdviceDraft",
        "services.a2a.model_reading.TripText",
    ]
    for name in answers:
        assert json.loads(schemas[name])["description"], name

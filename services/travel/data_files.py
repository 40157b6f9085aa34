"""Reading the JSON tables shipped in services/travel/data (on first use, once)."""

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> Any:
    """The parsed content of data/<name>.json."""
    path = resources.files("services.travel.data") / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))

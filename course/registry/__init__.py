"""The course's registry: what it says about the essay, kept as data a scholar can edit.

This folder holds YAML files, each beside the JSON Schema that says what it may hold:

* ``claims.yaml`` (``claims.schema.json``) — the essay's claims as the course reads them:
  verbatim excerpts with their paragraphs, testable forms, tables and measures, lessons,
  questions, and the course's verdict (read by :mod:`course.claims`);
* ``readings.yaml`` (``readings.schema.json``) — the annotated reading list (read by
  :mod:`course.readings`).

:func:`load` reads a file and checks it against its schema (JSON Schema draft 7, compiled
by fastjsonschema, so loading stays fast) before anything uses it. An edit that breaks the
schema raises :class:`~course.errors.DataError` naming the file, the entry (its place and
its id or key) and the field, and saying what is wrong. ``tests/test_claims.py`` and
``tests/test_readings.py`` load both files, so CI checks every edit.

Examples
--------
>>> from course import registry
>>> [c["id"] for c in registry.load("claims")["claims"]][:3]
['C1', 'C2', 'C3']
>>> registry.parse("claims", "claims: [{id: C1, title: 42}]")
Traceback (most recent call last):
...
course.errors.DataError: claims.yaml: claims/0: 'excerpts' is a required property; fix entry C1
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from course.errors import DataError

__all__ = ["FOLDER", "load", "parse", "path", "schema"]

FOLDER = Path(__file__).resolve().parent


def path(name: str) -> Path:
    """The data file ``name`` (``"claims"`` or ``"readings"``): ``<name>.yaml`` here."""
    return FOLDER / f"{name}.yaml"


@cache
def schema(name: str) -> dict:
    """The JSON Schema of the data file ``name`` (``<name>.schema.json``)."""
    return json.loads((FOLDER / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> Callable[[Any], Any]:
    import fastjsonschema

    return fastjsonschema.compile(schema(name))


def _shown(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _message(error: Any) -> str:
    """What is wrong, in the words of JSON Schema's reference implementation."""
    rule, expected, value = error.rule, error.rule_definition, error.value
    definition = error.definition if isinstance(error.definition, dict) else {}
    if rule == "required" and isinstance(value, dict):
        missing = [key for key in expected if key not in value]
        return f"{missing[0]!r} is a required property" if missing else error.message
    if rule == "additionalProperties" and isinstance(value, dict):
        extra = [key for key in value if key not in definition.get("properties", {})]
        verb = "was" if len(extra) == 1 else "were"
        return (f"Additional properties are not allowed "
                f"({', '.join(repr(k) for k in extra)} {verb} unexpected)")
    if rule == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return f"{_shown(value)} is not of type {', '.join(repr(k) for k in kinds)}"
    if rule == "pattern":
        return f"{_shown(value)} does not match {expected!r}"
    if rule in ("minLength", "minItems"):
        empty = rule == "minItems" and expected == 1
        return f"{_shown(value)} {'should be non-empty' if empty else 'is too short'}"
    if rule in ("maxLength", "maxItems"):
        return f"{_shown(value)} is too long"
    if rule == "enum":
        return f"{_shown(value)} is not one of {expected!r}"
    if rule == "minimum":
        return f"{_shown(value)} is less than the minimum of {expected!r}"
    if rule == "maximum":
        return f"{_shown(value)} is greater than the maximum of {expected!r}"
    custom = definition.get("errorMessage", {})
    if isinstance(custom, dict) and isinstance(custom.get(rule), str):
        return custom[rule]
    return error.message


def _where(document: Any, error: Any) -> tuple[str, str]:
    """``("claims/2/questions/0/prompt", "; fix entry C3, field 'questions/0/prompt'")``."""
    steps = [str(step) for step in error.path[1:]]  # the first is fastjsonschema's "data"
    where = "/".join(steps) or "(top level)"
    if len(steps) < 2 or not isinstance(document, dict):
        return where, ""
    entries, index = document.get(steps[0]), steps[1]
    label = f"{steps[0]}/{index}"
    if isinstance(entries, list) and index.isdigit() and int(index) < len(entries) \
            and isinstance(entries[int(index)], dict):
        ident = entries[int(index)].get("id", entries[int(index)].get("key"))
        label = ident if isinstance(ident, str) and ident else label
    field = f", field {'/'.join(steps[2:])!r}" if len(steps) > 2 else ""
    return where, f"; fix entry {label}{field}"


def parse(name: str, text: str) -> Any:
    """The document in ``text``, after checking it against the schema of ``name``.

    Raises
    ------
    DataError
        If ``text`` is not YAML or breaks the schema: the message names the entry and the
        field, and says what is wrong.
    """
    import fastjsonschema
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise DataError(f"{name}.yaml is not valid YAML: {error}") from None
    try:
        _validator(name)(document)
    except fastjsonschema.JsonSchemaValueException as error:
        where, fix = _where(document, error)
        raise DataError(f"{name}.yaml: {where}: {_message(error)}{fix}") from None
    return document


def load(name: str) -> Any:
    """The data file ``name``, read and checked against its schema (see :func:`parse`)."""
    return parse(name, path(name).read_text(encoding="utf-8"))

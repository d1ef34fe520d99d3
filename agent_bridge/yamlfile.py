"""YAML files checked against a JSON Schema, with errors that name the file, the line and the field.

Crew manifests and gym scenarios are both read through `load_checked`. PyYAML's safe loader only
(no tags, no objects); the node tree keeps every value's line so a schema error can point at it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

MAX_FILE_BYTES = 1_000_000


class FileProblem(Exception):
    """A file that can't be used; the message names file, line and field."""


@lru_cache(maxsize=None)
def schema(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _lines(node, path=(), found=None) -> dict:
    """JSON path (tuple) -> 1-based line of the value there."""
    found = {} if found is None else found
    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found[path + (key.value,)] = key.start_mark.line + 1
            _lines(value, path + (key.value,), found)
            found[path + (key.value,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, path + (index,), found)
    return found


def field_name(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the whole file)"


def load_checked(path: str | Path, schema_path: Path, lines_out: dict | None = None) -> dict:
    """The file's data, valid against the schema, or FileProblem naming file, line and field."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FileProblem(f"{path}: the file is larger than {MAX_FILE_BYTES // 1000} kB.")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileProblem(f"{path}: there is no such file.") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise FileProblem(f"{path}: the file can't be read ({problem.__class__.__name__}).") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        reason = getattr(problem, "problem", None) or "this isn't valid YAML"
        raise FileProblem(f"{path}{where}: {reason}.") from None
    if node is None:
        raise FileProblem(f"{path}: the file is empty.")
    lines = _lines(node)
    if lines_out is not None:
        lines_out.update(lines)
    errors = sorted(jsonschema.Draft202012Validator(schema(schema_path)).iter_errors(data),
                    key=lambda e: (lines.get(tuple(e.absolute_path), 0), list(map(str, e.absolute_path))))
    if errors:
        first = errors[0]
        where = tuple(first.absolute_path)
        line = lines.get(where) or lines.get(where[:-1], 1)
        if first.validator == "required" and isinstance(first.validator_value, list):
            missing = [name for name in first.validator_value if name not in (first.instance or {})]
            message = f"'{missing[0]}' is required here"
            shown = field_name(where + (missing[0],))
        elif first.validator == "additionalProperties":
            message = "this field is not part of the format (check its spelling)"
            extra = sorted(set(first.instance) - set(first.schema.get("properties", {})))
            shown = field_name(where + (extra[0],)) if extra else field_name(where)
            line = lines.get(where + (extra[0],), line) if extra else line
        else:
            message = first.message
            shown = field_name(where)
        more = f" ({len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} after this one)" if len(errors) > 1 else ""
        raise FileProblem(f"{path}, line {line}, {shown}: {message}.{more}")
    return data

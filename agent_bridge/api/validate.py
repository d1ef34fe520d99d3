"""Request-body checks that name the bad field (→ 422)."""

from __future__ import annotations

_MISSING = object()


class Invalid(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


_TYPE_WORDS = {str: "a string", int: "an integer", float: "a number", dict: "an object", list: "a list",
               bool: "true or false"}


def need(body: dict, name: str, kind, *, required: bool = True, default=None, choices=None,
         minimum=None, maximum=None, path: str | None = None):
    field = path or name
    value = body.get(name, _MISSING) if isinstance(body, dict) else _MISSING
    if value is _MISSING or value is None:
        if required:
            raise Invalid(field, "is required")
        return default
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        raise Invalid(field, f"must be {' or '.join(_TYPE_WORDS.get(k, k.__name__) for k in kinds)}")
    if choices is not None and value not in choices:
        raise Invalid(field, f"must be one of {', '.join(map(str, choices))}")
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        raise Invalid(field, f"must be between {minimum} and {maximum}")
    return value


def query_int(params, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(name, "must be an integer") from None
    if not minimum <= value <= maximum:
        raise Invalid(name, f"must be between {minimum} and {maximum}")
    return value

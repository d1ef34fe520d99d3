"""How one built-in function or method is called: its parameters, which of them are positional
only, which are keyword only, and the plain-words doc shown by hover, completion and signature
help. The checker's HC1003, the VM's argument checks and the tools all read the same object."""

from __future__ import annotations

REQUIRED = object()   # marks a parameter without a default
VARARGS = "*"         # marks "any number of positional values" in `params`


class Signature:
    """One built-in's calling convention. Immutable by convention: these are declared facts.
    (A plain class, not a dataclass: the VM reads these on every `hcvm run`, and the dataclasses
    module costs ~10 ms of start-up.)"""

    __slots__ = ("name", "params", "doc", "example", "keywords_only", "any_keywords", "positional_only",
                 "min_varargs", "_arity", "_positional", "_keywords")

    def __init__(self, name: str, params: tuple, doc: str, example: str, keywords_only: tuple = (),
                 any_keywords: bool = False, positional_only: int = 0, min_varargs: int = 0):
        self.name = name
        self.params = params                    # ((name, default|REQUIRED) | VARARGS, …)
        self.doc = doc
        self.example = example
        self.keywords_only = keywords_only      # ((name, default), …): keyword-only parameters (print's sep/end)
        self.any_keywords = any_keywords        # accepts any name=value (dict(a=1))
        self.positional_only = positional_only  # how many leading params can't be passed by name (Python's `/`)
        self.min_varargs = min_varargs          # fewest values `*values` takes (max() needs one)
        # Worked out once: the checker asks for every call of a built-in in the file.
        named = [p for p in params if p != VARARGS]
        required = sum(1 for p in named if p[1] is REQUIRED)
        self._arity = (required + min_varargs, None) if VARARGS in params else (required, len(named))
        self._positional = tuple(p[0] for p in named)
        self._keywords = self._positional[positional_only:] + tuple(k for k, _ in keywords_only)

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__ if not name.startswith("_"))

    def __eq__(self, other) -> bool:
        return isinstance(other, Signature) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"Signature({self.label})"

    @property
    def label(self) -> str:
        parts = []
        for p in self.params:
            if p == VARARGS:
                parts.append("*values")
            else:
                name, default = p
                parts.append(name if default is REQUIRED else f"{name}={default}")
        parts += [f"{name}={default}" for name, default in self.keywords_only]
        return f"{self.name}({', '.join(parts)})"

    def arity(self) -> tuple[int, int | None]:
        """(fewest, most) positional arguments; most is None for any number."""
        return self._arity

    def positional_names(self) -> tuple[str, ...]:
        return self._positional

    def keyword_names(self) -> tuple[str, ...]:
        """Names a call may use as `name=value` (without `any_keywords`' free names)."""
        return self._keywords

    def vm_arity(self) -> tuple[int, int | None, tuple | None]:
        """(min, max, keyword names or None for any) — the VM's argument check."""
        low, high = self.arity()
        return low, high, None if self.any_keywords else tuple(self.keyword_names())


def sig(name, params, doc, example, keywords_only=(), any_keywords=False, positional_only=None,
        min_varargs=0) -> Signature:
    """A Signature from Python-like parameter text: ["x", "start=0", "*"] (`/` in the list marks
    the end of positional-only parameters; without one, every parameter is positional-only
    unless `positional_only` says otherwise)."""
    parsed = []
    slash = None
    for p in params:
        if p == "/":
            slash = len(parsed)
        elif p == VARARGS:
            parsed.append(VARARGS)
        elif "=" in p:
            key, default = p.split("=", 1)
            parsed.append((key, default))
        else:
            parsed.append((p, REQUIRED))
    if positional_only is None:
        positional_only = slash if slash is not None else len([p for p in parsed if p != VARARGS])
    return Signature(name, tuple(parsed), doc, example, tuple(tuple(k.split("=", 1)) for k in keywords_only),
                     any_keywords, positional_only, min_varargs)

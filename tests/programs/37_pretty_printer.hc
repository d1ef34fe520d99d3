def pretty(value, indent=0):
    pad = "  " * indent
    match value:
        case None:
            return "null"
        case True:
            return "true"
        case False:
            return "false"
        case []:
            return "[]"
        case [*items]:
            inner = [pad + "  " + pretty(v, indent + 1) for v in items]
            return "[\n" + ",\n".join(inner) + "\n" + pad + "]"
        case _:
            if value == {}:
                return "{}"
            if str(value) == value:
                return '"' + value.replace('"', '\\"') + '"'
            if not str(value).startswith("{"):
                return str(value)
            keys = list(value.keys())
            inner = [pad + "  " + '"' + str(k) + '": ' + pretty(value[k], indent + 1) for k in keys]
            return "{\n" + ",\n".join(inner) + "\n" + pad + "}"


doc = {
    "name": "HyperCode",
    "version": 2,
    "tags": ["language", "vm", 'say "hi"'],
    "stable": True,
    "parent": None,
    "ratio": 0.75,
    "nested": {"empty_list": [], "empty": {}, "deep": [[1, 2], {"x": False}]},
}
print(pretty(doc))
print(pretty([]), pretty(3), pretty("s"))

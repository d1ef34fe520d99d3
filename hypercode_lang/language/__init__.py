"""The facts of the language, in one place: keywords, built-in functions, methods per type, the
`math` module, error kinds and the IR node declarations. Everything that needs one of these
facts — parser recovery, `is_name`, the checker, the VM, the JIT, the catalogue, the IDE
analysis and (through `python -m hypercode_lang.language.export`) both editor grammars — reads
it from here, so they cannot disagree.

This package is the bottom layer: it imports nothing from hypercode_lang but `ir.nodes`' plain
declarations.
"""

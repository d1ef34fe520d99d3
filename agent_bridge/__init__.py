"""HyperCode agents: the bridge from the editors to a swarm backend, and the specialists.

Sits beside `lsp_server` and calls `hypercode_lang`; `hypercode_lang` never imports it.
(Created minimally by H7 for the specialists; H6 owns and extends it.)
"""

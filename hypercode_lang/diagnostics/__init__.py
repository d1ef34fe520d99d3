"""Diagnostics: the catalogue of codes (the only place with diagnostic prose), the data model,
name suggestions, and the three renderings (friendly, plain, JSON)."""

from .catalogue import CATALOGUE, diagnostic, entry, explain
from .model import Diagnostic, Fix, Related, Span, TextEdit, apply_edits
from .suggest import closest, edit_distance

__all__ = ["CATALOGUE", "Diagnostic", "Fix", "Related", "Span", "TextEdit", "apply_edits",
           "closest", "diagnostic", "edit_distance", "entry", "explain"]

"""Extra dictionary readings for the grammar's words, derived by rule from the ones it has.

pocketsphinx's dictionary (CMUdict) spells the prefix "ex-" with the reduced vowel IH in 335
words ("explain" IH K S P L EY N, "exact" IH G Z AE K T), and only 10 of them also with EH, the
full vowel many speakers keep there ("ɛkˈspleɪn"). Each such word gets the EH reading too, after
the dictionary's own (which stay first).

Readings for British English by rule (non-rhotic R, the LOT, BATH and TRAP vowels) were measured
on bench/voice.py and left out: each rule made en-gb worse, not better. The short readings it
makes soak up other words ("four" F AO and "score" S K AO heard for "five" and "size"), and
"value" with TRAP's AA is "volume" without its M.
"""

from __future__ import annotations

# "ex-" before K S ("explain") or G Z ("exact"), reduced in the dictionary, said in full.
REDUCED_EX = ("IH K S", "IH G Z")
FULL_EX_VOWEL = "EH"


def extra_readings(word: str, readings: list[str]) -> list[str]:
    """Readings of `word` (CMUdict phones, no stress marks) that its `readings` lack, in order."""
    extra: list[str] = []
    if not word.startswith("ex"):
        return extra
    for phones in readings:
        if phones.startswith(REDUCED_EX):
            full = FULL_EX_VOWEL + phones[len("IH"):]
            if full not in readings and full not in extra:
                extra.append(full)
    return extra


__all__ = ["extra_readings"]

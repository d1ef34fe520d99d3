"""Speech to text. Offline: pocketsphinx 5 with its shipped English model and the JSGF grammar
generated for the current document (`grammar.py`). Optional open vocabulary (dictation) through
an OpenAI-compatible `POST /v1/audio/transcriptions` at `HYPERCODE_STT_URL`.

One `Recognizer` per connection: the decoder is loaded once (~0.1 s); each document's grammar
is compiled once and kept (keyed by its names), so switching back is free. The cepstral mean
normalisation starts from a typical speech value (`WARM_CMN`) instead of pocketsphinx's generic
default, so the first utterance is recognised as well as the later ones; it keeps adapting to
the speaker and microphone after every utterance.
"""

from __future__ import annotations

import io
import math
import os
import wave
from collections import OrderedDict
from dataclasses import dataclass, field

from pocketsphinx import Decoder

from . import grammar as grammars
from . import readings as rules
from .dsp import TARGET_RATE

# The live CMN after a few dozen commands in four voices through this very path (DSP, endpointer,
# grammar), a better start than the model's default "40,3,-1,0,…", which belongs to no real
# microphone; it keeps adapting to the speaker and microphone from the first utterance on.
WARM_CMN = "52.97,2.04,-5.56,25.11,-12.36,0.45,-4.46,-19.78,-0.59,-16.60,8.19,-3.56,-2.59"
# Below this confidence, or when the runner-up is this close, the editor asks before acting.
UNSURE_BELOW = 0.6
CLOSE_MARGIN = 0.15
MAX_ALTERNATIVES = 3
MAX_GRAMMARS = 8
# N-best entries read for alternatives: mostly repeats of the best path, and each costs lattice
# search time at the end of an utterance.
NBEST = 6
# Insertion penalties for a phone and a word (pocketsphinx's defaults are 1.0 and 0.65): lower
# ones heard more of bench/voice.py right in en-gb and as much in en-us, and searched faster.
PHONE_INSERTION = 0.5
WORD_INSERTION = 0.2
# When the beam-pruned search keeps no path through the grammar to its end ("Nothing heard"
# although there was speech), the utterance is searched again with a wider word beam
# (pocketsphinx's default is 7e-29), and the editor asks before acting on what it finds. Only
# then: that beam on every utterance grows the lattice, and the N-best time with it (p95 end of
# speech → command 240 ms for en-gb in bench/voice.py). The retry reads no N-best either, so it has
# no confidence of its own: it is given a middling one, and always asked about.
RETRY_WORD_BEAM = 1e-40
RETRY_CONFIDENCE = 0.5
RETRY_MAX_SECONDS = 10
STT_TIMEOUT_SECONDS = 20.0


@dataclass
class Alternative:
    text: str
    confidence: float


@dataclass
class Heard:
    text: str
    confidence: float
    alternatives: list[Alternative] = field(default_factory=list)
    doubtful: bool = False           # not the recogniser's first choice: always ask

    @property
    def unsure(self) -> bool:
        if not self.text or self.doubtful:
            return True
        if self.confidence < UNSURE_BELOW:
            return True
        return bool(self.alternatives) and self.confidence - self.alternatives[0].confidence < CLOSE_MARGIN

    def first_that(self, accept) -> "Heard":
        """This reading, or — when `accept(text)` refuses it — the most likely alternative it
        accepts, marked doubtful (the editor then asks "Did you say …?")."""
        if accept(self.text):
            return self
        for index, alternative in enumerate(self.alternatives):
            if accept(alternative.text):
                others = [Alternative(self.text, self.confidence)] + \
                    [a for i, a in enumerate(self.alternatives) if i != index]
                return Heard(alternative.text, alternative.confidence, others[:MAX_ALTERNATIVES], doubtful=True)
        return self

    def to_message(self) -> dict:
        return {"type": "heard", "text": self.text, "confidence": round(self.confidence, 3),
                "alternatives": [{"text": a.text, "confidence": round(a.confidence, 3)} for a in self.alternatives],
                "unsure": self.unsure}


def _load_decoder() -> Decoder:
    # bestpath=False: the lattice rescoring at the end of an utterance cost up to hundreds of ms
    # there (the latency that matters) and didn't improve accuracy on bench/voice.py.
    decoder = Decoder(lm=None, samprate=TARGET_RATE, loglevel="FATAL", bestpath=False,
                      pip=PHONE_INSERTION, wip=WORD_INSERTION)
    _add_readings(decoder, [(word, phones) for word, variants in grammars.PRONUNCIATIONS.items()
                            for phones in variants if phones not in _readings(decoder, word)])
    _add_rule_readings(decoder, grammars.fixed_words())
    return decoder


def _entry(word: str, index: int) -> str:
    """The dictionary's name for a word's reading: "word", then "word(2)", "word(3)", …"""
    return word if index == 0 else f"{word}({index + 1})"


def _readings(decoder: Decoder, word: str) -> list[str]:
    readings: list[str] = []
    while (phones := decoder.lookup_word(_entry(word, len(readings)))) is not None:
        readings.append(phones)
    return readings


def _add_readings(decoder: Decoder, readings: list[tuple[str, str]]) -> None:
    """Add (word, phones) readings after the word's existing ones; the search is rebuilt once."""
    counts: dict[str, int] = {}
    for index, (word, phones) in enumerate(readings):
        counts.setdefault(word, len(_readings(decoder, word)))
        decoder.add_word(_entry(word, counts[word]), phones, index == len(readings) - 1)
        counts[word] += 1


def _add_rule_readings(decoder: Decoder, words) -> None:
    _add_readings(decoder, [(word, phones) for word in sorted(words)
                            for phones in rules.extra_readings(word, _readings(decoder, word))])


class Recognizer:
    """A streaming recogniser for one connection: `set_document(names)`, `set_mode(mode)`, then
    per utterance `begin()`, `feed(pcm)` (16 kHz PCM16), `partial()`, `finish() -> Heard`."""

    def __init__(self):
        self.decoder = _load_decoder()
        self.decoder.set_cmn(WARM_CMN)
        self._grammars: OrderedDict[tuple, str] = OrderedDict()
        self._texts: dict[str, str] = {}          # search name → its JSGF, for the wider retry
        self._widened: set[str] = set()           # searches whose wider copy is compiled
        self._names: tuple = ()
        self.mode = "command"
        self.asking = False
        self._active = None
        self._in_utterance = False
        self._audio = bytearray()                  # this utterance, for the retry
        self._cmn_at_start = WARM_CMN
        self._known = lambda word: self.decoder.lookup_word(word) is not None

    # ------------------------------------------------------------------ grammar
    def set_document(self, names) -> None:
        self._names = tuple(sorted(set(names)))

    def set_mode(self, mode: str) -> None:
        self.mode = mode

    def set_asking(self, asking: bool) -> None:
        """Whether the editor is asking "Did you say …?" (then "yes" and "no" can be heard)."""
        self.asking = bool(asking)

    def _search_for(self) -> str:
        key = ("spell",) if self.mode == "spell" else ("command", self.asking) + self._names
        search = self._grammars.get(key)
        if search is None:
            search = f"g{abs(hash(key))}"
            if self.mode == "spell":
                text = grammars.spell_grammar(self._known)
            else:
                # The document's names get their extra readings before the grammar is compiled.
                phrases = grammars.name_phrases(self._names, self._known)
                _add_rule_readings(self.decoder, {word for phrase in phrases for word in phrase.split()})
                text = grammars.command_grammar(self._names, self._known, asking=self.asking)
            self.decoder.add_jsgf_string(search, text)
            self._grammars[key] = search
            self._texts[search] = text
            if len(self._grammars) > MAX_GRAMMARS:
                _, old = self._grammars.popitem(last=False)
                self._texts.pop(old, None)
                self._widened.discard(old)
                for name in (old, _wider(old)):
                    try:
                        self.decoder.remove_search(name)
                    except (RuntimeError, KeyError):
                        pass
        else:
            self._grammars.move_to_end(key)
        return search

    def prepare(self) -> None:
        """Compile the grammar for the current document and mode now (not at the first word)."""
        self._search_for()

    # ------------------------------------------------------------------ one utterance
    def begin(self) -> None:
        search = self._search_for()
        if search != self._active:
            self.decoder.activate_search(search)
            self._active = search
        self._cmn_at_start = self.decoder.get_cmn(False)
        self._audio.clear()
        self.decoder.start_utt()
        self._in_utterance = True

    def feed(self, pcm: bytes) -> None:
        if self._in_utterance and pcm:
            self.decoder.process_raw(pcm, False, False)
            if len(self._audio) < RETRY_MAX_SECONDS * TARGET_RATE * 2:
                self._audio += pcm

    def partial(self) -> str:
        hyp = self.decoder.hyp() if self._in_utterance else None
        return hyp.hypstr if hyp is not None else ""

    def finish(self) -> Heard:
        if not self._in_utterance:
            return Heard("", 0.0)
        self.decoder.end_utt()
        self._in_utterance = False
        hyp = self.decoder.hyp()
        if hyp is None or not hyp.hypstr.strip():
            return self._search_wider()
        return _heard(self.decoder, hyp)

    def _search_wider(self) -> Heard:
        """The utterance searched again with `RETRY_WORD_BEAM`, from the same cepstral mean."""
        if not self._audio or self._active not in self._texts:
            return Heard("", 0.0)
        wider = _wider(self._active)
        if self._active not in self._widened:
            default = self.decoder.config["wbeam"]
            self.decoder.config["wbeam"] = RETRY_WORD_BEAM     # a search reads its beams when made
            try:
                self.decoder.add_jsgf_string(wider, self._texts[self._active])
            finally:
                self.decoder.config["wbeam"] = default
            self._widened.add(self._active)
        self.decoder.set_cmn(self._cmn_at_start)
        self.decoder.activate_search(wider)
        try:
            self.decoder.start_utt()
            self.decoder.process_raw(bytes(self._audio), False, False)
            self.decoder.end_utt()
            hyp = self.decoder.hyp()
        finally:
            self.decoder.activate_search(self._active)
        if hyp is None or not hyp.hypstr.strip():
            return Heard("", 0.0)
        return Heard(hyp.hypstr, RETRY_CONFIDENCE, doubtful=True)

    def cancel(self) -> None:
        if self._in_utterance:
            try:
                self.decoder.end_utt()
            except RuntimeError:
                pass
            self._in_utterance = False


def _wider(search: str) -> str:
    return search + "-wider"


def _heard(decoder: Decoder, hyp) -> Heard:
    """Confidence from the N-best list: each distinct reading's share of the probability mass
    (scores are log-likelihoods), so a clear winner is near 1 and two close readings split it."""
    scores: dict[str, float] = {hyp.hypstr: _log_score(decoder, hyp)}
    try:
        # nbest() is None when the search kept no lattice (nothing reached the grammar's end).
        for index, other in enumerate(decoder.nbest() or ()):
            if index >= NBEST:
                break
            if other is None:
                continue
            text = other.hypstr.strip()
            if text and text not in scores:
                scores[text] = _log_score(decoder, other)
    except (RuntimeError, TypeError):
        pass
    best = max(scores.values())
    weights = {text: math.exp(max(score - best, -50.0)) for text, score in scores.items()}
    total = sum(weights.values())
    ranked = sorted(weights.items(), key=lambda item: -item[1])
    first_text = hyp.hypstr
    confidence = weights[first_text] / total
    alternatives = [Alternative(text, weight / total) for text, weight in ranked if text != first_text]
    return Heard(first_text, confidence, alternatives[:MAX_ALTERNATIVES])


# pocketsphinx's Python API gives a score as logmath.exp(raw), raw in log base 1.0001 (summed
# over frames). Raw N-best differences run from tens (a coin toss) to thousands (certain); this
# scale turns them into shares where a difference of ~300 is "fairly sure".
LOG_BASE = 1.0001
SCORE_SCALE = 1 / 300


def _log_score(decoder: Decoder, hyp) -> float:
    score = float(hyp.score)
    if score <= 0.0:
        return -1e9
    return math.log(score) / math.log(LOG_BASE) * SCORE_SCALE


# ---------------------------------------------------------------------- open vocabulary

class DictationUnavailable(Exception):
    """No speech-to-text service is configured, or it failed; the message says which."""


def stt_url() -> str | None:
    url = os.environ.get("HYPERCODE_STT_URL", "").strip()
    return url.rstrip("/") or None


def wav_bytes(pcm: bytes, rate: int = TARGET_RATE) -> bytes:
    """PCM16 mono as a WAV file in memory (the transcription API wants a file; nothing touches disk)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


async def transcribe(pcm: bytes, url: str | None = None) -> str:
    """Free text for an utterance from the configured OpenAI-compatible service."""
    import httpx
    from . import messages
    base = url or stt_url()
    if base is None:
        raise DictationUnavailable(messages.NO_DICTATION)
    endpoint = base if base.endswith("/v1/audio/transcriptions") else base + "/v1/audio/transcriptions"
    model = os.environ.get("HYPERCODE_STT_MODEL", "whisper-1")
    try:
        async with httpx.AsyncClient(timeout=STT_TIMEOUT_SECONDS) as client:
            response = await client.post(endpoint, files={"file": ("speech.wav", wav_bytes(pcm), "audio/wav")},
                                         data={"model": model, "response_format": "json", "language": "en"})
        response.raise_for_status()
        text = response.json().get("text", "")
    except (httpx.HTTPError, ValueError, AttributeError) as problem:
        raise DictationUnavailable(messages.DICTATION_FAILED.format(reason=type(problem).__name__)) from None
    return str(text).strip()


__all__ = ["Recognizer", "Heard", "Alternative", "transcribe", "DictationUnavailable", "stt_url", "wav_bytes"]

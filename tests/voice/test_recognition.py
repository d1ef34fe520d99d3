"""Recognition of synthetic speech (espeak-ng + sox, made at test time) through the whole path:
48 kHz PCM → DSP → endpointer → pocketsphinx with the document's grammar → command. A handful of
commands here; every command in several voices, speeds and noise is in bench/voice.py."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.signal import resample_poly

from hypercode_voice import synth
from hypercode_voice.dsp import Conditioner, Resampler, Utterances
from hypercode_voice.endpoint import VoiceSession, VoiceSettings

pytestmark = pytest.mark.skipif(not synth.available(), reason="espeak-ng and sox are Debian packages "
                                "the Makefile installs")

DOCUMENT = "total_price = 5\n\n\ndef area(width):\n    return width\n"


@pytest.mark.parametrize("rate", [44100, 48000])
def test_streaming_resampler_equals_resampling_at_once(rate):
    signal = np.random.default_rng(7).normal(0, 3000, rate)
    resampler = Resampler(rate)
    pieces, i = [], 0
    for size in [1, 17, 441, 960, 3000, 5] * 40:
        pieces.append(resampler.push(signal[i:i + size]))
        i += size
    pieces.append(resampler.push(signal[i:], final=True))
    streamed = np.concatenate(pieces)
    whole = resample_poly(signal, resampler.up, resampler.down)
    assert np.max(np.abs(streamed[:len(whole)] - whole)) < 1e-6


def test_high_pass_removes_hum_and_dc():
    rate = 48000
    t = np.arange(rate) / rate
    hum = (8000 + 6000 * np.sin(2 * np.pi * 30 * t)).astype("<i2").tobytes()
    out = np.frombuffer(Conditioner(rate).push(hum), dtype="<i2").astype(float)
    assert np.abs(out[4000:]).mean() < 0.1 * 6000


def test_endpointer_finds_one_utterance_with_its_end():
    pcm = synth.speak("go to line three", lead_silence=0.5, tail_silence=0.8)
    segments = Utterances().push(Conditioner(16000).push(pcm))
    kinds = [s.kind for s in segments if s.kind != "speech"]
    assert kinds == ["start", "end"]


def _speech_offset(pcm: bytes, lead_in: float) -> tuple[int, int]:
    """(where the speech handed to the recogniser starts in `pcm`, where the endpointer said it starts), bytes."""
    utterances = Utterances(lead_in=lead_in)
    utterances.utterances = 1          # not the connection's first utterance (that one has no lead-in)
    segments = utterances.push(pcm) + utterances.finish()
    speech = b"".join(s.audio for s in segments if s.kind == "speech")
    return pcm.find(speech), int(round(utterances.endpointer.speech_start * 16000)) * 2


def test_the_recogniser_hears_the_onset_the_endpointer_starts_late_on():
    # In noise the VAD starts after the soft "sp" of "spell": the lead-in gives it back.
    pcm = synth.add_noise(synth.speak("spell mode", "en-gb", 175, lead_silence=0.6), 20.0, seed=38)
    late_start, vad_start = _speech_offset(pcm, lead_in=0.0)
    with_lead_in, _ = _speech_offset(pcm, lead_in=0.3)
    onset = int(0.6 * 16000) * 2
    assert late_start == vad_start > onset            # without a lead-in the "s" is lost
    assert with_lead_in < onset
    assert with_lead_in == max(vad_start - int(0.3 * 16000) * 2, 0)


def test_the_first_utterance_has_no_lead_in():
    pcm = synth.add_noise(synth.speak("spell mode", "en-gb", 175, lead_silence=0.6), 20.0, seed=38)
    utterances = Utterances(lead_in=0.3)
    segments = utterances.push(pcm) + utterances.finish()
    speech = b"".join(s.audio for s in segments if s.kind == "speech")
    assert pcm.find(speech) == int(round(utterances.endpointer.speech_start * 16000)) * 2


def test_digital_silence_is_not_part_of_the_lead_in():
    pcm = synth.speak("go to line three", lead_silence=0.5)      # espeak's silence is exact zeros
    start, vad_start = _speech_offset(pcm, lead_in=0.3)
    assert start == vad_start


def test_a_search_without_a_lattice_is_not_a_crash():
    from hypercode_voice import recognizer

    class NoLattice:
        def nbest(self):
            return None

    class Hyp:
        hypstr, score = "run program", 0.5

    heard = recognizer._heard(NoLattice(), Hyp())
    assert (heard.text, heard.confidence, heard.alternatives) == ("run program", 1.0, [])


def test_when_the_search_keeps_no_path_a_wider_one_is_asked_about():
    from hypercode_voice.recognizer import Recognizer
    recognizer = Recognizer()
    recognizer.set_document(["total_price"])
    recognizer.begin()
    recognizer.feed(synth.speak("run program", rate=16000))
    recognizer.decoder.end_utt()                 # as if the first search had found nothing
    recognizer._in_utterance = False
    heard = recognizer._search_wider()
    assert (heard.text, heard.unsure) == ("run program", True)
    recognizer.begin()                          # and the next utterance uses the usual search
    recognizer.feed(synth.speak("check program", rate=16000))
    assert recognizer.finish().text == "check program"


async def _say(text: str, voice: str = "en-us", speed: int = 150, rate: int = 48000, noise: bool = False):
    received = []

    async def send(message):
        received.append(message)

    session = VoiceSession(send, VoiceSettings())
    await session.on_text(json.dumps({"type": "start", "sample_rate": rate, "encoding": "pcm16le",
                                      "uri": "file:///t.hc", "mode": "command", "text": DOCUMENT,
                                      "cursor": {"line": 4, "character": 4}}))
    pcm = synth.speak(text, voice, speed, rate=rate)
    if noise:
        pcm = synth.add_noise(pcm, 20.0)
    frame = rate // 50 * 2
    for i in range(0, len(pcm), frame):
        await session.on_audio(pcm[i:i + frame])
    await session.close()
    return received


@pytest.mark.parametrize("said, name, args", [
    ("go to function area", "go_to_function", {"name": "area"}),
    ("add parameter depth", "add_parameter", {"name": "depth"}),
    ("scratch that", "scratch_that", {}),
    ("run program", "run", {}),
    ("set total price to twelve", "set", {"name": "total_price", "value": 12}),
])
async def test_spoken_commands_become_commands(said, name, args):
    received = await _say(said)
    kinds = [m["type"] for m in received]
    assert "heard" in kinds and "command" in kinds, received
    assert kinds.index("heard") < kinds.index("command")
    heard = next(m for m in received if m["type"] == "heard")
    command = next(m for m in received if m["type"] == "command")
    assert heard["text"] == said
    assert (command["name"], command["args"]) == (name, args)


@pytest.mark.parametrize("voice, noise", [("en-gb", False), ("en-us", True)])
async def test_another_voice_and_noise(voice, noise):
    received = await _say("define function volume with width and height", voice=voice, speed=150, noise=noise)
    command = next(m for m in received if m["type"] == "command")
    assert command["args"] == {"name": "volume", "names": ["width", "height"]}

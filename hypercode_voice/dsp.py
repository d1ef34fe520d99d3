"""Audio in: PCM16 mono at 16, 44.1 or 48 kHz → 80 Hz high-pass (which also removes DC) →
16 kHz → utterances cut by pocketsphinx's `Endpointer` (an utterance ends after ~300 ms of
silence).

Everything is streaming and stateful: frames can arrive in any size. There is no automatic
gain on purpose: the recogniser's cepstral mean normalisation absorbs the level, and gain in
front of it made recognition worse. Audio only ever lives in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil, gcd

import numpy as np
from pocketsphinx import Endpointer
from scipy.signal import butter, resample_poly, sosfilt, sosfilt_zi

TARGET_RATE = 16000
SAMPLE_RATES = (16000, 44100, 48000)
HIGH_PASS_HZ = 80.0
END_SILENCE_SECONDS = 0.3
DIGITAL_SILENCE = 2            # |sample| at or below this is no sound at all
# Audio from before the endpointer's start of speech that the recogniser also hears. The VAD
# needs most of a 0.3 s window to be speech before it starts, and in noise it starts late: a soft
# first consonant ("s" in "spell", "st" in "stop") is already gone. The recogniser's silence
# model absorbs the lead-in, once the recogniser's cepstral mean has adapted to the room: on
# the very first utterance (mean still the warm-up value) a hiss is heard as "s" ("set …").
LEAD_IN_SECONDS = 0.3


class Resampler:
    """Streaming `resample_poly` to 16 kHz: each call resamples the new samples with enough of
    the previous ones for the filter, and only emits output whose filter window is complete, so
    the stream comes out the same as resampling the whole signal at once."""

    def __init__(self, rate: int):
        g = gcd(TARGET_RATE, rate)
        self.up, self.down = TARGET_RATE // g, rate // g
        # resample_poly's filter has 10 * max(up, down) taps each side at the upsampled rate.
        self.margin = ceil(10 * max(self.up, self.down) / self.up) + 2
        self.start = 0                    # global index of pending[0] (a multiple of `down`)
        self.pending = np.zeros(0, dtype=np.float64)
        self.emitted = 0                  # output samples given out so far

    def push(self, samples: np.ndarray, final: bool = False) -> np.ndarray:
        if self.up == self.down:
            return samples
        self.pending = np.concatenate([self.pending, samples])
        if final:
            self.pending = np.concatenate([self.pending, np.zeros(self.margin)])
        usable_end = self.start + len(self.pending) - (0 if final else self.margin)
        last = (usable_end * self.up) // self.down
        if last <= self.emitted:
            return np.zeros(0)
        out = resample_poly(self.pending, self.up, self.down)
        first_local = self.emitted - self.start * self.up // self.down
        chunk = out[first_local: first_local + (last - self.emitted)]
        self.emitted += len(chunk)
        keep_from = (self.emitted * self.down) // self.up - self.margin
        new_start = max(self.start, (keep_from // self.down) * self.down)
        self.pending = self.pending[new_start - self.start:]
        self.start = new_start
        return chunk


class Conditioner:
    """PCM16 bytes at `rate` → float samples at 16 kHz, high-passed at 80 Hz."""

    def __init__(self, rate: int):
        if rate not in SAMPLE_RATES:
            raise ValueError(f"sample rate {rate}")
        self.resampler = Resampler(rate)
        self.sos = butter(2, HIGH_PASS_HZ, btype="highpass", fs=TARGET_RATE, output="sos")
        self.state = sosfilt_zi(self.sos) * 0.0
        self._odd = b""

    def push(self, pcm: bytes, final: bool = False) -> bytes:
        data = self._odd + pcm
        if len(data) % 2:
            data, self._odd = data[:-1], data[-1:]
        else:
            self._odd = b""
        samples = np.frombuffer(data, dtype="<i2").astype(np.float64)
        resampled = self.resampler.push(samples, final=final)
        if len(resampled) == 0:
            return b""
        filtered, self.state = sosfilt(self.sos, resampled, zi=self.state)
        return np.clip(np.round(filtered), -32768, 32767).astype("<i2").tobytes()


@dataclass
class Segment:
    """What the endpointer made of some audio: speech to decode, and where utterances start/end."""
    kind: str          # "start" | "speech" | "end"
    audio: bytes = b""


class Utterances:
    """16 kHz PCM16 → a stream of start / speech / end segments."""

    def __init__(self, lead_in: float = LEAD_IN_SECONDS):
        self.endpointer = Endpointer(window=END_SILENCE_SECONDS, sample_rate=TARGET_RATE)
        self.frame_bytes = self.endpointer.frame_bytes
        self._buffer = b""
        # The most recent audio given to the endpointer, and the stream position (in bytes) of
        # its first byte: the lead-in is cut from it when speech starts.
        self._recent = bytearray()
        self._recent_start = 0
        self._lead_in_bytes = int(lead_in * TARGET_RATE) * 2
        self.utterances = 0                # started so far
        self._keep_bytes = self._lead_in_bytes + int(2 * END_SILENCE_SECONDS * TARGET_RATE) * 2 + self.frame_bytes

    def push(self, pcm: bytes) -> list[Segment]:
        self._buffer += pcm
        out: list[Segment] = []
        while len(self._buffer) >= self.frame_bytes:
            frame, self._buffer = self._buffer[: self.frame_bytes], self._buffer[self.frame_bytes:]
            was_in_speech = self.endpointer.in_speech
            self._remember(frame)
            speech = self.endpointer.process(frame)
            if speech is not None:
                if not was_in_speech:
                    out.append(Segment("start"))
                    lead_in = self._lead_in() if self.utterances else b""
                    self.utterances += 1
                    if lead_in:
                        out.append(Segment("speech", lead_in))
                out.append(Segment("speech", speech))
                if not self.endpointer.in_speech:
                    out.append(Segment("end"))
        return out

    def _remember(self, frame: bytes) -> None:
        self._recent += frame
        extra = len(self._recent) - self._keep_bytes
        if extra > 0:
            del self._recent[:extra]
            self._recent_start += extra

    def _lead_in(self) -> bytes:
        """The audio just before the endpointer's start of speech (what it returns first)."""
        start = int(round(self.endpointer.speech_start * TARGET_RATE)) * 2
        begin = max(start - self._lead_in_bytes, self._recent_start)
        lead_in = np.frombuffer(bytes(self._recent[begin - self._recent_start: max(start - self._recent_start, 0)]),
                                dtype="<i2")
        # Digital silence (a gated or synthetic source) says nothing, and its log energy would
        # drag the recogniser's cepstral mean far from any microphone's: leave it out.
        sound = np.flatnonzero(np.abs(lead_in) > DIGITAL_SILENCE)
        return lead_in[sound[0]:].tobytes() if len(sound) else b""

    def finish(self) -> list[Segment]:
        """The client stopped: close an utterance that is still open."""
        if not self.endpointer.in_speech:
            self._buffer = b""
            return []
        frame = self._buffer[: self.frame_bytes].ljust(self.frame_bytes, b"\0")
        self._buffer = b""
        speech = self.endpointer.end_stream(frame)
        return ([Segment("speech", speech)] if speech else []) + [Segment("end")]

    @property
    def in_speech(self) -> bool:
        return self.endpointer.in_speech


__all__ = ["Conditioner", "Resampler", "Utterances", "Segment", "SAMPLE_RATES", "TARGET_RATE"]

"""Synthetic speech for the tests and the benchmark: `espeak-ng` speaks, `sox` converts (and adds
noise at a chosen SNR). Nothing here runs in the editor path."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np


def available() -> bool:
    return bool(shutil.which("espeak-ng") and shutil.which("sox"))


def speak(text: str, voice: str = "en-us", speed: int = 150, rate: int = 16000,
          lead_silence: float = 0.3, tail_silence: float = 0.6) -> bytes:
    """PCM16 mono at `rate`: silence, the words, silence (so the endpointer sees an end)."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
                         capture_output=True, check=True).stdout
    raw = subprocess.run(["sox", "-t", "wav", "-", "-t", "raw", "-r", str(rate), "-b", "16", "-c", "1",
                          "-e", "signed-integer", "-", "pad", str(lead_silence), str(tail_silence)],
                         input=wav, capture_output=True, check=True).stdout
    return raw


def add_noise(pcm: bytes, snr_db: float = 20.0, seed: int = 0) -> bytes:
    """White noise at `snr_db` below the speech's power (measured over the non-silent samples)."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    loud = samples[np.abs(samples) > 0.02 * (np.max(np.abs(samples)) or 1)]
    power = float(np.mean(loud ** 2)) if len(loud) else 1.0
    noise = np.random.default_rng(seed).normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(samples))
    return np.clip(samples + noise, -32768, 32767).astype("<i2").tobytes()


def to_wav_file(pcm: bytes, path: str, rate: int = 16000) -> None:
    from .recognizer import wav_bytes
    with open(path, "wb") as out:
        out.write(wav_bytes(pcm, rate))


__all__ = ["speak", "add_noise", "available", "to_wav_file"]

"""Voice recognition benchmark (VOICE.md §5): every command, spoken by espeak-ng in two voices at
two speeds, with and without white noise at 20 dB SNR (sox), through the whole server path
(48 kHz PCM → DSP → endpointer → pocketsphinx with the document's grammar → command).

Reports, per voice and condition, how many utterances gave the right command *and* arguments,
and end of speech → command message latency (p50/p95). Writes bench/VOICE_RESULTS.md.

    .venv/bin/python bench/voice.py            # the full matrix (a few minutes)
    .venv/bin/python bench/voice.py --quick    # one voice, one speed, no noise
    .venv/bin/python bench/voice.py --voice en-gb --speed 175 --noise on --out /tmp/r.md   # one condition
    .venv/bin/python bench/voice.py --voice en-gb-x-rp --out /tmp/rp.md   # a held-out voice, four conditions
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypercode_voice import synth  # noqa: E402
from hypercode_voice.endpoint import VoiceSession, VoiceSettings  # noqa: E402

DOCUMENT = """\
total_price = 5
items = [1, 2, 3]


def area(width, height):
    if width > 0:
        print(width)
    return width


print(total_price)
"""
CURSOR = {"line": 7, "character": 4}     # on `return width`, inside area()

# (what is said, expected command name, expected args): every command in the table.
PHRASES = [
    ("go to line three", "go_to_line", {"number": 3}),
    ("go to function area", "go_to_function", {"name": "area"}),
    ("next error", "next_error", None),
    ("previous error", "previous_error", None),
    ("top of file", "top_of_file", {}),
    ("end of file", "end_of_file", {}),
    ("new line", "new_line", {}),
    ("delete line", "delete_line", {}),
    ("delete two lines", "delete_lines", {"number": 2}),
    ("indent", "indent", {}),
    ("dedent", "dedent", {}),
    ("comment line", "comment_line", {}),
    ("select function area", "select_function", {"name": "area"}),
    ("scratch that", "scratch_that", {}),
    ("undo that", "scratch_that", {}),
    ("redo", "redo", {}),
    ("define function volume with width and height", "define_function",
     {"name": "volume", "names": ["width", "height"]}),
    ("add parameter depth", "add_parameter", {"name": "depth"}),
    ("return width", "return", {"value": "width"}),
    ("if width is greater than ten", "if_greater", {"name": "width", "value": 10}),
    ("if width is less than five", "if_less", {"name": "width", "value": 5}),
    ("if width equals zero", "if_equals", {"name": "width", "value": 0}),
    ("for each item in items", "for_each", {"item": "item", "items": "items"}),
    ("while width is less than twenty", "while_less", {"name": "width", "value": 20}),
    ("call area with width and height", "call", {"name": "area", "values": ["width", "height"]}),
    ("set total price to twelve", "set", {"name": "total_price", "value": 12}),
    ("print total price", "print", {"value": "total_price"}),
    ("insert else", "insert_else", {}),
    ("insert pass", "insert_pass", {}),
    ("rename width to size", "rename", {"old": "width", "new": "size"}),
    ("run program", "run", {}),
    ("check program", "check", {}),
    ("explain error", "explain_error", None),
    ("fix error", "fix_error", None),
    ("format file", "format_file", {}),
    ("read line", "read_line", {}),
    ("command mode", "command_mode", {}),
    ("spell mode", "spell_mode", {}),
    ("stop listening", "stop_listening", {}),
]
VOICES = ["en-us", "en-gb"]
SPEEDS = [140, 175]
RATE = 48000


async def recognise(pcm: bytes) -> tuple[dict | None, dict | None, float | None]:
    """(heard, final message, latency ms) for one utterance through a fresh session's path."""
    received: list[dict] = []

    async def send(message):
        received.append(message)

    session = SESSION["session"]
    session.send = send
    frame = RATE // 50 * 2
    for i in range(0, len(pcm), frame):
        await session.on_audio(pcm[i:i + frame])
    heard = next((m for m in received if m["type"] == "heard"), None)
    final = next((m for m in received if m["type"] in ("command", "error", "not_understood")), None)
    latency = final.get("latency_ms") if final else None
    return heard, final, latency


SESSION: dict = {}


async def start_session() -> None:
    async def send(message):
        pass

    session = VoiceSession(send, VoiceSettings(rate_limit=10**9))
    await session.on_text(json.dumps({"type": "start", "sample_rate": RATE, "encoding": "pcm16le",
                                      "uri": "file:///bench.hc", "mode": "command", "text": DOCUMENT,
                                      "cursor": CURSOR}))
    SESSION["session"] = session


def correct(final: dict | None, name: str, args) -> bool:
    if final is None:
        return False
    if final["type"] == "error" and name in ("next_error", "previous_error", "explain_error", "fix_error"):
        return final.get("command") == name      # understood, refused (the bench file has no errors)
    if final["type"] != "command":
        return False
    return final["name"] == name and (args is None or final["args"] == args)


async def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    # Any espeak-ng voice: one outside VOICES (en-gb-x-rp, en-gb-scotland) is a held-out check.
    parser.add_argument("--voice", help="only this espeak-ng voice (default: " + ", ".join(VOICES) + ")")
    parser.add_argument("--speed", type=int, choices=SPEEDS, help="only this speed (wpm)")
    parser.add_argument("--noise", choices=["on", "off"], help="only with (on) or without (off) noise")
    parser.add_argument("--out", default=str(Path(__file__).with_name("VOICE_RESULTS.md")))
    args = parser.parse_args(argv)
    if not synth.available():
        print("espeak-ng and sox are needed (apt-get install espeak-ng sox)", file=sys.stderr)
        return 1
    voices, speeds, noises = (VOICES[:1], SPEEDS[:1], [False]) if args.quick else (VOICES, SPEEDS, [False, True])
    voices = [args.voice] if args.voice else voices
    speeds = [args.speed] if args.speed else speeds
    noises = [args.noise == "on"] if args.noise else noises
    rows, latencies, misses = [], [], []
    load_before = os.getloadavg()[0]
    started = time.time()
    for voice in voices:
        for speed in speeds:
            for noise in noises:
                await start_session()
                right = asked = 0
                for index, (said, name, expected) in enumerate(PHRASES):
                    pcm = synth.speak(said, voice, speed, rate=RATE)
                    if noise:
                        pcm = synth.add_noise(pcm, 20.0, seed=index)
                    heard, final, latency = await recognise(pcm)
                    # Mode commands change the session's mode: put it back for the next phrase.
                    await SESSION["session"].on_text(json.dumps({"type": "mode", "mode": "command"}))
                    if latency is not None:
                        latencies.append(latency)
                    if correct(final, name, expected):
                        right += 1
                        asked += bool(heard and heard["unsure"])
                    else:
                        misses.append((voice, speed, noise, said, heard["text"] if heard else None))
                rows.append((voice, speed, noise, right, len(PHRASES), asked))
                print(f"{voice:6} {speed} wpm {'noise 20 dB' if noise else 'clean      '}: "
                      f"{right}/{len(PHRASES)}  (per 30: {30 * right / len(PHRASES):.1f})", flush=True)
    elapsed = time.time() - started
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else max(latencies or [float("nan")])
    print(f"end of speech → command: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(latencies)} utterances)")
    write_results(Path(args.out), rows, p50, p95, len(latencies), misses, load_before, elapsed,
                  args.quick or bool(args.voice or args.speed or args.noise))
    return 0


def write_results(path: Path, rows, p50, p95, count, misses, load, elapsed, quick) -> None:
    lines = ["# Voice recognition results", "",
             "`bench/voice.py`: every voice command spoken by espeak-ng, through the whole `/voice` path "
             "(48 kHz PCM → 80 Hz high-pass → 16 kHz → endpointer → pocketsphinx 5.1.1 with the "
             "document's JSGF grammar → command). Right = the right command *and* arguments.", "",
             "Asked = right, but only after \"Did you say …?\" (low confidence, or the recogniser's "
             "first reading was not a command and an alternative was).", "",
             "| voice | speed | noise | right | per 30 | asked |", "| --- | --- | --- | --- | --- | --- |"]
    for voice, speed, noise, right, total, asked in rows:
        lines.append(f"| {voice} | {speed} wpm | {'white, 20 dB SNR' if noise else 'none'} | {right}/{total} | "
                     f"{30 * right / total:.1f} | {asked} |")
    total_right = sum(r[3] for r in rows)
    total = sum(r[4] for r in rows)
    lines += ["", f"All: {total_right}/{total} ({30 * total_right / total:.1f} per 30). Target: ≥ 28 per 30.", "",
              f"End of speech → command message: **p50 {p50:.1f} ms, p95 {p95:.1f} ms** over {count} utterances "
              "(target ≤ 50 / 150 ms). Measured from the endpointer's end-of-utterance frame to the "
              "command message being sent: finishing the decode, N-best confidence, parsing and "
              "building the edit on the document.", "",
              f"Machine: 2 cores shared with other work; load average {load:.1f} when the run started "
              f"({elapsed:.0f} s in all){'; partial run' if quick else ''}.", ""]
    if misses:
        lines += ["Misses (voice, speed, noise, said → heard):", ""]
        lines += [f"- {v} {s} {'noise' if n else 'clean'}: \"{said}\" → \"{heard}\"" for v, s, n, said, heard in misses]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

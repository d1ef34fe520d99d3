"""Where the swarm keeps its files: the user's data folder (the embedded queue) and config folder
(the memory key). XDG on Linux, the usual places elsewhere; HYPERCODE_DATA / HYPERCODE_CONFIG
override both (tests point them at a temporary folder)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _base(env: str, xdg: str, fallback: str) -> Path:
    if os.environ.get(env):
        return Path(os.environ[env])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "hypercode"
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", Path.home())) / "hypercode"
    return Path(os.environ.get(xdg) or Path.home() / fallback) / "hypercode"


def data_dir() -> Path:
    folder = _base("HYPERCODE_DATA", "XDG_DATA_HOME", ".local/share")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def config_dir() -> Path:
    folder = _base("HYPERCODE_CONFIG", "XDG_CONFIG_HOME", ".config")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_db_path() -> Path:
    return data_dir() / "swarm.sqlite3"

"""`python -m agent_bridge.cli_entry …` is `hypercode-swarm …` (for environments without the script)."""

import sys

from .cli import swarm_main

sys.exit(swarm_main())

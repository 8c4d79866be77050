"""The nightly sync: APScheduler in the foreground, each sync in a subprocess."""

import sys

# How the scheduler runs `segur`: with this interpreter, so the same installation.
SEGUR = (sys.executable, "-m", "cli")

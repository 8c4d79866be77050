"""Scheduler logs: to the console and to a rotating file next to the catalogue."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

LOG_FILE_NAME = "segur-schedule.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LOGGER_NAMES = ("schedules", "apscheduler")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HANDLER_NAME = "segur-schedule"  # names the handlers configure_logging owns


def log_file_for(db_path: Path) -> Path:
    return db_path.parent / "logs" / LOG_FILE_NAME


def configure_logging(db_path: Path, console: TextIO | None = None) -> Path:
    """Send the scheduler's and APScheduler's logs to `console` (stderr) and the log file.

    Calling it again replaces the handlers it installed before.
    """
    path = log_file_for(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    formatter = logging.Formatter(FORMAT)
    file_handler = RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    console_handler = logging.StreamHandler(console or sys.stderr)
    for handler in (file_handler, console_handler):
        handler.setFormatter(formatter)
        handler.set_name(HANDLER_NAME)
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == HANDLER_NAME]:
            logger.removeHandler(old)
            old.close()
        logger.addHandler(file_handler)
        logger.addHandler(console_handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return path

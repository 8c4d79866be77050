"""Custom SQL in a lane of its own, so that it never holds what people need.

Every query runs in a small pool of SQL threads shared by all pages
(`num_sql_threads`, catalogue/serve/database.py). A few visitors sending
expensive SQL (each cut at the time limit, but sent again and again) would keep
those threads busy and make the look-up, the table pages and the home page wait
behind them. Requests carrying their own SQL (`?sql=`,
`?_where=`) therefore run on dedicated threads (`SqlLane.executor`), and only a
few may wait for them: beyond `capacity`, a request is refused at once with a
503 and a `Retry-After`, instead of queueing without end.

The lane is entered and left on the event loop's thread only (no lock needed).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

# True while a request that carries its own SQL is being answered.
CUSTOM_SQL: ContextVar[bool] = ContextVar("segur_custom_sql", default=False)

CUSTOM_SQL_PARAMETERS = frozenset({"sql", "_where"})
DEFAULT_WORKERS = 1
DEFAULT_WAITING = 4


class SqlLane:
    def __init__(
        self,
        time_limit_seconds: float,
        workers: int = DEFAULT_WORKERS,
        waiting: int = DEFAULT_WAITING,
    ):
        self.workers = workers
        self.capacity = workers + waiting
        self.time_limit_seconds = time_limit_seconds
        self.admitted = 0
        self.refused = 0
        self.executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="segur-custom-sql"
        )

    def try_enter(self) -> bool:
        if self.admitted >= self.capacity:
            self.refused += 1
            return False
        self.admitted += 1
        return True

    def leave(self) -> None:
        self.admitted -= 1

    @property
    def retry_after_seconds(self) -> int:
        """About the time the requests already admitted need to finish."""
        return max(1, math.ceil(self.time_limit_seconds * self.capacity / self.workers))

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def carries_custom_sql(query_parameters) -> bool:
    """Whether a request's parameters (names) include SQL written by the visitor."""
    return any(name in CUSTOM_SQL_PARAMETERS for name in query_parameters)

"""Progress on a terminal for long reads: rows done, rows per second and time taken.

Quiet when the output is not a terminal (a pipe, a log file, a test), so scripts and CI logs
see only the summary a command prints at the end.

    with progress("reading ratings.ods", unit="rows") as bar:
        for row in rows:
            ...
            bar.advance()

    for row in track(rows, "checking metric_values.csv", total=len(rows)):
        ...

`progress()` gives a `Progress` with `advance(n)`, `set_total(n)` and `set_description(text)`;
`track()` wraps an iterable. Both draw with rich on the given stream (standard output by
default) only when that stream is a terminal, unless `enabled` says otherwise. The bar is
cleared when it ends (`transient`), so what the command prints next reads cleanly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

T = TypeVar("T")

# Rich takes a lock per update: counting locally and passing on every few hundred rows keeps a
# tight loop over a large file from spending its time on the bar.
_BATCH = 256


def is_interactive(stream: TextIO | None = None) -> bool:
    """True when `stream` (standard output by default) is a terminal that can draw a bar."""
    stream = sys.stdout if stream is None else stream
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a real file
        return False


class Progress:
    """A running count of work done. This base class draws nothing (the quiet case)."""

    def advance(self, n: int = 1) -> None:
        """Count `n` more rows done."""

    def set_total(self, total: int | None) -> None:
        """Say how many rows there are in all (None: not known, the bar pulses)."""

    def set_description(self, text: str) -> None:
        """Change the words in front of the bar."""


class _RichProgress(Progress):
    def __init__(self, bar, task_id) -> None:  # noqa: ANN001 - rich objects
        self._bar = bar
        self._task = task_id
        self._pending = 0

    def advance(self, n: int = 1) -> None:
        self._pending += n
        if self._pending >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._bar.advance(self._task, self._pending)
            self._pending = 0

    def set_total(self, total: int | None) -> None:
        self._bar.update(self._task, total=total)

    def set_description(self, text: str) -> None:
        self._bar.update(self._task, description=text)


def _columns(unit: str) -> list:
    from rich.progress import BarColumn, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Column
    from rich.text import Text

    class CountColumn(ProgressColumn):
        def render(self, task) -> Text:  # noqa: ANN001 - rich Task
            done = f"{int(task.completed):,}"
            if task.total is not None:
                done += f"/{int(task.total):,}"
            return Text(f"{done} {unit}", style="progress.download")

    class RateColumn(ProgressColumn):
        # The average since the start, not rich's windowed estimate: steadier to read for a
        # job that lasts seconds to minutes.
        def render(self, task) -> Text:  # noqa: ANN001 - rich Task
            elapsed = task.finished_time if task.finished else task.elapsed
            if not elapsed or not task.completed:
                return Text("")
            return Text(f"{task.completed / elapsed:,.0f} {unit}/s", style="progress.data.speed")

    # The numbers never wrap; on a narrow terminal the description gives way (with an ellipsis).
    def fixed() -> Column:
        return Column(no_wrap=True)

    return [
        SpinnerColumn(),
        TextColumn("{task.description}", table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1)),
        BarColumn(bar_width=20),
        CountColumn(table_column=fixed()),
        RateColumn(table_column=fixed()),
        TimeElapsedColumn(table_column=fixed()),
    ]


@contextmanager
def progress(
    description: str,
    total: int | None = None,
    *,
    unit: str = "rows",
    stream: TextIO | None = None,
    enabled: bool | None = None,
    transient: bool = True,
) -> Iterator[Progress]:
    """A progress bar for the duration of the block; a quiet `Progress` when not on a terminal.

    `enabled` forces drawing on (True) or off (False); by default it follows `is_interactive`.
    """
    stream = sys.stdout if stream is None else stream
    if enabled is None:
        enabled = is_interactive(stream)
    if not enabled:
        yield Progress()
        return
    from rich.console import Console
    from rich.progress import Progress as RichProgress

    console = Console(file=stream, force_terminal=True)
    with RichProgress(
        *_columns(unit),
        console=console,
        transient=transient,
        refresh_per_second=8,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        counter = _RichProgress(bar, bar.add_task(description, total=total))
        try:
            yield counter
        finally:
            counter.flush()
            bar.refresh()


def track(
    iterable: Iterable[T],
    description: str,
    total: int | None = None,
    *,
    unit: str = "rows",
    stream: TextIO | None = None,
    enabled: bool | None = None,
    transient: bool = True,
) -> Iterator[T]:
    """Yield the items of `iterable`, counting each one on a progress bar (see `progress`)."""
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    with progress(description, total, unit=unit, stream=stream, enabled=enabled, transient=transient) as bar:
        for item in iterable:
            yield item
            bar.advance()

"""Progress of ``check`` and ``build`` over many posts, on stderr (stdout stays the --json document).

On a terminal a ``rich`` bar (gone when done) naming the post and, inside a long post, its
formulas typeset k of n. Elsewhere (a CI log) one line every :data:`EVERY` posts, or sooner
once :data:`WORK_EVERY` units of work inside posts (formulas typeset, some ten seconds of a
cold run) were done since the last line, so a long run is seen to move even over a few
posts. A short run says nothing. Counted in posts and units of work, never timed: the same
run prints the same lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from mdwx.publish.results import Events
from mdwx.work_progress import listening

if TYPE_CHECKING:
    from mdwx.source.posts import Post

EVERY = 25  # posts between two progress lines when stderr is not a terminal
WORK_EVERY = 500  # units of work (formulas) inside posts that also earn a line


class PipedProgress:
    """The lines written when stderr is not a terminal (see the module's docstring)."""

    def __init__(self, stream: TextIO, verb: str) -> None:
        self.stream, self.verb = stream, verb
        self.work = 0  # units done since the last line
        self.last: tuple[str, int] | None = None  # the last unit seen: what, done
        self.said = False  # a line was written: the run's end is said too

    def on_work(self, what: str, done: int, total: int) -> None:
        """``done`` of ``total`` units of ``what`` finished in the post being worked on."""
        step = (
            done - self.last[1] if self.last and self.last[0] == what and done > self.last[1] else 1
        )
        self.last = (what, done)
        self.work += step
        if self.work >= WORK_EVERY:
            self._write(f"mdwx: {self.verb}: {what} {done} of {total} in the current post")

    def on_checked(self, post: Post, done: int, total: int) -> None:
        """A post finished, the ``done``-th of ``total``."""
        self.last = None
        if (total >= EVERY and done % EVERY == 0) or (
            done == total and (self.said or total >= EVERY)
        ):
            self._write(f"mdwx: {self.verb} {done} of {total} posts")

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()
        self.work, self.said = 0, True


@contextmanager
def offline_progress(stream: TextIO, verb: str) -> Iterator[Events]:
    """Events whose ``on_checked`` shows progress on ``stream`` (see the module's docstring)."""
    if not stream.isatty():
        piped = PipedProgress(stream, verb)
        with listening(piped.on_work):
            yield Events(on_checked=piped.on_checked)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(file=stream),
        transient=True,
    )
    task = progress.add_task(verb, total=None)
    current = {"post": verb}

    def bar(post: Post, done: int, total: int) -> None:
        current["post"] = f"{verb} {post.path.name}"
        progress.update(task, description=current["post"], completed=done, total=total)

    def work(what: str, done: int, total: int) -> None:
        progress.update(task, description=f"{current['post']} — {what} {done}/{total}")

    with progress, listening(work):
        yield Events(on_checked=bar)

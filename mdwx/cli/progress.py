"""Progress of ``check`` and ``build`` over many posts, on stderr (stdout stays the --json document).

On a terminal a ``rich`` bar (gone when done); elsewhere (a CI log) one line every
:data:`EVERY` posts, so a long run is seen to move. Runs of fewer posts say nothing. Counted
in posts, never timed: the same run prints the same lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from mdwx.publish.results import Events

if TYPE_CHECKING:
    from mdwx.source.posts import Post

EVERY = 25  # posts between two progress lines when stderr is not a terminal


@contextmanager
def offline_progress(stream: TextIO, verb: str) -> Iterator[Events]:
    """Events whose ``on_checked`` shows progress on ``stream`` (see the module's docstring)."""
    if not stream.isatty():

        def line(post: Post, done: int, total: int) -> None:
            if total >= EVERY and (done % EVERY == 0 or done == total):
                stream.write(f"mdwx: {verb} {done} of {total} posts\n")
                stream.flush()

        yield Events(on_checked=line)
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

    def bar(post: Post, done: int, total: int) -> None:
        progress.update(task, description=f"{verb} {post.path.name}", completed=done, total=total)

    with progress:
        yield Events(on_checked=bar)

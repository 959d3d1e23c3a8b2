"""The commands that reach followers: ``preview POST --phone`` and ``send``: printing only.

The work is :mod:`mdwx.api.reach`'s and :mod:`mdwx.api.sending`'s; here its results are
printed: human lines on stderr, or one JSON document on stdout with ``--json`` (an error
too: ``{"error": {...}}``). The exit code follows DESIGN's table (1 a post or a call
failed, 2 usage or configuration).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mdwx.cli.common import EXIT_OK, exit_code_for
from mdwx.errors import MdwxError

if TYPE_CHECKING:
    from mdwx.api import Options

T = TypeVar("T")


def _say(text: str, **style: Any) -> None:
    click.secho(text, err=True, **style)


def run_guarded(work: Callable[[], T], as_json: bool) -> T:
    """``work()``; an :class:`MdwxError` becomes one line on stderr (and ``{"error"}`` on
    stdout with ``--json``) and its exit code."""
    try:
        return work()
    except MdwxError as exc:
        if as_json:
            click.echo(json.dumps({"error": exc.to_json()}, ensure_ascii=False, indent=2))
        _say(f"mdwx: error: {exc}", fg="red")
        sys.exit(exit_code_for(exc))


def run_phone_preview(path: Path, options: Options, *, wxname: str | None, openid: str | None,
                      as_json: bool) -> int:
    """``mdwx preview POST --phone``: send the post to a phone and print what was done."""
    from mdwx.api.reach import phone_preview

    report = run_guarded(lambda: asyncio.run(phone_preview(path, options, wxname=wxname, openid=openid)),
                         as_json)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    for warning in report.warnings:
        _say(f"  warning: {warning}", fg="yellow")
    how = "uploaded the draft and sent it" if report.uploaded else "unchanged: sent the same draft again"
    _say(f"✓ {report.path} → {report.to}'s WeChat ({how})", fg="green")
    _say(f"  {report.previews_left} of 100 previews left today for this account "
         f"({report.previews_used} sent today, counted by mdwx)")
    return EXIT_OK

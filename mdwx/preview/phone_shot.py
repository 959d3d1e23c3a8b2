"""A phone-sized screenshot of a built post's ``preview.html``, when Chromium is installed.

Taken with the browser's own headless ``--screenshot`` (no driver, no download): a PNG of
the page as a phone of :data:`PHONE` CSS pixels shows it. Without a Chromium on this
machine :func:`find_chromium` answers None and callers say so instead of failing; a
browser that fails or hangs raises :class:`~mdwx.errors.MdwxError` after
:data:`TIMEOUT` seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from mdwx.errors import MdwxError

#: Width and height in CSS pixels: a common phone's viewport (WeChat's reader is this wide).
PHONE = (414, 896)
TIMEOUT = 60.0
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The Chromium executable: ``MDWX_CHROMIUM``, else the first of the usual names on PATH."""
    chosen = os.environ.get("MDWX_CHROMIUM", "").strip()
    if chosen:
        return chosen if Path(chosen).is_file() else None
    return next((found for name in _NAMES if (found := shutil.which(name))), None)


def phone_screenshot(page: Path, out: Path, *, browser: str | None = None) -> Path:
    """Draw ``page`` (an HTML file) at phone size into the PNG ``out``; ``out``.

    Raises :class:`MdwxError` when no browser is found or it does not write the picture.
    """
    browser = browser or find_chromium()
    if browser is None:
        raise MdwxError(
            "no Chromium to take a phone screenshot with",
            hint="install chromium, or set MDWX_CHROMIUM to its path",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mdwx-shot-") as profile:
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            f"--window-size={PHONE[0]},{PHONE[1]}",
            f"--screenshot={out}",
            page.resolve().as_uri(),
        ]
        try:
            subprocess.run(
                command, capture_output=True, timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise MdwxError(
                f"the browser could not take the screenshot: {type(exc).__name__}", path=page
            ) from None
    if not out.is_file() or out.stat().st_size == 0:
        raise MdwxError("the browser wrote no screenshot", path=page)
    return out

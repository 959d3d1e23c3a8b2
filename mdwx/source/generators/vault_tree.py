"""A folder without ``.obsidian/`` that is an Obsidian vault all the same.

A vault kept in git without its settings (Obsidian's own help is one) has no marker. Obsidian
syntax in any of its notes (``![[embeds]]``, ``[[wikilinks]]`` outside code) makes the whole
folder a vault, so its notes without links still lose their ``%%comments%%``, ``==marks==``
and ``^block-ids``, and its attachments are found from the vault's root, as Obsidian finds them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from mdwx.source.generators.obsidian import uses_vault_syntax
from mdwx.source.reader import consulted_text

_MAX_NOTES = 5_000  # notes read to decide; a larger tree is judged by its first notes
_SKIP = {"node_modules", "__pycache__"}


def is_unmarked_vault(folder: Path) -> bool:
    """Whether a note under ``folder`` (hidden folders skipped) uses Obsidian's syntax.
    Remembered per folder and its modification time for the run."""
    try:
        stamp = folder.stat().st_mtime_ns
    except OSError:
        return False
    return _scan(folder, stamp)


@lru_cache(maxsize=64)
def _scan(folder: Path, stamp: int) -> bool:
    seen = 0
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP)
        for name in sorted(files):
            if not name.lower().endswith((".md", ".markdown")):
                continue
            seen += 1
            if seen > _MAX_NOTES:
                return False
            text = consulted_text(Path(parent) / name, root=folder)  # capped, confined
            if text is not None and uses_vault_syntax(text):
                return True
    return False
